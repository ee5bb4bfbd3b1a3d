export {
  createApplier,
  createIndexes,
  createTables,
  type Positional,
  preparePositional,
  runPositional,
} from './apply.ts';
export {
  AsOfReplayer,
  type AsOfReplayerOptions,
  type Catalogue,
  type ParticipationQuestion,
  ReplaysBusy,
} from './as-of.ts';
export { type AwardsCounted, type ParticipationRow, participationQuery } from './participation.ts';
export { defineProjection, type EventContext, type Operation, type Projection, type SqlValue } from './projection.ts';
export * from './queries.ts';
export { personKey } from './read-models/entries.ts';
export { projections } from './read-models/index.ts';
export { ReadSide, type ReadSideOptions, type RebuildReport } from './read-side.ts';
export {
  type AdvanceListener,
  BULK_PRAGMAS,
  DURABLE_PRAGMAS,
  ProjectionRunner,
  type ProjectionRunnerOptions,
} from './runner.ts';
