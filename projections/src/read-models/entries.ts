import {
  type Attachment,
  ERASED,
  type EventMetadata,
  type EventOf,
  type Participant,
  type ParticipantRole,
  type Prize,
} from '@qingmiao/schema';
import type Database from 'better-sqlite3';
import { defineProjection, type Operation } from '../projection.ts';
import type { Raw } from '../raw-row.ts';
import { type JudgeScore, type StandardScoreRow, standardScores } from '../standard-scores.ts';
import { ERASED_ENTRIES, erasedEntriesParams } from './personal-data.ts';

/** A guardian's consent as the school attested it: by whom (token subject) and when (the event's time). */
export interface ConsentRow {
  readonly attestedBy: string;
  readonly attestedAt: string;
}

export interface ParticipantRow {
  readonly name: string;
  readonly role: ParticipantRole;
  readonly grade: string | null;
  readonly key: string | null;
  /** Null when the event that named the participant carried no consent. */
  readonly guardianConsent: ConsentRow | null;
}

export interface EntryRow {
  readonly id: string;
  readonly campaignId: string;
  readonly schoolId: string;
  readonly submissionId: string;
  readonly title: string;
  readonly advisor: string | null;
  readonly genre: string | null;
  readonly durationMinutes: number | null;
  readonly videoLink: string | null;
  readonly intergenerational: boolean;
  readonly status: 'LIVE' | 'WITHDRAWN';
  readonly prize: Prize | null;
  readonly stars: number | null;
  /** Mean of the judges' weighted scores (0–100); null before any score. */
  readonly meanScore: number | null;
  readonly scoreCount: number;
  readonly withdrawReason: string | null;
  readonly submittedAt: string;
  readonly updatedAt: string;
  readonly participants: ParticipantRow[];
  /** The files the entry carries now, in its order. The text (`body`) is read apart: lists do not need it. */
  readonly attachments: Attachment[];
}

export interface ScoreRow {
  readonly judge: string;
  readonly weightedScore: number;
  readonly criteria: { criterion: string; score: number }[];
  readonly comment: string | null;
  readonly scoredAt: string;
}

export interface JudgingProgressRow {
  readonly judge: string;
  /** Live entries the judge has not recused from. */
  readonly assigned: number;
  readonly scored: number;
}

/**
 * Who a participant is across entries of one school: the pseudonymous id the log gives every participant (so a
 * count survives erasure), else (events given in clear, as in the projections' own tests) the school's own key when
 * given, else name and grade. Prefixed with the school so the same name at two schools stays two people.
 */
