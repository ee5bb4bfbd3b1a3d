export {
  ACTIVATION_DAYS,
  type AccountCommand,
  type AccountEvent,
  type AccountState,
  accountDecider,
  accountStatus,
} from './accounts/account.ts';
export { accountIdFor, hashPassword, verifyPassword } from './accounts/credentials.ts';
export {
  type CampaignCommand,
  type CampaignEvent,
  type CampaignState,
  campaignDecider,
  type SubmittingSchool,
} from './campaigns/campaign.ts';
export { campaignIdOf, entryIdFor, lectureIdFor } from './campaigns/entry-id.ts';
export { weightedScore } from './campaigns/judging.ts';
export { type EntryRules, KIND_POLICIES, type KindPolicy } from './campaigns/kinds.ts';
export { awardCap } from './campaigns/state.ts';
export {
  type CommandMeta,
  type CommandOutcome,
  CommandRunner,
  type CommandRunnerOptions,
  type SettledCommand,
} from './command-runner.ts';
export { Commands, type CommandsOptions } from './commands.ts';
export type { Decider, DecisionContext } from './decider.ts';
export * from './errors.ts';
export { type LecturerCommand, type LecturerEvent, type LecturerState, lecturerDecider } from './lecturers/lecturer.ts';
export {
  personalDataDueAt,
  type RetentionCommand,
  type RetentionEvent,
  type RetentionState,
  retentionDecider,
} from './privacy/retention.ts';
export { type SchoolCommand, type SchoolEvent, type SchoolState, schoolDecider } from './schools/school.ts';
export { type AttachmentLookup, type UploadOwner, type Uploads, uploadOwnerOf } from './uploads.ts';
export { parseInput } from './validation.ts';
