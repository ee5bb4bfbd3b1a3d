import {
  type CampaignRefInput,
  type CancelCampaignInput,
  type ChangeCampaignSettingsInput,
  type CopyCampaignInput,
  type CreateCampaignInput,
  DEFAULT_RUBRIC,
  type EventOf,
  type ExtendDeadlineInput,
  SchoolKind,
} from '@qingmiao/schema';
import { Conflict, InvalidInput } from '../errors.ts';
import { definitionOfKind } from './kinds.ts';
import { type CampaignEvent, type CampaignState, existingCampaign, fingerprint } from './state.ts';

export type LifecycleCommand =
  | { readonly type: 'CreateCampaign'; readonly input: CreateCampaignInput & { readonly id: string } }
  | {
      readonly type: 'CopyCampaign';
      readonly input: CopyCampaignInput & { readonly id: string };
      /** The campaign copied from, loaded by the shell; undefined when it does not exist. */
      readonly source: EventOf<'CampaignCreated'>['data'] | undefined;
    }
  | { readonly type: 'ChangeCampaignSettings'; readonly input: ChangeCampaignSettingsInput }
  | { readonly type: 'OpenCampaign'; readonly input: CampaignRefInput }
  | { readonly type: 'CloseCampaign'; readonly input: CampaignRefInput }
  | { readonly type: 'ExtendDeadline'; readonly input: ExtendDeadlineInput }
  | { readonly type: 'CancelCampaign'; readonly input: CancelCampaignInput }
  | { readonly type: 'PublishResults'; readonly input: CampaignRefInput };

type Definition = EventOf<'CampaignCreated'>['data'];
type Settings = EventOf<'CampaignSettingsChanged'>['data'];

/** The settings as given, what is left out falling back to its default exactly as at creation. */
function settingsOf(campaignId: string, input: Omit<ChangeCampaignSettingsInput, 'id'>): Settings {
  return {
    campaignId,
    title: input.title,
    theme: input.theme ?? '',
    opensAt: input.opensAt,
    closesAt: input.closesAt,
    eligibleSchoolKinds: input.eligibleSchoolKinds ?? [...SchoolKind.options],
    maxEntriesPerSchool: input.maxEntriesPerSchool ?? null,
    targetSessions: input.targetSessions ?? null,
    awardQuota: input.awardQuota ?? null,
    rubric: input.rubric ?? DEFAULT_RUBRIC,
    blindJudging: input.blindJudging,
    requireGuardianConsent: input.requireGuardianConsent,
  };
}

/**
 * The settings part of a definition, field by field: what the event records and what a change is compared with.
 * Named one by one so that a setting added to the event does not compile until it is taken here too.
 */
function settingsIn(definition: Definition): Settings {
  const { campaignId, title, theme, opensAt, closesAt, eligibleSchoolKinds } = definition;
  const { maxEntriesPerSchool, targetSessions, awardQuota, rubric, blindJudging, requireGuardianConsent } = definition;
  return {
    campaignId,
    title,
    theme,
    opensAt,
    closesAt,
    eligibleSchoolKinds,
    maxEntriesPerSchool,
    targetSessions,
    awardQuota,
    rubric,
    blindJudging,
    requireGuardianConsent,
  };
}

function create(state: CampaignState, data: Definition): CampaignEvent[] {
  if (state.created) {
    // A retry of the same creation succeeds without a second event; anything else reuses a taken id.
    if (fingerprint(state.definition) === fingerprint(data)) return [];
    throw new Conflict(`Campaign ${data.campaignId} already exists`);
  }
  return [{ type: 'CampaignCreated', data }];
}

/**
 * Shifts an ISO date-time by whole years, keeping its offset (2022-03-01T08:00+08:00 → 2023-03-01T08:00+08:00).
 * 29 February becomes the 28th in a common year: `2023-02-29` is no date, and an event carrying it is unreadable.
 */
function shiftYears(dateTime: string, years: number): string {
  const year = Number(dateTime.slice(0, 4)) + years;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const rest = !leap && dateTime.startsWith('-02-29', 4) ? `-02-28${dateTime.slice(10)}` : dateTime.slice(4);
  return `${String(year).padStart(4, '0')}${rest}`;
}

