import type {
  AwardsCounted,
  CampaignPanel,
  EntryRow,
  HistoryRow,
  ParticipantRow,
  ReadModelQueries,
} from '@qingmiao/projections';
import type { Actor, Attachment, AttachmentMediaType, EventType, Participant } from '@qingmiao/schema';
import type { FileLink } from '../files/signed-links.ts';
import type { ParticipantReads } from './participant-reads.ts';

/**
 * Who may see what of an entry: the one policy every resolver that reads entries, their judging or their history
 * applies. Judging is confidential until results are published:
 * - organizers see everything;
 * - a school sees its own entries and their participants; its entries' results (meanScore, scoreCount, prize,
 *   stars) only once results are published, and never a judge's score, comment or recusal;
 * - a judge sees the entries of the campaigns they are assigned to, without participants; their own scores, and
 *   the results only once published; in history only their own scores and recusals (never the content events,
 *   which name the school, its people and its files); in a campaign judged blind (the default) the entry itself
 *   is anonymous: no school, submission id, advisor or withdrawal reason, and files named 作品-1.pdf, 作品-2.docx …;
 * - viewers see no entries.
 */
export interface EntryAccess {
  readonly participants: boolean;
  /** Individual scores: every judge's, only the reader's own, or none (FORBIDDEN). */
  readonly scores: 'all' | 'own' | 'none';
  /** meanScore, scoreCount, prize and stars (null when hidden). */
  readonly results: boolean;
  /** Which events of the entry's history the reader sees. */
  readonly sees: (event: HistoryRow) => boolean;
  /** Whether the reader judges blind: the entry is shown as `anonymous` makes it. */
  readonly blind: boolean;
}

/**
 * An entry as its reader may see it, together with what they may see of it: what the GraphQL `Entry` type
 * resolves from. Whatever a blind judge may not learn is already gone from it, so no field can show it.
 */
export type VisibleEntry = Omit<EntryRow, 'schoolId' | 'submissionId'> & {
  readonly schoolId: string | null;
  /** Chosen by the school (often after its own code), so hidden from blind judges too. */
  readonly submissionId: string | null;
  readonly access: EntryAccess;
};

/** The extension of each kind of file, for the neutral names of blind judging. */
const EXTENSIONS: Readonly<Record<AttachmentMediaType, string>> = {
  'application/pdf': 'pdf',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'video/mp4': 'mp4',
  'audio/mpeg': 'mp3',
};

/** A file as a blind judge sees it: 作品-1.pdf, 作品-2.docx … by its place in the entry (作品.pdf when gone). */
const neutralName = (attachment: Pick<Attachment, 'mediaType'>, index: number): string =>
  `作品${index < 0 ? '' : `-${index + 1}`}.${EXTENSIONS[attachment.mediaType]}`;

/** The entry with everything that could tell its school removed: what a blind judge reads. */
function anonymous(row: EntryRow): Omit<VisibleEntry, 'access'> {
  return {
    ...row,
    schoolId: null,
    submissionId: null,
    advisor: null,
    withdrawReason: null,
    participants: [],
    attachments: row.attachments.map((attachment, index) => ({ ...attachment, name: neutralName(attachment, index) })),
  };
}

/** Events that are the entry itself, whoever sees the entry sees them (subject to the participants rule). */
const CONTENT: ReadonlySet<string> = new Set<EventType>(['EntrySubmitted', 'EntryRevised', 'EntryWithdrawn']);
/** The organizers' results, revealed to the school by publication. */
const RESULTS: ReadonlySet<string> = new Set<EventType>(['EntryAwarded', 'AwardRevoked', 'EntryRated']);
/** A judge's own acts on an entry. */
const JUDGING: ReadonlySet<string> = new Set<EventType>(['EntryScored', 'JudgeRecused']);

const everything: EntryAccess = { participants: true, scores: 'all', results: true, sees: () => true, blind: false };

const onPanel = (actor: Actor, campaign: CampaignPanel) =>
  actor.role === 'judge' && campaign.judges.includes(actor.sub);

/** Whose entries of a campaign a reader may list: `{}` for all, one school's, or undefined for none. */
export function entryScope(actor: Actor, campaign: CampaignPanel): { readonly schoolId?: string } | undefined {
  switch (actor.role) {
    case 'organizer':
      return {};
    case 'school':
      return { schoolId: actor.schoolId };
    case 'judge':
      return onPanel(actor, campaign) ? {} : undefined;
    case 'viewer':
      return undefined;
  }
}