export function personKey(schoolId: string, participant: Participant): string {
  if (participant.participantId !== undefined) return participant.participantId;
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

/** The fields of an entry that submission and revision both set. */
type ContentFields = Pick<
  EventOf<'EntryRevised'>['data'],
  'entryId' | 'title' | 'participants' | 'advisor' | 'performance' | 'body' | 'attachments'
>;

// The helpers of `handle` live out here, so that replaying a long log does not make closures for every event.

const content = ({ entryId, title, advisor, performance, participants }: ContentFields, at: string) => ({
  id: entryId,
  title,
  advisor,
  genre: performance?.genre ?? null,
  durationMinutes: performance?.durationMinutes ?? null,
  videoLink: performance?.videoLink ?? null,
  intergenerational: intergenerational(participants),
  at,
});

/**
 * The text and files an entry event records, replacing what the entry had (absent ones are none: entries recorded
 * before text and files existed have neither). Every file ever attached stays listed in `attached_files`.
 */
const work = ({ entryId, body, attachments = [] }: ContentFields, replacing: boolean): Operation<Work>[] => [
  // A submission's entry is new: it has nothing to replace (a rebuild runs these statements for every event).
  ...(replacing
    ? [
        { statement: 'deleteBody', params: { id: entryId } } as const,
        { statement: 'deleteAttachments', params: { id: entryId } } as const,
      ]
    : []),
  ...(body === undefined ? [] : [{ statement: 'insertBody', params: { id: entryId, body } } as const]),
  ...attachments.flatMap(({ id, name, mediaType, size }, seq): Operation<Work>[] => [
    { statement: 'insertAttachment', params: { entryId, seq, fileId: id, name, mediaType, size } },
    { statement: 'recordAttachedFile', params: { entryId, fileId: id, name, mediaType, size } },
  ]),
];
type Work = 'deleteBody' | 'insertBody' | 'deleteAttachments' | 'insertAttachment' | 'recordAttachedFile';

/** A participant's row; a consent is attested by whoever recorded the event carrying it, when it was recorded. */
const participant = (
  entryId: string,
  seq: number,
  { name, role, grade, key, guardianConsent }: Participant,
  { actor, recordedAt }: EventMetadata,
) => ({
  entryId,
  seq,
  name,
  role,
  grade: grade ?? null,
  key: key ?? null,
  consentBy: guardianConsent === true ? actor : null,
  consentAt: guardianConsent === true ? recordedAt : null,
});

/** What erasing entries (one, or a year's) drops: everything their destroyed keys sealed. */
const ERASE_ENTRIES = [
  'eraseParticipants',
  'eraseAdvisors',
  'eraseBodies',
  'eraseAttachmentNames',
  'eraseAttachedFileNames',
] as const;

export const entriesProjection = defineProjection({
  name: 'entries',
  version: 6,
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
      video_link TEXT,
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
      consent_by TEXT,
      consent_at TEXT,
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
    // Apart from the entries: up to 20,000 characters each, which lists and figures never read.
    `CREATE TABLE entry_texts (
      entry_id TEXT PRIMARY KEY,
      body TEXT NOT NULL
    )`,
    `CREATE TABLE attachments (
      entry_id TEXT NOT NULL,
      seq INTEGER NOT NULL,
      file_id TEXT NOT NULL,
      name TEXT NOT NULL,
      media_type TEXT NOT NULL,
      size INTEGER NOT NULL,
      PRIMARY KEY (entry_id, seq)
    ) WITHOUT ROWID`,
    // Every file an entry carries or once carried: a signed link of a file taken off since still names its entry.
    `CREATE TABLE attached_files (
      file_id TEXT NOT NULL,
      entry_id TEXT NOT NULL,
      name TEXT NOT NULL,
      media_type TEXT NOT NULL,
      size INTEGER NOT NULL,
      PRIMARY KEY (file_id, entry_id)
    ) WITHOUT ROWID`,
    `CREATE TABLE recusals (
      entry_id TEXT NOT NULL,
      judge TEXT NOT NULL,
      reason TEXT NOT NULL,
      PRIMARY KEY (entry_id, judge)
    ) WITHOUT ROWID`,
    // Kept from the start, not built after a load: the figures look up a school's other live entries with it.
    'CREATE INDEX entries_by_campaign ON entries (campaign_id, school_id)',
  ],
  indexes: [
    'CREATE INDEX entries_by_school ON entries (school_id, campaign_id)',
    'CREATE INDEX participants_by_person ON participants (person_key)',
  ],
  statements: {
    insertEntry: {
      table: 'entries',
      sql: `INSERT INTO entries (id, campaign_id, school_id, submission_id, title, advisor, genre, duration_minutes,
          video_link, intergenerational, status, submitted_at, updated_at)
        VALUES (@id, @campaignId, @schoolId, @submissionId, @title, @advisor, @genre, @durationMinutes,
          @videoLink, @intergenerational, 'LIVE', @at, @at)`,
    },
    reviseEntry: {
      table: 'entries',
      sql: `UPDATE entries SET title = @title, advisor = @advisor, genre = @genre,
          duration_minutes = @durationMinutes, video_link = @videoLink, intergenerational = @intergenerational,
          updated_at = @at
        WHERE id = @id`,
    },
    deleteBody: { table: 'entry_texts', sql: 'DELETE FROM entry_texts WHERE entry_id = @id' },
    insertBody: {
      table: 'entry_texts',
      sql: 'INSERT INTO entry_texts (entry_id, body) SELECT @id, @body WHERE @body IS NOT NULL',
    },
    deleteAttachments: { table: 'attachments', sql: 'DELETE FROM attachments WHERE entry_id = @id' },
    insertAttachment: {
      table: 'attachments',
      sql: `INSERT INTO attachments (entry_id, seq, file_id, name, media_type, size)
        VALUES (@entryId, @seq, @fileId, @name, @mediaType, @size)`,
    },
    // The file as the entry carried it last.
    recordAttachedFile: {
      table: 'attached_files',
      sql: `INSERT INTO attached_files (file_id, entry_id, name, media_type, size)
        VALUES (@fileId, @entryId, @name, @mediaType, @size)
        ON CONFLICT (file_id, entry_id) DO UPDATE SET name = excluded.name, media_type = excluded.media_type,
          size = excluded.size`,
    },
    // A revision lists every participant again: the rows it replaces are set aside (negative seq) so that a consent
    // still given to the same person keeps who attested it first and when, then dropped.
    parkParticipants: {
      table: 'participants',
      sql: 'UPDATE participants SET seq = -1 - seq WHERE entry_id = @id',
    },
    dropParkedParticipants: {
      table: 'participants',
      sql: 'DELETE FROM participants WHERE entry_id = @id AND seq < 0',
    },
    insertParticipant: {
      table: 'participants',
      sql: `INSERT INTO participants (entry_id, seq, school_id, name, role, grade, key, person_key, consent_by,
          consent_at)
        VALUES (@entryId, @seq, @schoolId, @name, @role, @grade, @key, @personKey, @consentBy, @consentAt)`,
    },
    // A revision recorded before sealing existed does not name the school: it is the entry's, taken from its row,
    // and so is the school part of a key given in clear. A pseudonymous id (`@participantId`) is whole already.
    reviseParticipant: {
      table: 'participants',
      sql: `INSERT INTO participants (entry_id, seq, school_id, name, role, grade, key, person_key, consent_by,
          consent_at)
        SELECT @entryId, @seq, e.school_id, @name, @role, @grade, @key, coalesce(@participantId, e.school_id || @personKey),
          coalesce(earlier.consent_by, @consentBy), coalesce(earlier.consent_at, @consentAt)
        FROM entries e LEFT JOIN (SELECT consent_by, consent_at FROM participants
            WHERE entry_id = @entryId AND seq < 0 AND @consentBy IS NOT NULL AND consent_by IS NOT NULL
              AND name = @name AND role = @role AND grade IS @grade AND key IS @key
            ORDER BY seq DESC LIMIT 1) AS earlier
        WHERE e.id = @entryId`,
    },
    // Erasure and expiry (personal-data.ts): the read models drop what the destroyed keys sealed, as a rebuild from
    // the log (which then reads 已删除) would write it. The pseudonymous person key stays: counts survive.
    eraseParticipant: {
      table: 'participants',
      sql: `UPDATE participants SET name = '${ERASED}', grade = NULL, key = NULL WHERE person_key = @participantId`,
    },
    eraseParticipants: {
      table: 'participants',
      sql: `UPDATE participants SET name = '${ERASED}', grade = NULL, key = NULL WHERE entry_id IN ${ERASED_ENTRIES}`,
    },
    eraseAdvisors: {
      table: 'entries',
      sql: `UPDATE entries SET advisor = '${ERASED}' WHERE advisor IS NOT NULL AND id IN ${ERASED_ENTRIES}`,
    },
    eraseBodies: { table: 'entry_texts', sql: `DELETE FROM entry_texts WHERE entry_id IN ${ERASED_ENTRIES}` },
    eraseAttachmentNames: {
      table: 'attachments',
      sql: `UPDATE attachments SET name = '${ERASED}' WHERE entry_id IN ${ERASED_ENTRIES}`,
    },
    eraseAttachedFileNames: {
      table: 'attached_files',
      sql: `UPDATE attached_files SET name = '${ERASED}' WHERE entry_id IN ${ERASED_ENTRIES}`,
    },
    withdrawEntry: {
      table: 'entries',
      sql: `UPDATE entries SET status = 'WITHDRAWN', withdraw_reason = @reason, updated_at = @at
        WHERE id = @id`,
    },
    upsertScore: {
      table: 'scores',
      sql: `INSERT INTO scores (entry_id, judge, weighted_score, criteria, comment, scored_at)
        VALUES (@entryId, @judge, @weightedScore, @criteria, @comment, @at)
        ON CONFLICT (entry_id, judge) DO UPDATE SET weighted_score = excluded.weighted_score,
          criteria = excluded.criteria, comment = excluded.comment, scored_at = excluded.scored_at`,
    },
    recuse: {
      table: 'recusals',
      sql: `INSERT INTO recusals (entry_id, judge, reason) VALUES (@entryId, @judge, @reason)`,
    },
    dropScore: { table: 'scores', sql: 'DELETE FROM scores WHERE entry_id = @entryId AND judge = @judge' },
    dropJudgeScores: {
      table: 'scores',
      sql: `DELETE FROM scores WHERE judge = @judge
        AND entry_id IN (SELECT id FROM entries WHERE campaign_id = @campaignId)`,
    },
    // A prize or rating is the organizers' verdict, not a change of the entry: updated_at stays, so that it tells a
    // school nothing before results are published.
    setPrize: { table: 'entries', sql: 'UPDATE entries SET prize = @prize WHERE id = @entryId' },
    setStars: { table: 'entries', sql: 'UPDATE entries SET stars = @stars WHERE id = @entryId' },
    // The figures of the entry's campaign (`campaign_figures`, see campaigns.ts) change with each live entry: the
    // statements below run before the change they count, so that they see the entry (and its school's others) as
    // they were.
    tallySubmitted: {
      table: 'campaign_figures',
      sql: `UPDATE campaign_figures SET entry_count = entry_count + 1,
          intergenerational_entries = intergenerational_entries + @intergenerational,
          school_count = school_count + NOT EXISTS (SELECT 1 FROM entries
            WHERE campaign_id = @campaignId AND school_id = @schoolId AND status = 'LIVE')
        WHERE campaign_id = @campaignId`,
    },
    untallyWithdrawn: {
      table: 'campaign_figures',
      sql: `UPDATE campaign_figures SET entry_count = entry_count - 1,
          awards_granted = awards_granted - (e.prize IS NOT NULL),
          intergenerational_entries = intergenerational_entries - e.intergenerational,
          school_count = school_count - NOT EXISTS (SELECT 1 FROM entries o
            WHERE o.campaign_id = e.campaign_id AND o.school_id = e.school_id AND o.status = 'LIVE' AND o.id <> e.id)
        FROM (SELECT id, campaign_id, school_id, prize, intergenerational FROM entries
          WHERE id = @id AND status = 'LIVE') AS e
        WHERE campaign_figures.campaign_id = e.campaign_id`,
    },
    retallyContent: {
      table: 'campaign_figures',
      sql: `UPDATE campaign_figures
        SET intergenerational_entries = intergenerational_entries + @intergenerational - e.intergenerational
        FROM (SELECT campaign_id, intergenerational FROM entries WHERE id = @id AND status = 'LIVE') AS e
        WHERE campaign_figures.campaign_id = e.campaign_id`,
    },
    retallyPrize: {
      table: 'campaign_figures',
      sql: `UPDATE campaign_figures SET awards_granted = awards_granted + (@prize IS NOT NULL) - (e.prize IS NOT NULL)
        FROM (SELECT campaign_id, prize FROM entries WHERE id = @entryId AND status = 'LIVE') AS e
        WHERE campaign_figures.campaign_id = e.campaign_id`,
    },
  },
  handles: {
    EntrySubmitted: [
      'tallySubmitted',
      'insertEntry',
      'insertParticipant',
      'insertBody',
      'insertAttachment',
      'recordAttachedFile',
    ],
    EntryRevised: [
      'retallyContent',
      'reviseEntry',
      'parkParticipants',
      'reviseParticipant',
      'dropParkedParticipants',
      'deleteBody',
      'insertBody',
      'deleteAttachments',
      'insertAttachment',
      'recordAttachedFile',
    ],
    EntryWithdrawn: ['untallyWithdrawn', 'withdrawEntry'],
    EntryScored: ['upsertScore'],
    JudgeRecused: ['recuse', 'dropScore'],
    JudgeUnassigned: ['dropJudgeScores'],
    EntryAwarded: ['retallyPrize', 'setPrize'],
    AwardRevoked: ['retallyPrize', 'setPrize'],
    EntryRated: ['setStars'],
    ParticipantErased: ['eraseParticipant'],
    EntryPersonalDataErased: [...ERASE_ENTRIES],
    PersonalDataExpired: [...ERASE_ENTRIES],
  },
  handle(event, { metadata }) {
    const at = metadata.recordedAt;
    switch (event.type) {
      case 'EntrySubmitted': {
        const { entryId, campaignId, schoolId, submissionId } = event.data;
        const entry = content(event.data, at);
        // Typed apart: its params differ in shape from the others'.
        const tallied: Operation<'tallySubmitted'> = {
          statement: 'tallySubmitted',
          params: { campaignId, schoolId, intergenerational: entry.intergenerational },
        };
        return [
          tallied,
          { statement: 'insertEntry', params: { ...entry, campaignId, schoolId, submissionId } },
          ...event.data.participants.map(
            (p, seq): Operation<'insertParticipant'> => ({
              statement: 'insertParticipant',
              params: { ...participant(entryId, seq, p, metadata), schoolId, personKey: personKey(schoolId, p) },
            }),
          ),
          ...work(event.data, false),
        ];
      }
      case 'EntryRevised': {
        const entry = content(event.data, at);
        const retallied: Operation<'retallyContent'> = {
          statement: 'retallyContent',
          params: { id: entry.id, intergenerational: entry.intergenerational },
        };
        return [
          retallied,
          { statement: 'reviseEntry', params: entry },
          { statement: 'parkParticipants', params: { id: event.data.entryId } },
          ...event.data.participants.map(
            (p, seq): Operation<'reviseParticipant'> => ({
              statement: 'reviseParticipant',
              // The school part of the key is added in SQL from the entry row.
              params: {
                ...participant(event.data.entryId, seq, p, metadata),
                participantId: p.participantId ?? null,
                personKey: personKey('', p),
              },
            }),
          ),
          { statement: 'dropParkedParticipants', params: { id: event.data.entryId } },
          ...work(event.data, true),
        ];
      }
      case 'EntryWithdrawn': {
        const { entryId, reason } = event.data;
        const operations: Operation<'untallyWithdrawn' | 'withdrawEntry'>[] = [
          { statement: 'untallyWithdrawn', params: { id: entryId } },
          { statement: 'withdrawEntry', params: { id: entryId, reason, at } },
        ];
        return operations;
      }
      case 'EntryScored': {
        const { entryId, judge, weightedScore, scores, comment } = event.data;
        return [
          {
            statement: 'upsertScore',
            params: { entryId, judge, weightedScore, criteria: JSON.stringify(scores), comment, at },
          },
        ];
      }
      case 'JudgeRecused': {
        const { entryId, judge, reason } = event.data;
        const operations: Operation<'recuse' | 'dropScore'>[] = [
          { statement: 'recuse', params: { entryId, judge, reason } },
          { statement: 'dropScore', params: { entryId, judge } },
        ];
        return operations;
      }
      // An unassigned judge's scores stay in the log and the entries' history (entry-history.ts) but no longer count;
      // scoring again after a new assignment starts afresh.
      case 'JudgeUnassigned':
        return [{ statement: 'dropJudgeScores', params: event.data }];
      case 'EntryAwarded': {
        const { entryId, prize } = event.data;
        return [
          { statement: 'retallyPrize', params: { entryId, prize } },
          { statement: 'setPrize', params: { entryId, prize } },
        ];
      }
      case 'AwardRevoked': {
        const { entryId } = event.data;
        return [
          { statement: 'retallyPrize', params: { entryId, prize: null } },
          { statement: 'setPrize', params: { entryId, prize: null } },
        ];
      }
      case 'EntryRated':
        return [{ statement: 'setStars', params: { entryId: event.data.entryId, stars: event.data.stars } }];
      case 'ParticipantErased':
        return [{ statement: 'eraseParticipant', params: { participantId: event.data.participantId } }];
      case 'EntryPersonalDataErased':
      case 'PersonalDataExpired': {
        const params = erasedEntriesParams(event.data);
        return ERASE_ENTRIES.map((statement) => ({ statement, params }));
      }
      default:
        return [];
    }
  },
});

