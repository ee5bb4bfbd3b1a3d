import { PRIZE_LABELS } from '@qingmiao/schema/labels';
import { Alert, Button, Progress, Select, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useMutation } from 'urql';
import { errorMessage } from '../../../error-messages.ts';
import { ReasonDialog } from '../../judge/reason-dialog.tsx';
import { AwardEntry, type JudgingCampaign, type LeaderboardEntry, RevokeAward } from './documents.ts';
import { RateControl, starsText } from './ratings.tsx';

type Prize = keyof typeof PRIZE_LABELS;
const PRIZES = Object.keys(PRIZE_LABELS) as Prize[];

interface Props {
  readonly campaign: JudgingCampaign;
  readonly schoolNames: ReadonlyMap<string, string>;
  readonly onChanged: () => void;
}

/**
 * 排行与授奖: the leaderboard as the server ranks it (mean of the judges' rubric-weighted scores on a 0–100 scale),
 * the live quota meter, 授奖 with a prize per entry and 撤销奖项 with a reason. Nothing is held back in the browser:
 * an award beyond the quota goes to the server, whose QUOTA_EXCEEDED is shown. An evaluation's applications are also
 * rated 1–5 stars (星级, 评星).
 */
export function Awards({ campaign, schoolNames, onChanged }: Props) {
  const [prizes, setPrizes] = useState<Record<string, Prize>>({});
  const [answer, setAnswer] = useState<{ ok: boolean; text: string }>();
  const [revoking, setRevoking] = useState<LeaderboardEntry>();
  const [{ fetching }, award] = useMutation(AwardEntry);
  const [, revoke] = useMutation(RevokeAward);
  const standard = new Map(campaign.standardScores.map((row) => [row.entryId, row.standardScore]));
  const rated = campaign.kind === 'EVALUATION';

  const grant = async (entry: LeaderboardEntry) => {
    const prize = prizes[entry.id] ?? entry.prize ?? undefined;
    if (!prize) {
      setAnswer({ ok: false, text: `请先为《${entry.title}》选择奖项。` });
      return;
    }
    setAnswer(undefined);
    const result = await award({ input: { entryId: entry.id, prize } });
    if (result.error) setAnswer({ ok: false, text: errorMessage(result.error) });
    else {
      setAnswer({ ok: true, text: `已授奖：《${entry.title}》${PRIZE_LABELS[prize]}` });
      onChanged();
    }
  };

  return (
    <section aria-labelledby="awards-title">
      <Typography.Title level={2} id="awards-title" style={{ fontSize: 18, marginTop: 24 }}>
        排行与授奖
      </Typography.Title>
      <QuotaMeter campaign={campaign} />
      {campaign.status === 'OPEN' && <p className="qm-field-hint">活动截止后才能授奖{rated ? '和评星' : ''}。</p>}
      <p className="qm-field-hint">
        平均分：各评委按评分细则（{campaign.rubric.map((c) => `${c.name} 权重 ${c.weight}`).join('，')}
        ）加权、折算为百分制的得分的平均；标准分：把每位评委的评分换算到同一尺度（减去该评委的平均分、除以其标准差），
        各评委取平均后记为 50 + 10 ×
        z，宽严不同的评委因此分量相同。两者都由服务器计算；排行按平均分，未评的作品排在最后。
      </p>
      <div aria-live="polite">
        {answer && (
          <Alert
            type={answer.ok ? 'success' : 'error'}
            showIcon
            title={answer.text}
            role={answer.ok ? 'status' : 'alert'}
            style={{ marginBottom: 8 }}
          />
        )}
      </div>
      {campaign.leaderboard.length === 0 ? (
        <p className="qm-field-hint">暂无作品。</p>
      ) : (
        <div className="qm-table-wrap">
          <table className="qm-table">
            <thead>
              <tr>
                <th scope="col">名次</th>
                <th scope="col">作品</th>
                <th scope="col">学校</th>
                <th scope="col">平均分</th>
                <th scope="col">标准分</th>
                <th scope="col">评分人次</th>
                <th scope="col">奖项</th>
                <th scope="col">授奖</th>
                {rated && <th scope="col">星级</th>}
              </tr>
            </thead>
            <tbody>
              {campaign.leaderboard.map((entry, index) => (
                <tr key={entry.id}>
                  <td>{entry.meanScore === null ? '—' : index + 1}</td>
                  <td>{entry.title}</td>
                  <td>{entry.schoolId ? (schoolNames.get(entry.schoolId) ?? entry.schoolId) : '—'}</td>
                  <td>{entry.meanScore === null ? '未评' : entry.meanScore.toFixed(2)}</td>
                  <td>{standard.get(entry.id)?.toFixed(2) ?? '—'}</td>
                  <td>{entry.scoreCount ?? 0}</td>
                  <td>{entry.prize ? <Tag className="qm-tag-prize">{PRIZE_LABELS[entry.prize]}</Tag> : '—'}</td>
                  <td>
                    <div className="qm-award-cell">
                      <Select
                        aria-label={`奖项：${entry.title}`}
                        placeholder="选择奖项"
                        value={prizes[entry.id] ?? entry.prize ?? undefined}
                        onChange={(prize) => setPrizes((current) => ({ ...current, [entry.id]: prize }))}
                        options={PRIZES.map((prize) => ({ value: prize, label: PRIZE_LABELS[prize] }))}
                      />
                      <Button type="primary" onClick={() => grant(entry)} disabled={fetching}>
                        授奖
                      </Button>
                      {entry.prize && (
                        <Button danger onClick={() => setRevoking(entry)}>
                          撤销奖项
                        </Button>
                      )}
                    </div>
                  </td>
                  {rated && (
                    <td>
                      <div>{entry.stars === null ? '未评星' : starsText(entry.stars)}</div>
                      <RateControl entry={entry} onAnswer={setAnswer} onRated={onChanged} />
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {revoking && (
        <ReasonDialog
          title={`撤销奖项：《${revoking.title}》`}
          hint="撤销后名额空出，可改授其他作品。"
          reasonLabel="撤销原因"
          confirmLabel="确认撤销"
          danger
          onConfirm={async (reason) => {
            const result = await revoke({ input: { entryId: revoking.id, reason } });
            return result.error ? errorMessage(result.error) : undefined;
          }}
          onClose={(done) => {
            if (done) {
              setAnswer({ ok: true, text: `已撤销《${revoking.title}》的奖项` });
              onChanged();
            }
            setRevoking(undefined);
          }}
        />
      )}
    </section>
  );
}

/** 可授奖 (the cap the quota allows now) / 已授 (awards granted), both from the server. */
function QuotaMeter({ campaign }: { readonly campaign: JudgingCampaign }) {
  const { awardCap, awardsGranted } = campaign;
  if (awardCap === null) {
    return (
      <p className="qm-quota" role="status" aria-live="polite">
        不限获奖名额 / 已授 {awardsGranted}
      </p>
    );
  }
  return (
    <div role="status" aria-live="polite">
      <span className="qm-quota">
        可授奖 {awardCap} / 已授 {awardsGranted}
      </span>
      <Progress
        percent={awardCap === 0 ? 100 : Math.round((awardsGranted / awardCap) * 100)}
        status={awardsGranted >= awardCap ? 'exception' : 'normal'}
        showInfo={false}
        aria-label="获奖名额使用情况"
        style={{ maxWidth: 320 }}
      />
    </div>
  );
}
