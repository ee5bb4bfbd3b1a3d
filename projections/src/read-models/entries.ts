import type { Participant } from '@qingmiao/schema';
import { defineProjection, type Operation } from '../projection.ts';

/**
 * Who a participant is across entries of one school: the school's own key when given, else name and grade.
 * Prefixed with the school so the same name at two schools stays two people.
 */
export function personKey(schoolId: string, participant: Participant): string {
  return participant.key === undefined
    ? `${schoolId}|n|${participant.name}|${participant.grade ?? ''}`
    : `${schoolId}|k|${participant.key}`;
}

export const entriesProjection = defineProjection({
  name: 'entries',
  tables: [
    `CREATE TABLE entries (
      id TEXT PRIMARY KEY,
      campaign_id TEXT NOT NULL,
      school_id TEXT NOT NULL,
      submission_id TEXT NOT NULL,
      title TEXT NOT NULL,
      advisor TEXT,
      status TEXT NOT NULL,
      withdraw_reason TEXT,
      submitted_at TEXT NOT NULL,
      updated_at TEXT NOT NULL
    )`,
    'CREATE INDEX entries_by_campaign ON entries (campaign_id, school_id)',
    'CREATE INDEX entries_by_school ON entries (school_id, campaign_id)',
    `CREATE TABLE participants (
      entry_id TEXT NOT NULL,
      seq INTEGER NOT NULL,
      school_id TEXT NOT NULL,
      name TEXT NOT NULL,
      role TEXT NOT NULL,
      grade TEXT,
      key TEXT,
      person_key TEXT NOT NULL,
      PRIMARY KEY (entry_id, seq)
    ) WITHOUT ROWID`,
    `CREATE TABLE entry_history (
      entry_id TEXT NOT NULL,
      position INTEGER NOT NULL,
      type TEXT NOT NULL,
      recorded_at TEXT NOT NULL,
      actor TEXT NOT NULL,
      role TEXT NOT NULL,
      data TEXT NOT NULL,
      PRIMARY KEY (entry_id, position)
    ) WITHOUT ROWID`,
  ],
  statements: {
    insertEntry: `INSERT INTO entries (id, campaign_id, school_id, submission_id, title, advisor, status, submitted_at,
        updated_at)
      VALUES (@id, @campaignId, @schoolId, @submissionId, @title, @advisor, 'LIVE', @at, @at)`,
    insertParticipant: `INSERT INTO participants (entry_id, seq, school_id, name, role, grade, key, person_key)
      VALUES (@entryId, @seq, @schoolId, @name, @role, @grade, @key, @personKey)`,
    withdrawEntry: `UPDATE entries SET status = 'WITHDRAWN', withdraw_reason = @reason, updated_at = @at
      WHERE id = @id`,
    insertHistory: `INSERT INTO entry_history (entry_id, position, type, recorded_at, actor, role, data)
      VALUES (@entryId, @position, @type, @at, @actor, @role, @data)`,
  },
  handle(event, { metadata, position }) {
    const history = (entryId: string): Operation<'insertHistory'> => ({
      statement: 'insertHistory',
      params: {
        entryId,
        position,
        type: event.type,
        at: metadata.recordedAt,
        actor: metadata.actor,
        role: metadata.role,
        data: JSON.stringify(event.data),
      },
    });
    switch (event.type) {
      case 'EntrySubmitted': {
        const { entryId, campaignId, schoolId, submissionId, title, advisor, participants } = event.data;
        return [
          {
            statement: 'insertEntry',
            params: { id: entryId, campaignId, schoolId, submissionId, title, advisor, at: metadata.recordedAt },
          },
          ...participants.map((participant, seq) => ({
            statement: 'insertParticipant' as const,
            params: {
              entryId,
              seq,
              schoolId,
              name: participant.name,
              role: participant.role,
              grade: participant.grade ?? null,
              key: participant.key ?? null,
              personKey: personKey(schoolId, participant),
            },
          })),
          history(entryId),
        ];
      }
      case 'EntryWithdrawn': {
        const { entryId, reason } = event.data;
        return [
          { statement: 'withdrawEntry', params: { id: entryId, reason, at: metadata.recordedAt } },
          history(entryId),
        ];
      }
      default:
        return [];
    }
  },
});
