import type { Decider } from '../decider.ts';
import { type AwardCommand, decideAward } from './awards.ts';
import { decideEntry, type EntryCommand } from './entries.ts';
import { decideJudging, type JudgingCommand } from './judging.ts';
import { decideLecture, type LectureCommand } from './lectures.ts';
import { decideLifecycle, type LifecycleCommand } from './lifecycle.ts';
import { type CampaignEvent, type CampaignState, evolve } from './state.ts';

export type { SubmittingSchool } from './entries.ts';
export type { CampaignEvent, CampaignState } from './state.ts';

export type CampaignCommand = LifecycleCommand | EntryCommand | JudgingCommand | AwardCommand | LectureCommand;

/**
 * Everything that happens inside one campaign, decided against one stream: its lifecycle, entries, judging,
 * awards and lectures. Each concern lives in its own module; this composes them.
 */
export const campaignDecider: Decider<CampaignState, CampaignCommand, CampaignEvent> = {
  initialState: { created: false },
  decide(command, state, context) {
    switch (command.type) {
      case 'CreateCampaign':
      case 'CopyCampaign':
      case 'ChangeCampaignSettings':
      case 'OpenCampaign':
      case 'CloseCampaign':
      case 'ExtendDeadline':
      case 'CancelCampaign':
      case 'PublishResults':
        return decideLifecycle(command, state);
      case 'SubmitEntry':
      case 'ReviseEntry':
      case 'WithdrawEntry':
      case 'EraseEntryPersonalData':
        return decideEntry(command, state, context);
      case 'AssignJudge':
      case 'UnassignJudge':
      case 'ScoreEntry':
      case 'RecuseFromEntry':
        return decideJudging(command, state, context);
      case 'AwardEntry':
      case 'RevokeAward':
      case 'RateEntry':
        return decideAward(command, state);
      case 'ScheduleLecture':
      case 'RescheduleLecture':
      case 'RecordLectureDelivered':
      case 'CancelLecture':
        return decideLecture(command, state);
    }
  },
  evolve,
};
