import type { SchoolKind } from '@qingmiao/schema';
import { SCHOOL_KIND_LABELS } from '@qingmiao/schema/labels';
import { Alert, App, Button, Card, Input, InputNumber, Select, Space, Switch, Tag } from 'antd';
import { type FormEvent, useMemo, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { useMutation, useQuery } from 'urql';
import { errorMessage } from '../../../error-messages.ts';
import { Loading, Problem } from '../../../shell/problems.tsx';
import { DataTable } from './data-table.tsx';
import { type OfficeSchool, RECORD_ENROLLMENT, REGISTER_SCHOOL, RENAME_SCHOOL, SCHOOLS } from './documents.ts';

const KIND_OPTIONS = (Object.entries(SCHOOL_KIND_LABELS) as [SchoolKind, string][]).map(([value, label]) => ({
  value,
  label,
}));

const studentsIn = (school: OfficeSchool, year: number) =>
  school.enrollments.find((enrollment) => enrollment.year === year)?.students;

/** 登记学校: the bureau code, name, kind, town and 民办, entered by hand. */
function RegisterForm({ onDone }: { readonly onDone: () => void }) {
  const { message } = App.useApp();
  const [{ fetching }, register] = useMutation(REGISTER_SCHOOL);
  const [id, setId] = useState('');
  const [name, setName] = useState('');
  const [kind, setKind] = useState<SchoolKind>();
  const [town, setTown] = useState('');
  const [isPrivate, setPrivate] = useState(false);
  const [problem, setProblem] = useState<string>();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!kind) return setProblem('请选择学校类型。');
    const answer = await register({ input: { id: id.trim() || undefined, name, kind, town, private: isPrivate } });
    if (answer.error) return setProblem(errorMessage(answer.error));
    void message.success(`已登记 ${answer.data?.registerSchool.name}`);
    onDone();
  };
  return (
    <Card size="small" title="登记学校" className="office-gap">
      <form className="office-form" onSubmit={submit} noValidate>
        <div className="office-inline-field">
          <span>学校代码</span>
          <Input
            aria-label="学校代码"
            value={id}
            onChange={(e) => setId(e.target.value)}
            placeholder="不填则自动生成"
          />
        </div>
        <div className="office-inline-field">
          <span>学校名称</span>
          <Input aria-label="学校名称" value={name} onChange={(e) => setName(e.target.value)} required />
        </div>
        <div className="office-inline-field">
          <span>学校类型</span>
          <Select
            aria-label="学校类型"
            value={kind}
            onChange={setKind}
            options={KIND_OPTIONS}
            style={{ minWidth: 140 }}
          />
        </div>
        <div className="office-inline-field">
          <span>镇区</span>
          <Input aria-label="镇区" value={town} onChange={(e) => setTown(e.target.value)} required />
        </div>
        <div className="office-inline-field">
          <span>民办</span>
          <Switch aria-label="民办" checked={isPrivate} onChange={setPrivate} />
        </div>
        {problem && <Alert type="error" title={problem} showIcon />}
        <Space>
          <Button onClick={onDone}>取消</Button>
          <Button type="primary" htmlType="submit" loading={fetching}>
            登记
          </Button>
        </Space>
      </form>
    </Card>
  );
}

/** 更名 and 在校生数 of one school. */
function EditForm({
  school,
  year,
  onDone,
}: {
  readonly school: OfficeSchool;
  readonly year: number;
  readonly onDone: () => void;
}) {
  const { message } = App.useApp();
  const [{ fetching: renaming }, rename] = useMutation(RENAME_SCHOOL);
  const [{ fetching: recording }, record] = useMutation(RECORD_ENROLLMENT);
  const [name, setName] = useState(school.name);
  const [students, setStudents] = useState<number | null>(studentsIn(school, year) ?? null);
  const [problem, setProblem] = useState<string>();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setProblem(undefined);
    if (name.trim() !== school.name) {
      const answer = await rename({ input: { schoolId: school.id, name } });
      if (answer.error) return setProblem(errorMessage(answer.error));
    }
    if (students !== null && students !== studentsIn(school, year)) {
      const answer = await record({ input: { schoolId: school.id, year, students } });
      if (answer.error) return setProblem(errorMessage(answer.error));
    }
    void message.success('已保存');
    onDone();
  };
  return (
    <Card size="small" title={`修改 ${school.name}（${school.id}）`} className="office-gap">
      <form className="office-form" onSubmit={submit} noValidate>
        <div className="office-inline-field">
          <span>学校名称</span>
          <Input aria-label="学校名称" value={name} onChange={(e) => setName(e.target.value)} />
        </div>
        <div className="office-inline-field">
          <span>{year} 年在校生数</span>
          <InputNumber aria-label={`${year} 年在校生数`} min={0} max={100000} value={students} onChange={setStudents} />
        </div>
        {problem && <Alert type="error" title={problem} showIcon />}
        <Space>
          <Button onClick={onDone}>取消</Button>
          <Button type="primary" htmlType="submit" loading={renaming || recording}>
            保存
          </Button>
        </Space>
      </form>
    </Card>
  );
}

