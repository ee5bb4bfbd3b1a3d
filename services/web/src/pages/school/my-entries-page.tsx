import type { ResultOf } from '@qingmiao/schema/graphql';
import { CAMPAIGN_KIND_LABELS, PRIZE_LABELS } from '@qingmiao/schema/labels';
import { Alert, App, Button, Card, Empty, Skeleton, Tag, Timeline } from 'antd';
import { lazy, Suspense, useState } from 'react';
import { Link } from 'react-router';
import { useQuery } from 'urql';
import { errorMessage } from '../../error-messages.ts';
import { EntryHistory } from './documents.ts';
import { formatTime, type SchoolCampaign, useSchoolCampaigns } from './school-data.ts';

type Entry = SchoolCampaign['entries'][number];

// With the schemas (zod) it checks the reason with: loaded when 撤回 is first pressed, not with the page.
const WithdrawDialog = lazy(() => import('./withdraw-dialog.tsx'));

/** What each event of an entry's history means to the school. */
const EVENTS: Readonly<Record<string, string>> = {
  EntrySubmitted: '提交',
  EntryRevised: '修改',
  EntryWithdrawn: '撤回',
  EntryAwarded: '获奖',
  AwardRevoked: '撤销奖项',
  EntryRated: '评定星级',
};

const ROLES: Readonly<Record<string, string>> = {
  school: '本校',
  organizer: '关工委办公室',
  judge: '评委',
};

type HistoryEvent = ResultOf<typeof EntryHistory>['entryHistory'][number];

/** Text of one field of an event's data, if it is text. */
function dataField(event: HistoryEvent, field: string): string | undefined {
  try {
    const value = (JSON.parse(event.data) as Record<string, unknown>)[field];
    return typeof value === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}

const isPrize = (value: string | undefined): value is keyof typeof PRIZE_LABELS =>
  value !== undefined && value in PRIZE_LABELS;

/** What a change did, beyond its kind: the files it added and removed, the reason, the prize. */
function details(event: HistoryEvent): string[] {
  const lines = [
    ...(event.attachmentsAdded.length ? [`附件：添加 ${event.attachmentsAdded.join('、')}`] : []),
    ...(event.attachmentsRemoved.length ? [`附件：移除 ${event.attachmentsRemoved.join('、')}`] : []),
  ];
  const reason = dataField(event, 'reason');
  if (reason) lines.push(`原因：${reason}`);
  const prize = dataField(event, 'prize');
  if (isPrize(prize)) lines.push(PRIZE_LABELS[prize]);
  return lines;
}

function History({ entryId }: { readonly entryId: string }) {
  const [answer] = useQuery({ query: EntryHistory, variables: { entryId }, requestPolicy: 'network-only' });
  if (answer.fetching) return <Skeleton active paragraph={{ rows: 2 }} />;
  if (answer.error) return <Alert type="error" title={errorMessage(answer.error)} />;
  return (
    <Timeline
      className="history"
      items={(answer.data?.entryHistory ?? []).map((event) => ({
        content: (
          <>
            <strong>{EVENTS[event.type] ?? event.type}</strong>
            <span className="hint">
              {' '}
              {formatTime(event.recordedAt)} · {ROLES[event.role] ?? event.role}
            </span>
            {details(event).map((line) => (
              <div key={line} className="history-detail">
                {line}
              </div>
            ))}
          </>
        ),
      }))}
    />
  );
}

function Result({ campaign, entry }: { readonly campaign: SchoolCampaign; readonly entry: Entry }) {
  if (campaign.status !== 'RESULTS_PUBLISHED') {
    return campaign.status === 'CLOSED' ? <span className="hint">评审中，结果公布后可见</span> : null;
  }
  return (
    <span className="result">
      {entry.prize ? (
        <span className="badge is-prize">{PRIZE_LABELS[entry.prize]}</span>
      ) : entry.stars === null ? (
        '未获奖'
      ) : null}
      {entry.stars !== null && <span>评定 {entry.stars} 星</span>}
      {entry.meanScore !== null && <span className="hint">平均分 {entry.meanScore.toFixed(1)}</span>}
    </span>
  );
}

function EntryCard({
  campaign,
  entry,
  onWithdraw,
}: {
  campaign: SchoolCampaign;
  entry: Entry;
  onWithdraw: () => void;
}) {
  const [showHistory, setShowHistory] = useState(false);
  const live = entry.status === 'LIVE';
  const open = campaign.status === 'OPEN';
  return (
    <Card className="entry-card" title={<h3 className="card-title">{entry.title}</h3>}>
      <p className="campaign-meta">
        <Tag>{CAMPAIGN_KIND_LABELS[campaign.kind]}</Tag>
        <span>{campaign.title}</span>
      </p>
      <p className="entry-status">
        <span className={`badge ${live ? 'is-live' : 'is-plain'}`}>{live ? '已提交' : '已撤回'}</span>
        {live && <Result campaign={campaign} entry={entry} />}
      </p>
      <div className="entry-actions">
        {live && open && (
          <>
            <Link className="action-link secondary" to={`/school/entries/${encodeURIComponent(entry.id)}/revise`}>
              修改<span className="visually-hidden">：{entry.title}</span>
            </Link>
            <Button danger onClick={onWithdraw}>
              撤回
            </Button>
          </>
        )}
        <Button aria-expanded={showHistory} onClick={() => setShowHistory((shown) => !shown)}>
          {showHistory ? '收起记录' : '查看记录'}
        </Button>
      </div>
      {showHistory && <History entryId={entry.id} />}
    </Card>
  );
}

/** 我的作品: the school's entries with their status, results once published, history, and 撤回 with a reason. */
export default function MyEntriesPage() {
  const { campaigns, fetching, error, school, reload } = useSchoolCampaigns();
  const [withdrawing, setWithdrawing] = useState<Entry>();
  const { message } = App.useApp();
  if (error) return <Alert type="error" title={errorMessage(error)} />;
  if (fetching && !school) return <Skeleton active />;
  const withEntries = campaigns.filter((campaign) => campaign.entries.length > 0);
  return (
    <>
      <h1 className="page-title">我的作品</h1>
      {withEntries.length === 0 ? (
        <Empty
          description={
            <>
              还没有作品。<Link to="/school">去本校活动提交</Link>
            </>
          }
        />
      ) : (
        withEntries.map((campaign) =>
          campaign.entries.map((entry) => (
            <EntryCard key={entry.id} campaign={campaign} entry={entry} onWithdraw={() => setWithdrawing(entry)} />
          )),
        )
      )}
      {withdrawing && (
        <Suspense>
          <WithdrawDialog
            entry={withdrawing}
            onClose={(done) => {
              setWithdrawing(undefined);
              if (done) {
                void message.success('已撤回');
                reload();
              }
            }}
          />
        </Suspense>
      )}
    </>
  );
}
