import '../../../forms/zod-jitless.ts';
import { CAMPAIGN_KIND_LABELS } from '@qingmiao/schema';
import { App } from 'antd';
import { Link, useNavigate, useParams } from 'react-router';
import { useMutation, useQuery } from 'urql';
import type { FormAnswer } from '../../../forms/form-sending.ts';
import { Loading, Problem } from '../../../shell/problems.tsx';
import { type CreateInput, campaignDraftOf } from './campaign-draft.ts';
import { ChangeCampaignSettings, OfficeCampaign } from './documents.ts';
import { StatusBadge } from './labels.tsx';
import { CampaignWizard, wizardRefusal } from './wizard.tsx';

// Someone opened or cancelled the campaign meanwhile: its settings are those schools enter under now.
const NO_LONGER_DRAFT: FormAnswer = {
  message: '活动已不是草稿（已开启或已取消），设置不能再修改。请返回活动页刷新。',
};

/** `/office/campaigns/:id/edit`: a draft's settings in the wizard's form, saved as a whole (changeCampaignSettings). */
export function EditCampaign() {
  const { campaignId = '' } = useParams();
  const navigate = useNavigate();
  const { message } = App.useApp();
  // The campaign page's answer (cache-first): were the campaign opened meanwhile, the server refuses the change.
  const [{ data, error, fetching }, refetch] = useQuery({ query: OfficeCampaign, variables: { id: campaignId } });
  const [, changeSettings] = useMutation(ChangeCampaignSettings);
  if (error) return <Problem error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />;
  if (fetching && !data) return <Loading />;
  const campaign = data?.campaign;
  const back = <Link to={`/office/campaigns/${encodeURIComponent(campaignId)}`}>← 返回活动</Link>;
  if (!campaign) {
    return (
      <section>
        <h1 className="page-title">找不到活动 {campaignId}</h1>
        <Link to="/office/campaigns">返回活动列表</Link>
      </section>
    );
  }
  if (campaign.status !== 'DRAFT') {
    return (
      <section>
        <p>{back}</p>
        <h1 className="page-title">编辑活动：{campaign.title}</h1>
        <p role="alert">
          只有草稿活动可以修改设置；此活动现为 <StatusBadge status={campaign.status} />。
        </p>
      </section>
    );
  }

  const submit = async ({ kind: _kind, year: _year, ...settings }: CreateInput): Promise<FormAnswer> => {
    const answer = await changeSettings({ input: { ...settings, id: campaign.id } });
    if (answer.error) return wizardRefusal(answer.error, NO_LONGER_DRAFT);
    message.success('已保存活动设置');
    navigate(`/office/campaigns/${encodeURIComponent(campaign.id)}`);
    return {};
  };

  return (
    <section>
      <p>{back}</p>
      <h1 className="page-title">
        编辑{CAMPAIGN_KIND_LABELS[campaign.kind]}活动：{campaign.title}
      </h1>
      <CampaignWizard key={campaign.id} initial={campaignDraftOf(campaign)} editing idTail="" onSubmit={submit} />
    </section>
  );
}
