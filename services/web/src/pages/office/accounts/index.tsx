import type { CreateAccountInput } from '@qingmiao/schema';
import { App, Button, Popconfirm, Select } from 'antd';
import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { useMutation, useQuery } from 'urql';
import { errorCode, errorMessage } from '../../../error-messages.ts';
import { Loading, Problem } from '../../../shell/problems.tsx';
import { refusal } from '../../school/mutation-answer.ts';
import '../lectures/lectures.css';
import { PlainTable } from '../lectures/plain-table.tsx';
import { ActivationSlip } from './activation-slip.tsx';
import './accounts.css';
import { CreateAccountForm } from './create-form.tsx';
import { CreateAccount, DisableAccount, EnableAccount, OfficeAccounts, ResetAccount } from './documents.ts';
import { ROLE_LABELS, ROLE_OPTIONS, STATUS_LABELS } from './roles.ts';

type Role = CreateAccountInput['role'];
type Status = keyof typeof STATUS_LABELS;

interface Issued {
  readonly login: string;
  readonly displayName: string;
  readonly code: string;
}

const isRole = (value: string | null): value is Role => value !== null && value in ROLE_LABELS;
const isStatus = (value: string | null): value is Status => value !== null && value in STATUS_LABELS;

/**
 * 账号: the accounts by role, school and status (the filters live in the address, so a school's page links to
 * `/office/accounts?school=<id>`), 新建账号 with its activation code shown once, and per account 停用, 启用 and 重置
 * (a new code, shown once).
 */
