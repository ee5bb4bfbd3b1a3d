import { CampaignKind } from '@qingmiao/schema';
import { InvalidInput } from '../errors.ts';
import type { Campaign, EntryContent } from './state.ts';

/** How schools enter a campaign whose kind takes entries. Entries are scored on the rubric and awarded under the quota. */
export interface EntryRules {
  /** Whether an entry names at least one person: essays and performances are someone's work. */
  readonly participantsRequired: boolean;
  /** Whether an entry says what is performed (genre and length on stage); entries of other kinds may not. */
  readonly performance: boolean;
  /** Whether results also rate each entry 1–5 stars (rateEntry). */
  readonly starRatings: boolean;
  /** Live entries per school fixed by the kind, and why; null leaves maxEntriesPerSchool to the organizer. */
  readonly entriesPerSchool: { readonly exactly: number; readonly because: string } | null;
}

/** What a campaign of one kind takes: entries from schools, or lectures counted against `targetSessions`. */
export type KindPolicy = { readonly takes: 'entries'; readonly entries: EntryRules } | { readonly takes: 'lectures' };

/** Every kind's rules. A kind added to CampaignKind does not compile until it has its policy here. */
export const KIND_POLICIES: Readonly<Record<CampaignKind, KindPolicy>> = {
  ESSAY: {
    takes: 'entries',
    entries: { participantsRequired: true, performance: false, starRatings: false, entriesPerSchool: null },
  },
  PERFORMANCE: {
    takes: 'entries',
    entries: { participantsRequired: true, performance: true, starRatings: false, entriesPerSchool: null },
  },
  LECTURE: { takes: 'lectures' },
  EVALUATION: {
    takes: 'entries',
    // The application is the school's own: it may name nobody, and it is made once.
    entries: {
      participantsRequired: false,
      performance: false,
      starRatings: true,
      entriesPerSchool: { exactly: 1, because: 'each school applies once to an EVALUATION' },
    },
  },
};

const entryRulesOf = (kind: CampaignKind): EntryRules | null => {
  const policy = KIND_POLICIES[kind];
  return policy.takes === 'entries' ? policy.entries : null;
};

/** The kinds a rule holds for, as refusals name them ("LECTURE", "ESSAY or PERFORMANCE"). */
const kindsWhere = (holds: (kind: CampaignKind) => boolean): string => CampaignKind.options.filter(holds).join(' or ');

const takesLectures = (kind: CampaignKind) => KIND_POLICIES[kind].takes === 'lectures';

/** A definition as its kind allows it (at creation), each refusal naming the field; returns what is stored. */
export function definitionOfKind(definition: Campaign['definition']): Campaign['definition'] {
  if (definition.targetSessions !== null && !takesLectures(definition.kind)) {
    throw new InvalidInput('targetSessions', `is only for ${kindsWhere(takesLectures)} campaigns`);
  }
  if (definition.requireGuardianConsent && takesLectures(definition.kind)) {
    const naming = kindsWhere((kind) => !takesLectures(kind));
    throw new InvalidInput('requireGuardianConsent', `is only for ${naming} campaigns: lectures name no participants`);
  }
  const fixed = entryRulesOf(definition.kind)?.entriesPerSchool;
  if (!fixed) return definition;
  if (definition.maxEntriesPerSchool !== null && definition.maxEntriesPerSchool !== fixed.exactly) {
    throw new InvalidInput('maxEntriesPerSchool', `must be ${fixed.exactly}: ${fixed.because}`);
  }
  return { ...definition, maxEntriesPerSchool: fixed.exactly };
}

/** The entry rules of a campaign; refuses a campaign whose kind takes no entries. */
export function takingEntries(campaign: Campaign): EntryRules {
  const { kind } = campaign.definition;
  const rules = entryRulesOf(kind);
  if (!rules) throw new InvalidInput('campaignId', `is a ${kind} campaign: it records lectures, not entries`);
  return rules;
}

/** Refuses lectures in a campaign whose kind takes entries. */
export function takingLectures(campaign: Campaign): void {
  const { kind, campaignId } = campaign.definition;
  if (!takesLectures(kind)) {
    throw new InvalidInput('campaignId', `${campaignId} is a ${kind} campaign, not ${kindsWhere(takesLectures)}`);
  }
}

/** What an entry says, checked against its campaign's kind, each refusal naming the field. */
export function checkEntryContent(campaign: Campaign, content: EntryContent): void {
  const { kind } = campaign.definition;
  const rules = takingEntries(campaign);
  if (rules.participantsRequired && content.participants.length === 0) {
    throw new InvalidInput('participants', `must name at least one participant in a ${kind} campaign`);
  }
  if (rules.performance && !content.performance) {
    throw new InvalidInput('performance', `is required for ${kind} campaigns (genre and durationMinutes)`);
  }
  if (!rules.performance && content.performance) {
    const performing = kindsWhere((other) => entryRulesOf(other)?.performance === true);
    throw new InvalidInput('performance', `is only for ${performing} campaigns`);
  }
  if (campaign.definition.requireGuardianConsent) {
    // A child's data is sensitive (PIPL): the school attests it holds each student's guardian's signed form.
    const missing = content.participants.findIndex((p) => p.role === 'STUDENT' && p.guardianConsent !== true);
    if (missing >= 0) {
      throw new InvalidInput(
        `participants.${missing}.guardianConsent`,
        "must be true: this campaign requires a guardian's signed consent for every student",
      );
    }
  }
}

/** Refuses a star rating where the campaign's kind gives none. */
export function ratingStars(campaign: Campaign): void {
  if (!entryRulesOf(campaign.definition.kind)?.starRatings) {
    const rated = kindsWhere((kind) => entryRulesOf(kind)?.starRatings === true);
    throw new InvalidInput('entryId', `star ratings are given in ${rated} campaigns only`);
  }
}
