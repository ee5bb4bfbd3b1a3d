import type {
  CampaignRefInput,
  CampaignStatus,
  CreateCampaignInput,
  EventOf,
  SchoolKind,
  SubmitEntryInput,
  WithdrawEntryInput,
} from '@qingmiao/schema';
import { stringify } from 'safe-stable-stringify';
import type { Decider } from '../decider.ts';
import { CampaignNotOpen, Conflict, Forbidden, LimitExceeded, NotEligible, NotFound } from '../errors.ts';
import { campaignIdOf, entryIdFor } from './entry-id.ts';

export type CampaignEvent =
  | EventOf<'CampaignCreated'>
  | EventOf<'CampaignOpened'>
  | EventOf<'CampaignClosed'>
  | EventOf<'EntrySubmitted'>
  | EventOf<'EntryWithdrawn'>;

/** What a submission needs to know of the submitting school, loaded by the shell from the school's stream. */
export interface SubmittingSchool {
  readonly id: string;
  readonly kind: SchoolKind;
}

export type CampaignCommand =
  | { readonly type: 'CreateCampaign'; readonly input: CreateCampaignInput & { readonly id: string } }
  | { readonly type: 'OpenCampaign'; readonly input: CampaignRefInput }
  | { readonly type: 'CloseCampaign'; readonly input: CampaignRefInput }
  | { readonly type: 'SubmitEntry'; readonly input: SubmitEntryInput; readonly school: SubmittingSchool | undefined }
  | { readonly type: 'WithdrawEntry'; readonly input: WithdrawEntryInput };

interface EntryState {
  readonly schoolId: string;
  readonly live: boolean;
  /** The submitted content, canonical, to tell a retry from a different submission under the same id. */
  readonly fingerprint: string;
}

export type CampaignState =
  | { readonly created: false }
  | {
      readonly created: true;
      readonly definition: EventOf<'CampaignCreated'>['data'];
      readonly status: CampaignStatus;
      readonly closesAt: string;
      readonly entries: ReadonlyMap<string, EntryState>;
      readonly liveEntriesBySchool: ReadonlyMap<string, number>;
    };

const ALL_SCHOOL_KINDS: readonly SchoolKind[] = [
  'KINDERGARTEN',
  'PRIMARY',
  'JUNIOR_HIGH',
  'SENIOR_HIGH',
  'NINE_YEAR',
  'VOCATIONAL',
  'SPECIAL',
  'MIGRANT',
];

function fingerprint(data: Pick<EventOf<'EntrySubmitted'>['data'], 'schoolId' | 'title' | 'participants' | 'advisor'>) {
  const { schoolId, title, participants, advisor } = data;
  return stringify({ schoolId, title, participants, advisor }) ?? '';
}

function existing(state: CampaignState, campaignId: string) {
  if (!state.created) throw new NotFound(`Campaign ${campaignId} does not exist`);
  return state;
}

