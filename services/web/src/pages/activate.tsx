import { Alert, Button, Form, Input } from 'antd';
import { useState } from 'react';
import { Link, Navigate, useSearchParams } from 'react-router';
import { publicRequest } from '../session/api-request.ts';
import { useSession } from '../session/context.tsx';
import { ACTIVATE } from '../session/operations.ts';
import { safeNext } from '../shell/return-to.ts';
import { AuthCard } from './account/auth-card.tsx';
import { confirmRules, passwordRules } from './account/password-rules.ts';
import { signInError } from './account/sign-in-errors.ts';

interface Activation {
  readonly login: string;
  readonly activationCode: string;
  readonly password: string;
  readonly confirm: string;
}

/** 激活账号: the one-time code the office handed over, and the password chosen now; signed in at once. */
export default function ActivatePage() {
  const { state, signedIn } = useSession();
  const [params] = useSearchParams();
  const next = safeNext(params.get('next'));
  const [form] = Form.useForm<Activation>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  if (state.status === 'signedIn') return <Navigate to={next ?? '/'} replace />;

  const submit = async ({ login, activationCode, password }: Activation) => {
    setBusy(true);
    setError(undefined);
    try {
      const input = { login: login.trim(), activationCode: activationCode.trim(), password };
      signedIn((await publicRequest(ACTIVATE, { input })).activateAccount);
    } catch (failure) {
      setError(signInError(failure));
    } finally {
      setBusy(false);
    }
  };

  return (
    <AuthCard title="激活账号">
      {error && <Alert type="error" showIcon role="alert" title={error} style={{ marginBottom: 16 }} />}
      <Form form={form} layout="vertical" requiredMark={false} onFinish={submit} disabled={busy}>
        <Form.Item label="登录名" name="login" rules={[{ required: true, whitespace: true, message: '请输入登录名' }]}>
          <Input autoComplete="username" autoCapitalize="none" spellCheck={false} size="large" />
        </Form.Item>
        <Form.Item
          label="激活码"
          name="activationCode"
          rules={[{ required: true, whitespace: true, message: '请输入管理员提供的激活码' }]}
        >
          <Input autoComplete="one-time-code" autoCapitalize="none" spellCheck={false} size="large" />
        </Form.Item>
        <Form.Item label="设置密码" name="password" dependencies={['login']} rules={passwordRules('login')}>
          <Input.Password autoComplete="new-password" size="large" />
        </Form.Item>
        <Form.Item label="确认密码" name="confirm" dependencies={['password']} rules={confirmRules('password')}>
          <Input.Password autoComplete="new-password" size="large" />
        </Form.Item>
        <Button type="primary" htmlType="submit" block size="large" aria-busy={busy}>
          激活并登录
        </Button>
      </Form>
      <div className="qm-auth-links" style={{ marginTop: 12 }}>
        <Link to={next ? `/sign-in?next=${encodeURIComponent(next)}` : '/sign-in'}>已有密码？去登录</Link>
      </div>
    </AuthCard>
  );
}
