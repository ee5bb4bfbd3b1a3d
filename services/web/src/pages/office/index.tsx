import { Menu } from 'antd';
import { lazy, Suspense } from 'react';
import { Link, Navigate, Route, Routes, useLocation } from 'react-router';

const Schools = lazy(() => import('./schools/index.tsx'));
const Campaigns = lazy(() => import('./campaigns/index.tsx'));
const Judging = lazy(() => import('./judging/index.tsx'));
const Lectures = lazy(() => import('./lectures/index.tsx'));
const Accounts = lazy(() => import('./accounts/index.tsx'));
const Reports = lazy(() => import('./reports/index.tsx'));

/** The office's sections, in the order of a campaign year. */
const SECTIONS = [
  { path: 'schools', label: '学校与讲师' },
  { path: 'campaigns', label: '活动' },
  { path: 'lectures', label: '讲座' },
  { path: 'accounts', label: '账号' },
  { path: 'reports', label: '报表' },
] as const;

/** `/office/*`: the organizer console, one section per task of the office. */
export default function OfficeConsole() {
  const section = useLocation().pathname.split('/')[2] ?? '';
  return (
    <div className="qm-office">
      <nav aria-label="办公室">
        <Menu
          mode="horizontal"
          // Wrapped rather than folded into "…": folded items stay focusable under aria-hidden (axe: aria-hidden-focus).
          disabledOverflow
          style={{ flexWrap: 'wrap' }}
          selectedKeys={[section]}
          items={[
            ...SECTIONS.map(({ path, label }) => ({ key: path, label: <Link to={`/office/${path}`}>{label}</Link> })),
            { key: 'dashboard', label: <Link to="/dashboard">统计</Link> },
          ]}
        />
      </nav>
      <Suspense>
        <Routes>
          <Route index element={<Navigate to="campaigns" replace />} />
          <Route path="schools/*" element={<Schools />} />
          <Route path="campaigns/:campaignId/judging/*" element={<Judging />} />
          <Route path="campaigns/*" element={<Campaigns />} />
          <Route path="lectures/*" element={<Lectures />} />
          <Route path="accounts/*" element={<Accounts />} />
          <Route path="reports/*" element={<Reports />} />
        </Routes>
      </Suspense>
    </div>
  );
}