export function decideLifecycle(command: LifecycleCommand, state: CampaignState): CampaignEvent[] {
  switch (command.type) {
    case 'CreateCampaign': {
      const { input } = command;
      const { id, kind, year, ...settings } = input;
      return create(state, definitionOfKind({ ...settingsOf(id, settings), kind, year, copiedFrom: null }));
    }

    case 'ChangeCampaignSettings': {
      const { id, ...given } = command.input;
      const campaign = existingCampaign(state, id);
      // Once open, schools may have entered under the settings in force: changing them would change the rules midway.
      if (campaign.status !== 'DRAFT') {
        throw new Conflict(`Campaign ${id} is ${campaign.status}; only a DRAFT campaign's settings can change`);
      }
      const changed = settingsIn(definitionOfKind({ ...campaign.definition, ...settingsOf(id, given) }));
      // The deadline in force counts, not only the one set: an extended draft's deadline is its setting now.
      const inForce = { ...settingsIn(campaign.definition), closesAt: campaign.closesAt };
      if (fingerprint(changed) === fingerprint(inForce)) return [];
      return [{ type: 'CampaignSettingsChanged', data: changed }];
    }

    case 'CopyCampaign': {
      const { input, source } = command;
      if (!source) throw new InvalidInput('sourceId', `campaign ${input.sourceId} does not exist`);
      const years = input.year - source.year;
      const opensAt = input.opensAt ?? shiftYears(source.opensAt, years);
      const closesAt = input.closesAt ?? shiftYears(source.closesAt, years);
      if (Date.parse(closesAt) <= Date.parse(opensAt)) throw new InvalidInput('closesAt', 'must be after opensAt');
      return create(state, {
        ...source,
        campaignId: input.id,
        year: input.year,
        opensAt,
        closesAt,
        copiedFrom: source.campaignId,
      });
    }

    case 'OpenCampaign': {
      const campaign = existingCampaign(state, command.input.id);
      if (campaign.status === 'OPEN') return [];
      if (campaign.status !== 'DRAFT')
        throw new Conflict(`Campaign ${command.input.id} is ${campaign.status}, not DRAFT`);
      return [{ type: 'CampaignOpened', data: { campaignId: command.input.id } }];
    }

    case 'CloseCampaign': {
      const campaign = existingCampaign(state, command.input.id);
      if (campaign.status === 'CLOSED') return [];
      if (campaign.status !== 'OPEN')
        throw new Conflict(`Campaign ${command.input.id} is ${campaign.status}, not OPEN`);
      return [{ type: 'CampaignClosed', data: { campaignId: command.input.id } }];
    }

    case 'ExtendDeadline': {
      const { id, closesAt } = command.input;
      const campaign = existingCampaign(state, id);
      if (campaign.status !== 'OPEN' && campaign.status !== 'DRAFT') {
        throw new Conflict(`Campaign ${id} is ${campaign.status}; only a DRAFT or OPEN campaign's deadline can move`);
      }
      if (Date.parse(closesAt) === Date.parse(campaign.closesAt)) return [];
      if (Date.parse(closesAt) < Date.parse(campaign.closesAt)) {
        throw new InvalidInput('closesAt', `must be later than the current deadline ${campaign.closesAt}`);
      }
      return [{ type: 'DeadlineExtended', data: { campaignId: id, closesAt } }];
    }

    case 'CancelCampaign': {
      const { id, reason } = command.input;
      const campaign = existingCampaign(state, id);
      if (campaign.status === 'CANCELLED') return [];
      if (campaign.status === 'RESULTS_PUBLISHED') throw new Conflict(`Campaign ${id} has published its results`);
      return [{ type: 'CampaignCancelled', data: { campaignId: id, reason } }];
    }

    case 'PublishResults': {
      const { id } = command.input;
      const campaign = existingCampaign(state, id);
      if (campaign.status === 'RESULTS_PUBLISHED') return [];
      if (campaign.status !== 'CLOSED') throw new Conflict(`Campaign ${id} is ${campaign.status}; close it first`);
      return [{ type: 'ResultsPublished', data: { campaignId: id } }];
    }
  }
}
