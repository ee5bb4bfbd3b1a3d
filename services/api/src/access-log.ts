import { join } from 'node:path';
import { setImmediate as yieldToRequests } from 'node:timers/promises';
import { privateDatabaseFile } from '@qingmiao/event-store';
import type { AccessAction, AccessLogEntry, Role } from '@qingmiao/schema';
import Database from 'better-sqlite3';

/** Where the access log lives: a file of its own in the data directory, beside (not inside) the event log. */
export const accessLogFile = (dataDir: string) => join(dataDir, 'access-log.db');

/** What a caller records; the time is the log's clock, text is cleaned and bounded here. */
export interface AccessRecord {
  readonly actor: string;
  readonly role?: Role | undefined;
  readonly action: AccessAction;
  readonly subject?: string | undefined;
  readonly address?: string | undefined;
}

export interface AccessLogQuery {
  readonly from: Date;
  readonly to: Date;
  readonly actor?: string | undefined;
  readonly limit: number;
}

export interface AccessLogOptions {
  readonly file: string;
  /** Entries older than this are deleted by the periodic prune. */
  readonly retentionDays: number;
  /**
   * Failed sign-ins written one by one per minute; beyond it, the minute's further failures are counted on one
   * summary entry. Failed sign-ins are the only entries anyone can cause without credentials.
   */
  readonly failuresPerMinute: number;
  readonly now?: () => number;
  /** How often old entries are pruned (and once at open); 0 turns the timer off (tests call prune()). */
  readonly pruneEveryMs?: number;
  /** Told when a periodic prune fails (the next one tries again). */
  readonly onPruneError?: (error: unknown) => void;
}

/** Longest stored texts: rows stay small whatever a caller typed as a login. */
const LIMITS = { actor: 128, subject: 256, address: 64 } as const;

/** The actor of the summary entry of failed sign-ins beyond the budget: no login is `*`. */
const SUMMARY_ACTOR = '*';

const DAY_MS = 86_400_000;
const PRUNE_BATCH = 2_000;

/** Controls, format characters (bidi overrides, zero-width) and lone surrogates: they would disguise a text. */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]/gu;

/** One stored form of a caller's text: NFC, nothing invisible, trimmed, at most `max` characters (code points). */
export function cleanText(text: string, max: number): string {
  return Array.from(text.normalize('NFC').replace(INVISIBLE, '').trim()).slice(0, max).join('');
}

interface Row {
  at: number;
  actor: string;
  role: Role | null;
  action: AccessAction;
  subject: string | null;
  address: string | null;
  count: number;
}

/**
 * The access log: sign-ins, failed sign-ins, sign-outs, refresh-token reuse, exports, reads of participants' names
 * outside the reader's own school and erasures, kept `retentionDays` (three years by default, as PIPL asks of a
 * record of processing children's data).
 *
 * Durability: WAL with synchronous=NORMAL. A commit then costs no fsync (a write is tens of microseconds on the
 * request's thread), and a power cut can lose the last commits but never corrupts the file; the access log is a
 * record of access, not the source of truth, so that trade beats holding every sign-in for an fsync.
 * Writes are synchronous so that an entry is in the file before the answer it records is sent, and an entry that
 * cannot be written fails its request (an export that cannot be recorded is not served).
 *
 * Size: every text is bounded, and failed sign-ins beyond `failuresPerMinute` are counted on one entry per minute,
 * so random logins cannot fill the disk. An entry takes at most ~390 bytes with its indexes (measured with
 * 128-character logins and IPv6 addresses): at 20 a minute, a year of a sustained attack stays under 4.2 GB. Reads of
 * participants are written per request and entry: an organizer's list of 500 entries adds ~75 kB.
 */
export class AccessLog {
  readonly #db: Database.Database;
  readonly #now: () => number;
  readonly #retentionMs: number;
  readonly #failuresPerMinute: number;
  readonly #insert: Database.Statement;
  readonly #addToSummary: Database.Statement;
  readonly #pruneBatch: Database.Statement;
  readonly #timer: NodeJS.Timeout | undefined;
  /** The current minute's failed sign-ins written one by one, and its summary entry once the budget is spent. */
  #failures = { minute: -1, written: 0, summaryId: undefined as number | bigint | undefined };
  #pruning: Promise<number> | undefined;

