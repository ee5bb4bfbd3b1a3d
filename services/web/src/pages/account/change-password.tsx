import { Alert, Button, Form, Input } from 'antd';
import { useState } from 'react';
import { useMutation } from 'urql';
import { CHANGE_PASSWORD } from '../../session/operations.ts';
import { confirmRules, passwordRules } from './password-rules.ts';
import { signInError } from './sign-in-errors.ts';

interface PasswordChange {
  readonly currentPassword: string;
  readonly newPassword: string;
  readonly confirm: string;
}

/** 修改密码: the current password, and the new one twice. */
export default function ChangePasswordPage() {
  const [form] = Form.useForm<PasswordChange>();
  const [{ fetching }, changePassword] = useMutation(CHANGE_PASSWORD);
  const [outcome, setOutcome] = useState<{ readonly ok: boolean; readonly message: string }>();

  const submit = async ({ currentPassword, newPassword }: PasswordChange) => {
    setOutcome(undefined);
    const result = await changePassword({ input: { currentPassword, newPassword } });
    if (result.error) {
      setOutcome({ ok: false, message: signInError(result.error) });
      return;
    }
    form.resetFields();
    setOutcome({ ok: true, message: '密码已修改。' });
  };

  return (
    <section className="qm-auth-card qm-panel" style={{ margin: '0 auto' }} aria-labelledby="qm-password-title">
      <h1 className="qm-auth-title" id="qm-password-title">
        修改密码
      </h1>
      {outcome && (
        <Alert
          type={outcome.ok ? 'success' : 'error'}
          showIcon
          role={outcome.ok ? 'status' : 'alert'}
          title={outcome.message}
          style={{ marginBottom: 16 }}
        />
      )}
      <Form form={form} layout="vertical" requiredMark={false} onFinish={submit} disabled={fetching}>
        <Form.Item label="当前密码" name="currentPassword" rules={[{ required: true, message: '请输入当前密码' }]}>
          <Input.Password autoComplete="current-password" size="large" />
        </Form.Item>
        <Form.Item label="新密码" name="newPassword" rules={passwordRules()}>
          <Input.Password autoComplete="new-password" size="large" />
        </Form.Item>
        <Form.Item label="确认新密码" name="confirm" dependencies={['newPassword']} rules={confirmRules('newPassword')}>
          <Input.Password autoComplete="new-password" size="large" />
        </Form.Item>
        <Button type="primary" htmlType="submit" block size="large" aria-busy={fetching}>
          修改密码
        </Button>
      </Form>
    </section>
  );
}
