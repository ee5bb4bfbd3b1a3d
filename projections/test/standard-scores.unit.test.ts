import { describe, expect, it } from 'vitest';
import { standardScores } from '../src/standard-scores.ts';

const score = (entryId: string, judge: string, weightedScore: number) => ({ entryId, judge, weightedScore });

describe('standard scores (标准分)', () => {
  it('put a strict and a generous judge on one scale: the same order gives the same standard scores', () => {
    const rows = standardScores([
      score('a', 'strict', 40),
      score('b', 'strict', 60),
      score('a', 'generous', 80),
      score('b', 'generous', 100),
    ]);
    expect(rows).toEqual([
      { entryId: 'a', standardScore: 40 },
      { entryId: 'b', standardScore: 60 },
    ]);
  });

  it('let a generous judge lift an entry by raw mean but not by standard score', () => {
    // Entry c is scored by the generous judge only: its raw mean (90) beats b's (80), its standard score does not.
    const rows = standardScores([
      score('a', 'strict', 50),
      score('b', 'strict', 70),
      score('a', 'generous', 85),
      score('b', 'generous', 90),
      score('c', 'generous', 90),
    ]);
    const of = (id: string) => rows.find((row) => row.entryId === id)?.standardScore ?? Number.NaN;
    expect(of('b')).toBeGreaterThan(of('c'));
    expect(of('c')).toBeGreaterThan(of('a'));
    // The generous judge: mean 88.33, deviation 2.357; c's z = 0.707 → 57.07.
    expect(of('c')).toBe(57.07);
  });

  it('give 50 where a judge’s scores do not vary, and nothing for no scores', () => {
    expect(standardScores([score('a', 'one', 70)])).toEqual([{ entryId: 'a', standardScore: 50 }]);
    expect(standardScores([score('a', 'same', 70), score('b', 'same', 70)])).toEqual([
      { entryId: 'a', standardScore: 50 },
      { entryId: 'b', standardScore: 50 },
    ]);
    expect(standardScores([])).toEqual([]);
  });
});
