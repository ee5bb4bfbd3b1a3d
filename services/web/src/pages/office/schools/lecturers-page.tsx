import { Button, Tag } from 'antd';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { useQuery } from 'urql';
import { Loading, Problem } from '../../../shell/problems.tsx';
import { DataTable } from './data-table.tsx';
import { LECTURERS } from './documents.ts';
import { LecturerForm } from './lecturer-form.tsx';

/** `/office/schools/lecturers`: the 老园丁讲师团, with their topics and lectures so far; 登记讲师 by hand or import. */
export default function LecturersPage() {
  const navigate = useNavigate();
  const [{ data, error, fetching }, refetch] = useQuery({ query: LECTURERS, requestPolicy: 'cache-and-network' });
  const [registering, setRegistering] = useState(false);
  const schools = data?.schools ?? [];
  const schoolNames = new Map(schools.map((school) => [school.id, school.name]));
  const done = () => {
    setRegistering(false);
    refetch({ requestPolicy: 'network-only' });
  };
  if (fetching && !data) return <Loading />;
  if (error) return <Problem error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />;
  return (
    <section>
      <h1 className="office-title">讲师</h1>
      <div className="office-toolbar">
        <Button onClick={() => setRegistering(true)}>登记讲师</Button>
        <Button type="primary" onClick={() => navigate('import')}>
          从表格导入
        </Button>
      </div>
      {registering && <LecturerForm schools={schools} onDone={done} />}
      <DataTable
        label="讲师列表"
        rows={data?.lecturers ?? []}
        rowKey={(lecturer) => lecturer.id}
        columns={[
          { title: '姓名', render: (lecturer) => lecturer.name },
          { title: '讲题/专长', render: (lecturer) => lecturer.topics.join('、') || '—' },
          {
            title: '原任教学校',
            render: (lecturer) =>
              lecturer.formerSchoolId ? (schoolNames.get(lecturer.formerSchoolId) ?? lecturer.formerSchoolId) : '—',
          },
          { title: '已讲', numeric: true, render: (lecturer) => lecturer.lecturesDelivered },
          { title: '待讲', numeric: true, render: (lecturer) => lecturer.lecturesScheduled },
          { title: '状态', render: (lecturer) => (lecturer.retired ? <Tag>已退出</Tag> : '在册') },
        ]}
      />
    </section>
  );
}
