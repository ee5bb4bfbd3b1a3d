import { Alert, Button, Progress, Select, Table, Typography } from 'antd';
import { useState } from 'react';
import { useMutation } from 'urql';
import { errorMessage } from '../../../error-messages.ts';
import { ReasonDialog } from '../../judge/reason-dialog.tsx';
import { AssignJudge, type JudgeAccount, type JudgingCampaign, UnassignJudge } from './documents.ts';

interface Props {
  readonly campaign: JudgingCampaign;
  readonly judgeAccounts: readonly JudgeAccount[];
  readonly onChanged: () => void;
}

/**
 * 评委: the campaign's panel with each judge's progress (scored of the live entries they have not stepped aside
 * from, as the server counts), a judge account to add, and 移除 for one on the panel.
 */
export function Panel({ campaign, judgeAccounts, onChanged }: Props) {
  const [chosen, setChosen] = useState<string>();
  const [answer, setAnswer] = useState<{ ok: boolean; text: string }>();
  const [removing, setRemoving] = useState<string>();
  const [{ fetching }, assign] = useMutation(AssignJudge);
  const [, unassign] = useMutation(UnassignJudge);
  const nameOf = (judge: string) => {
    const account = judgeAccounts.find((candidate) => candidate.id === judge);
    return account ? `${account.displayName}（${account.login}）` : judge;
  };
  const candidates = judgeAccounts.filter(
    (account) => account.status !== 'DISABLED' && !campaign.judges.includes(account.id),
  );
  const progress = new Map(campaign.judgingProgress.map((row) => [row.judge, row]));

  const add = async () => {
    if (!chosen) {
      setAnswer({ ok: false, text: '请先选择评委。' });
      return;
    }
    const result = await assign({ input: { campaignId: campaign.id, judge: chosen } });
    if (result.error) setAnswer({ ok: false, text: errorMessage(result.error) });
    else {
      setAnswer({ ok: true, text: `已分配评委：${nameOf(chosen)}` });
      setChosen(undefined);
      onChanged();
    }
  };

  return (
    <section aria-labelledby="panel-title">
      <Typography.Title level={2} id="panel-title" style={{ fontSize: 18 }}>
        评委与进度
      </Typography.Title>
      <div className="qm-award-cell">
        <Select
          aria-label="选择评委"
          placeholder="选择评委账号"
          value={chosen}
          onChange={setChosen}
          options={candidates.map((account) => ({
            value: account.id,
            label: `${account.displayName}（${account.login}）`,
          }))}
          style={{ minWidth: 220 }}
          notFoundContent="没有可分配的评委账号"
        />
        <Button type="primary" onClick={add} disabled={fetching}>
          分配评委
        </Button>
      </div>
      {answer && (
        <Alert
          type={answer.ok ? 'success' : 'error'}
          showIcon
          title={answer.text}
          role={answer.ok ? 'status' : 'alert'}
          style={{ marginTop: 8 }}
        />
      )}
      <Table
        rowKey="judge"
        size="small"
        pagination={false}
        scroll={{ x: 'max-content' }}
        style={{ marginTop: 12 }}
        locale={{ emptyText: '尚未分配评委' }}
        dataSource={campaign.judges.map((judge) => ({
          judge,
          assigned: progress.get(judge)?.assigned ?? 0,
          scored: progress.get(judge)?.scored ?? 0,
        }))}
        columns={[
          { title: '评委', dataIndex: 'judge', render: (judge: string) => nameOf(judge) },
          {
            title: '进度',
            key: 'progress',
            render: (_, row) => (
              <span>
                已评 {row.scored} / 应评 {row.assigned}
                <Progress
                  percent={row.assigned === 0 ? 0 : Math.round((row.scored / row.assigned) * 100)}
                  size="small"
                  aria-label={`${nameOf(row.judge)}的进度`}
                  style={{ width: 140, margin: '0 0 0 8px' }}
                />
              </span>
            ),
          },
          {
            title: '操作',
            key: 'actions',
            render: (_, row) => (
              <Button danger onClick={() => setRemoving(row.judge)} aria-label={`移除评委 ${nameOf(row.judge)}`}>
                移除
              </Button>
            ),
          },
        ]}
      />
      {removing && (
        <ReasonDialog
          title={`移除评委：${nameOf(removing)}`}
          hint="移除后其评分保留在记录中，但不再计入平均分和排行；可再次分配，重新评分。"
          confirmLabel="确认移除"
          danger
          onConfirm={async () => {
            const result = await unassign({ input: { campaignId: campaign.id, judge: removing } });
            return result.error ? errorMessage(result.error) : undefined;
          }}
          onClose={(done) => {
            setRemoving(undefined);
            if (done) onChanged();
          }}
        />
      )}
    </section>
  );
}
