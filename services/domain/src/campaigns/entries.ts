import type {
  Actor,
  Attachment,
  EraseEntryPersonalDataInput,
  ReviseEntryInput,
  SchoolKind,
  SubmitEntryInput,
  WithdrawEntryInput,
} from '@qingmiao/schema';
import type { DecisionContext } from '../decider.ts';
import {
  CampaignNotOpen,
  Conflict,
  Forbidden,
  LimitExceeded,
  NotEligible,
  NotFound,
  QuotaExceeded,
} from '../errors.ts';
import type { AttachmentLookup } from '../uploads.ts';
import { entryIdFor } from './entry-id.ts';
import { checkEntryContent, takingEntries } from './kinds.ts';
import {
  awardedLiveEntries,
  awardsAllowed,
  type Campaign,
  type CampaignEvent,
  type CampaignState,
  type ClaimedContent,
  differingField,
  type EntryContent,
  entryFingerprint,
  existingCampaign,
  existingEntry,
  liveEntries,
} from './state.ts';

/** What a submission needs to know of the submitting school, loaded by the shell from the school's stream. */
export interface SubmittingSchool {
  readonly id: string;
  readonly kind: SchoolKind;
}

/** The upload registry's answer for each of `input.attachmentIds`, in order, looked up by the shell. */
type Lookups = readonly AttachmentLookup[];

export type EntryCommand =
  | {
      readonly type: 'SubmitEntry';
      readonly input: SubmitEntryInput;
      readonly school: SubmittingSchool | undefined;
      readonly attachments: Lookups;
    }
  | { readonly type: 'ReviseEntry'; readonly input: ReviseEntryInput; readonly attachments: Lookups }
  | { readonly type: 'WithdrawEntry'; readonly input: WithdrawEntryInput }
  | { readonly type: 'EraseEntryPersonalData'; readonly input: EraseEntryPersonalDataInput };

function actingFor(actor: Actor, schoolId: string, what: string): void {
  if (actor.role === 'school' && actor.schoolId !== schoolId) throw new Forbidden(what);
}

/** Rule 1: entries only while the campaign is OPEN and before its deadline (as extended). */
function acceptingEntries(campaign: Campaign, now: string): void {
  const id = campaign.definition.campaignId;
  if (campaign.status !== 'OPEN') throw new CampaignNotOpen(`Campaign ${id} is ${campaign.status}, not OPEN`);
  if (Date.parse(now) >= Date.parse(campaign.closesAt)) {
    throw new CampaignNotOpen(`Campaign ${id} closed for entries at ${campaign.closesAt}`);
  }
}

/**
 * The files `ids` name, from the registry's answers; a file the entry already carries stays as it is, even when the
 * actor could not attach it now (an organizer revising a school's entry keeps the school's files).
 */
function attachmentsOf(ids: readonly string[], lookups: Lookups, carried: readonly Attachment[]): Attachment[] {
  return ids.map((id, index) => {
    const lookup = lookups[index];
    if (lookup && 'found' in lookup) return lookup.found;
    const kept = carried.find((attachment) => attachment.id === id);
    if (kept) return kept;
    const field = `attachmentIds.${index}`;
    if (lookup?.missing === 'foreign') {
      throw new Forbidden(`${field}: file ${id} was uploaded by someone else; upload it yourself to attach it`, field);
    }
    throw new NotFound(`${field}: no file ${id} has been uploaded`, field);
  });
}

/** What an entry event records of content: text and files only when there are some, as entries without them read. */
function recorded({ schoolId: _, body, attachments, ...content }: EntryContent) {
  return {
    ...content,
    ...(body === null ? {} : { body }),
    ...(attachments.length === 0 ? {} : { attachments: [...attachments] }),
  };
}

