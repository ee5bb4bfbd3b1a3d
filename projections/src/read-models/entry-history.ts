import { type Attachment, type DomainEvent, ERASED, type EventType } from '@qingmiao/schema';
import type Database from 'better-sqlite3';
import { defineProjection, type Operation } from '../projection.ts';
import { ERASED_ENTRIES, erasedEntriesParams, erasedParticipantJson } from './personal-data.ts';

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

/** The history rows that record personal data. */
const CONTENT_ROWS = `type IN ('EntrySubmitted', 'EntryRevised')`;

/** A row's participants, each `erased(p.value)` (JSON) when `when` holds. */
const participantsWhere = (when: string) =>
  `json((SELECT json_group_array(CASE WHEN ${when} THEN json(${erasedParticipantJson('p.value')}) ELSE json(p.value) END
    ORDER BY p.key) FROM json_each(entry_history.data, '$.participants') p))`;

/**
 * Every event about an entry is kept in its history, with the data as it reads from the log: once keys are
 * destroyed, the rows they sealed data of are rewritten as a rebuild (reading 已删除) would write them.
 */
export const entryHistoryProjection = defineProjection({
  name: 'entryHistory',
  version: 2,
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
    // Every revision that ever named the child, also those a later revision took the child off.
    eraseParticipantHistory: {
      table: 'entry_history',
      sql: `UPDATE entry_history
        SET data = json_set(data, '$.participants', ${participantsWhere("json_extract(p.value, '$.participantId') = @participantId")})
        WHERE ${CONTENT_ROWS}
          AND entry_id IN (SELECT entry_id FROM personal_data_keys WHERE subject = @participantId)`,
    },
    eraseEntryHistory: {
      table: 'entry_history',
      sql: `UPDATE entry_history
        SET data = json_remove(json_set(data,
          '$.participants', ${participantsWhere('true')},
          '$.advisor', CASE WHEN json_type(data, '$.advisor') = 'text' THEN '${ERASED}' END), '$.body')
        WHERE ${CONTENT_ROWS} AND entry_id IN ${ERASED_ENTRIES}`,
    },
    eraseAttachmentHistory: {
      table: 'entry_history',
      sql: `UPDATE entry_history
        SET data = json_set(data, '$.attachments', json((SELECT
          json_group_array(json(json_set(a.value, '$.name', '${ERASED}')) ORDER BY a.key)
          FROM json_each(entry_history.data, '$.attachments') a)))
        WHERE ${CONTENT_ROWS} AND json_type(data, '$.attachments') = 'array' AND entry_id IN ${ERASED_ENTRIES}`,
    },
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
    ParticipantErased: ['eraseParticipantHistory'],
    EntryPersonalDataErased: ['eraseEntryHistory', 'eraseAttachmentHistory'],
    PersonalDataExpired: ['eraseEntryHistory', 'eraseAttachmentHistory'],
  },
  handle(event: DomainEvent, { metadata: { actor, role, recordedAt }, position }) {
    switch (event.type) {
      case 'ParticipantErased':
        return [{ statement: 'eraseParticipantHistory', params: { participantId: event.data.participantId } }];
      // Erasing an entry is not an event of its history: nothing there says who asked, or why.
      case 'EntryPersonalDataErased':
      case 'PersonalDataExpired': {
        const params = erasedEntriesParams(event.data);
        const operations: Operation<'eraseEntryHistory' | 'eraseAttachmentHistory'>[] = [
          { statement: 'eraseEntryHistory', params },
          { statement: 'eraseAttachmentHistory', params },
        ];
        return operations;
      }
    }
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