  constructor(options: AccessLogOptions) {
    this.#now = options.now ?? Date.now;
    this.#retentionMs = options.retentionDays * DAY_MS;
    this.#failuresPerMinute = options.failuresPerMinute;
    this.#db = openPrivately(options.file);
    this.#insert = this.#db.prepare(
      'INSERT INTO access_log (at, actor, role, action, subject, address, count) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    this.#addToSummary = this.#db.prepare('UPDATE access_log SET count = count + 1 WHERE id = ?');
    this.#pruneBatch = this.#db.prepare(
      `DELETE FROM access_log WHERE id IN (SELECT id FROM access_log WHERE at < ? ORDER BY at LIMIT ${PRUNE_BATCH})`,
    );
    const every = options.pruneEveryMs ?? 3_600_000;
    if (every > 0) {
      const onError = options.onPruneError ?? ((error: unknown) => process.emitWarning(`access log prune: ${error}`));
      const prune = () => void this.prune().catch(onError);
      this.#timer = setInterval(prune, every).unref();
      prune();
    }
  }

  /** Records one entry now. */
  record(entry: AccessRecord): void {
    const at = this.#now();
    if (entry.action === 'SIGN_IN_FAILED' && !this.#withinFailureBudget(at)) return;
    this.#write(at, entry);
  }

  /**
   * Records an erasure of personal data (a guardian's request, or the retention job): `subject` names what was erased
   * without personal data in it — an entry id or a pseudonymous participant id, never a name or a school's key.
   */
  recordErasure(erasure: Omit<AccessRecord, 'action' | 'subject'> & { readonly subject: string }): void {
    this.record({ ...erasure, action: 'ERASE' });
  }

  /** Records entries now in one commit (the reads of one request): all of them or, when it fails, none. */
  recordAll(entries: readonly AccessRecord[]): void {
    if (entries.length === 0) return;
    const at = this.#now();
    this.#db.transaction(() => {
      for (const entry of entries) this.#write(at, entry);
    })();
  }

  #write(at: number, entry: AccessRecord): void {
    this.#insert.run(
      at,
      cleanText(entry.actor, LIMITS.actor),
      entry.role ?? null,
      entry.action,
      entry.subject === undefined ? null : cleanText(entry.subject, LIMITS.subject),
      entry.address === undefined ? null : cleanText(entry.address, LIMITS.address),
      1,
    );
  }

  /** Whether a failed sign-in at `at` may be written on its own; if not, it has been counted on the summary. */
  #withinFailureBudget(at: number): boolean {
    const minute = Math.floor(at / 60_000);
    if (minute !== this.#failures.minute) this.#failures = { minute, written: 0, summaryId: undefined };
    if (this.#failures.written < this.#failuresPerMinute) {
      this.#failures.written++;
      return true;
    }
    if (this.#failures.summaryId === undefined) {
      const subject = `further failed sign-ins this minute, beyond ${this.#failuresPerMinute} recorded one by one`;
      this.#failures.summaryId = this.#insert.run(
        at,
        SUMMARY_ACTOR,
        null,
        'SIGN_IN_FAILED',
        subject,
        null,
        1,
      ).lastInsertRowid;
    } else {
      this.#addToSummary.run(this.#failures.summaryId);
    }
    return false;
  }

  /** Entries with from ≤ at < to (of one actor if given), newest first, at most `limit`. */
  list({ from, to, actor, limit }: AccessLogQuery): AccessLogEntry[] {
    const rows = this.#db
      .prepare<unknown[], Row>(
        `SELECT at, actor, role, action, subject, address, count FROM access_log
         WHERE at >= ? AND at < ? ${actor === undefined ? '' : 'AND actor = ?'}
         ORDER BY at DESC, id DESC LIMIT ?`,
      )
      .all(from.getTime(), to.getTime(), ...(actor === undefined ? [] : [cleanText(actor, LIMITS.actor)]), limit);
    return rows.map((row) => ({ ...row, at: new Date(row.at).toISOString() }));
  }

  /**
   * Deletes entries past the retention, in batches that let requests run in between, then returns the freed pages
   * to the file system. Resolves with the number deleted; a prune already running is joined, not repeated.
   */
  prune(): Promise<number> {
    this.#pruning ??= this.#prune().finally(() => {
      this.#pruning = undefined;
    });
    return this.#pruning;
  }

  async #prune(): Promise<number> {
    const before = this.#now() - this.#retentionMs;
    let deleted = 0;
    for (;;) {
      const { changes } = this.#pruneBatch.run(before);
      deleted += changes;
      if (changes < PRUNE_BATCH) break;
      await yieldToRequests();
    }
    if (deleted > 0) this.#db.pragma('incremental_vacuum');
    return deleted;
  }

  async close(): Promise<void> {
    clearInterval(this.#timer);
    await this.#pruning;
    this.#db.close();
  }
}

/** Opens (creating if needed) the log's file readable by its owner only. */
function openPrivately(file: string): Database.Database {
  privateDatabaseFile(file);
  const db = new Database(file);
  // Before the first table: deleted pages can then be given back after a prune.
  db.pragma('auto_vacuum = INCREMENTAL');
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.exec(`
    CREATE TABLE IF NOT EXISTS access_log (
      id INTEGER PRIMARY KEY,
      at INTEGER NOT NULL,
      actor TEXT NOT NULL,
      role TEXT,
      action TEXT NOT NULL,
      subject TEXT,
      address TEXT,
      count INTEGER NOT NULL
    );
    CREATE INDEX IF NOT EXISTS access_log_at ON access_log (at);
    CREATE INDEX IF NOT EXISTS access_log_actor_at ON access_log (actor, at);
  `);
  return db;
}