export function decideEntry(
  command: EntryCommand,
  state: CampaignState,
  { actor, now }: DecisionContext,
): CampaignEvent[] {
  switch (command.type) {
    case 'SubmitEntry': {
      const { input, school } = command;
      actingFor(actor, input.schoolId, `A school submits only for itself, not for ${input.schoolId}`);
      const campaign = existingCampaign(state, input.campaignId);
      const entryId = entryIdFor(input.campaignId, input.submissionId);
      const claimed: ClaimedContent = {
        schoolId: input.schoolId,
        title: input.title,
        participants: input.participants,
        advisor: input.advisor ?? null,
        performance: input.performance ?? null,
        body: input.body || null,
        attachments: input.attachmentIds.map((id) => ({ id })),
      };
      const earlier = campaign.entries.get(entryId);
      if (earlier) {
        // Rule 4: a retry returns the same entry and appends nothing, whatever happened since (to its files too).
        if (entryFingerprint(earlier.submitted) === entryFingerprint(claimed)) return [];
        throw new Conflict(
          `submissionId ${input.submissionId} was already used for a different entry`,
          differingField(earlier.submitted, claimed),
        );
      }
      takingEntries(campaign);
      acceptingEntries(campaign, now);
      const content: EntryContent = {
        ...claimed,
        attachments: attachmentsOf(input.attachmentIds, command.attachments, []),
      };
      checkEntryContent(campaign, content);
      if (!school) throw new NotFound(`School ${input.schoolId} does not exist`);
      if (!campaign.definition.eligibleSchoolKinds.includes(school.kind)) {
        throw new NotEligible(`Campaign ${input.campaignId} is not open to ${school.kind} schools`);
      }
      const limit = campaign.definition.maxEntriesPerSchool;
      if (limit !== null && (campaign.liveEntriesBySchool.get(input.schoolId) ?? 0) >= limit) {
        throw new LimitExceeded(`School ${input.schoolId} already has ${limit} live entries in ${input.campaignId}`);
      }
      const { campaignId, submissionId, schoolId } = input;
      return [{ type: 'EntrySubmitted', data: { campaignId, entryId, submissionId, schoolId, ...recorded(content) } }];
    }

    case 'ReviseEntry': {
      const { input } = command;
      const { campaign, entry } = existingEntry(state, input.entryId);
      actingFor(actor, entry.schoolId, `Entry ${input.entryId} belongs to another school`);
      if (!entry.live) throw new Conflict(`Entry ${input.entryId} was withdrawn`);
      acceptingEntries(campaign, now);
      const revised: EntryContent = {
        ...entry.content,
        ...(input.title === undefined ? {} : { title: input.title }),
        ...(input.participants === undefined ? {} : { participants: input.participants }),
        ...(input.advisor === undefined ? {} : { advisor: input.advisor }),
        ...(input.performance === undefined ? {} : { performance: input.performance }),
        ...(input.body === undefined ? {} : { body: input.body || null }),
        ...(input.attachmentIds === undefined
          ? {}
          : { attachments: attachmentsOf(input.attachmentIds, command.attachments, entry.content.attachments) }),
      };
      checkEntryContent(campaign, revised);
      if (entryFingerprint(revised) === entryFingerprint(entry.content)) return [];
      const data = {
        campaignId: campaign.definition.campaignId,
        entryId: input.entryId,
        schoolId: entry.schoolId,
        ...recorded(revised),
      };
      return [{ type: 'EntryRevised', data }];
    }

    case 'WithdrawEntry': {
      const { entryId, reason } = command.input;
      const { campaign, entry } = existingEntry(state, entryId);
      actingFor(actor, entry.schoolId, `Entry ${entryId} belongs to another school`);
      if (!entry.live) return [];
      const id = campaign.definition.campaignId;
      // Schools withdraw while the campaign runs; organizers may also disqualify after closing, before results.
      const open = campaign.status === 'OPEN' || (actor.role === 'organizer' && campaign.status === 'CLOSED');
      if (!open) throw new CampaignNotOpen(`Campaign ${id} is ${campaign.status}; entries can no longer be withdrawn`);
      // Rule 3 holds both ways: one entry fewer must not leave more awards than the quota allows.
      const awardedAfter = awardedLiveEntries(campaign) - (entry.prize ? 1 : 0);
      if (awardedAfter > awardsAllowed(campaign, liveEntries(campaign) - 1)) {
        throw new QuotaExceeded(
          `Withdrawing ${entryId} would leave more awards than the quota allows; revoke one first`,
        );
      }
      return [{ type: 'EntryWithdrawn', data: { campaignId: id, entryId, reason } }];
    }

    // Whatever the campaign's status: a guardian may ask at any time. Erasing again records nothing.
    case 'EraseEntryPersonalData': {
      const { entryId, reason } = command.input;
      const { campaign, entry } = existingEntry(state, entryId);
      if (entry.personalDataErased) return [];
      return [
        { type: 'EntryPersonalDataErased', data: { campaignId: campaign.definition.campaignId, entryId, reason } },
      ];
    }
  }
}
