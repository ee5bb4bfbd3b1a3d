export { type CampaignCommand, type CampaignEvent, type CampaignState, campaignDecider } from './campaigns/campaign.ts';
export { campaignIdOf, entryIdFor } from './campaigns/entry-id.ts';
export { type CommandMeta, type CommandOutcome, CommandRunner, type CommandRunnerOptions } from './command-runner.ts';
export { Commands } from './commands.ts';
export type { Decider, DecisionContext } from './decider.ts';
export * from './errors.ts';
export { type LecturerCommand, type LecturerEvent, type LecturerState, lecturerDecider } from './lecturers/lecturer.ts';
export { type SchoolCommand, type SchoolEvent, type SchoolState, schoolDecider } from './schools/school.ts';
export { streams } from './streams.ts';