export const campaignDecider: Decider<CampaignState, CampaignCommand, CampaignEvent> = {
  initialState: { created: false },

  decide(command, state, { actor, now }) {
    switch (command.type) {
      case 'CreateCampaign': {
        const { input } = command;
        const data: EventOf<'CampaignCreated'>['data'] = {
          campaignId: input.id,
          kind: input.kind,
          title: input.title,
          theme: input.theme ?? '',
          year: input.year,
          opensAt: input.opensAt,
          closesAt: input.closesAt,
          eligibleSchoolKinds: input.eligibleSchoolKinds ?? [...ALL_SCHOOL_KINDS],
          maxEntriesPerSchool: input.maxEntriesPerSchool ?? null,
          targetSessions: input.targetSessions ?? null,
          awardQuota: input.awardQuota ?? null,
        };
        if (state.created) {
          if (stringify(state.definition) === stringify(data)) return [];
          throw new Conflict(`Campaign ${input.id} already exists`);
        }
        return [{ type: 'CampaignCreated', data }];
      }

      case 'OpenCampaign': {
        const campaign = existing(state, command.input.id);
        if (campaign.status === 'OPEN') return [];
        if (campaign.status !== 'DRAFT')
          throw new Conflict(`Campaign ${command.input.id} is ${campaign.status}, not DRAFT`);
        return [{ type: 'CampaignOpened', data: { campaignId: command.input.id } }];
      }

      case 'CloseCampaign': {
        const campaign = existing(state, command.input.id);
        if (campaign.status === 'CLOSED') return [];
        if (campaign.status !== 'OPEN')
          throw new Conflict(`Campaign ${command.input.id} is ${campaign.status}, not OPEN`);
        return [{ type: 'CampaignClosed', data: { campaignId: command.input.id } }];
      }

      case 'SubmitEntry': {
        const { input, school } = command;
        if (actor.role === 'school' && actor.schoolId !== input.schoolId) {
          throw new Forbidden(`A school submits only for itself, not for ${input.schoolId}`);
        }
        const campaign = existing(state, input.campaignId);
        const entryId = entryIdFor(input.campaignId, input.submissionId);
        const data: EventOf<'EntrySubmitted'>['data'] = {
          campaignId: input.campaignId,
          entryId,
          submissionId: input.submissionId,
          schoolId: input.schoolId,
          title: input.title,
          participants: input.participants,
          advisor: input.advisor ?? null,
        };
        const earlier = campaign.entries.get(entryId);
        if (earlier) {
          if (earlier.fingerprint === fingerprint(data)) return [];
          throw new Conflict(`submissionId ${input.submissionId} was already used for a different entry`);
        }
        if (campaign.status !== 'OPEN' || Date.parse(now) >= Date.parse(campaign.closesAt)) {
          throw new CampaignNotOpen(
            campaign.status === 'OPEN'
              ? `Campaign ${input.campaignId} closed for entries at ${campaign.closesAt}`
              : `Campaign ${input.campaignId} is ${campaign.status}, not OPEN`,
          );
        }
        if (!school) throw new NotFound(`School ${input.schoolId} does not exist`);
        if (!campaign.definition.eligibleSchoolKinds.includes(school.kind)) {
          throw new NotEligible(`Campaign ${input.campaignId} is not open to ${school.kind} schools`);
        }
        const limit = campaign.definition.maxEntriesPerSchool;
        if (limit !== null && (campaign.liveEntriesBySchool.get(input.schoolId) ?? 0) >= limit) {
          throw new LimitExceeded(`School ${input.schoolId} already has ${limit} live entries in ${input.campaignId}`);
        }
        return [{ type: 'EntrySubmitted', data }];
      }

      case 'WithdrawEntry': {
        const { entryId, reason } = command.input;
        const campaignId = campaignIdOf(entryId);
        const campaign = existing(state, campaignId);
        const entry = campaign.entries.get(entryId);
        if (!entry) throw new NotFound(`Entry ${entryId} does not exist`);
        if (actor.role === 'school' && actor.schoolId !== entry.schoolId) {
          throw new Forbidden(`Entry ${entryId} belongs to another school`);
        }
        if (!entry.live) return [];
        const open = campaign.status === 'OPEN' || (actor.role === 'organizer' && campaign.status === 'CLOSED');
        if (!open)
          throw new CampaignNotOpen(`Campaign ${campaignId} is ${campaign.status}; entries can no longer be withdrawn`);
        return [{ type: 'EntryWithdrawn', data: { campaignId, entryId, reason } }];
      }
    }
  },

  evolve(state, event) {
    if (event.type === 'CampaignCreated') {
      return {
        created: true,
        definition: event.data,
        status: 'DRAFT',
        closesAt: event.data.closesAt,
        entries: new Map(),
        liveEntriesBySchool: new Map(),
      };
    }
    if (!state.created) return state;
    switch (event.type) {
      case 'CampaignOpened':
        return { ...state, status: 'OPEN' };
      case 'CampaignClosed':
        return { ...state, status: 'CLOSED' };
      case 'EntrySubmitted': {
        const { entryId, schoolId } = event.data;
        return {
          ...state,
          entries: new Map(state.entries).set(entryId, { schoolId, live: true, fingerprint: fingerprint(event.data) }),
          liveEntriesBySchool: new Map(state.liveEntriesBySchool).set(
            schoolId,
            (state.liveEntriesBySchool.get(schoolId) ?? 0) + 1,
          ),
        };
      }
      case 'EntryWithdrawn': {
        const entry = state.entries.get(event.data.entryId);
        if (!entry?.live) return state;
        return {
          ...state,
          entries: new Map(state.entries).set(event.data.entryId, { ...entry, live: false }),
          liveEntriesBySchool: new Map(state.liveEntriesBySchool).set(
            entry.schoolId,
            (state.liveEntriesBySchool.get(entry.schoolId) ?? 1) - 1,
          ),
        };
      }
    }
  },
};