/** What `actor` may see of `entry` of `campaign`; undefined when the entry is not theirs to read at all. */
export function entryAccess(
  actor: Actor,
  entry: Pick<EntryRow, 'schoolId'>,
  campaign: CampaignPanel,
): EntryAccess | undefined {
  const published = campaign.status === 'RESULTS_PUBLISHED';
  switch (actor.role) {
    case 'organizer':
      return everything;
    case 'school':
      if (entry.schoolId !== actor.schoolId) return undefined;
      return {
        participants: true,
        scores: 'none',
        results: published,
        sees: ({ type }) => CONTENT.has(type) || (published && RESULTS.has(type)),
        blind: false,
      };
    case 'judge':
      if (!onPanel(actor, campaign)) return undefined;
      // The content events carry the participants' names: a judge's history holds only their own judging.
      return {
        participants: false,
        scores: 'own',
        results: published,
        sees: ({ type, actor: by }) => JUDGING.has(type) && by === actor.sub,
        blind: campaign.blindJudging,
      };
    case 'viewer':
      return undefined;
  }
}

/**
 * Which awards a reader's participation figures count: organizers every campaign's, everyone else only those of
 * campaigns whose results are published (an award is judging, confidential until then).
 */
export const awardsCounted = (actor: Actor): AwardsCounted => (actor.role === 'organizer' ? 'all' : 'published');

/**
 * The file a signed link fetches, named as its reader may see it: the attachment its entry carries (or once
 * carried) under the link's file id; undefined when the entry never carried it. A link names its reader's token
 * subject but not their role: a subject on the panel of a campaign judged blind gets the neutral name.
 */
export function linkedAttachment(
  read: Pick<ReadModelQueries, 'entryFile' | 'entry' | 'panel'>,
  link: Pick<FileLink, 'entryId' | 'fileId' | 'reader'>,
): Attachment | undefined {
  const attachment = read.entryFile(link.entryId, link.fileId);
  const entry = attachment && read.entry(link.entryId);
  const campaign = entry && read.panel(entry.campaignId);
  if (!attachment || !entry || !campaign) return undefined;
  const blind = entryAccess({ sub: link.reader, role: 'judge' }, entry, campaign)?.blind ?? false;
  const index = entry.attachments.findIndex(({ id }) => id === link.fileId);
  return blind ? { ...attachment, name: neutralName(attachment, index) } : attachment;
}

type EntryRef = { readonly id: string; readonly schoolId: string | null };

/**
 * Whether `actor` reads `entry` for its own school, the only reader of its participants' keys (often student
 * numbers); any other reader's sight of the names is noted in `reads` for the access log.
 */
function readingOwn(actor: Actor, entry: EntryRef, reads: ParticipantReads): boolean {
  if (actor.role === 'school' && actor.schoolId === entry.schoolId) return true;
  reads.note(entry.id);
  return false;
}

/** The participants of `entry` as `actor` may see them: keys for the own school only. */
export function participantsFor(
  actor: Actor,
  entry: EntryRef,
  participants: readonly ParticipantRow[],
  reads: ParticipantReads,
): ParticipantRow[] {
  if (readingOwn(actor, entry, reads)) return [...participants];
  return participants.map((participant) => ({ ...participant, key: null }));
}

/** The history events that carry an entry's participants. */
const NAMING: ReadonlySet<string> = new Set<EventType>(['EntrySubmitted', 'EntryRevised']);

/**
 * The data of a history event of `entry` as `actor` may see it: the participants' keys for the own school only, and
 * never the log's own bookkeeping of personal data (the keys that sealed it, the pseudonymous participant ids).
 */
export function historyDataFor(
  actor: Actor,
  entry: EntryRef,
  event: Pick<HistoryRow, 'type' | 'data'>,
  reads: ParticipantReads,
): string {
  if (!NAMING.has(event.type)) return event.data;
  const own = readingOwn(actor, entry, reads);
  const { personalDataKeys: _keys, ...data } = JSON.parse(event.data) as {
    personalDataKeys?: unknown;
    participants?: Participant[];
  };
  const participants = data.participants?.map(({ participantId: _id, key, ...participant }) =>
    own && key !== undefined ? { ...participant, key } : participant,
  );
  return JSON.stringify({ ...data, participants });
}

/** The entries among `rows` that `actor` may read, each with what they may see of it. */
export function visibleEntries(actor: Actor, campaign: CampaignPanel, rows: readonly EntryRow[]): VisibleEntry[] {
  return rows.flatMap((row) => {
    const access = entryAccess(actor, row, campaign);
    if (!access) return [];
    return [{ ...(access.blind ? anonymous(row) : row), access }];
  });
}
