import type { AsOfReplayer, ParticipationQuestion, ParticipationRow, ReadSide } from '@qingmiao/projections';

/**
 * Answers questions on a year's participation figures — as they were at `asOf` (replayed from the log, one answer
 * per turn of the event loop), else as they are now (memoized under `memoKey` until the read models move). GraphQL
 * and the report downloads answer alike through it.
 */
export function yearFigures(
  sources: { readonly readSide: ReadSide; readonly pastFigures: AsOfReplayer },
  query: { readonly year: number; readonly asOf?: Date | undefined; readonly memoKey: string },
  questions: readonly ParticipationQuestion[],
): Promise<ParticipationRow[][]> {
  const { readSide, pastFigures } = sources;
  const { year, asOf, memoKey } = query;
  if (asOf) return pastFigures.query(year, asOf, questions);
  return Promise.resolve(
    readSide.memo(memoKey, (models) =>
      questions.map(({ groupBy, campaignId, awards }) => models.participation(year, groupBy, campaignId, awards)),
    ),
  );
}
