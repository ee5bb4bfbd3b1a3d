import { setImmediate as nextTurn } from 'node:timers/promises';
import type { EventStore, Position, RecordedEvent } from '@qingmiao/event-store';
import { type Attachment, ERASED, type EventType, readTrustedEvent, streams } from '@qingmiao/schema';
import type Database from 'better-sqlite3';

export interface HistoryRow {
  readonly type: string;
  readonly recordedAt: string;
  readonly actor: string;
  readonly role: string;
  readonly data: string;
  /** Names of the files this event attached that the entry did not carry before (a submission: all of them). */
  readonly attachmentsAdded: string[];
  /** Names of the files the entry carried before and this event took off. */
  readonly attachmentsRemoved: string[];
}

/** The events of an entry's history. */
const HISTORY: ReadonlySet<string> = new Set<EventType>([
  'EntrySubmitted',
  'EntryRevised',
  'EntryWithdrawn',
  'EntryScored',
  'JudgeRecused',
  'EntryAwarded',
  'AwardRevoked',
  'EntryRated',
]);

/** The events that record an entry's whole content, its files included: the ones that carry personal data. */
const CONTENT: ReadonlySet<string> = new Set<EventType>(['EntrySubmitted', 'EntryRevised']);

/**
 * What the log's erasures took of an entry's personal data: everything recorded before `entry` (an erasure of the
 * entry or the expiry of its year), and each keyed participant's data recorded before their erasure.
 */
export interface EntryErasures {
  readonly entry: bigint | null;
  readonly participants: ReadonlyMap<string, bigint>;
}

/** Where an entry's history is read from: its campaign's stream, and the erasures that cover its events. */
export interface EntryHistorySource {
  readonly campaignId: string;
  readonly erasures: EntryErasures;
}

const namesOf = (attachments: readonly Attachment[], without: readonly Attachment[]) =>
  attachments.filter(({ id }) => !without.some((other) => other.id === id)).map(({ name }) => name);

type Content = {
  participants?: { participantId?: string; name?: string; grade?: string; key?: string; erased?: boolean }[];
  advisor?: unknown;
  body?: string;
  attachments?: Attachment[];
};

/** A participant as an erased one reads back from the log: 已删除, without grade and key. */
function erasedParticipant<P extends object>(participant: P): P {
  const { grade: _grade, key: _key, ...rest } = participant as P & { grade?: unknown; key?: unknown };
  return { ...rest, name: ERASED, erased: true } as P;
}

/**
 * A content event's data as the log reads it once the erasures after it destroyed their keys: data recorded before
 * keys were sealed (or read before the keys were gone) is erased here the same way.
 */
function erase(data: Content, position: bigint, erasures: EntryErasures): Content {
  if (erasures.entry !== null && position < erasures.entry) {
    const { body: _body, ...rest } = data;
    return {
      ...rest,
      ...(data.participants ? { participants: data.participants.map(erasedParticipant) } : {}),
      ...(typeof data.advisor === 'string' ? { advisor: ERASED } : {}),
      ...(data.attachments ? { attachments: data.attachments.map((file) => ({ ...file, name: ERASED })) } : {}),
    };
  }
  if (erasures.participants.size === 0 || !data.participants) return data;
  return {
    ...data,
    participants: data.participants.map((participant) => {
      const erasedAt =
        participant.participantId === undefined ? undefined : erasures.participants.get(participant.participantId);
      return erasedAt !== undefined && position < erasedAt ? erasedParticipant(participant) : participant;
    }),
  };
}

