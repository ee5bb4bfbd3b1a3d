import { lazy } from 'react';
import { NavLink, Route, Routes } from 'react-router';
import CampaignsPage from './campaigns-page.tsx';
import MyEntriesPage from './my-entries-page.tsx';
import './school.css';

// The forms carry the participants table and the uploads: loaded when a form is opened.
const SubmitPage = lazy(() => import('./submit-page.tsx'));
const RevisePage = lazy(() => import('./revise-page.tsx'));

/**
 * The school portal, phones first: 本校活动 (campaigns open to the school, results of those over), 提交作品 and
 * 修改作品, 我的作品 (status, results, history, 撤回).
 */
export default function SchoolPortal() {
  return (
    <div className="school-portal">
      <nav className="school-nav" aria-label="学校">
        <NavLink to="/school" end>
          本校活动
        </NavLink>
        <NavLink to="/school/entries" end>
          我的作品
        </NavLink>
      </nav>
      <div className="school-main">
        <Routes>
          <Route index element={<CampaignsPage />} />
          <Route path="campaigns/:campaignId/submit" element={<SubmitPage />} />
          <Route path="entries" element={<MyEntriesPage />} />
          <Route path="entries/:entryId/revise" element={<RevisePage />} />
        </Routes>
      </div>
    </div>
  );
}
