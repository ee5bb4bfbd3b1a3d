import { lazy } from 'react';
import type { RouteObject } from 'react-router';
import { RequireRole, RequireSession } from './shell/guards.tsx';

/**
 * The app's pages by path. Each page is its own chunk, loaded when first visited, so the sign-in page and the school
 * portal do not carry the charts or the previews. Pages under RequireSession need a signed-in account (else the
 * sign-in page opens and comes back); RequireRole answers other roles with a plain FORBIDDEN sentence.
 */
const page = (load: () => Promise<{ default: React.ComponentType }>) => {
  const Page = lazy(load);
  return <Page />;
};

export const routes: RouteObject[] = [
  { path: '/sign-in', element: page(() => import('./pages/sign-in.tsx')) },
  { path: '/activate', element: page(() => import('./pages/activate.tsx')) },
  {
    element: <RequireSession />,
    children: [
      { path: '/', element: page(() => import('./pages/home.tsx')) },
      {
        element: page(() => import('./shell/layout.tsx')),
        children: [
          { path: '/account/password', element: page(() => import('./pages/account/change-password.tsx')) },
          {
            path: '/school/*',
            element: <RequireRole roles={['school']}>{page(() => import('./pages/school/index.tsx'))}</RequireRole>,
          },
          {
            path: '/dashboard/*',
            element: (
              <RequireRole roles={['viewer', 'organizer']}>
                {page(() => import('./pages/dashboard/index.tsx'))}
              </RequireRole>
            ),
          },
          {
            path: '/office/*',
            element: <RequireRole roles={['organizer']}>{page(() => import('./pages/office/index.tsx'))}</RequireRole>,
          },
          {
            path: '/judge/*',
            element: <RequireRole roles={['judge']}>{page(() => import('./pages/judge/index.tsx'))}</RequireRole>,
          },
          { path: '/entries/:entryId/read', element: page(() => import('./pages/entry-reading.tsx')) },
          { path: '*', element: page(() => import('./pages/not-found.tsx')) },
        ],
      },
    ],
  },
];
