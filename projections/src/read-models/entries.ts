import type { EventOf, Participant } from '@qingmiao/schema';
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
  const roles = new Set(participants.map((p) => p.role));
  return roles.has('RETIRED_TEACHER') && roles.has('STUDENT') ? 1 : 0;
}

type EntryContent = Pick<
  EventOf<'EntryRevised'>['data'],
  'entryId' | 'title' | 'participants' | 'advisor' | 'performance'
>;

export const entriesProjection = defineProjection({
  name: 'entries',
  version: 1,
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
    insertEntry: `INSERT INTO entries (id, campaign_id, school_id, submission_id, title, advisor, genre, duration_minutes,
        intergenerational, status, submitted_at, updated_at)
      VALUES (@id, @campaignId, @schoolId, @submissionId, @title, @advisor, @genre, @durationMinutes,
        @intergenerational, 'LIVE', @at, @at)`,
    reviseEntry: `UPDATE entries SET title = @title, advisor = @advisor, genre = @genre,
        duration_minutes = @durationMinutes, intergenerational = @intergenerational, updated_at = @at
      WHERE id = @id`,
    deleteParticipants: 'DELETE FROM participants WHERE entry_id = @id',
    insertParticipant: `INSERT INTO participants (entry_id, seq, school_id, name, role, grade, key, person_key)
      VALUES (@entryId, @seq, (SELECT school_id FROM entries WHERE id = @entryId), @name, @role, @grade, @key,
        (SELECT school_id FROM entries WHERE id = @entryId) || @personKey)`,
    withdrawEntry: `UPDATE entries SET status = 'WITHDRAWN', withdraw_reason = @reason, updated_at = @at
      WHERE id = @id`,
    upsertScore: `INSERT INTO scores (entry_id, judge, weighted_score, criteria, comment, scored_at)
      VALUES (@entryId, @judge, @weightedScore, @criteria, @comment, @at)
      ON CONFLICT (entry_id, judge) DO UPDATE SET weighted_score = excluded.weighted_score,
        criteria = excluded.criteria, comment = excluded.comment, scored_at = excluded.scored_at`,
    recuse: `INSERT INTO recusals (entry_id, judge, reason) VALUES (@entryId, @judge, @reason)`,
    dropScore: 'DELETE FROM scores WHERE entry_id = @entryId AND judge = @judge',
    setPrize: 'UPDATE entries SET prize = @prize, updated_at = @at WHERE id = @entryId',
    setStars: 'UPDATE entries SET stars = @stars, updated_at = @at WHERE id = @entryId',
    insertHistory: `INSERT INTO entry_history (entry_id, position, type, recorded_at, actor, role, data)
      VALUES (@entryId, @position, @type, @at, @actor, @role, @data)`,
  },
  handle(event, { metadata, position }) {
    const at = metadata.recordedAt;
    const history = (entryId: string): Operation<'insertHistory'> => ({
      statement: 'insertHistory',
      params: {
        entryId,
        position,
        type: event.type,
        at,
        actor: metadata.actor,
        role: metadata.role,
        data: JSON.stringify(event.data),
      },
    });
    const content = ({ entryId, title, advisor, performance, participants }: EntryContent) => ({
      id: entryId,
      title,
      advisor,
      genre: performance?.genre ?? null,
      durationMinutes: performance?.durationMinutes ?? null,
      intergenerational: intergenerational(participants),
      at,
    });
    const participantRows = ({ entryId, participants }: EntryContent): Operation<'insertParticipant'>[] =>
      participants.map((participant, seq) => ({
        statement: 'insertParticipant',
        params: {
          entryId,
          seq,
          name: participant.name,
          role: participant.role,
          grade: participant.grade ?? null,
          key: participant.key ?? null,
          // The school part is added in SQL from the entry row, so a revision keeps the entry's school.
          personKey: personKey('', participant),
        },
      }));
    switch (event.type) {
      case 'EntrySubmitted': {
        const { campaignId, schoolId, submissionId } = event.data;
        return [
          { statement: 'insertEntry', params: { ...content(event.data), campaignId, schoolId, submissionId } },
          ...participantRows(event.data),
          history(event.data.entryId),
        ];
      }
      case 'EntryRevised':
        return [
          { statement: 'reviseEntry', params: content(event.data) },
          { statement: 'deleteParticipants', params: { id: event.data.entryId } },
          ...participantRows(event.data),
          history(event.data.entryId),
        ];
      case 'EntryWithdrawn': {
        const { entryId, reason } = event.data;
        return [{ statement: 'withdrawEntry', params: { id: entryId, reason, at } }, history(entryId)];
      }
      case 'EntryScored': {
        const { entryId, judge, weightedScore, scores, comment } = event.data;
        return [
          {
            statement: 'upsertScore',
            params: { entryId, judge, weightedScore, criteria: JSON.stringify(scores), comment, at },
          },
          history(entryId),
        ];
      }
      case 'JudgeRecused': {
        const { entryId, judge, reason } = event.data;
        const operations: Operation<'recuse' | 'dropScore' | 'insertHistory'>[] = [
          { statement: 'recuse', params: { entryId, judge, reason } },
          { statement: 'dropScore', params: { entryId, judge } },
          history(entryId),
        ];
        return operations;
      }
      case 'EntryAwarded':
        return [
          { statement: 'setPrize', params: { entryId: event.data.entryId, prize: event.data.prize, at } },
          history(event.data.entryId),
        ];
      case 'AwardRevoked':
        return [
          { statement: 'setPrize', params: { entryId: event.data.entryId, prize: null, at } },
          history(event.data.entryId),
        ];
      case 'EntryRated':
        return [
          { statement: 'setStars', params: { entryId: event.data.entryId, stars: event.data.stars, at } },
          history(event.data.entryId),
        ];
      default:
        return [];
    }
  },
});
