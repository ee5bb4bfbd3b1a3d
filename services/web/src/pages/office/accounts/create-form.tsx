import '../../../forms/zod-jitless.ts';
import { CreateAccountInput } from '@qingmiao/schema';
import { Alert, Button, Form, Input, Select } from 'antd';
import { type FormEvent, useState } from 'react';
import { describedBy, Field } from '../../../forms/field.tsx';
import { type FieldErrors, fieldErrors } from '../../../forms/field-errors.ts';
import { type FormAnswer, useFormSending } from '../../../forms/form-sending.ts';
import { ROLE_OPTIONS } from './roles.ts';

interface Props {
  readonly schools: readonly { readonly id: string; readonly name: string }[];
  readonly initialSchoolId?: string;
  readonly onSubmit: (input: CreateAccountInput) => Promise<FormAnswer>;
  readonly onCancel: () => void;
}

type Role = CreateAccountInput['role'];

/** The schema's own checks, worded for people where the zod wording of the portal does not fit. */
function accountErrors(issues: Parameters<typeof fieldErrors>[0]): FieldErrors {
  const errors: Record<string, string> = { ...fieldErrors(issues) };
  if (errors.login) errors.login = '须为 2–63 位小写字母、数字、点、横线或下划线，或一个邮箱地址';
  if (errors.role) errors.role = '请选择角色';
  if (errors.schoolId) errors.schoolId = '学校账号须选择学校';
  return errors;
}

/** 新建账号: login, display name, role, and the school a school account acts for; checked with the server's schema. */
export function CreateAccountForm({ schools, initialSchoolId, onSubmit, onCancel }: Props) {
  const [login, setLogin] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [role, setRole] = useState<Role | undefined>(initialSchoolId ? 'school' : undefined);
  const [schoolId, setSchoolId] = useState(initialSchoolId);
  const { errors, message, sending, show, send } = useFormSending();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (sending) return;
    const parsed = CreateAccountInput.safeParse({
      login,
      displayName,
      role,
      schoolId: role === 'school' ? schoolId : undefined,
    });
    if (!parsed.success) {
      show({ errors: accountErrors(parsed.error.issues), message: '请按提示修改后再提交。' });
      return;
    }
    await send(() => onSubmit(parsed.data));
  };

  return (
    <Form layout="vertical" component={false}>
      <form className="account-form" onSubmit={submit} noValidate aria-labelledby="create-title">
        <h2 id="create-title">新建账号</h2>
        {message && <Alert type="error" showIcon role="alert" title={message} />}
        <Field id="account-login" label="登录名" error={errors.login} required>
          <Input
            id="account-login"
            autoCapitalize="none"
            spellCheck={false}
            value={login}
            onChange={(event) => setLogin(event.target.value)}
            {...describedBy('account-login', errors.login)}
          />
        </Field>
        <Field id="account-name" label="显示名称" error={errors.displayName} required>
          <Input
            id="account-name"
            value={displayName}
            onChange={(event) => setDisplayName(event.target.value)}
            {...describedBy('account-name', errors.displayName)}
          />
        </Field>
        <Field id="account-role" label="角色" error={errors.role} required>
          <Select
            id="account-role"
            value={role}
            options={ROLE_OPTIONS}
            placeholder="选择角色"
            onChange={(value: Role) => setRole(value)}
            {...describedBy('account-role', errors.role)}
          />
        </Field>
        {role === 'school' && (
          <Field id="account-school" label="学校" error={errors.schoolId} required>
            <Select
              id="account-school"
              showSearch={{ optionFilterProp: 'label' }}
              value={schoolId}
              options={schools.map((school) => ({ value: school.id, label: school.name }))}
              placeholder="选择学校"
              onChange={(value: string) => setSchoolId(value)}
              {...describedBy('account-school', errors.schoolId)}
            />
          </Field>
        )}
        <div className="form-actions">
          <Button onClick={onCancel}>关闭</Button>
          <Button type="primary" htmlType="submit" disabled={sending}>
            {sending ? '正在创建…' : '创建'}
          </Button>
        </div>
      </form>
    </Form>
  );
}
