import { lazy, Suspense } from 'react';
import { Route, Routes } from 'react-router';
import { Loading } from '../../shell/problems.tsx';
import JudgeCampaignList from './campaign-list.tsx';

// The workspace brings the reading pane (and through it the previews): it loads when a campaign is opened.
const Workspace = lazy(() => import('./workspace.tsx'));

/** `/judge/*`: the judge's campaigns, and per campaign the workspace with its queue. */
export default function JudgeHome() {
  return (
    <Suspense fallback={<Loading />}>
      <Routes>
        <Route index element={<JudgeCampaignList />} />
        <Route path="campaigns/:campaignId" element={<Workspace />} />
        <Route path="campaigns/:campaignId/entries/:entryId" element={<Workspace />} />
      </Routes>
    </Suspense>
  );
}