/** The entry's events among its campaign's, in log order up to `upTo`, each with the files it changed. */
export function entryHistoryOf(
  events: readonly RecordedEvent[],
  entryId: string,
  erasures: EntryErasures,
  upTo: Position,
): HistoryRow[] {
  let carried: readonly Attachment[] = [];
  const rows: HistoryRow[] = [];
  for (const recorded of events) {
    if (recorded.position.commit > upTo.commit) break;
    if (!HISTORY.has(recorded.type) || recorded.data.entryId !== entryId) continue;
    const read = readTrustedEvent(recorded);
    if (!read) continue;
    const { type, data } = read.event;
    const { actor, role, recordedAt } = read.metadata;
    const row = { type, recordedAt, actor, role };
    if (!CONTENT.has(type)) {
      rows.push({ ...row, data: JSON.stringify(data), attachmentsAdded: [], attachmentsRemoved: [] });
      continue;
    }
    const content = erase(data as Content, recorded.position.commit, erasures);
    const attachments = content.attachments ?? [];
    rows.push({
      ...row,
      data: JSON.stringify(content),
      attachmentsAdded: namesOf(attachments, carried),
      attachmentsRemoved: namesOf(carried, attachments),
    });
    carried = attachments;
  }
  return rows;
}

/**
 * Events of the campaign stream read at a time: a campaign of thousands of entries and their scores holds tens of
 * thousands of events, which read, parsed and opened at once would hold the event loop for a fraction of a second.
 */
export const HISTORY_PAGE = 256;

/**
 * An entry's history, read from its campaign's stream rather than kept in a copy of every entry event: the events
 * as the log reads them (opened, or 已删除 once their keys are destroyed), up to the read models' position `upTo` so
 * that it agrees with them. The stream is read a page at a time, the event loop serving others between pages, and
 * only the entry's events are kept. Empty for an unknown entry.
 */
export async function readEntryHistory(
  store: EventStore,
  source: EntryHistorySource | undefined,
  entryId: string,
  upTo: Position,
): Promise<HistoryRow[]> {
  if (!source) return [];
  const stream = streams.campaign(source.campaignId);
  const events: RecordedEvent[] = [];
  for (let fromRevision = 0; ; fromRevision += HISTORY_PAGE) {
    const page = await store.readStream(stream, { fromRevision, limit: HISTORY_PAGE });
    for (const event of page) if (event.data.entryId === entryId) events.push(event);
    const last = page.at(-1);
    if (page.length < HISTORY_PAGE || !last || last.position.commit > upTo.commit) break;
    await nextTurn();
  }
  return entryHistoryOf(events, entryId, source.erasures, upTo);
}

export function entryHistoryQueries(db: Database.Database) {
  const campaign = db.prepare<[string], { campaignId: string }>(
    'SELECT campaign_id AS campaignId FROM entries WHERE id = ?',
  );
  // The last erasure of the entry or expiry of its year: every content event before it is erased.
  const entryErasure = db
    .prepare<{ entryId: string }, { position: bigint | null }>(
      `SELECT max(position) AS position FROM (
        SELECT position FROM personal_data_erasures WHERE kind = 'ENTRY' AND subject = @entryId
        UNION ALL
        SELECT x.position FROM personal_data_expiries x
          JOIN campaigns c ON c.year = x.year JOIN entries e ON e.campaign_id = c.id WHERE e.id = @entryId)`,
    )
    .safeIntegers(true);
  // An erasure of a participant covers the entries it had named in sealed data when it was recorded.
  const participantErasures = db
    .prepare<[string], { participantId: string; position: bigint }>(
      `SELECT x.subject AS participantId, max(x.position) AS position FROM personal_data_erasures x
        WHERE x.kind = 'PARTICIPANT' AND EXISTS (SELECT 1 FROM personal_data_keys k
          WHERE k.entry_id = ? AND k.subject = x.subject AND k.position < x.position)
        GROUP BY x.subject`,
    )
    .safeIntegers(true);
  return {
    /** Where the entry's history is read from, or undefined for an unknown entry. */
    entryHistorySource(entryId: string): EntryHistorySource | undefined {
      const row = campaign.get(entryId);
      if (!row) return undefined;
      const participants = new Map(
        participantErasures.all(entryId).map(({ participantId, position }) => [participantId, position]),
      );
      return {
        campaignId: row.campaignId,
        erasures: { entry: entryErasure.get({ entryId })?.position ?? null, participants },
      };
    },
  };
}
