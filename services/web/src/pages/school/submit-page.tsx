import { CAMPAIGN_KIND_LABELS } from '@qingmiao/schema/labels';
import { Alert, App, Skeleton } from 'antd';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { useMutation } from 'urql';
import { ReviseEntry, SubmitEntry } from './documents.ts';
import { type EntryDraft, emptyDraft, type Target } from './entry-draft.ts';
import { EntryForm } from './entry-form.tsx';
import { refusal } from './mutation-answer.ts';
import { blankRow } from './participant-rows.ts';
import { mayEnter, type SchoolCampaign, useSchoolCampaigns } from './school-data.ts';
import { useUpload } from './use-upload.ts';

interface FormPageProps {
  readonly campaign: SchoolCampaign;
  readonly initial: EntryDraft;
  readonly target: Target;
  readonly heading: string;
}

/** The entry form of a campaign, sending to submitEntry or reviseEntry, then back to 我的作品. */
export function EntryFormPage({ campaign, initial, target, heading }: FormPageProps) {
  const [, submitEntry] = useMutation(SubmitEntry);
  const [, reviseEntry] = useMutation(ReviseEntry);
  const navigate = useNavigate();
  const { message } = App.useApp();
  const upload = useUpload();
  return (
    <>
      <h1 className="page-title">{heading}</h1>
      <p className="hint">
        {CAMPAIGN_KIND_LABELS[campaign.kind]} · {campaign.title}
      </p>
      <EntryForm
        kind={campaign.kind}
        requireGuardianConsent={campaign.requireGuardianConsent}
        initial={initial}
        target={target}
        upload={upload}
        onSubmit={async (accepted) => {
          const answer =
            accepted.mode === 'submit'
              ? await submitEntry({ input: accepted.input })
              : await reviseEntry({ input: accepted.input });
          if (answer.error) return refusal(answer.error);
          void message.success(accepted.mode === 'submit' ? '已提交' : '已保存修改');
          await navigate('/school/entries');
          return {};
        }}
      />
    </>
  );
}

/** 提交作品: a new entry. Its submissionId is made when the page opens, so sending again never makes a second one. */
export default function SubmitPage() {
  const { campaignId } = useParams();
  const { campaigns, schoolId, fetching, error } = useSchoolCampaigns();
  const [submissionId] = useState(() => crypto.randomUUID());
  const [initial] = useState(() => emptyDraft([blankRow()]));
  const campaign = campaigns.find((candidate) => candidate.id === campaignId);
  if (error) return <Alert type="error" title="活动加载失败，请刷新重试。" />;
  if (fetching && !campaign) return <Skeleton active />;
  if (!campaign || !schoolId || !mayEnter(campaign)) {
    return (
      <Alert
        type="warning"
        title="该活动目前不能提交作品（未开放、已截止或已达上限）。"
        action={<Link to="/school">返回本校活动</Link>}
      />
    );
  }
  return (
    <EntryFormPage
      campaign={campaign}
      initial={initial}
      target={{ mode: 'submit', submissionId, campaignId: campaign.id, schoolId }}
      heading={campaign.kind === 'EVALUATION' ? '提交申请' : '提交作品'}
    />
  );
}
