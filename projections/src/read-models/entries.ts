import type { DomainEvent, EventMetadata, EventOf, Participant } from '@qingmiao/schema';
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

/** 老少同台: retired teachers and students in one entry. */
function intergenerational(participants: readonly Participant[]): number {
  let retired = false;
  let student = false;
  for (const { role } of participants) {
    if (role === 'RETIRED_TEACHER') retired = true;
    else if (role === 'STUDENT') student = true;
  }
  return retired && student ? 1 : 0;
}

type EntryContent = Pick<
  EventOf<'EntryRevised'>['data'],
  'entryId' | 'title' | 'participants' | 'advisor' | 'performance'
>;

// The helpers of `handle` live out here, so that replaying a long log does not make closures for every event.

const content = ({ entryId, title, advisor, performance, participants }: EntryContent, at: string) => ({
  id: entryId,
  title,
  advisor,
  genre: performance?.genre ?? null,
  durationMinutes: performance?.durationMinutes ?? null,
  intergenerational: intergenerational(participants),
  at,
});

const participant = (entryId: string, seq: number, { name, role, grade, key }: Participant) => ({
  entryId,
  seq,
  name,
  role,
  grade: grade ?? null,
  key: key ?? null,
});

/** Every event about an entry is kept in its history, with the data in its current shape. */
const historyRow = (
  event: DomainEvent,
  { actor, role, recordedAt }: EventMetadata,
  position: bigint,
  entryId: string,
): Operation<'insertHistory'> => ({
  statement: 'insertHistory',
  params: { entryId, position, type: event.type, at: recordedAt, actor, role, data: JSON.stringify(event.data) },
});

