import { Button, Tag } from 'antd';
import { useNavigate } from 'react-router';
import { useQuery } from 'urql';
import { Loading, Problem } from '../../../shell/problems.tsx';
import { DataTable } from './data-table.tsx';
import { LECTURERS } from './documents.ts';

/** `/office/schools/lecturers`: the 老园丁讲师团, with their topics and lectures so far. */
export default function LecturersPage() {
  const navigate = useNavigate();
  const [{ data, error, fetching }, refetch] = useQuery({ query: LECTURERS, requestPolicy: 'cache-and-network' });
  if (fetching && !data) return <Loading />;
  if (error) return <Problem error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />;
  return (
    <section>
      <h1 className="office-title">讲师</h1>
      <div className="office-toolbar">
        <Button type="primary" onClick={() => navigate('import')}>
          从表格导入
        </Button>
      </div>
      <DataTable
        label="讲师列表"
        rows={data?.lecturers ?? []}
        rowKey={(lecturer) => lecturer.id}
        columns={[
          { title: '姓名', render: (lecturer) => lecturer.name },
          { title: '讲题/专长', render: (lecturer) => lecturer.topics.join('、') || '—' },
          { title: '原任教学校', render: (lecturer) => lecturer.formerSchoolId ?? '—' },
          { title: '已讲', numeric: true, render: (lecturer) => lecturer.lecturesDelivered },
          { title: '待讲', numeric: true, render: (lecturer) => lecturer.lecturesScheduled },
          { title: '状态', render: (lecturer) => (lecturer.retired ? <Tag>已退出</Tag> : '在册') },
        ]}
      />
    </section>
  );
}