/**
 * `/office/schools`: every school with its kind, town and this year's enrollment; search, filters, register, edit, and
 * each school's accounts (账号 → `/office/accounts?school=…`).
 */
export default function SchoolsPage() {
  const navigate = useNavigate();
  const [{ data, error, fetching }, refetch] = useQuery({ query: SCHOOLS, requestPolicy: 'cache-and-network' });
  const [search, setSearch] = useState('');
  const [kind, setKind] = useState<SchoolKind>();
  const [town, setTown] = useState<string>();
  const [year, setYear] = useState(new Date().getFullYear());
  const [editing, setEditing] = useState<OfficeSchool | 'new'>();
  const schools = data?.schools ?? [];
  const towns = useMemo(() => [...new Set(schools.map((school) => school.town))].sort(), [schools]);
  const wanted = search.trim().toLowerCase();
  const shown = schools.filter(
    (school) =>
      (!wanted || school.id.toLowerCase().includes(wanted) || school.name.toLowerCase().includes(wanted)) &&
      (!kind || school.kind === kind) &&
      (!town || school.town === town),
  );
  const done = () => {
    setEditing(undefined);
    refetch({ requestPolicy: 'network-only' });
  };

  if (fetching && !data) return <Loading />;
  if (error) return <Problem error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />;
  return (
    <section>
      <h1 className="office-title">学校与在校生数</h1>
      <div className="office-toolbar">
        <Input.Search
          aria-label="搜索学校名称或代码"
          placeholder="搜索名称或代码"
          allowClear
          value={search}
          onChange={(e) => setSearch(e.target.value)}
          style={{ maxWidth: 260 }}
        />
        <Select
          aria-label="按学校类型筛选"
          value={kind ?? ''}
          onChange={(value: SchoolKind | '') => setKind(value || undefined)}
          options={[{ value: '', label: '全部类型' }, ...KIND_OPTIONS]}
          style={{ minWidth: 130 }}
        />
        <Select
          aria-label="按镇区筛选"
          value={town ?? ''}
          onChange={(value: string) => setTown(value || undefined)}
          options={[{ value: '', label: '全部镇区' }, ...towns.map((value) => ({ value, label: value }))]}
          style={{ minWidth: 120 }}
        />
        <InputNumber
          aria-label="在校生数年度"
          min={2000}
          max={2100}
          value={year}
          onChange={(value) => value && setYear(value)}
        />
        <Button onClick={() => setEditing('new')}>登记学校</Button>
        <Button type="primary" onClick={() => navigate('import')}>
          从表格导入
        </Button>
      </div>
      {editing === 'new' && <RegisterForm onDone={done} />}
      {editing && editing !== 'new' && <EditForm key={editing.id} school={editing} year={year} onDone={done} />}
      <p className="hint" aria-live="polite">
        共 {shown.length} 所学校{shown.length !== schools.length && `（全部 ${schools.length} 所）`}
      </p>
      <DataTable
        label="学校列表"
        className="office-schools-table"
        rows={shown}
        rowKey={(school) => school.id}
        columns={[
          { title: '代码', render: (school) => school.id },
          { title: '名称', render: (school) => school.name },
          { title: '类型', render: (school) => SCHOOL_KIND_LABELS[school.kind] },
          { title: '镇区', render: (school) => school.town },
          { title: '民办', render: (school) => (school.private ? <Tag>民办</Tag> : '—') },
          {
            title: `${year} 年在校生数`,
            numeric: true,
            render: (school) => studentsIn(school, year)?.toLocaleString('zh-CN') ?? '—',
          },
          {
            title: '操作',
            render: (school) => (
              <Space size="small">
                <Button size="small" onClick={() => setEditing(school)} aria-label={`修改 ${school.name}`}>
                  修改
                </Button>
                <Link
                  to={`/office/accounts?school=${encodeURIComponent(school.id)}`}
                  aria-label={`${school.name} 的账号`}
                >
                  账号
                </Link>
              </Space>
            ),
          },
        ]}
      />
    </section>
  );
}
