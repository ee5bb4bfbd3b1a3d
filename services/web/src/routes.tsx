import { lazy } from 'react';
import type { RouteObject } from 'react-router';

/**
 * The app's pages by path. Each page is its own chunk, loaded when first visited, so the sign-in page and the school
 * portal do not carry the charts or the previews.
 */
const page = (load: () => Promise<{ default: React.ComponentType }>) => {
  const Page = lazy(load);
  return <Page />;
};

export const routes: RouteObject[] = [
  { path: '/', element: page(() => import('./pages/home.tsx')) },
  { path: '/sign-in', element: page(() => import('./pages/sign-in.tsx')) },
  { path: '/school/*', element: page(() => import('./pages/school/index.tsx')) },
  { path: '/dashboard/*', element: page(() => import('./pages/dashboard/index.tsx')) },
  { path: '/entries/:entryId/read', element: page(() => import('./pages/entry-reading.tsx')) },
];
