/** One counted score: a judge's rubric-weighted score (0–100) of a live entry. */
export interface JudgeScore {
  readonly entryId: string;
  readonly judge: string;
  readonly weightedScore: number;
}

/** An entry's standard score: the mean of its judges' z-scores as a T-score (50 + 10 z). */
export interface StandardScoreRow {
  readonly entryId: string;
  readonly standardScore: number;
}

/**
 * 标准分: each judge's scores are put on one scale before they are averaged, so that a strict judge and a generous
 * one weigh the same — z = (score − the judge's mean) / the judge's standard deviation (population, over the judge's
 * counted scores in the campaign); an entry's standard score is 50 + 10 × the mean of its judges' z, to two decimals.
 * A judge whose scores do not vary (or who gave one) says nothing about order: z = 0. Entries in their first order.
 */
export function standardScores(scores: readonly JudgeScore[]): StandardScoreRow[] {
  const byJudge = new Map<string, number[]>();
  for (const { judge, weightedScore } of scores) byJudge.set(judge, [...(byJudge.get(judge) ?? []), weightedScore]);
  const scale = new Map<string, { mean: number; deviation: number }>();
  for (const [judge, values] of byJudge) {
    const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
    const variance = values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / values.length;
    scale.set(judge, { mean, deviation: Math.sqrt(variance) });
  }
  const byEntry = new Map<string, number[]>();
  for (const { entryId, judge, weightedScore } of scores) {
    const { mean, deviation } = scale.get(judge) ?? { mean: weightedScore, deviation: 0 };
    // Below a millionth of a point the scores are the same; rounding would otherwise pass for spread.
    const z = deviation < 1e-6 ? 0 : (weightedScore - mean) / deviation;
    byEntry.set(entryId, [...(byEntry.get(entryId) ?? []), z]);
  }
  return [...byEntry].map(([entryId, zs]) => ({
    entryId,
    standardScore: Math.round((50 + (10 * zs.reduce((sum, z) => sum + z, 0)) / zs.length) * 100) / 100,
  }));
}
