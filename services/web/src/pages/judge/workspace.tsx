import { Alert, Button, Empty, Progress, Tag, Typography } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { Link, Navigate, useNavigate, useParams } from 'react-router';
import { useClient, useMutation, useQuery } from 'urql';
import { errorMessage } from '../../error-messages.ts';
import { Loading, Problem } from '../../shell/problems.tsx';
import { EntryReadingView } from '../entry-reading.tsx';
import { JudgeQueue, type QueueCampaign, type QueueEntryView, RecuseFromEntry } from './documents.ts';
import { nextUnscored, type QueueState, queueMove, queueState } from './queue.ts';
import { ReasonDialog } from './reason-dialog.tsx';
import { RubricForm } from './rubric-form.tsx';
import './judging.css';

const STATE_TAGS: Readonly<Record<QueueState, { readonly label: string; readonly className?: string }>> = {
  unscored: { label: '未评' },
  scored: { label: '已评', className: 'qm-tag-scored' },
  recused: { label: '已回避', className: 'qm-tag-recused' },
};

/** Typing in a field is not a move through the queue. */
const isTyping = (target: EventTarget | null) =>
  target instanceof HTMLElement &&
  (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName));

/**
 * `/judge/campaigns/:campaignId[/entries/:entryId]`: the judge's queue of a campaign (live entries, as blind as the API
 * makes them), their progress as the server counts it, and the open entry's reading pane beside the rubric form.
 * J or Alt+↓ opens the next entry still to score, K or Alt+↑ the one before; 下一篇未评 does the same by pointer.
 */
export default function JudgeWorkspace() {
  const { campaignId = '', entryId } = useParams();
  const navigate = useNavigate();
  const [{ data, error, fetching }, refetch] = useQuery({
    query: JudgeQueue,
    variables: { id: campaignId },
    requestPolicy: 'cache-and-network',
  });
  const [allDone, setAllDone] = useState(false);
  const campaign = data?.campaign;
  const queue = (campaign?.entries ?? []).filter((entry) => entry.status === 'LIVE');

  const move = useCallback(
    (step: 1 | -1) => {
      const next = nextUnscored(queue, entryId, step);
      setAllDone(next === undefined);
      if (next && next !== entryId) navigate(`/judge/campaigns/${campaignId}/entries/${next}`);
    },
    [queue, entryId, campaignId, navigate],
  );

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const step = queueMove(event);
      if (step === undefined || isTyping(event.target) || document.querySelector('dialog[open]')) return;
      event.preventDefault();
      move(step);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [move]);

  const reload = useCallback(() => refetch({ requestPolicy: 'network-only' }), [refetch]);
  const client = useClient();
  // After a score, the queue and the progress are asked again before the answer shows, so that a move to the next
  // unscored entry right after it reads the queue as the server now has it.
  const refresh = useCallback(async () => {
    await client.query(JudgeQueue, { id: campaignId }, { requestPolicy: 'network-only' }).toPromise();
  }, [client, campaignId]);

  if (fetching && !data) return <Loading />;
  if (error && !campaign) return <Problem error={error} onRetry={reload} />;
  if (!campaign?.assignedToMe) return <Empty description="您不在此活动的评审名单中" />;
  const open = queue.find((entry) => entry.id === entryId);
  if (!open && queue.length > 0) {
    const first = nextUnscored(queue, undefined) ?? queue[0]?.id;
    return <Navigate to={`/judge/campaigns/${campaignId}/entries/${first}`} replace />;
  }

  return (
    <section className="qm-judging">
      <Typography.Title level={1} style={{ fontSize: 22 }}>
        {campaign.year} 年 · {campaign.title}
      </Typography.Title>
      <WorkspaceBar campaign={campaign} onNext={() => move(1)} allDone={allDone} />
      {campaign.status === 'RESULTS_PUBLISHED' && <Alert type="info" title="结果已公布，评分已冻结。" />}
      {queue.length === 0 || !open ? (
        <Empty description="此活动暂无作品" />
      ) : (
        <div className="qm-workspace">
          <nav aria-label="待评作品">
            <ol className="qm-queue">
              {queue.map((entry, index) => {
                const state = STATE_TAGS[queueState(entry)];
                return (
                  <li key={entry.id}>
                    <Link
                      to={`/judge/campaigns/${campaignId}/entries/${entry.id}`}
                      aria-current={entry.id === entryId ? 'page' : undefined}
                    >
                      <span className="qm-queue-title">
                        {index + 1}. {entry.title}
                      </span>
                      <Tag className={state.className}>{state.label}</Tag>
                    </Link>
                  </li>
                );
              })}
            </ol>
          </nav>
          <EntryReadingView entryId={open.id}>
            <RubricForm key={open.id} entry={open} rubric={campaign.rubric} onScored={refresh} />
            <Recusal key={`recuse-${open.id}`} entry={open} onRecused={refresh} />
          </EntryReadingView>
        </div>
      )}
    </section>
  );
}

/** Progress as the server counts it, the move to the next unscored entry, and the keys that do the same. */
function WorkspaceBar({
  campaign,
  onNext,
  allDone,
}: {
  readonly campaign: QueueCampaign;
  readonly onNext: () => void;
  readonly allDone: boolean;
}) {
  const progress = campaign.myProgress;
  return (
    <div className="qm-workspace-bar">
      {progress && (
        <div>
          <span>
            评了 {progress.scored} / 共 {progress.assigned}
          </span>
          <Progress
            percent={progress.assigned === 0 ? 100 : Math.round((progress.scored / progress.assigned) * 100)}
            size="small"
            aria-label="评审进度"
            style={{ width: 160, margin: '0 0 0 8px' }}
          />
        </div>
      )}
      <Button onClick={onNext}>下一篇未评</Button>
      <p className="qm-keys qm-field-hint" id="queue-keys">
        快捷键：<kbd>J</kbd> 或 <kbd>Alt</kbd>+<kbd>↓</kbd> 下一篇未评，<kbd>K</kbd> 或 <kbd>Alt</kbd>+<kbd>↑</kbd>{' '}
        上一篇未评（在输入框外）
      </p>
      <div role="status">{allDone ? '已全部评完（或已回避）。' : ''}</div>
    </div>
  );
}

/** 回避 with a reason: the judge steps aside from the entry (it leaves their count) and cannot score it any more. */
function Recusal({ entry, onRecused }: { readonly entry: QueueEntryView; readonly onRecused: () => void }) {
  const [asking, setAsking] = useState(false);
  const [, recuse] = useMutation(RecuseFromEntry);
  if (entry.myRecusal !== null) return null;
  return (
    <>
      <Button danger block onClick={() => setAsking(true)}>
        回避此作品
      </Button>
      {asking && (
        <ReasonDialog
          title={`回避：${entry.title}`}
          hint="回避后您将不能再为此作品评分，此作品不再计入您的评审任务。"
          reasonLabel="回避原因"
          confirmLabel="确认回避"
          danger
          onConfirm={async (reason) => {
            const result = await recuse({ input: { entryId: entry.id, reason } });
            return result.error ? errorMessage(result.error) : undefined;
          }}
          onClose={(done) => {
            setAsking(false);
            if (done) onRecused();
          }}
        />
      )}
    </>
  );
}
