import { App as AntApp, Button, Layout, Typography } from 'antd';
import { Link, Outlet, useNavigate } from 'react-router';
import { useAccount, useSession } from '../session/context.tsx';

const ROLE_NAMES = { school: '学校', organizer: '组织方', viewer: '领导', judge: '评委' } as const;

/**
 * The frame of every signed-in page: the app's name, who is signed in, 修改密码 and 退出登录; inside Ant Design's App,
 * so that pages have `App.useApp()` (message, modal, notification). Its own chunk: the sign-in page needs none of it.
 */
export default function AppLayout() {
  const account = useAccount();
  const { signOut } = useSession();
  const navigate = useNavigate();
  return (
    <AntApp>
      <Layout className="qm-layout">
        <Layout.Header className="qm-header">
          <Link to="/" className="qm-brand">
            青苗
          </Link>
          <Typography.Text className="qm-who" ellipsis>
            {account.displayName}({ROLE_NAMES[account.role]})
          </Typography.Text>
          <nav className="qm-actions" aria-label="账号">
            <Link to="/account/password" className="qm-action-link">
              修改密码
            </Link>
            <Button
              type="text"
              className="qm-action"
              onClick={async () => {
                await signOut();
                navigate('/sign-in', { replace: true });
              }}
            >
              退出登录
            </Button>
          </nav>
        </Layout.Header>
        <Layout.Content className="qm-content">
          <Outlet />
        </Layout.Content>
      </Layout>
    </AntApp>
  );
}
