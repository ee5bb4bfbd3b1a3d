import { Alert, Button, Divider, Form, Input } from 'antd';
import { useState } from 'react';
import { Link, Navigate, useSearchParams } from 'react-router';
import { publicRequest } from '../session/api-request.ts';
import { useSession } from '../session/context.tsx';
import { SIGN_IN } from '../session/operations.ts';
import { ssoConfigured } from '../shell/page-meta.ts';
import { safeNext } from '../shell/return-to.ts';
import { AuthCard } from './account/auth-card.tsx';
import { signInError } from './account/sign-in-errors.ts';

interface Credentials {
  readonly login: string;
  readonly password: string;
}

/** 登录: login and password (or single sign-on), then back to the page that asked, else the role's home. */
export default function SignInPage() {
  const { state, signedIn } = useSession();
  const [params] = useSearchParams();
  const next = safeNext(params.get('next'));
  const [form] = Form.useForm<Credentials>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  if (state.status === 'signedIn') return <Navigate to={next ?? '/'} replace />;

  const submit = async ({ login, password }: Credentials) => {
    setBusy(true);
    setError(undefined);
    try {
      signedIn((await publicRequest(SIGN_IN, { input: { login: login.trim(), password } })).signIn);
    } catch (failure) {
      form.setFieldValue('password', '');
      setError(signInError(failure));
    } finally {
      setBusy(false);
    }
  };

  const carried = next ? `?next=${encodeURIComponent(next)}` : '';
  return (
    <AuthCard title="登录">
      {params.get('expired') && !error && (
        <Alert type="info" showIcon title="登录已过期，请重新登录。" style={{ marginBottom: 16 }} />
      )}
      {error && <Alert type="error" showIcon role="alert" title={error} style={{ marginBottom: 16 }} />}
      <Form form={form} layout="vertical" requiredMark={false} onFinish={submit} disabled={busy}>
        <Form.Item label="登录名" name="login" rules={[{ required: true, whitespace: true, message: '请输入登录名' }]}>
          <Input autoComplete="username" autoCapitalize="none" spellCheck={false} size="large" />
        </Form.Item>
        <Form.Item label="密码" name="password" rules={[{ required: true, message: '请输入密码' }]}>
          <Input.Password autoComplete="current-password" size="large" />
        </Form.Item>
        <Button type="primary" htmlType="submit" block size="large" aria-busy={busy}>
          登录
        </Button>
      </Form>
      <div className="qm-auth-links" style={{ marginTop: 12 }}>
        <Link to={`/activate${carried}`}>有激活码？激活账号</Link>
      </div>
      {ssoConfigured() && (
        <>
          <Divider plain>或</Divider>
          <Button block size="large" href={`/auth/oidc/start?returnTo=${encodeURIComponent(next ?? '/')}`}>
            使用统一身份认证登录
          </Button>
        </>
      )}
    </AuthCard>
  );
}
