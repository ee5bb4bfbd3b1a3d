import type { AwardsCounted, CampaignPanel, EntryRow, HistoryRow } from '@qingmiao/projections';
import type { Actor, EventType } from '@qingmiao/schema';

/**
 * Who may see what of an entry: the one policy every resolver that reads entries, their judging or their history
 * applies. Judging is confidential until results are published:
 * - organizers see everything;
 * - a school sees its own entries and their participants; its entries' results (meanScore, scoreCount, prize,
 *   stars) only once results are published, and never a judge's score, comment or recusal;
 * - a judge sees the entries of the campaigns they are assigned to, without participants; their own scores, and
 *   the results only once published; in history only their own scores and recusals;
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
}

/** An entry together with what its reader may see of it: what the GraphQL `Entry` type resolves from. */
export type VisibleEntry = EntryRow & { readonly access: EntryAccess };

/** Events that are the entry itself, whoever sees the entry sees them (subject to the participants rule). */
const CONTENT: ReadonlySet<string> = new Set<EventType>(['EntrySubmitted', 'EntryRevised', 'EntryWithdrawn']);
/** The organizers' results, revealed to the school by publication. */
const RESULTS: ReadonlySet<string> = new Set<EventType>(['EntryAwarded', 'AwardRevoked', 'EntryRated']);
/** A judge's own acts on an entry. */
const JUDGING: ReadonlySet<string> = new Set<EventType>(['EntryScored', 'JudgeRecused']);

const everything: EntryAccess = { participants: true, scores: 'all', results: true, sees: () => true };

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
      };
    case 'judge':
      if (!onPanel(actor, campaign)) return undefined;
      // The content events carry the participants' names: a judge's history holds only their own judging.
      return {
        participants: false,
        scores: 'own',
        results: published,
        sees: ({ type, actor: by }) => JUDGING.has(type) && by === actor.sub,
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

/** The entries among `rows` that `actor` may read, each with what they may see of it. */
export function visibleEntries(actor: Actor, campaign: CampaignPanel, rows: readonly EntryRow[]): VisibleEntry[] {
  return rows.flatMap((row) => {
    const access = entryAccess(actor, row, campaign);
    return access ? [{ ...row, access }] : [];
  });
}
