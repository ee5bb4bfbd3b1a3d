import { Alert, Button, Progress, Select, Typography } from 'antd';
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
      {campaign.judges.length === 0 ? (
        <p className="qm-field-hint">尚未分配评委。</p>
      ) : (
        <div className="qm-table-wrap">
          <table className="qm-table">
            <thead>
              <tr>
                <th scope="col">评委</th>
                <th scope="col">进度</th>
                <th scope="col">操作</th>
              </tr>
            </thead>
            <tbody>
              {campaign.judges.map((judge) => {
                const row = progress.get(judge);
                const assigned = row?.assigned ?? 0;
                const scored = row?.scored ?? 0;
                return (
                  <tr key={judge}>
                    <td>{nameOf(judge)}</td>
                    <td>
                      已评 {scored} / 应评 {assigned}
                      <Progress
                        percent={assigned === 0 ? 0 : Math.round((scored / assigned) * 100)}
                        size="small"
                        aria-label={`${nameOf(judge)}的进度`}
                        style={{ width: 140, margin: '0 0 0 8px' }}
                      />
                    </td>
                    <td>
                      <Button danger onClick={() => setRemoving(judge)} aria-label={`移除评委 ${nameOf(judge)}`}>
                        移除
                      </Button>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
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