/** A participant row as JSON, as `ParticipantRow` reads it: what entries and the winners list carry. */
export const PARTICIPANT_JSON = `json_object('name', p.name, 'role', p.role, 'grade', p.grade, 'key', p.key,
  'guardianConsent', CASE WHEN p.consent_by IS NULL THEN NULL
    ELSE json_object('attestedBy', p.consent_by, 'attestedAt', p.consent_at) END)`;

const ENTRY_COLUMNS = `e.id, e.campaign_id AS campaignId, e.school_id AS schoolId, e.submission_id AS submissionId,
  e.title, e.advisor, e.genre, e.duration_minutes AS durationMinutes, e.video_link AS videoLink, e.intergenerational,
  e.status, e.prize, e.stars,
  (SELECT avg(s.weighted_score) FROM scores s WHERE s.entry_id = e.id) AS meanScore,
  (SELECT count(*) FROM scores s WHERE s.entry_id = e.id) AS scoreCount,
  e.withdraw_reason AS withdrawReason, e.submitted_at AS submittedAt, e.updated_at AS updatedAt,
  (SELECT json_group_array(${PARTICIPANT_JSON} ORDER BY p.seq) FROM participants p WHERE p.entry_id = e.id)
    AS participants,
  (SELECT json_group_array(json_object('id', a.file_id, 'name', a.name, 'mediaType', a.media_type, 'size', a.size)
       ORDER BY a.seq)
     FROM attachments a WHERE a.entry_id = e.id) AS attachments`;

