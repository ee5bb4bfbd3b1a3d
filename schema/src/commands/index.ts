import { AccountRefInput, ActivateAccountInput, ChangePasswordInput, CreateAccountInput } from './accounts.ts';
import {
  AssignJudgeInput,
  CampaignRefInput,
  CancelCampaignInput,
  ChangeCampaignSettingsInput,
  CopyCampaignInput,
  CreateCampaignInput,
  ExtendDeadlineInput,
  UnassignJudgeInput,
} from './campaigns.ts';
import {
  AwardEntryInput,
  RateEntryInput,
  RecuseFromEntryInput,
  ReviseEntryInput,
  RevokeAwardInput,
  ScoreEntryInput,
  SubmitEntryInput,
  WithdrawEntryInput,
} from './entries.ts';
import { RegisterLecturerInput, RetireLecturerInput } from './lecturers.ts';
import {
  CancelLectureInput,
  RecordLectureDeliveredInput,
  RescheduleLectureInput,
  ScheduleLectureInput,
} from './lectures.ts';
import { EraseEntryPersonalDataInput, EraseParticipantInput, ExpirePersonalDataInput } from './privacy.ts';
import { RecordEnrollmentInput, RegisterSchoolInput, RenameSchoolInput } from './schools.ts';

export * from './accounts.ts';
export * from './campaigns.ts';
export * from './entries.ts';
export * from './lecturers.ts';
export * from './lectures.ts';
export * from './privacy.ts';
export * from './schools.ts';

/**
 * Every command Qingmiao accepts, by name, with the input it takes: the API derives its mutation names and input
 * types from this list.
 */
export const commandInputs = {
  registerSchool: RegisterSchoolInput,
  renameSchool: RenameSchoolInput,
  recordEnrollment: RecordEnrollmentInput,
  registerLecturer: RegisterLecturerInput,
  retireLecturer: RetireLecturerInput,
  createCampaign: CreateCampaignInput,
  copyCampaign: CopyCampaignInput,
  changeCampaignSettings: ChangeCampaignSettingsInput,
  openCampaign: CampaignRefInput,
  closeCampaign: CampaignRefInput,
  extendDeadline: ExtendDeadlineInput,
  cancelCampaign: CancelCampaignInput,
  publishResults: CampaignRefInput,
  assignJudge: AssignJudgeInput,
  unassignJudge: UnassignJudgeInput,
  submitEntry: SubmitEntryInput,
  reviseEntry: ReviseEntryInput,
  withdrawEntry: WithdrawEntryInput,
  scoreEntry: ScoreEntryInput,
  recuseFromEntry: RecuseFromEntryInput,
  awardEntry: AwardEntryInput,
  revokeAward: RevokeAwardInput,
  rateEntry: RateEntryInput,
  scheduleLecture: ScheduleLectureInput,
  rescheduleLecture: RescheduleLectureInput,
  recordLectureDelivered: RecordLectureDeliveredInput,
  cancelLecture: CancelLectureInput,
  createAccount: CreateAccountInput,
  activateAccount: ActivateAccountInput,
  changePassword: ChangePasswordInput,
  disableAccount: AccountRefInput,
  enableAccount: AccountRefInput,
  resetAccount: AccountRefInput,
  eraseParticipant: EraseParticipantInput,
  eraseEntryPersonalData: EraseEntryPersonalDataInput,
  expirePersonalData: ExpirePersonalDataInput,
} as const;
export type CommandName = keyof typeof commandInputs;
