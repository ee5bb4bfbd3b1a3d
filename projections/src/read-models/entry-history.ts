import type { Attachment, DomainEvent, EventType } from '@qingmiao/schema';
import type Database from 'better-sqlite3';
import { defineProjection } from '../projection.ts';

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

/** The events that record an entry's whole content, its files included. */
const CONTENT: ReadonlySet<string> = new Set<EventType>(['EntrySubmitted', 'EntryRevised']);

const namesOf = (attachments: readonly Attachment[], without: readonly Attachment[]) =>
  attachments.filter(({ id }) => !without.some((other) => other.id === id)).map(({ name }) => name);

/** Every event about an entry is kept in its history, with the data in its current shape. */
export const entryHistoryProjection = defineProjection({
  name: 'entryHistory',
  version: 1,
  tables: [
    // Keyed by log position: rows are appended in order instead of landing in random pages of an entry-keyed tree.
    `CREATE TABLE entry_history (
      position INTEGER PRIMARY KEY,
      entry_id TEXT NOT NULL,
      type TEXT NOT NULL,
      recorded_at TEXT NOT NULL,
      actor TEXT NOT NULL,
      role TEXT NOT NULL,
      data TEXT NOT NULL
    )`,
  ],
  // Ends in the rowid, the position: an entry's history comes out in log order without sorting.
  indexes: ['CREATE INDEX entry_history_by_entry ON entry_history (entry_id)'],
  statements: {
    insertHistory: {
      table: 'entry_history',
      sql: `INSERT INTO entry_history (entry_id, position, type, recorded_at, actor, role, data)
        VALUES (@entryId, @position, @type, @at, @actor, @role, @data)`,
    },
  },
  handles: {
    EntrySubmitted: ['insertHistory'],
    EntryRevised: ['insertHistory'],
    EntryWithdrawn: ['insertHistory'],
    EntryScored: ['insertHistory'],
    JudgeRecused: ['insertHistory'],
    EntryAwarded: ['insertHistory'],
    AwardRevoked: ['insertHistory'],
    EntryRated: ['insertHistory'],
  },
  handle(event: DomainEvent, { metadata: { actor, role, recordedAt }, position }) {
    if (!('entryId' in event.data)) return [];
    const { entryId } = event.data;
    const data = JSON.stringify(event.data);
    return [
      {
        statement: 'insertHistory',
        params: { entryId, position, type: event.type, at: recordedAt, actor, role, data },
      },
    ];
  },
});

export function entryHistoryQueries(db: Database.Database) {
  const history = db.prepare<[string], Omit<HistoryRow, 'attachmentsAdded' | 'attachmentsRemoved'>>(
    `SELECT type, recorded_at AS recordedAt, actor, role, data FROM entry_history
      WHERE entry_id = ? ORDER BY position`,
  );
  return {
    /** The entry's events in log order, each with the files it changed (by content: a file is its id). */
    entryHistory: (entryId: string): HistoryRow[] => {
      let carried: readonly Attachment[] = [];
      return history.all(entryId).map((row) => {
        if (!CONTENT.has(row.type)) return { ...row, attachmentsAdded: [], attachmentsRemoved: [] };
        const attachments = (JSON.parse(row.data) as { attachments?: Attachment[] }).attachments ?? [];
        const changes = {
          attachmentsAdded: namesOf(attachments, carried),
          attachmentsRemoved: namesOf(carried, attachments),
        };
        carried = attachments;
        return { ...row, ...changes };
      });
    },
  };
}
