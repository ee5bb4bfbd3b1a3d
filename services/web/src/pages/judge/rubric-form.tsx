import { Alert, Button, Input, InputNumber } from 'antd';
import { type FormEvent, useId, useState } from 'react';
import { useMutation } from 'urql';
import { errorField, errorMessage } from '../../error-messages.ts';
import { type QueueEntryView, type RubricCriterion, ScoreEntry } from './documents.ts';

interface Props {
  readonly entry: QueueEntryView;
  readonly rubric: readonly RubricCriterion[];
  /** After the server accepted a score: the queue and the progress are asked again (the answer shows after). */
  readonly onScored: () => Promise<void>;
}

type Answer = { readonly ok: true; readonly text: string } | { readonly ok: false; readonly text: string };

/**
 * The rubric form beside the reading pane: one number per criterion (0 to its maximum, with its weight said), and a
 * comment. 评分 sends the judge's score as it is and shows the server's answer, the weighted score it recorded or its
 * refusal in Chinese (the refused criterion marked); scoring again replaces the judge's earlier score.
 */
export function RubricForm({ entry, rubric, onScored }: Props) {
  const id = useId();
  const mine = entry.scores[0];
  const [scores, setScores] = useState<Record<string, number | null>>(() =>
    Object.fromEntries(
      rubric.map((criterion) => [
        criterion.name,
        mine?.criteria.find((given) => given.criterion === criterion.name)?.score ?? null,
      ]),
    ),
  );
  const [comment, setComment] = useState(mine?.comment ?? '');
  const [answer, setAnswer] = useState<Answer>();
  const [refused, setRefused] = useState<ReadonlySet<string>>(new Set());
  const [{ fetching }, scoreEntry] = useMutation(ScoreEntry);
  const recused = entry.myRecusal !== null;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setAnswer(undefined);
    setRefused(new Set());
    const criteria = rubric.flatMap((criterion) => {
      const score = scores[criterion.name];
      return score === null || score === undefined ? [] : [{ criterion: criterion.name, score }];
    });
    const result = await scoreEntry({
      input: { entryId: entry.id, criteria, ...(comment.trim() ? { comment: comment.trim() } : {}) },
    });
    const saved = result.data?.scoreEntry.scores[0];
    if (result.error || !saved) {
      setRefused(refusedCriteria(errorField(result.error), criteria, scores));
      setAnswer({ ok: false, text: errorMessage(result.error) });
      return;
    }
    await onScored();
    setAnswer({ ok: true, text: `已保存评分：加权得分 ${saved.weightedScore.toFixed(2)}（满分 100）` });
  };

  return (
    <form className="qm-rubric-form" aria-labelledby={`${id}-title`} onSubmit={submit} noValidate>
      <h2 id={`${id}-title`} className="qm-dialog-title">
        评分表
      </h2>
      {recused && <Alert type="warning" showIcon title={`您已回避此作品：${entry.myRecusal}`} className="qm-recused" />}
      {rubric.map((criterion, index) => (
        <div key={criterion.name}>
          <label htmlFor={`${id}-c${index}`} className="qm-field-label">
            {criterion.name}
          </label>
          <InputNumber
            id={`${id}-c${index}`}
            value={scores[criterion.name]}
            onChange={(value) => setScores((current) => ({ ...current, [criterion.name]: value }))}
            step={1}
            inputMode="decimal"
            disabled={recused}
            status={refused.has(criterion.name) ? 'error' : undefined}
            aria-invalid={refused.has(criterion.name) ? true : undefined}
            aria-describedby={`${id}-c${index}-hint`}
          />
          <div id={`${id}-c${index}-hint`} className="qm-field-hint">
            0–{criterion.maxScore} 分，权重 {criterion.weight}
          </div>
        </div>
      ))}
      <label htmlFor={`${id}-comment`} className="qm-field-label">
        评语
      </label>
      <Input.TextArea
        id={`${id}-comment`}
        rows={3}
        value={comment}
        disabled={recused}
        onChange={(event) => setComment(event.target.value)}
      />
      {answer && (
        <Alert
          className="qm-answer"
          type={answer.ok ? 'success' : 'error'}
          showIcon
          title={answer.text}
          role={answer.ok ? 'status' : 'alert'}
        />
      )}
      <Button type="primary" htmlType="submit" disabled={fetching || recused} block>
        评分
      </Button>
    </form>
  );
}

/**
 * The criteria a refusal names: `criteria.i.…` is the i-th criterion sent; `criteria` alone means some were left
 * empty, which are then marked.
 */
function refusedCriteria(
  field: string | undefined,
  sent: readonly { criterion: string }[],
  scores: Readonly<Record<string, number | null>>,
): ReadonlySet<string> {
  const place = field?.match(/^criteria\.(\d+)/)?.[1];
  const named = place === undefined ? undefined : sent[Number(place)]?.criterion;
  if (named) return new Set([named]);
  if (field === 'criteria') return new Set(Object.keys(scores).filter((name) => scores[name] === null));
  return new Set();
}
