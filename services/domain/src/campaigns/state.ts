import type { Attachment, CampaignStatus, EventOf, Prize } from '@qingmiao/schema';
import { Map as PersistentMap } from 'immutable';
import { stringify } from 'safe-stable-stringify';
import { NotFound } from '../errors.ts';
import { campaignIdOf } from './entry-id.ts';

export type CampaignEvent =
  | EventOf<'CampaignCreated'>
  | EventOf<'CampaignSettingsChanged'>
  | EventOf<'CampaignOpened'>
  | EventOf<'CampaignClosed'>
  | EventOf<'DeadlineExtended'>
  | EventOf<'CampaignCancelled'>
  | EventOf<'ResultsPublished'>
  | EventOf<'JudgeAssigned'>
  | EventOf<'JudgeUnassigned'>
  | EventOf<'EntrySubmitted'>
  | EventOf<'EntryRevised'>
  | EventOf<'EntryWithdrawn'>
  | EventOf<'EntryPersonalDataErased'>
  | EventOf<'EntryScored'>
  | EventOf<'JudgeRecused'>
  | EventOf<'EntryAwarded'>
  | EventOf<'AwardRevoked'>
  | EventOf<'EntryRated'>
  | EventOf<'LectureScheduled'>
  | EventOf<'LectureRescheduled'>
  | EventOf<'LectureDelivered'>
  | EventOf<'LectureCancelled'>;

/** What an entry says and carries; `body` and `attachments` as entries recorded before them read (none). */
export type EntryContent = Pick<
  EventOf<'EntrySubmitted'>['data'],
  'schoolId' | 'title' | 'participants' | 'advisor' | 'performance'
> & {
  readonly body: string | null;
  readonly attachments: readonly Attachment[];
};

/** Content as a submission claims it: its files named by id only, before they are looked up. */
export type ClaimedContent = Omit<EntryContent, 'attachments'> & {
  readonly attachments: readonly Pick<Attachment, 'id'>[];
};

export interface EntryState {
  readonly schoolId: string;
  readonly live: boolean;
  /** The original submission, to tell a retry from a different submission under the same id (by fingerprint). */
  readonly submitted: EntryContent;
  readonly content: EntryContent;
  readonly prize: Prize | null;
  readonly recusedJudges: ReadonlySet<string>;
  /** Its personal data was erased (EntryPersonalDataErased): the keys are gone, erasing again records nothing. */
  readonly personalDataErased: boolean;
}

interface LectureState {
  readonly status: 'SCHEDULED' | 'DELIVERED' | 'CANCELLED';
  readonly fingerprint: string;
}

export interface Campaign {
  readonly created: true;
  readonly definition: EventOf<'CampaignCreated'>['data'];
  readonly status: CampaignStatus;
  /** The deadline in force: `closesAt` unless extended. */
  readonly closesAt: string;
  readonly judges: ReadonlySet<string>;
  // Persistent maps: each event makes a new state sharing all but one path with the last, where copying a Map
  // would cost every submission O(entries in the campaign).
  readonly entries: PersistentMap<string, EntryState>;
  readonly liveEntriesBySchool: PersistentMap<string, number>;
  readonly lectures: PersistentMap<string, LectureState>;
}

export type CampaignState = { readonly created: false } | Campaign;

export function fingerprint(value: unknown): string {
  return stringify(value) ?? '';
}

/** The fields of content that make it the same entry, each as a fingerprint; files by id (a name is not content). */
function entryFields(content: ClaimedContent): Record<string, string> {
  const { schoolId, title, participants, advisor, performance, body, attachments } = content;
  const fields = {
    schoolId,
    title,
    // The pseudonymous id is the log's, not the caller's: a retried submission read back carries it.
    participants: participants.map(({ participantId: _, ...given }) => given),
    advisor,
    performance,
    body,
    attachmentIds: attachments.map((a) => a.id),
  };
  return Object.fromEntries(Object.entries(fields).map(([name, value]) => [name, fingerprint(value)]));
}

export function entryFingerprint(content: ClaimedContent): string {
  return fingerprint(entryFields(content));
}

/** The first field in which two contents differ (e.g. `attachmentIds`), undefined when they are the same. */
export function differingField(a: ClaimedContent, b: ClaimedContent): string | undefined {
  const left = entryFields(a);
  const right = entryFields(b);
  return Object.keys(left).find((name) => left[name] !== right[name]);
}

/** The content an entry event records; undefined body and attachments are those of entries recorded before them. */
function contentOf(
  schoolId: string,
  data: Pick<
    EventOf<'EntryRevised'>['data'],
    'title' | 'participants' | 'advisor' | 'performance' | 'body' | 'attachments'
  >,
): EntryContent {
  const { title, participants, advisor, performance, body, attachments } = data;
  return { schoolId, title, participants, advisor, performance, body: body ?? null, attachments: attachments ?? [] };
}

export function existingCampaign(state: CampaignState, campaignId: string): Campaign {
  if (!state.created) throw new NotFound(`Campaign ${campaignId} does not exist`);
  return state;
}

export function existingEntry(state: CampaignState, entryId: string): { campaign: Campaign; entry: EntryState } {
  const campaign = existingCampaign(state, campaignIdOf(entryId));
  const entry = campaign.entries.get(entryId);
  if (!entry) throw new NotFound(`Entry ${entryId} does not exist`);
  return { campaign, entry };
}

