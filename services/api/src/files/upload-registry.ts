import { join } from 'node:path';
import { privateDatabaseFile } from '@qingmiao/event-store';
import type { Attachment } from '@qingmiao/schema';
import Database from 'better-sqlite3';
import type { AttachmentLookup, UploadOwner, Uploads } from './uploads.ts';

/** Where the upload registry lives: a file of its own in the data directory, beside the event log. */
export const uploadRegistryFile = (dataDir: string) => join(dataDir, 'uploads.db');

/** The owner as stored: `school:<id>` or `organizers`, which cannot collide. */
const ownerKey = (owner: UploadOwner) => ('schoolId' in owner ? `school:${owner.schoolId}` : 'organizers');

/** An upload the sweeper may look at: untouched (neither uploaded nor used) since `idleSince`. */
export interface IdleUpload {
  readonly owner: string;
  readonly id: string;
}

interface Row {
  name: string;
  mediaType: Attachment['mediaType'];
  size: number;
}

/**
 * The upload registry on SQLite (`uploads.db`): one row per owner and file, with the name it was uploaded under,
 * its type and size, when it was uploaded and when an entry last named it. Not events: a registry of what is
 * waiting to be attached; the entries' events carry the attachments themselves.
 *
 * WAL with synchronous=NORMAL, like the access log: a power cut may lose the last rows (the upload is then simply
 * repeated), never corrupt the file. Writes are synchronous so that a row exists before the answer naming its file.
 * A row names the file as its uploader did (often the child's name): `secure_delete` overwrites deleted rows, and the
 * write-ahead log is emptied after the rows of erased files are deleted, so no page keeps the name.
 */
export class UploadRegistry implements Uploads {
  readonly #db: Database.Database;
  readonly #now: () => number;
  readonly #statements;

  constructor(file: string, now: () => number = Date.now) {
    this.#now = now;
    privateDatabaseFile(file);
    this.#db = new Database(file);
    this.#db.pragma('journal_mode = WAL');
    this.#db.pragma('synchronous = NORMAL');
    this.#db.pragma('busy_timeout = 5000');
    this.#db.pragma('secure_delete = ON');
    this.#db.exec(`CREATE TABLE IF NOT EXISTS uploads (
        owner TEXT NOT NULL,
        id TEXT NOT NULL,
        name TEXT NOT NULL,
        media_type TEXT NOT NULL,
        size INTEGER NOT NULL,
        uploaded_at INTEGER NOT NULL,
        last_used_at INTEGER,
        PRIMARY KEY (owner, id)
      ) WITHOUT ROWID;
      CREATE INDEX IF NOT EXISTS uploads_id ON uploads (id);
      CREATE TABLE IF NOT EXISTS erased_files_deleted (
        one INTEGER PRIMARY KEY CHECK (one = 1),
        through INTEGER NOT NULL
      )`);
    const db = this.#db;
    this.#statements = {
      // Uploading the same bytes again keeps one row: the newest name, uploaded now.
      record: db.prepare(`INSERT INTO uploads (owner, id, name, media_type, size, uploaded_at)
          VALUES (@owner, @id, @name, @mediaType, @size, @at)
          ON CONFLICT (owner, id) DO UPDATE SET name = excluded.name, uploaded_at = excluded.uploaded_at`),
      own: db.prepare<[string, string], Row>(
        'SELECT name, media_type AS mediaType, size FROM uploads WHERE owner = ? AND id = ?',
      ),
      touch: db.prepare('UPDATE uploads SET last_used_at = ? WHERE owner = ? AND id = ?'),
      anyOwner: db.prepare<[string], { found: number }>('SELECT 1 AS found FROM uploads WHERE id = ? LIMIT 1'),
      idle: db.prepare<[number, string, string, number], IdleUpload>(
        `SELECT owner, id FROM uploads WHERE max(uploaded_at, coalesce(last_used_at, 0)) < ? AND (owner, id) > (?, ?)
          ORDER BY owner, id LIMIT ?`,
      ),
      forget: db.prepare<[string, string, number]>(
        'DELETE FROM uploads WHERE owner = ? AND id = ? AND max(uploaded_at, coalesce(last_used_at, 0)) < ?',
      ),
      forgetFile: db.prepare<[string, number]>(
        'DELETE FROM uploads WHERE id = ? AND max(uploaded_at, coalesce(last_used_at, 0)) < ?',
      ),
      deletedThrough: db
        .prepare<[], { through: bigint }>('SELECT through FROM erased_files_deleted')
        .safeIntegers(true),
      recordDeletedThrough: db.prepare<[bigint]>(
        `INSERT INTO erased_files_deleted (one, through) VALUES (1, ?)
          ON CONFLICT (one) DO UPDATE SET through = max(through, excluded.through)`,
      ),
    };
  }

  /** Records that `owner` uploaded the file (again). */
  record(owner: UploadOwner, attachment: Attachment): void {
    this.#statements.record.run({ owner: ownerKey(owner), ...attachment, at: this.#now() });
  }

  async attachmentsFor(owner: UploadOwner, ids: readonly string[]): Promise<readonly AttachmentLookup[]> {
    const key = ownerKey(owner);
    const at = this.#now();
    return this.#db.transaction(() =>
      ids.map((id): AttachmentLookup => {
        const row = this.#statements.own.get(key, id);
        if (row) {
          this.#statements.touch.run(at, key, id);
          return { found: { id, ...row } };
        }
        return { missing: this.#statements.anyOwner.get(id) ? 'foreign' : 'unknown' };
      }),
    )();
  }

  /** Whether anyone's upload of the file is on record. */
  isKnown(id: string): boolean {
    return this.#statements.anyOwner.get(id) !== undefined;
  }

  /**
   * Up to `limit` uploads neither uploaded nor used since `before` (Unix ms), in key order after `after` (a page's
   * last row: uploads an entry refers to stay idle for ever, so the sweeper pages past them).
   */
  idleSince(before: number, limit: number, after: IdleUpload = { owner: '', id: '' }): IdleUpload[] {
    return this.#statements.idle.all(before, after.owner, after.id, limit);
  }

  /** Deletes the row unless it was uploaded or used again since `before`; whether it was deleted. */
  forget(upload: IdleUpload, before: number): boolean {
    return this.#statements.forget.run(upload.owner, upload.id, before).changes > 0;
  }

  /** Deletes every owner's upload of the file unless uploaded or used again since `before`; how many it deleted. */
  forgetFile(id: string, before: number): number {
    return this.#statements.forgetFile.run(id, before).changes;
  }

  /** The log position up to which erased files were deleted (their rows and bytes); 0 before any. */
  erasedFilesDeletedThrough(): bigint {
    return this.#statements.deletedThrough.get()?.through ?? 0n;
  }

  /**
   * Records that the files of every erasure up to log position `through` are deleted, and empties the write-ahead
   * log, whose frames may still hold the deleted rows.
   */
  erasedFilesDeleted(through: bigint): void {
    this.#statements.recordDeletedThrough.run(through);
    this.#db.pragma('wal_checkpoint(TRUNCATE)');
  }

  close(): void {
    this.#db.close();
  }
}
