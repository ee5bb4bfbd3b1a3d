import { randomUUID } from 'node:crypto';
import { comparePositions, type EventStore } from '@qingmiao/event-store';
import { type AssignJudgeInput, commandInputs, type Role, streams } from '@qingmiao/schema';
import type { z } from 'zod';
import { type AccountCommand, type AccountEvent, type AccountState, accountDecider } from './accounts/account.ts';
import {
  accountIdFor,
  activationCodeHash,
  hashPassword,
  newActivationCode,
  verifyPassword,
} from './accounts/credentials.ts';
import {
  type OrganizerRosterCommand,
  type OrganizerRosterEvent,
  type OrganizerRosterState,
  organizerRosterDecider,
} from './accounts/organizers.ts';
import { type CampaignCommand, type CampaignEvent, type CampaignState, campaignDecider } from './campaigns/campaign.ts';
import { campaignIdOf, entryIdFor, lectureIdFor } from './campaigns/entry-id.ts';
import {
  type Aggregate,
  type CommandMeta,
  type CommandOutcome,
  CommandRunner,
  type CommandRunnerOptions,
} from './command-runner.ts';
import { Forbidden, InvalidInput, NotFound } from './errors.ts';
import { type LecturerCommand, type LecturerEvent, type LecturerState, lecturerDecider } from './lecturers/lecturer.ts';
import {
  type RetentionCommand,
  type RetentionEvent,
  type RetentionState,
  retentionDecider,
} from './privacy/retention.ts';
import { type SchoolCommand, type SchoolEvent, type SchoolState, schoolDecider } from './schools/school.ts';
import { lookUpAttachments, NO_UPLOADS, type Uploads } from './uploads.ts';
import { parseInput } from './validation.ts';

const schools: Aggregate<SchoolState, SchoolCommand, SchoolEvent> = { name: 'school', decider: schoolDecider };
const lecturers: Aggregate<LecturerState, LecturerCommand, LecturerEvent> = {
  name: 'lecturer',
  decider: lecturerDecider,
};
const campaigns: Aggregate<CampaignState, CampaignCommand, CampaignEvent> = {
  name: 'campaign',
  decider: campaignDecider,
};
const retention: Aggregate<RetentionState, RetentionCommand, RetentionEvent> = {
  name: 'retention',
  decider: retentionDecider,
};
const accounts: Aggregate<AccountState, AccountCommand, AccountEvent> = { name: 'account', decider: accountDecider };
const organizers: Aggregate<OrganizerRosterState, OrganizerRosterCommand, OrganizerRosterEvent> = {
  name: 'organizers',
  decider: organizerRosterDecider,
};

/** Registration (and with it the kind) is never undone: a school cached as registered needs no catching up. */
const registered = { settled: (school: SchoolState) => school.registered };

const ORGANIZER: readonly Role[] = ['organizer'];
const ORGANIZER_OR_SCHOOL: readonly Role[] = ['organizer', 'school'];
const JUDGE: readonly Role[] = ['judge'];

function authorize(meta: CommandMeta, allowed: readonly Role[], what: string): void {
  if (!allowed.includes(meta.actor.role)) throw new Forbidden(`Role ${meta.actor.role} may not ${what}`);
}

/** A campaign command whose input names its target directly: `{id}` of the campaign, or a nested entry/lecture id. */
type SimpleCampaignCommand = Exclude<
  CampaignCommand,
  { type: 'CreateCampaign' | 'CopyCampaign' | 'SubmitEntry' | 'ReviseEntry' | 'ScheduleLecture' }
>;

export interface CommandsOptions extends CommandRunnerOptions {
  /** Where entries' `attachmentIds` are looked up; without one, every id is unknown (NOT_FOUND). */
  readonly uploads?: Uploads;
  /** Runs the commands; given when someone else must make it forget cached states (erasure). */
  readonly runner?: CommandRunner;
  /** The pseudonymous id of a school's participant known by `key` (keyed HMAC: the log's, see privacy). */
  readonly participantId?: (schoolId: string, key: string) => string;
  /** QINGMIAO_PII_RETENTION_YEARS: whole years a campaign year's personal data is kept after it. */
  readonly retentionYears?: number;
}