/** Live entries that hold an award: what the award quota caps. */
export function awardedLiveEntries(campaign: Campaign): number {
  let awarded = 0;
  for (const entry of campaign.entries.values()) if (entry.live && entry.prize) awarded++;
  return awarded;
}

export function liveEntries(campaign: Campaign): number {
  let live = 0;
  for (const count of campaign.liveEntriesBySchool.values()) live += count;
  return live;
}

/**
 * Most awards a quota allows among live entries: floor(awardQuota × live entries). The ε keeps a product that is
 * whole on paper whole in floating point (0.29 × 100 is 28.999…).
 */
export function awardCap(awardQuota: number, liveEntries: number): number {
  return Math.floor(awardQuota * liveEntries + 1e-9);
}

/** The campaign's award cap now (or with `live` entries), unlimited without a quota. */
export function awardsAllowed(campaign: Campaign, live = liveEntries(campaign)): number {
  const quota = campaign.definition.awardQuota;
  return quota === null ? Number.POSITIVE_INFINITY : awardCap(quota, live);
}

function withEntry(campaign: Campaign, entryId: string, change: (entry: EntryState) => EntryState): Campaign {
  const entry = campaign.entries.get(entryId);
  if (!entry) return campaign;
  return { ...campaign, entries: campaign.entries.set(entryId, change(entry)) };
}

function withLecture(campaign: Campaign, lectureId: string, status: LectureState['status']): Campaign {
  const lecture = campaign.lectures.get(lectureId);
  if (!lecture) return campaign;
  return { ...campaign, lectures: campaign.lectures.set(lectureId, { ...lecture, status }) };
}

function countLive(campaign: Campaign, schoolId: string, delta: number): PersistentMap<string, number> {
  return campaign.liveEntriesBySchool.update(schoolId, 0, (live) => live + delta);
}

export function evolve(state: CampaignState, event: CampaignEvent): CampaignState {
  if (event.type === 'CampaignCreated') {
    return {
      created: true,
      definition: event.data,
      status: 'DRAFT',
      closesAt: event.data.closesAt,
      judges: new Set(),
      entries: PersistentMap(),
      liveEntriesBySchool: PersistentMap(),
      lectures: PersistentMap(),
    };
  }
  if (!state.created) return state;
  switch (event.type) {
    case 'CampaignSettingsChanged':
      return {
        ...state,
        definition: { ...state.definition, ...event.data },
        closesAt: event.data.closesAt,
      };
    case 'CampaignOpened':
      return { ...state, status: 'OPEN' };
    case 'CampaignClosed':
      return { ...state, status: 'CLOSED' };
    case 'CampaignCancelled':
      return { ...state, status: 'CANCELLED' };
    case 'ResultsPublished':
      return { ...state, status: 'RESULTS_PUBLISHED' };
    case 'DeadlineExtended':
      return { ...state, closesAt: event.data.closesAt };
    case 'JudgeAssigned':
      return { ...state, judges: new Set(state.judges).add(event.data.judge) };
    case 'JudgeUnassigned': {
      const judges = new Set(state.judges);
      judges.delete(event.data.judge);
      return { ...state, judges };
    }
    case 'EntrySubmitted': {
      const { entryId, schoolId } = event.data;
      const content = contentOf(schoolId, event.data);
      const entry: EntryState = {
        schoolId,
        live: true,
        submitted: content,
        content,
        prize: null,
        recusedJudges: new Set(),
        personalDataErased: false,
      };
      return {
        ...state,
        entries: state.entries.set(entryId, entry),
        liveEntriesBySchool: countLive(state, schoolId, 1),
      };
    }
    case 'EntryRevised':
      return withEntry(state, event.data.entryId, (entry) => ({
        ...entry,
        content: contentOf(entry.schoolId, event.data),
      }));
    case 'EntryWithdrawn': {
      const entry = state.entries.get(event.data.entryId);
      if (!entry?.live) return state;
      const withdrawn = withEntry(state, event.data.entryId, (e) => ({ ...e, live: false }));
      return { ...withdrawn, liveEntriesBySchool: countLive(state, entry.schoolId, -1) };
    }
    case 'JudgeRecused':
      return withEntry(state, event.data.entryId, (entry) => ({
        ...entry,
        recusedJudges: new Set(entry.recusedJudges).add(event.data.judge),
      }));
    case 'EntryAwarded':
      return withEntry(state, event.data.entryId, (entry) => ({ ...entry, prize: event.data.prize }));
    case 'EntryPersonalDataErased':
      return withEntry(state, event.data.entryId, (entry) => ({ ...entry, personalDataErased: true }));
    case 'AwardRevoked':
      return withEntry(state, event.data.entryId, (entry) => ({ ...entry, prize: null }));
    case 'LectureScheduled': {
      const { lectureId, lecturerId, schoolId, venue, topic, scheduledAt } = event.data;
      const lecture: LectureState = {
        status: 'SCHEDULED',
        fingerprint: fingerprint({ lecturerId, schoolId, venue, topic, scheduledAt }),
      };
      return { ...state, lectures: state.lectures.set(lectureId, lecture) };
    }
    case 'LectureDelivered':
      return withLecture(state, event.data.lectureId, 'DELIVERED');
    case 'LectureCancelled':
      return withLecture(state, event.data.lectureId, 'CANCELLED');
    case 'EntryScored':
    case 'EntryRated':
    case 'LectureRescheduled':
      // Scores, ratings and new dates matter to read models, not to any later decision.
      return state;
  }
}
