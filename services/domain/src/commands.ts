import { randomUUID } from 'node:crypto';
import type { EventStore } from '@qingmiao/event-store';
import {
  CampaignRefInput,
  CreateCampaignInput,
  RecordEnrollmentInput,
  RegisterLecturerInput,
  RegisterSchoolInput,
  RetireLecturerInput,
  type Role,
  SubmitEntryInput,
  WithdrawEntryInput,
} from '@qingmiao/schema';
import { type CampaignCommand, type CampaignEvent, type CampaignState, campaignDecider } from './campaigns/campaign.ts';
import { campaignIdOf, entryIdFor } from './campaigns/entry-id.ts';
import {
  type Aggregate,
  type CommandMeta,
  type CommandOutcome,
  CommandRunner,
  type CommandRunnerOptions,
} from './command-runner.ts';
import { Forbidden } from './errors.ts';
import { type LecturerCommand, type LecturerEvent, type LecturerState, lecturerDecider } from './lecturers/lecturer.ts';
import { type SchoolCommand, type SchoolEvent, type SchoolState, schoolDecider } from './schools/school.ts';
import { streams } from './streams.ts';
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

function authorize(meta: CommandMeta, allowed: readonly Role[], what: string): void {
  if (!allowed.includes(meta.actor.role)) throw new Forbidden(`Role ${meta.actor.role} may not ${what}`);
}

/**
 * Every command Qingmiao accepts, whoever sends it (GraphQL, CLI, demo seeding): validate the input, check the
 * role, load what the decision needs and run it. Returns the ids the caller needs to read the result back.
 */
export class Commands {
  readonly #runner: CommandRunner;

  constructor(store: EventStore, options?: CommandRunnerOptions) {
    this.#runner = new CommandRunner(store, options);
  }

  async registerSchool(raw: unknown, meta: CommandMeta): Promise<CommandOutcome & { schoolId: string }> {
    const input = parseInput(RegisterSchoolInput, raw);
    authorize(meta, ['organizer'], 'register schools');
    const schoolId = input.id ?? randomUUID();
    const outcome = await this.#runner.run(
      schools,
      streams.school(schoolId),
      {
        type: 'RegisterSchool',
        input: { ...input, id: schoolId },
      },
      meta,
    );
    return { ...outcome, schoolId };
  }

  async recordEnrollment(
    raw: unknown,
    meta: CommandMeta,
  ): Promise<CommandOutcome & { schoolId: string; year: number }> {
    const input = parseInput(RecordEnrollmentInput, raw);
    authorize(meta, ['organizer'], 'record enrollment');
    const outcome = await this.#runner.run(
      schools,
      streams.school(input.schoolId),
      { type: 'RecordEnrollment', input },
      meta,
    );
    return { ...outcome, schoolId: input.schoolId, year: input.year };
  }

  async createCampaign(raw: unknown, meta: CommandMeta): Promise<CommandOutcome & { campaignId: string }> {
    const input = parseInput(CreateCampaignInput, raw);
    authorize(meta, ['organizer'], 'create campaigns');
    const campaignId = input.id ?? randomUUID();
    const outcome = await this.#runner.run(
      campaigns,
      streams.campaign(campaignId),
      {
        type: 'CreateCampaign',
        input: { ...input, id: campaignId },
      },
      meta,
    );
    return { ...outcome, campaignId };
  }

  openCampaign(raw: unknown, meta: CommandMeta) {
    return this.#campaignStatusChange('OpenCampaign', raw, meta);
  }

  closeCampaign(raw: unknown, meta: CommandMeta) {
    return this.#campaignStatusChange('CloseCampaign', raw, meta);
  }

  async #campaignStatusChange(
    type: 'OpenCampaign' | 'CloseCampaign',
    raw: unknown,
    meta: CommandMeta,
  ): Promise<CommandOutcome & { campaignId: string }> {
    const input = parseInput(CampaignRefInput, raw);
    authorize(meta, ['organizer'], 'open or close campaigns');
    const outcome = await this.#runner.run(campaigns, streams.campaign(input.id), { type, input }, meta);
    return { ...outcome, campaignId: input.id };
  }

  async submitEntry(raw: unknown, meta: CommandMeta): Promise<CommandOutcome & { entryId: string }> {
    const input = parseInput(SubmitEntryInput, raw);
    authorize(meta, ['organizer', 'school'], 'submit entries');
    const { state: school } = await this.#runner.load(schools, streams.school(input.schoolId));
    const outcome = await this.#runner.run(
      campaigns,
      streams.campaign(input.campaignId),
      {
        type: 'SubmitEntry',
        input,
        school: school.registered ? { id: input.schoolId, kind: school.kind } : undefined,
      },
      meta,
    );
    return { ...outcome, entryId: entryIdFor(input.campaignId, input.submissionId) };
  }

  async withdrawEntry(raw: unknown, meta: CommandMeta): Promise<CommandOutcome & { entryId: string }> {
    const input = parseInput(WithdrawEntryInput, raw);
    authorize(meta, ['organizer', 'school'], 'withdraw entries');
    const stream = streams.campaign(campaignIdOf(input.entryId));
    const outcome = await this.#runner.run(campaigns, stream, { type: 'WithdrawEntry', input }, meta);
    return { ...outcome, entryId: input.entryId };
  }

  async registerLecturer(raw: unknown, meta: CommandMeta): Promise<CommandOutcome & { lecturerId: string }> {
    const input = parseInput(RegisterLecturerInput, raw);
    authorize(meta, ['organizer'], 'register lecturers');
    const lecturerId = input.id ?? randomUUID();
    const outcome = await this.#runner.run(
      lecturers,
      streams.lecturer(lecturerId),
      { type: 'RegisterLecturer', input: { ...input, id: lecturerId } },
      meta,
    );
    return { ...outcome, lecturerId };
  }

  async retireLecturer(raw: unknown, meta: CommandMeta): Promise<CommandOutcome & { lecturerId: string }> {
    const input = parseInput(RetireLecturerInput, raw);
    authorize(meta, ['organizer'], 'retire lecturers');
    const stream = streams.lecturer(input.lecturerId);
    const outcome = await this.#runner.run(lecturers, stream, { type: 'RetireLecturer', input }, meta);
    return { ...outcome, lecturerId: input.lecturerId };
  }
}