/**
 * Every command Qingmiao accepts, whoever sends it (GraphQL, CLI, demo seeding): validate the input (each method with
 * its own entry of `commandInputs`, the catalogue GraphQL derives its inputs from), check the role, load what the
 * decision needs from other streams and run it. Returns the ids the caller reads back.
 */
export class Commands {
  readonly #runner: CommandRunner;
  readonly #uploads: Uploads;
  readonly #participantId: (schoolId: string, key: string) => string;
  readonly #retentionYears: number;

  constructor(
    store: EventStore,
    { uploads = NO_UPLOADS, runner, participantId, retentionYears = 3, ...options }: CommandsOptions = {},
  ) {
    this.#runner = runner ?? new CommandRunner(store, options);
    this.#uploads = uploads;
    this.#participantId =
      participantId ??
      (() => {
        throw new Error('Erasing a participant needs the pseudonyms of the protected log');
      });
    this.#retentionYears = retentionYears;
  }

  async registerSchool(raw: unknown, meta: CommandMeta): Promise<CommandOutcome & { schoolId: string }> {
    const input = parseInput(commandInputs.registerSchool, raw);
    authorize(meta, ORGANIZER, 'register schools');
    const schoolId = input.id ?? randomUUID();
    const command: SchoolCommand = { type: 'RegisterSchool', input: { ...input, id: schoolId } };
    return { ...(await this.#runner.run(schools, streams.school(schoolId), command, meta)), schoolId };
  }

  async renameSchool(raw: unknown, meta: CommandMeta): Promise<CommandOutcome & { schoolId: string }> {
    const input = parseInput(commandInputs.renameSchool, raw);
    authorize(meta, ORGANIZER, 'rename schools');
    const command: SchoolCommand = { type: 'RenameSchool', input };
    return {
      ...(await this.#runner.run(schools, streams.school(input.schoolId), command, meta)),
      schoolId: input.schoolId,
    };
  }

  async recordEnrollment(
    raw: unknown,
    meta: CommandMeta,
  ): Promise<CommandOutcome & { schoolId: string; year: number }> {
    const input = parseInput(commandInputs.recordEnrollment, raw);
    authorize(meta, ORGANIZER, 'record enrollment');
    const outcome = await this.#runner.run(
      schools,
      streams.school(input.schoolId),
      { type: 'RecordEnrollment', input },
      meta,
    );
    return { ...outcome, schoolId: input.schoolId, year: input.year };
  }

  async registerLecturer(raw: unknown, meta: CommandMeta): Promise<CommandOutcome & { lecturerId: string }> {
    const input = parseInput(commandInputs.registerLecturer, raw);
    authorize(meta, ORGANIZER, 'register lecturers');
    const lecturerId = input.id ?? randomUUID();
    const command: LecturerCommand = { type: 'RegisterLecturer', input: { ...input, id: lecturerId } };
    return { ...(await this.#runner.run(lecturers, streams.lecturer(lecturerId), command, meta)), lecturerId };
  }

  async retireLecturer(raw: unknown, meta: CommandMeta): Promise<CommandOutcome & { lecturerId: string }> {
    const input = parseInput(commandInputs.retireLecturer, raw);
    authorize(meta, ORGANIZER, 'retire lecturers');
    const stream = streams.lecturer(input.lecturerId);
    return { ...(await this.#runner.run(lecturers, stream, { type: 'RetireLecturer', input }, meta)), ...input };
  }

  async createCampaign(raw: unknown, meta: CommandMeta): Promise<CommandOutcome & { campaignId: string }> {
    const input = parseInput(commandInputs.createCampaign, raw);
    authorize(meta, ORGANIZER, 'create campaigns');
    const campaignId = input.id ?? randomUUID();
    const command: CampaignCommand = { type: 'CreateCampaign', input: { ...input, id: campaignId } };
    return { ...(await this.#runner.run(campaigns, streams.campaign(campaignId), command, meta)), campaignId };
  }

  /** Next year's DRAFT campaign with this one's configuration; dates move by the difference in years. */
  async copyCampaign(raw: unknown, meta: CommandMeta): Promise<CommandOutcome & { campaignId: string }> {
    const input = parseInput(commandInputs.copyCampaign, raw);
    authorize(meta, ORGANIZER, 'create campaigns');
    const campaignId = input.id ?? randomUUID();
    const { state } = await this.#runner.load(campaigns, streams.campaign(input.sourceId));
    const command: CampaignCommand = {
      type: 'CopyCampaign',
      input: { ...input, id: campaignId },
      source: state.created ? state.definition : undefined,
    };
    return { ...(await this.#runner.run(campaigns, streams.campaign(campaignId), command, meta)), campaignId };
  }

  /** A draft's settings, replaced as a whole; refused once the campaign has opened. */
  changeCampaignSettings = this.#byCampaignId(
    'ChangeCampaignSettings',
    commandInputs.changeCampaignSettings,
    ORGANIZER,
  );
  openCampaign = this.#byCampaignId('OpenCampaign', commandInputs.openCampaign, ORGANIZER);
  closeCampaign = this.#byCampaignId('CloseCampaign', commandInputs.closeCampaign, ORGANIZER);
  extendDeadline = this.#byCampaignId('ExtendDeadline', commandInputs.extendDeadline, ORGANIZER);
  cancelCampaign = this.#byCampaignId('CancelCampaign', commandInputs.cancelCampaign, ORGANIZER);
  publishResults = this.#byCampaignId('PublishResults', commandInputs.publishResults, ORGANIZER);

  assignJudge = this.#panel('AssignJudge', commandInputs.assignJudge, 'assign judges');
  unassignJudge = this.#panel('UnassignJudge', commandInputs.unassignJudge, 'unassign judges');

  async submitEntry(raw: unknown, meta: CommandMeta): Promise<CommandOutcome & { entryId: string }> {
    const input = parseInput(commandInputs.submitEntry, raw);
    authorize(meta, ORGANIZER_OR_SCHOOL, 'submit entries');
    const [{ state: school }, attachments] = await Promise.all([
      this.#runner.load(schools, streams.school(input.schoolId), registered),
      this.#lookUp(input.attachmentIds, meta),
    ]);
    const command: CampaignCommand = {
      type: 'SubmitEntry',
      input,
      school: school.registered ? { id: input.schoolId, kind: school.kind } : undefined,
      attachments,
    };
    const outcome = await this.#runner.run(campaigns, streams.campaign(input.campaignId), command, meta);
    return { ...outcome, entryId: entryIdFor(input.campaignId, input.submissionId) };
  }

  async reviseEntry(raw: unknown, meta: CommandMeta): Promise<CommandOutcome & { entryId: string }> {
    const input = parseInput(commandInputs.reviseEntry, raw);
    authorize(meta, ORGANIZER_OR_SCHOOL, 'revise entries');
    const attachments = await this.#lookUp(input.attachmentIds ?? [], meta);
    const command: CampaignCommand = { type: 'ReviseEntry', input, attachments };
    const outcome = await this.#runner.run(campaigns, streams.campaign(campaignIdOf(input.entryId)), command, meta);
    return { ...outcome, entryId: input.entryId };
  }
  withdrawEntry = this.#byEntryId('WithdrawEntry', commandInputs.withdrawEntry, ORGANIZER_OR_SCHOOL);
  scoreEntry = this.#byEntryId('ScoreEntry', commandInputs.scoreEntry, JUDGE);
  recuseFromEntry = this.#byEntryId('RecuseFromEntry', commandInputs.recuseFromEntry, JUDGE);
  awardEntry = this.#byEntryId('AwardEntry', commandInputs.awardEntry, ORGANIZER);
  revokeAward = this.#byEntryId('RevokeAward', commandInputs.revokeAward, ORGANIZER);
  rateEntry = this.#byEntryId('RateEntry', commandInputs.rateEntry, ORGANIZER);

  async scheduleLecture(raw: unknown, meta: CommandMeta): Promise<CommandOutcome & { lectureId: string }> {
    const input = parseInput(commandInputs.scheduleLecture, raw);
    authorize(meta, ORGANIZER, 'schedule lectures');
    const lectureId = lectureIdFor(input.campaignId, input.lectureId ?? randomUUID());
    const [{ state: lecturer }, school] = await Promise.all([
      this.#runner.load(lecturers, streams.lecturer(input.lecturerId)),
      input.schoolId === undefined ? undefined : this.#runner.load(schools, streams.school(input.schoolId), registered),
    ]);
    const command: CampaignCommand = {
      type: 'ScheduleLecture',
      input: { ...input, lectureId },
      lecturer: { exists: lecturer.registered, retired: lecturer.registered && lecturer.retired },
      schoolExists: school?.state.registered ?? false,
    };
    const outcome = await this.#runner.run(campaigns, streams.campaign(input.campaignId), command, meta);
    return { ...outcome, lectureId };
  }

  rescheduleLecture = this.#byLectureId('RescheduleLecture', commandInputs.rescheduleLecture, ORGANIZER);
  recordLectureDelivered = this.#byLectureId('RecordLectureDelivered', commandInputs.recordLectureDelivered, ORGANIZER);
  cancelLecture = this.#byLectureId('CancelLecture', commandInputs.cancelLecture, ORGANIZER);

  /**
   * A new account, pending until activated with the one-time code returned here (and nowhere else). The login's
   * account stream is created with expected revision `no_stream`: of two concurrent creates one gets CONFLICT.
   */
  async createAccount(
    raw: unknown,
    meta: CommandMeta,
  ): Promise<CommandOutcome & { accountId: string; activationCode: string }> {
    const input = parseInput(commandInputs.createAccount, raw);
    authorize(meta, ORGANIZER, 'create accounts');
    const accountId = accountIdFor(input.login);
    const school =
      input.schoolId === undefined
        ? undefined
        : await this.#runner.load(schools, streams.school(input.schoolId), registered);
    const activationCode = newActivationCode();
    const command: AccountCommand = {
      type: 'CreateAccount',
      input: { ...input, accountId },
      codeHash: activationCodeHash(accountId, activationCode),
      schoolExists: school?.state.registered ?? false,
    };
    const created = await this.#runner.run(accounts, streams.account(accountId), command, meta);
    const outcome = input.role === 'organizer' ? await this.#enlist(created, accountId, meta) : created;
    return { ...outcome, accountId, activationCode };
  }

  /**
   * Sets the first password with the one-time code. Anyone may send it (the code is the credential); a wrong,
   * expired or used code and an unknown login get one refusal. The password is hashed before the decision, so a
   * wrong code costs the same time as a right one; of two activations with one code the stream's expected revision
   * lets exactly one through.
   */
  async activateAccount(raw: unknown, meta: CommandMeta): Promise<CommandOutcome & { accountId: string }> {
    const { login, activationCode, password } = parseInput(commandInputs.activateAccount, raw);
    const accountId = accountIdFor(login);
    const command: AccountCommand = {
      type: 'ActivateAccount',
      login,
      codeHash: activationCodeHash(accountId, activationCode),
      password,
      passwordHash: await hashPassword(password),
    };
    return { ...(await this.#runner.run(accounts, streams.account(accountId), command, meta)), accountId };
  }

  /** The signed-in person's own password; the current one must be given. */
  async changePassword(raw: unknown, meta: CommandMeta): Promise<CommandOutcome & { accountId: string }> {
    const { currentPassword, newPassword } = parseInput(commandInputs.changePassword, raw);
    const accountId = meta.actor.sub;
    const { state } = await this.#runner.load(accounts, streams.account(accountId));
    if (!state.exists) throw new Forbidden('Only people signed in with an account have a password to change');
    const verifiedHash = state.passwordHash;
    if (verifiedHash === undefined || !(await verifyPassword(verifiedHash, currentPassword))) {
      throw new InvalidInput('currentPassword', 'is wrong');
    }
    const command: AccountCommand = {
      type: 'ChangePassword',
      verifiedHash,
      password: newPassword,
      passwordHash: await hashPassword(newPassword),
    };
    return { ...(await this.#runner.run(accounts, streams.account(accountId), command, meta)), accountId };
  }

  /** Refused (CONFLICT) for the last enabled organizer: the roster is delisted from first, with its own revision. */
  async disableAccount(raw: unknown, meta: CommandMeta): Promise<CommandOutcome & { accountId: string }> {
    const { login } = parseInput(commandInputs.disableAccount, raw);
    authorize(meta, ORGANIZER, 'disable accounts');
    const accountId = accountIdFor(login);
    const { state } = await this.#runner.load(accounts, streams.account(accountId));
    if (!state.exists) throw new NotFound(`Account ${login} does not exist`);
    if (state.role === 'organizer') await this.#roster('DelistOrganizer', accountId, meta);
    const command: AccountCommand = { type: 'DisableAccount', login };
    return { ...(await this.#runner.run(accounts, streams.account(accountId), command, meta)), accountId };
  }

  async enableAccount(raw: unknown, meta: CommandMeta): Promise<CommandOutcome & { accountId: string }> {
    const { login } = parseInput(commandInputs.enableAccount, raw);
    authorize(meta, ORGANIZER, 'enable accounts');
    const accountId = accountIdFor(login);
    const command: AccountCommand = { type: 'EnableAccount', login };
    const enabled = await this.#runner.run(accounts, streams.account(accountId), command, meta);
    const { state } = await this.#runner.load(accounts, streams.account(accountId));
    const isOrganizer = state.exists && state.role === 'organizer';
    const outcome = isOrganizer ? await this.#enlist(enabled, accountId, meta) : enabled;
    return { ...outcome, accountId };
  }

  /** A new one-time code; the password stops working and the account is pending until activated again. */
  async resetAccount(
    raw: unknown,
    meta: CommandMeta,
  ): Promise<CommandOutcome & { accountId: string; activationCode: string }> {
    const { login } = parseInput(commandInputs.resetAccount, raw);
    authorize(meta, ORGANIZER, 'reset accounts');
    const accountId = accountIdFor(login);
    const activationCode = newActivationCode();
    const command: AccountCommand = {
      type: 'ResetAccount',
      login,
      codeHash: activationCodeHash(accountId, activationCode),
    };
    const outcome = await this.#runner.run(accounts, streams.account(accountId), command, meta);
    return { ...outcome, accountId, activationCode };
  }

  /** The upload registry's answer for each file an entry names, as uploads of the actor's school or office. */
  #lookUp(ids: readonly string[], meta: CommandMeta) {
    return lookUpAttachments(this.#uploads, meta.actor, ids);
  }

  /**
   * Records that a keyed participant's personal data was erased (the caller destroyed its keys first). The log
   * names the child by its pseudonymous id only: the school's key for it never enters the log in clear.
   */
  async eraseParticipant(raw: unknown, meta: CommandMeta): Promise<CommandOutcome & { participantId: string }> {
    const input = parseInput(commandInputs.eraseParticipant, raw);
    authorize(meta, ORGANIZER, 'erase personal data');
    const participantId = this.#participantId(input.schoolId, input.key);
    const command: SchoolCommand = {
      type: 'EraseParticipant',
      input: { schoolId: input.schoolId, participantId, reason: input.reason },
    };
    return { ...(await this.#runner.run(schools, streams.school(input.schoolId), command, meta)), participantId };
  }

  /** Records that an entry's personal data was erased (the caller destroyed its keys first). */
  eraseEntryPersonalData = this.#byEntryId('EraseEntryPersonalData', commandInputs.eraseEntryPersonalData, ORGANIZER);

  /**
   * Records that a year's personal data expired (the caller destroyed its keys first), `retentionYears` after the
   * year; refused before it is due.
   */
  async expirePersonalData(raw: unknown, meta: CommandMeta): Promise<CommandOutcome & { year: number }> {
    const { year } = parseInput(commandInputs.expirePersonalData, raw);
    authorize(meta, ORGANIZER, 'expire personal data');
    const command: RetentionCommand = {
      type: 'ExpirePersonalData',
      input: { year, retentionYears: this.#retentionYears },
    };
    return { ...(await this.#runner.run(retention, streams.personalDataRetention(), command, meta)), year };
  }

  /** Changes the roster of enabled organizers. */
  #roster(type: OrganizerRosterCommand['type'], accountId: string, meta: CommandMeta): Promise<CommandOutcome> {
    return this.#runner.run(organizers, streams.organizers(), { type, accountId }, meta);
  }

  /** Enlists an organizer after its account's event: the outcome is then whichever of the two came later. */
  async #enlist(account: CommandOutcome, accountId: string, meta: CommandMeta): Promise<CommandOutcome> {
    const roster = await this.#roster('EnlistOrganizer', accountId, meta);
    const later = comparePositions(roster.position, account.position) > 0 ? roster : account;
    return { position: later.position, appended: account.appended + roster.appended };
  }

  /** An organizer changes a campaign's panel of judges. */
  #panel(type: 'AssignJudge' | 'UnassignJudge', schema: typeof AssignJudgeInput, what: string) {
    return async (raw: unknown, meta: CommandMeta): Promise<CommandOutcome & { campaignId: string }> => {
      const input = parseInput(schema, raw);
      authorize(meta, ORGANIZER, what);
      const stream = streams.campaign(input.campaignId);
      return { ...(await this.#runner.run(campaigns, stream, { type, input }, meta)), ...input };
    };
  }

  #byCampaignId<
    T extends SimpleCampaignCommand['type'],
    S extends z.ZodType<Extract<SimpleCampaignCommand, { type: T }>['input'] & { id: string }>,
  >(type: T, schema: S, roles: readonly Role[]) {
    return this.#simple(
      type,
      schema,
      roles,
      (input) => ({ campaignId: input.id }),
      (ids) => ids.campaignId,
    );
  }

  #byEntryId<
    T extends SimpleCampaignCommand['type'],
    S extends z.ZodType<Extract<SimpleCampaignCommand, { type: T }>['input'] & { entryId: string }>,
  >(type: T, schema: S, roles: readonly Role[]) {
    return this.#simple(
      type,
      schema,
      roles,
      (input) => ({ entryId: input.entryId }),
      (ids) => campaignIdOf(ids.entryId),
    );
  }

  #byLectureId<
    T extends SimpleCampaignCommand['type'],
    S extends z.ZodType<Extract<SimpleCampaignCommand, { type: T }>['input'] & { lectureId: string }>,
  >(type: T, schema: S, roles: readonly Role[]) {
    return this.#simple(
      type,
      schema,
      roles,
      (input) => ({ lectureId: input.lectureId }),
      (ids) => campaignIdOf(ids.lectureId),
    );
  }

  /** A command on one campaign stream that needs nothing from other streams. */
  #simple<T extends SimpleCampaignCommand['type'], S extends z.ZodType, Ids extends object>(
    type: T,
    schema: S,
    roles: readonly Role[],
    idsOf: (input: z.infer<S>) => Ids,
    campaignOf: (ids: Ids) => string,
  ): (raw: unknown, meta: CommandMeta) => Promise<CommandOutcome & Ids> {
    return async (raw, meta) => {
      const input = parseInput(schema, raw);
      authorize(meta, roles, `${type.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase()}`);
      const ids = idsOf(input);
      const command = { type, input } as CampaignCommand;
      const outcome = await this.#runner.run(campaigns, streams.campaign(campaignOf(ids)), command, meta);
      return { ...outcome, ...ids };
    };
  }
}