type RawEntry = Raw<EntryRow, 'participants' | 'attachments', 'intergenerational'>;
const toEntry = (row: RawEntry): EntryRow => ({
  ...row,
  intergenerational: row.intergenerational === 1,
  participants: JSON.parse(row.participants) as ParticipantRow[],
  attachments: JSON.parse(row.attachments) as Attachment[],
});
type RawScore = Raw<ScoreRow, 'criteria'>;
const toScore = (row: RawScore): ScoreRow => ({
  ...row,
  criteria: JSON.parse(row.criteria) as ScoreRow['criteria'],
});

/** The entries with their participants and judging, as the API reads them. */
export function entryQueries(db: Database.Database) {
  const entries = db.prepare<{ campaignId: string; schoolId: string | null }, RawEntry>(
    `SELECT ${ENTRY_COLUMNS} FROM entries e
      WHERE e.campaign_id = @campaignId AND (@schoolId IS NULL OR e.school_id = @schoolId)
      ORDER BY e.submitted_at, e.id`,
  );
  const entry = db.prepare<[string], RawEntry>(`SELECT ${ENTRY_COLUMNS} FROM entries e WHERE e.id = ?`);
  const scores = db.prepare<[string], RawScore>(
    `SELECT judge, weighted_score AS weightedScore, criteria, comment, scored_at AS scoredAt FROM scores
      WHERE entry_id = ? ORDER BY judge`,
  );
  const leaderboard = db.prepare<[string], RawEntry>(
    `SELECT ${ENTRY_COLUMNS} FROM entries e WHERE e.campaign_id = ? AND e.status = 'LIVE'
      ORDER BY meanScore IS NULL, meanScore DESC, e.submitted_at, e.id`,
  );
  // The judges are the campaigns read model's; what they have judged is this one's.
  const judgingProgress = db.prepare<[string], JudgingProgressRow>(
    `SELECT j.judge,
        (SELECT count(*) FROM entries e WHERE e.campaign_id = j.campaign_id AND e.status = 'LIVE'
          AND NOT EXISTS (SELECT 1 FROM recusals r WHERE r.entry_id = e.id AND r.judge = j.judge)) AS assigned,
        (SELECT count(*) FROM scores s JOIN entries e ON e.id = s.entry_id
          WHERE e.campaign_id = j.campaign_id AND e.status = 'LIVE' AND s.judge = j.judge) AS scored
      FROM judges j WHERE j.campaign_id = ? ORDER BY j.judge`,
  );
  const countedScores = db.prepare<[string], JudgeScore>(
    `SELECT s.entry_id AS entryId, s.judge, s.weighted_score AS weightedScore
      FROM scores s JOIN entries e ON e.id = s.entry_id
      WHERE e.campaign_id = ? AND e.status = 'LIVE' ORDER BY e.submitted_at, e.id, s.judge`,
  );
  const recusal = db.prepare<[string, string], { reason: string }>(
    'SELECT reason FROM recusals WHERE entry_id = ? AND judge = ?',
  );
  const body = db.prepare<[string], { body: string }>('SELECT body FROM entry_texts WHERE entry_id = ?');
  const entryFile = db.prepare<[string, string], Attachment>(
    `SELECT file_id AS id, name, media_type AS mediaType, size FROM attached_files
      WHERE file_id = ? AND entry_id = ?`,
  );
  return {
    /** The entry's typed text; null without one. */
    entryBody: (entryId: string): string | null => body.get(entryId)?.body ?? null,
    /** Whether the entry carries or once carried the file: what a signed link to it may fetch. */
    entryHasFile: (entryId: string, fileId: string): boolean => entryFile.get(fileId, entryId) !== undefined,
    /** The file as the entry carries it, or carried it last; undefined when it never did. */
    entryFile: (entryId: string, fileId: string): Attachment | undefined => entryFile.get(fileId, entryId),
    /** Entries of a campaign, live and withdrawn, optionally of one school only. */
    entries: (campaignId: string, schoolId?: string): EntryRow[] =>
      entries.all({ campaignId, schoolId: schoolId ?? null }).map(toEntry),
    entry: (id: string): EntryRow | undefined => {
      const row = entry.get(id);
      return row && toEntry(row);
    },
    scores: (entryId: string): ScoreRow[] => scores.all(entryId).map(toScore),
    /** Live entries by mean score, best first; unscored entries last. */
    leaderboard: (campaignId: string): EntryRow[] => leaderboard.all(campaignId).map(toEntry),
    judgingProgress: (campaignId: string): JudgingProgressRow[] => judgingProgress.all(campaignId),
    /** Standard scores (标准分) of a campaign's scored live entries: each judge's scores on one scale. */
    standardScores: (campaignId: string): StandardScoreRow[] => standardScores(countedScores.all(campaignId)),
    /** The reason the judge gave for stepping aside from the entry; undefined when they did not. */
    recusalReason: (entryId: string, judge: string): string | undefined => recusal.get(entryId, judge)?.reason,
  };
}
