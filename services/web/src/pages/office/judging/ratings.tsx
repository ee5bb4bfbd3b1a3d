import { Button, Select } from 'antd';
import { useState } from 'react';
import { useMutation } from 'urql';
import { errorMessage } from '../../../error-messages.ts';
import { type LeaderboardEntry, RateEntry } from './documents.ts';

const STARS = [1, 2, 3, 4, 5] as const;

/** Stars as the bureau writes them: ★★★★☆ (4 星). */
export const starsText = (stars: number) => `${'★'.repeat(stars)}${'☆'.repeat(5 - stars)}（${stars} 星）`;

interface Props {
  readonly entry: LeaderboardEntry;
  /** Says how the server answered, in the page's one answer line. */
  readonly onAnswer: (answer: { readonly ok: boolean; readonly text: string }) => void;
  readonly onRated: () => void;
}

/**
 * 评星 of one application in an EVALUATION campaign: 1–5 stars sent as chosen (rateEntry). Nothing is held back in the
 * browser: before closing or after publishing the server refuses, and its refusal is what the page says.
 */
export function RateControl({ entry, onAnswer, onRated }: Props) {
  const [stars, setStars] = useState<number>();
  const [{ fetching }, rate] = useMutation(RateEntry);
  const chosen = stars ?? entry.stars ?? undefined;

  const send = async () => {
    if (chosen === undefined) {
      onAnswer({ ok: false, text: `请先为《${entry.title}》选择星级。` });
      return;
    }
    const result = await rate({ input: { entryId: entry.id, stars: chosen } });
    if (result.error) {
      onAnswer({ ok: false, text: `《${entry.title}》评星未成功：${errorMessage(result.error)}` });
      return;
    }
    onAnswer({ ok: true, text: `已评星：《${entry.title}》${starsText(chosen)}` });
    onRated();
  };

  return (
    <div className="qm-award-cell">
      <Select
        aria-label={`星级：${entry.title}`}
        placeholder="选择星级"
        value={chosen}
        onChange={setStars}
        options={STARS.map((count) => ({ value: count, label: `${count} 星` }))}
      />
      <Button onClick={send} disabled={fetching} autoInsertSpace={false}>
        评星
      </Button>
    </div>
  );
}
