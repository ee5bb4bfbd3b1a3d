import type { AsOfReplayer, ReadSide, YearParticipation } from '@qingmiao/projections';

/**
 * Reads a year's participation figures — as they were at `asOf` (replayed from the log), else as they are now
 * (memoized under `memoKey` until the read models move). GraphQL and the report downloads answer alike through it.
 */
export function yearFigures<T>(
  sources: { readonly readSide: ReadSide; readonly history: AsOfReplayer },
  query: { readonly year: number; readonly asOf?: Date | undefined; readonly memoKey: string },
  read: (participation: YearParticipation) => T,
): Promise<T> {
  const { readSide, history } = sources;
  const { year, asOf, memoKey } = query;
  if (asOf) return history.query(year, asOf, read);
  return Promise.resolve(
    readSide.memo(memoKey, (models) => read((groupBy, campaignId) => models.participation(year, groupBy, campaignId))),
  );
}
