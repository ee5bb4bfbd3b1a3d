import type { ResultOf } from '@qingmiao/schema/graphql';
import { Alert, Skeleton } from 'antd';
import { useMemo } from 'react';
import { Link, useParams } from 'react-router';
import { useQuery } from 'urql';
import { EntryToRevise } from './documents.ts';
import type { EntryDraft } from './entry-draft.ts';
import { blankRow } from './participant-rows.ts';
import { useSchoolCampaigns } from './school-data.ts';
import { EntryFormPage } from './submit-page.tsx';

type Entry = NonNullable<ResultOf<typeof EntryToRevise>['entry']>;

/** The form filled with the entry as it stands; its files count as uploaded. */
function draftOf(entry: Entry): EntryDraft {
  const participants = (entry.participants ?? []).map((participant) => ({
    rowId: crypto.randomUUID(),
    name: participant.name,
    role: participant.role,
    grade: participant.grade ?? '',
    key: participant.key ?? '',
    guardianConsent: participant.guardianConsent !== null,
  }));
  return {
    title: entry.title,
    participants: participants.length ? participants : [blankRow()],
    advisor: entry.advisor ?? '',
    body: entry.body ?? '',
    attachments: entry.attachments.map((file) => ({
      key: file.id,
      id: file.id,
      name: file.name,
      size: file.size,
      state: 'done' as const,
      progress: 1,
    })),
    genre: entry.performance?.genre ?? '',
    minutes: entry.performance ? String(entry.performance.durationMinutes) : '',
    videoLink: entry.performance?.videoLink ?? '',
  };
}

/** 修改作品: an entry of the school, while its campaign is open. */
export default function RevisePage() {
  const { entryId = '' } = useParams();
  const [answer] = useQuery({ query: EntryToRevise, variables: { id: entryId }, requestPolicy: 'network-only' });
  const { campaigns, fetching } = useSchoolCampaigns();
  const entry = answer.data?.entry ?? undefined;
  const campaign = campaigns.find((candidate) => candidate.id === entry?.campaignId);
  const initial = useMemo(() => (entry ? draftOf(entry) : undefined), [entry]);
  if (answer.error) return <Alert type="error" title="作品加载失败，请刷新重试。" />;
  if (answer.fetching || (fetching && !campaign)) return <Skeleton active />;
  if (!entry || !campaign || !initial || entry.status !== 'LIVE' || campaign.status !== 'OPEN') {
    return (
      <Alert
        type="warning"
        title="该作品现在不能修改（已撤回，或活动已截止）。"
        action={<Link to="/school/entries">返回我的作品</Link>}
      />
    );
  }
  return (
    <EntryFormPage
      key={entry.id}
      campaign={campaign}
      initial={initial}
      target={{ mode: 'revise', entryId: entry.id }}
      heading="修改作品"
    />
  );
}
