import { ConfigProvider, type ThemeConfig } from 'antd';
import zhCN from 'antd/locale/zh_CN';
import { Suspense, useState } from 'react';
import { createBrowserRouter, RouterProvider } from 'react-router';
import './app.css';
import { routes } from './routes.tsx';
import { SessionProvider } from './session/context.tsx';
import { cspNonce } from './shell/page-meta.ts';
import { Loading } from './shell/problems.tsx';

/**
 * The bureau's green, dark enough for white text on buttons and for links on white, and an error red readable on
 * white (WCAG AA contrast).
 */
const THEME: ThemeConfig = {
  token: {
    colorPrimary: '#1f6b3f',
    colorLink: '#1f6b3f',
    colorInfo: '#1f6b3f',
    colorError: '#c41d1d',
    colorTextDescription: 'rgba(0, 0, 0, 0.65)',
    colorTextTertiary: 'rgba(0, 0, 0, 0.62)',
  },
};

/** Buttons say 登录, not 登 录: Ant Design spaces out two-character labels, which changes their accessible name. */
const NO_SPACE = { autoInsertSpace: false };

/**
 * The app: Chinese Ant Design (its run-time styles carry the page's CSP nonce) around the session and the router.
 * `router` is for tests, which start at a path of their choice.
 */
export function App({ router }: { readonly router?: ReturnType<typeof createBrowserRouter> }) {
  const [appRouter] = useState(() => router ?? createBrowserRouter(routes));
  const nonce = cspNonce();
  return (
    <ConfigProvider locale={zhCN} theme={THEME} button={NO_SPACE} csp={nonce ? { nonce } : undefined}>
      <SessionProvider>
        <Suspense fallback={<Loading />}>
          <RouterProvider router={appRouter} />
        </Suspense>
      </SessionProvider>
    </ConfigProvider>
  );
}