export const entriesProjection = defineProjection({
  name: 'entries',
  version: 2,
  tables: [
    `CREATE TABLE entries (
      id TEXT PRIMARY KEY,
      campaign_id TEXT NOT NULL,
      school_id TEXT NOT NULL,
      submission_id TEXT NOT NULL,
      title TEXT NOT NULL,
      advisor TEXT,
      genre TEXT,
      duration_minutes INTEGER,
      intergenerational INTEGER NOT NULL,
      status TEXT NOT NULL,
      withdraw_reason TEXT,
      prize TEXT,
      stars INTEGER,
      submitted_at TEXT NOT NULL,
      updated_at TEXT NOT NULL
    )`,
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
    `CREATE TABLE scores (
      entry_id TEXT NOT NULL,
      judge TEXT NOT NULL,
      weighted_score REAL NOT NULL,
      criteria TEXT NOT NULL,
      comment TEXT,
      scored_at TEXT NOT NULL,
      PRIMARY KEY (entry_id, judge)
    ) WITHOUT ROWID`,
    `CREATE TABLE recusals (
      entry_id TEXT NOT NULL,
      judge TEXT NOT NULL,
      reason TEXT NOT NULL,
      PRIMARY KEY (entry_id, judge)
    ) WITHOUT ROWID`,
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
  indexes: [
    'CREATE INDEX entries_by_campaign ON entries (campaign_id, school_id)',
    'CREATE INDEX entries_by_school ON entries (school_id, campaign_id)',
    // Ends in the rowid, the position: an entry's history comes out in log order without sorting.
    'CREATE INDEX entry_history_by_entry ON entry_history (entry_id)',
  ],
  statements: {
    insertEntry: `INSERT INTO entries (id, campaign_id, school_id, submission_id, title, advisor, genre, duration_minutes,
        intergenerational, status, submitted_at, updated_at)
      VALUES (@id, @campaignId, @schoolId, @submissionId, @title, @advisor, @genre, @durationMinutes,
        @intergenerational, 'LIVE', @at, @at)`,
    reviseEntry: `UPDATE entries SET title = @title, advisor = @advisor, genre = @genre,
        duration_minutes = @durationMinutes, intergenerational = @intergenerational, updated_at = @at
      WHERE id = @id`,
    deleteParticipants: 'DELETE FROM participants WHERE entry_id = @id',
    insertParticipant: `INSERT INTO participants (entry_id, seq, school_id, name, role, grade, key, person_key)
      VALUES (@entryId, @seq, @schoolId, @name, @role, @grade, @key, @personKey)`,
    // A revision does not name the school: it is the entry's, taken from its row.
    reviseParticipant: `INSERT INTO participants (entry_id, seq, school_id, name, role, grade, key, person_key)
      SELECT @entryId, @seq, school_id, @name, @role, @grade, @key, school_id || @personKey FROM entries
      WHERE id = @entryId`,
    withdrawEntry: `UPDATE entries SET status = 'WITHDRAWN', withdraw_reason = @reason, updated_at = @at
      WHERE id = @id`,
    upsertScore: `INSERT INTO scores (entry_id, judge, weighted_score, criteria, comment, scored_at)
      VALUES (@entryId, @judge, @weightedScore, @criteria, @comment, @at)
      ON CONFLICT (entry_id, judge) DO UPDATE SET weighted_score = excluded.weighted_score,
        criteria = excluded.criteria, comment = excluded.comment, scored_at = excluded.scored_at`,
    recuse: `INSERT INTO recusals (entry_id, judge, reason) VALUES (@entryId, @judge, @reason)`,
    dropScore: 'DELETE FROM scores WHERE entry_id = @entryId AND judge = @judge',
    dropJudgeScores: `DELETE FROM scores WHERE judge = @judge
      AND entry_id IN (SELECT id FROM entries WHERE campaign_id = @campaignId)`,
    // A prize or rating is the organizers' verdict, not a change of the entry: updated_at stays, so that it tells a
    // school nothing before results are published.
    setPrize: 'UPDATE entries SET prize = @prize WHERE id = @entryId',
    setStars: 'UPDATE entries SET stars = @stars WHERE id = @entryId',
    insertHistory: `INSERT INTO entry_history (entry_id, position, type, recorded_at, actor, role, data)
      VALUES (@entryId, @position, @type, @at, @actor, @role, @data)`,
  },
  handle(event, { metadata, position }) {
    const at = metadata.recordedAt;
    switch (event.type) {
      case 'EntrySubmitted': {
        const { campaignId, schoolId, submissionId } = event.data;
        return [
          { statement: 'insertEntry', params: { ...content(event.data, at), campaignId, schoolId, submissionId } },
          ...event.data.participants.map(
            (p, seq): Operation<'insertParticipant'> => ({
              statement: 'insertParticipant',
              params: { ...participant(event.data.entryId, seq, p), schoolId, personKey: personKey(schoolId, p) },
            }),
          ),
          historyRow(event, metadata, position, event.data.entryId),
        ];
      }
      case 'EntryRevised':
        return [
          { statement: 'reviseEntry', params: content(event.data, at) },
          { statement: 'deleteParticipants', params: { id: event.data.entryId } },
          ...event.data.participants.map(
            (p, seq): Operation<'reviseParticipant'> => ({
              statement: 'reviseParticipant',
              // The school part of the key is added in SQL from the entry row.
              params: { ...participant(event.data.entryId, seq, p), personKey: personKey('', p) },
            }),
          ),
          historyRow(event, metadata, position, event.data.entryId),
        ];
      case 'EntryWithdrawn': {
        const { entryId, reason } = event.data;
        return [
          { statement: 'withdrawEntry', params: { id: entryId, reason, at } },
          historyRow(event, metadata, position, entryId),
        ];
      }
      case 'EntryScored': {
        const { entryId, judge, weightedScore, scores, comment } = event.data;
        return [
          {
            statement: 'upsertScore',
            params: { entryId, judge, weightedScore, criteria: JSON.stringify(scores), comment, at },
          },
          historyRow(event, metadata, position, entryId),
        ];
      }
      case 'JudgeRecused': {
        const { entryId, judge, reason } = event.data;
        const operations: Operation<'recuse' | 'dropScore' | 'insertHistory'>[] = [
          { statement: 'recuse', params: { entryId, judge, reason } },
          { statement: 'dropScore', params: { entryId, judge } },
          historyRow(event, metadata, position, entryId),
        ];
        return operations;
      }
      // An unassigned judge's scores stay in the log and the entries' history but no longer count; scoring again
      // after a new assignment starts afresh.
      case 'JudgeUnassigned':
        return [{ statement: 'dropJudgeScores', params: event.data }];
      case 'EntryAwarded':
        return [
          { statement: 'setPrize', params: { entryId: event.data.entryId, prize: event.data.prize } },
          historyRow(event, metadata, position, event.data.entryId),
        ];
      case 'AwardRevoked':
        return [
          { statement: 'setPrize', params: { entryId: event.data.entryId, prize: null } },
          historyRow(event, metadata, position, event.data.entryId),
        ];
      case 'EntryRated':
        return [
          { statement: 'setStars', params: { entryId: event.data.entryId, stars: event.data.stars } },
          historyRow(event, metadata, position, event.data.entryId),
        ];
      default:
        return [];
    }
  },
});
