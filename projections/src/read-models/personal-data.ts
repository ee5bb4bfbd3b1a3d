import type Database from 'better-sqlite3';
import { defineProjection, type Operation } from '../projection.ts';

/**
 * Where personal data was sealed, and what of it was erased or expired. Entry events read back from the log name
 * the data subjects and keys their personal fields were sealed under (`personalDataKeys`); this index keeps every
 * key id with its subject, entry and campaign (whose year is the campaign's), so that erasure and retention find every key
 * of a child, an entry or a year. Key ids and pseudonymous subjects identify nobody without the keys.
 */

export interface PersonalDataKeys {
  /** The key ids to destroy. */
  readonly kids: string[];
  /** The campaigns whose entries the keys sealed data of: their streams' folded states hold the data. */
  readonly campaigns: string[];
}

export interface RetentionRow {
  readonly year: number;
  /** Entries of the year's campaigns, live and withdrawn. */
  readonly entries: number;
  /** When the year's personal data expired (its keys destroyed); null while it is kept. */
  readonly expiredAt: string | null;
}

/** Which personal data an erasure covers: one keyed participant everywhere, one entry, or one campaign year. */
export type ErasureScope =
  | { readonly participantId: string }
  | { readonly entryId: string }
  | { readonly year: number };

export const personalDataProjection = defineProjection({
  name: 'personalData',
  version: 1,
  tables: [
    // A plain table written by plain inserts (a rebuild records every key of the log): the year of a key is its
    // campaign's, looked up when asked. A key id is recorded once, by the one event whose values it sealed.
    `CREATE TABLE personal_data_keys (
      kid TEXT NOT NULL,
      subject TEXT NOT NULL,
      entry_id TEXT NOT NULL,
      campaign_id TEXT NOT NULL,
      position INTEGER NOT NULL
    )`,
    // Erasing a child finds its keys by subject.
    'CREATE INDEX personal_data_keys_by_subject ON personal_data_keys (subject)',
    `CREATE TABLE personal_data_erasures (
      position INTEGER PRIMARY KEY,
      kind TEXT NOT NULL,
      subject TEXT NOT NULL,
      school_id TEXT,
      recorded_at TEXT NOT NULL
    )`,
    `CREATE TABLE personal_data_expiries (
      year INTEGER PRIMARY KEY,
      retention_years INTEGER NOT NULL,
      position INTEGER NOT NULL,
      recorded_at TEXT NOT NULL
    )`,
  ],
  indexes: [
    'CREATE INDEX personal_data_keys_by_entry ON personal_data_keys (entry_id)',
    'CREATE INDEX personal_data_keys_by_campaign ON personal_data_keys (campaign_id)',
  ],
  statements: {
    recordKey: {
      table: 'personal_data_keys',
      sql: `INSERT INTO personal_data_keys (kid, subject, entry_id, campaign_id, position)
        VALUES (@kid, @subject, @entryId, @campaignId, @position)`,
    },
    recordErasure: {
      table: 'personal_data_erasures',
      sql: `INSERT INTO personal_data_erasures (position, kind, subject, school_id, recorded_at)
        VALUES (@position, @kind, @subject, @schoolId, @at)`,
    },
    recordExpiry: {
      table: 'personal_data_expiries',
      sql: `INSERT OR IGNORE INTO personal_data_expiries (year, retention_years, position, recorded_at)
        VALUES (@year, @retentionYears, @position, @at)`,
    },
  },
  handles: {
    EntrySubmitted: ['recordKey'],
    EntryRevised: ['recordKey'],
    ParticipantErased: ['recordErasure'],
    EntryPersonalDataErased: ['recordErasure'],
    PersonalDataExpired: ['recordExpiry'],
  },
  handle(event, { metadata: { recordedAt: at }, position }) {
    switch (event.type) {
      case 'EntrySubmitted':
      case 'EntryRevised': {
        const { entryId, campaignId, personalDataKeys = [] } = event.data;
        return personalDataKeys.map(
          ({ subject, kid }): Operation<'recordKey'> => ({
            statement: 'recordKey',
            params: { kid, subject, entryId, campaignId, position },
          }),
        );
      }
      case 'ParticipantErased': {
        const { participantId, schoolId } = event.data;
        return [
          {
            statement: 'recordErasure',
            params: { position, kind: 'PARTICIPANT', subject: participantId, schoolId, at },
          },
        ];
      }
      case 'EntryPersonalDataErased':
        return [
          {
            statement: 'recordErasure',
            params: { position, kind: 'ENTRY', subject: event.data.entryId, schoolId: null, at },
          },
        ];
      case 'PersonalDataExpired': {
        const { year, retentionYears } = event.data;
        return [{ statement: 'recordExpiry', params: { year, retentionYears, position, at } }];
      }
      default:
        return [];
    }
  },
});