export default function AccountsSection() {
  const { message } = App.useApp();
  const [search, setSearch] = useSearchParams();
  const role = search.get('role');
  const schoolId = search.get('school') || null;
  const status = search.get('status');
  const [{ data, error, fetching }, reexecute] = useQuery({
    query: OfficeAccounts,
    variables: { role: isRole(role) ? role : null, schoolId },
    requestPolicy: 'cache-and-network',
  });
  const [, createAccount] = useMutation(CreateAccount);
  const [, resetAccount] = useMutation(ResetAccount);
  const [, disableAccount] = useMutation(DisableAccount);
  const [, enableAccount] = useMutation(EnableAccount);
  const [creating, setCreating] = useState(false);
  const [issued, setIssued] = useState<Issued>();
  const [pending, setPending] = useState<string>();
  const reload = () => reexecute({ requestPolicy: 'network-only' });

  if (error && !data) return <Problem error={error} onRetry={reload} />;
  if (!data) return fetching ? <Loading /> : null;

  const schoolName = new Map(data.schools.map((school) => [school.id, school.name]));
  const accounts = data.accounts.filter((account) => !isStatus(status) || account.status === status);
  const setFilter = (key: string, value: string | undefined) => {
    const next = new URLSearchParams(search);
    if (value) next.set(key, value);
    else next.delete(key);
    setSearch(next, { replace: true });
  };

  const create = async (input: CreateAccountInput) => {
    const answer = await createAccount({ input });
    if (answer.error && errorCode(answer.error) === 'CONFLICT') {
      return { errors: { login: '该登录名已被使用' }, message: '该登录名已被使用，请换一个。' };
    }
    if (answer.error || !answer.data) return answer.error ? refusal(answer.error) : {};
    const { account, activationCode } = answer.data.createAccount;
    setCreating(false);
    setIssued({ login: account.login, displayName: account.displayName, code: activationCode });
    reload();
    return {};
  };

  const act = async (login: string, action: 'disable' | 'enable' | 'reset') => {
    setPending(`${action}:${login}`);
    try {
      const input = { login };
      if (action === 'reset') {
        const answer = await resetAccount({ input });
        if (answer.error || !answer.data) return message.error(errorMessage(answer.error));
        const { account, activationCode } = answer.data.resetAccount;
        setIssued({ login: account.login, displayName: account.displayName, code: activationCode });
      } else {
        const answer = await (action === 'disable' ? disableAccount({ input }) : enableAccount({ input }));
        if (answer.error) {
          // The one refusal particular to accounts: the office must keep an organizer who can sign in.
          const lastOrganizer = action === 'disable' && errorCode(answer.error) === 'CONFLICT';
          return message.error(lastOrganizer ? '不能停用最后一个可用的组织方账号。' : errorMessage(answer.error));
        }
        message.success(action === 'disable' ? `已停用 ${login}` : `已启用 ${login}`);
      }
      reload();
    } finally {
      setPending(undefined);
    }
  };

  type Account = (typeof accounts)[number];
  const actions = (account: Account) => (
    <span className="account-actions">
      {account.status === 'DISABLED' ? (
        <Button
          size="small"
          loading={pending === `enable:${account.login}`}
          onClick={() => act(account.login, 'enable')}
        >
          启用
        </Button>
      ) : (
        <Popconfirm
          title={`停用 ${account.login}？`}
          description="停用后立即无法登录，已登录的也会退出。"
          okText="停用"
          cancelText="不停用"
          onConfirm={() => act(account.login, 'disable')}
        >
          <Button size="small" danger loading={pending === `disable:${account.login}`}>
            停用
          </Button>
        </Popconfirm>
      )}
      <Popconfirm
        title={`重置 ${account.login}？`}
        description="原密码立即失效，须用新的激活码重新激活。"
        okText="重置"
        cancelText="不重置"
        onConfirm={() => act(account.login, 'reset')}
      >
        <Button size="small" loading={pending === `reset:${account.login}`}>
          重置
        </Button>
      </Popconfirm>
    </span>
  );

  return (
    <div className="office-accounts">
      <div className="section-head no-print">
        <h1>账号</h1>
        <Button type="primary" onClick={() => setCreating(true)} disabled={creating || issued !== undefined}>
          新建账号
        </Button>
      </div>
      {issued && <ActivationSlip {...issued} onDone={() => setIssued(undefined)} />}
      {creating && (
        <CreateAccountForm
          schools={data.schools}
          initialSchoolId={schoolId ?? undefined}
          onSubmit={create}
          onCancel={() => setCreating(false)}
        />
      )}
      <div className="account-filters no-print">
        <div className="lecture-filter">
          <label htmlFor="filter-role">角色</label>
          <Select
            id="filter-role"
            allowClear
            placeholder="全部"
            value={isRole(role) ? role : undefined}
            options={ROLE_OPTIONS}
            onChange={(value?: string) => setFilter('role', value)}
          />
        </div>
        <div className="lecture-filter">
          <label htmlFor="filter-school">学校</label>
          <Select
            id="filter-school"
            allowClear
            showSearch={{ optionFilterProp: 'label' }}
            placeholder="全部"
            value={schoolId ?? undefined}
            options={data.schools.map((school) => ({ value: school.id, label: school.name }))}
            onChange={(value?: string) => setFilter('school', value)}
          />
        </div>
        <div className="lecture-filter">
          <label htmlFor="filter-status">状态</label>
          <Select
            id="filter-status"
            allowClear
            placeholder="全部"
            value={isStatus(status) ? status : undefined}
            options={Object.entries(STATUS_LABELS).map(([value, label]) => ({ value, label }))}
            onChange={(value?: string) => setFilter('status', value)}
          />
        </div>
      </div>
      <PlainTable<Account>
        className="no-print account-list"
        rows={accounts}
        rowKey={(account) => account.id}
        empty="没有符合条件的账号"
        columns={[
          { title: '登录名', render: (account) => account.login },
          { title: '显示名称', render: (account) => account.displayName },
          { title: '角色', render: (account) => ROLE_LABELS[account.role] },
          {
            title: '学校',
            render: (account) => (account.schoolId ? (schoolName.get(account.schoolId) ?? account.schoolId) : ''),
          },
          {
            title: '状态',
            render: (account) => (
              <span className={`status-tag status-${account.status}`}>{STATUS_LABELS[account.status]}</span>
            ),
          },
          { title: '操作', render: (account) => actions(account) },
        ]}
      />
    </div>
  );
}
