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
  type LiveReadModels,
  type ParticipationQuestion,
  ReplaysBusy,
} from './as-of.ts';
export { type AwardsCounted, type ParticipationRow, participationQuery } from './participation.ts';
export {
  defineProjection,
  type EventContext,
  type EventType,
  type Operation,
  type Projection,
  type SqlValue,
  type Statement,
} from './projection.ts';
export {
  describeReadModels,
  type ReadModelBuild,
  type ReadModelStatus,
  readModelStatus,
} from './read-model-status.ts';
export type { AccountRow } from './read-models/accounts.ts';
export type { CampaignHistoryRow } from './read-models/campaign-history.ts';
export type { CampaignFilter, CampaignPanel, CampaignRow } from './read-models/campaigns.ts';
export {
  type ConsentRow,
  type EntryRow,
  type JudgingProgressRow,
  type ParticipantRow,
  personKey,
  type ScoreRow,
} from './read-models/entries.ts';
export type { HistoryRow } from './read-models/entry-history.ts';
export type { ErasedFile } from './read-models/erased-files.ts';
export { projections, type ReadModelQueries, readModelQueries } from './read-models/index.ts';
export type { LecturerRow } from './read-models/lecturers.ts';
export type { LectureRow } from './read-models/lectures.ts';
export type {
  ErasureScope,
  PersonalDataKeys,
  RetentionRow,
} from './read-models/personal-data.ts';
export type { EnrollmentRow, SchoolRow } from './read-models/schools.ts';
export {
  type BuildFresh,
  type FreshBuild,
  ReadSide,
  type ReadSideOptions,
  type RebuildReport,
} from './read-side.ts';
export {
  type AdvanceListener,
  BULK_PRAGMAS,
  DURABLE_PRAGMAS,
  ProjectionRunner,
  type ProjectionRunnerOptions,
} from './runner.ts';
export type { StandardScoreRow } from './standard-scores.ts';
export type { WinnerRow } from './winners.ts';