/**
 * The entries an erasure of an entry (`@entryId`) or of a year (`@year`) covers, the other parameter null: for the
 * statements of the read models that hold personal data in clear (entries.ts).
 */
export const ERASED_ENTRIES = `(SELECT @entryId UNION ALL
  SELECT e.id FROM entries e JOIN campaigns c ON c.id = e.campaign_id WHERE c.year = @year)`;

/** The parameters of a statement over ERASED_ENTRIES. */
export const erasedEntriesParams = (scope: { entryId: string } | { year: number }) =>
  'entryId' in scope ? { entryId: scope.entryId, year: null } : { entryId: null, year: scope.year };

type KeyRow = { kid: string; campaignId: string };

export function personalDataQueries(db: Database.Database) {
  const columns = 'SELECT k.kid, k.campaign_id AS campaignId FROM personal_data_keys k';
  const before = 'AND (@before IS NULL OR k.position < @before)';
  const bySubject = db.prepare<{ key: string; before: bigint | null }, KeyRow>(
    `${columns} WHERE k.subject = @key ${before}`,
  );
  const byEntry = db.prepare<{ key: string; before: bigint | null }, KeyRow>(
    `${columns} WHERE k.entry_id = @key ${before}`,
  );
  const byYear = db.prepare<{ key: number; before: bigint | null }, KeyRow>(
    `${columns} JOIN campaigns c ON c.id = k.campaign_id WHERE c.year = @key ${before}`,
  );
  const erasure = db.prepare<[string, string], { position: bigint }>(
    'SELECT position FROM personal_data_erasures WHERE kind = ? AND subject = ? ORDER BY position LIMIT 1',
  );
  // A key recorded after the erasure or expiry that covers it belongs to data given since: it stays.
  const shredded = db.prepare<[], { kid: string }>(
    `SELECT k.kid FROM personal_data_erasures x JOIN personal_data_keys k
        ON k.subject = x.subject AND k.position < x.position WHERE x.kind = 'PARTICIPANT'
      UNION ALL
      SELECT k.kid FROM personal_data_erasures x JOIN personal_data_keys k
        ON k.entry_id = x.subject AND k.position < x.position WHERE x.kind = 'ENTRY'
      UNION ALL
      SELECT k.kid FROM personal_data_expiries x JOIN campaigns c ON c.year = x.year
        JOIN personal_data_keys k ON k.campaign_id = c.id AND k.position < x.position`,
  );
  // Entries counted per campaign on the entries_by_campaign index alone: a join read every entry's row, ~750 ms on
  // the event loop at 1M events with a cold cache (the retention job runs it at start and hourly), ~85 ms warm; now ~7 ms.
  const retention = db.prepare<[], RetentionRow>(
    `SELECT c.year, sum((SELECT count(*) FROM entries e WHERE e.campaign_id = c.id)) AS entries,
        x.recorded_at AS expiredAt
      FROM campaigns c LEFT JOIN personal_data_expiries x ON x.year = c.year
      GROUP BY c.year ORDER BY c.year`,
  );
  return {
    /**
     * The keys that sealed the personal data `scope` covers (recorded before `before`, a log position, when given),
     * and the campaigns of the entries they sealed.
     */
    personalDataKeys(scope: ErasureScope, before?: bigint): PersonalDataKeys {
      const bound = before ?? null;
      const rows =
        'participantId' in scope
          ? bySubject.all({ key: scope.participantId, before: bound })
          : 'entryId' in scope
            ? byEntry.all({ key: scope.entryId, before: bound })
            : byYear.all({ key: scope.year, before: bound });
      return { kids: rows.map((row) => row.kid), campaigns: [...new Set(rows.map((row) => row.campaignId))] };
    },
    /** The log position of the first erasure of a participant or an entry; undefined when never erased. */
    erasurePosition(scope: { participantId: string } | { entryId: string }): bigint | undefined {
      const [kind, subject] =
        'participantId' in scope ? ['PARTICIPANT', scope.participantId] : ['ENTRY', scope.entryId];
      return erasure.safeIntegers(true).get(kind, subject)?.position;
    },
    /** Every key the log's erasures and expiries destroyed: none may exist, whatever a restored key store holds. */
    shreddedKeys: (): string[] => shredded.all().map((row) => row.kid),
    /** The campaign years with their number of entries and whether (when) their personal data expired. */
    personalDataRetention: (): RetentionRow[] => retention.all(),
  };
}
