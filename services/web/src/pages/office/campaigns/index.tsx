import '../../../forms/zod-jitless.ts';
import './campaigns.css';
import { Route, Routes } from 'react-router';
import { CampaignList } from './campaign-list.tsx';
import { CampaignPage } from './campaign-page.tsx';
import { EditCampaign } from './edit-campaign.tsx';
import { NewCampaign } from './new-campaign.tsx';

/** `/office/campaigns/*`: the organizer's home — the campaigns of a year, 新建活动, and each campaign's page and, for a draft, its settings' form. */
export default function Campaigns() {
  return (
    <div className="office-campaigns">
      <Routes>
        <Route index element={<CampaignList />} />
        <Route path="new" element={<NewCampaign />} />
        <Route path=":campaignId" element={<CampaignPage />} />
        <Route path=":campaignId/edit" element={<EditCampaign />} />
      </Routes>
    </div>
  );
}
