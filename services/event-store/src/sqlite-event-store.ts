import Database from 'better-sqlite3';
import { DuplicateEventIds, WrongExpectedVersion } from './errors.ts';
import {
  type AppendResult,
  type EventStore,
  type EventToAppend,
  type ExpectedRevision,
  type JsonObject,
  matchesExpectedRevision,
  type Position,
  type ReadAllOptions,
  type RecordedEvent,
  START,
  type Subscription,
  type SubscriptionMessage,
} from './port.ts';
import { privateDatabaseFile } from './private-files.ts';

export interface SqliteEventStoreOptions {
  /** Path of the database file; created with its schema (and its directory) when missing. */
  readonly path: string;
  /**
   * How often a waiting subscription checks for commits made by other processes on the same file (ms).
   * Commits of this process wake subscriptions at once.
   */
  readonly pollIntervalMs?: number;
  /** Most appends that share one transaction (group commit). */
  readonly maxBatch?: number;
}

const PAGE = 1000;

/** The log's one table; benchmarks build their raw baselines on it too. */
export const EVENTS_TABLE = `
CREATE TABLE IF NOT EXISTS events (
  position INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  stream TEXT NOT NULL,
  revision INTEGER NOT NULL,
  type TEXT NOT NULL,
  data TEXT NOT NULL,
  metadata TEXT NOT NULL,
  created TEXT NOT NULL,
  UNIQUE (stream, revision)
);`;

interface EventRow {
  position: bigint;
  id: string;
  stream: string;
  revision: bigint;
  type: string;
  data: string;
  metadata: string;
  created: string;
}

type Outcome = { readonly ok: true; readonly value: AppendResult } | { readonly ok: false; readonly error: unknown };

interface PendingAppend {
  readonly stream: string;
  readonly events: readonly EventToAppend[];
  readonly expectedRevision: ExpectedRevision;
  readonly resolve: (result: AppendResult) => void;
  readonly reject: (error: unknown) => void;
}

function toRecorded(row: EventRow): RecordedEvent {
  return {
    id: row.id,
    stream: row.stream,
    revision: Number(row.revision),
    position: { commit: row.position, prepare: row.position },
    type: row.type,
    data: JSON.parse(row.data) as JsonObject,
    metadata: JSON.parse(row.metadata) as JsonObject,
    created: row.created,
  };
}

function isUniqueViolation(error: unknown): boolean {
  return error instanceof Database.SqliteError && error.code === 'SQLITE_CONSTRAINT_UNIQUE';
}

/**
 * The embedded event store: one SQLite file in WAL mode with `synchronous=FULL`, so an acknowledged append survives
 * a crash of the process or the machine. Appends issued while a commit is being prepared share one transaction
 * (group commit); each keeps its own expected-revision check through a savepoint. Several processes may open the
 * same file: SQLite's write lock orders their commits and subscriptions notice foreign commits by polling
 * `PRAGMA data_version`. In WAL mode a connection holds a shared lock on the file from its first read until it
 * closes (the constructor reads at once): restore relies on it to see that the store is open.
 */
export class SqliteEventStore implements EventStore {
  readonly #db: Database.Database;
  readonly #pollIntervalMs: number;
  readonly #maxBatch: number;
  #pending: PendingAppend[] = [];
  #flushScheduled = false;
  #closed = false;
  readonly #waiters = new Set<() => void>();
  #pollTimer: NodeJS.Timeout | undefined;
  #dataVersion = 0;

  readonly #stmt: {
    byId: Database.Statement<[string], { stream: string; revision: bigint; position: bigint }>;
    revision: Database.Statement<[string], { revision: number }>;
    insert: Database.Statement<[string, string, number, string, string, string, string]>;
    readStream: Database.Statement<[string, number, number], EventRow>;
    readAll: Database.Statement<[bigint, number], EventRow>;
    head: Database.Statement<[], { position: bigint | null }>;
    dataVersion: Database.Statement<[], { data_version: number }>;
  };

  /** Transaction control, prepared once: `db.exec` would compile the SQL on every call. */
  readonly #tx: Record<
    'begin' | 'commit' | 'rollback' | 'savepoint' | 'release' | 'rollbackTo',
    Database.Statement<[]>
  >;

  constructor(options: SqliteEventStoreOptions) {
    this.#pollIntervalMs = options.pollIntervalMs ?? 50;
    this.#maxBatch = options.maxBatch ?? 512;
    privateDatabaseFile(options.path);
    this.#db = new Database(options.path);
    this.#db.pragma('journal_mode = WAL');
    this.#db.pragma('synchronous = FULL');
    this.#db.pragma('busy_timeout = 10000');
    this.#db.exec(EVENTS_TABLE);
    const safe = <T extends Database.Statement>(statement: T): T => statement.safeIntegers(true) as T;
    this.#stmt = {
      byId: safe(this.#db.prepare('SELECT stream, revision, position FROM events WHERE id = ?')),
      // Revisions within one stream stay far below 2^53: plain numbers.
      revision: this.#db.prepare('SELECT revision FROM events WHERE stream = ? ORDER BY revision DESC LIMIT 1'),
      insert: this.#db.prepare(
        'INSERT INTO events (id, stream, revision, type, data, metadata, created) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ),
      readStream: safe(
        this.#db.prepare('SELECT * FROM events WHERE stream = ? AND revision >= ? ORDER BY revision LIMIT ?'),
      ),
      readAll: safe(this.#db.prepare('SELECT * FROM events WHERE position > ? ORDER BY position LIMIT ?')),
      head: safe(this.#db.prepare('SELECT max(position) AS position FROM events')),
      dataVersion: this.#db.prepare('PRAGMA data_version'),
    };
    this.#tx = {
      begin: this.#db.prepare('BEGIN IMMEDIATE'),
      commit: this.#db.prepare('COMMIT'),
      rollback: this.#db.prepare('ROLLBACK'),
      savepoint: this.#db.prepare('SAVEPOINT append'),
      release: this.#db.prepare('RELEASE append'),
      rollbackTo: this.#db.prepare('ROLLBACK TO append'),
    };
    this.#dataVersion = this.#readDataVersion();
  }

  append(
    stream: string,
    events: readonly EventToAppend[],
    options: { readonly expectedRevision: ExpectedRevision },
  ): Promise<AppendResult> {
    if (this.#closed) return Promise.reject(new Error('Event store is closed'));
    return new Promise((resolve, reject) => {
      this.#pending.push({ stream, events, expectedRevision: options.expectedRevision, resolve, reject });
      if (!this.#flushScheduled) {
        this.#flushScheduled = true;
        setImmediate(() => this.#flush());
      }
    });
  }

  #flush(): void {
    this.#flushScheduled = false;
    while (this.#pending.length > 0) {
      const batch = this.#pending.splice(0, this.#maxBatch);
      let outcomes: Outcome[];
      try {
        outcomes = this.#commit(batch);
      } catch (error) {
        for (const append of batch) append.reject(error);
        continue;
      }
      batch.forEach((append, i) => {
        const outcome = outcomes[i];
        if (outcome?.ok) append.resolve(outcome.value);
        else append.reject(outcome?.error);
      });
      this.#wake();
    }
  }

  /** One transaction for the batch: one fsync however many appends share it. */
  #commit(batch: readonly PendingAppend[]): Outcome[] {
    const { begin, commit, rollback, savepoint, release, rollbackTo } = this.#tx;
    begin.run();
    try {
      const [only] = batch;
      if (only && batch.length === 1) {
        // Alone in its transaction, a failed append is undone by rolling the transaction back: no savepoint needed.
        const outcome = this.#attempt(only);
        (outcome.ok ? commit : rollback).run();
        return [outcome];
      }
      const outcomes = batch.map((append) => {
        savepoint.run();
        const outcome = this.#attempt(append);
        if (!outcome.ok) rollbackTo.run();
        release.run();
        return outcome;
      });
      commit.run();
      return outcomes;
    } catch (error) {
      if (this.#db.inTransaction) rollback.run();
      throw error;
    }
  }

  #attempt(append: PendingAppend): Outcome {
    try {
      return { ok: true, value: this.#appendOne(append) };
    } catch (error) {
      return { ok: false, error };
    }
  }

  #appendOne({ stream, events, expectedRevision }: PendingAppend): AppendResult {
    const first = events[0];
    if (first) {
      const existing = this.#stmt.byId.get(first.id);
      if (existing) return this.#replayedWrite(stream, events, existing);
    }
    const actual = this.#stmt.revision.get(stream)?.revision ?? -1;
    if (!matchesExpectedRevision(expectedRevision, actual)) {
      throw new WrongExpectedVersion(stream, expectedRevision, actual);
    }
    if (!first) return { nextExpectedRevision: actual, position: this.#headSync() };
    const created = new Date().toISOString();
    let revision = actual;
    let rowid: number | bigint = 0;
    try {
      for (const event of events) {
        revision += 1;
        rowid = this.#stmt.insert.run(
          event.id,
          stream,
          revision,
          event.type,
          JSON.stringify(event.data),
          JSON.stringify(event.metadata),
          created,
        ).lastInsertRowid;
      }
    } catch (error) {
      if (isUniqueViolation(error))
        throw new DuplicateEventIds(
          stream,
          events.map((event) => event.id),
        );
      throw error;
    }
    const position = BigInt(rowid);
    return { nextExpectedRevision: revision, position: { commit: position, prepare: position } };
  }

  /** A write whose first event exists already: a no-op if it is exactly that earlier write, else refused. */
  #replayedWrite(
    stream: string,
    events: readonly EventToAppend[],
    existing: { stream: string; revision: bigint },
  ): AppendResult {
    const rows =
      existing.stream === stream ? this.#stmt.readStream.all(stream, Number(existing.revision), events.length) : [];
    const same = rows.length === events.length && rows.every((row, i) => row.id === events[i]?.id);
    const last = rows.at(-1);
    if (!same || !last)
      throw new DuplicateEventIds(
        stream,
        events.map((event) => event.id),
      );
    return { nextExpectedRevision: Number(last.revision), position: { commit: last.position, prepare: last.position } };
  }

  async readStream(
    stream: string,
    options: { readonly fromRevision?: number; readonly limit?: number } = {},
  ): Promise<RecordedEvent[]> {
    return this.#stmt.readStream
      .all(stream, options.fromRevision ?? 0, options.limit ?? Number.MAX_SAFE_INTEGER)
      .map(toRecorded);
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    return this.#readAllSync(options.after ?? START, options.limit ?? PAGE);
  }

  #readAllSync(after: Position, limit: number): RecordedEvent[] {
    return this.#stmt.readAll.all(after.commit, limit).map(toRecorded);
  }

  async headPosition(): Promise<Position> {
    return this.#headSync();
  }

  #headSync(): Position {
    const position = this.#stmt.head.get()?.position;
    return position == null ? START : { commit: position, prepare: position };
  }

  subscribeAll(options: { readonly after?: Position } = {}): Subscription {
    let closed = false;
    let wakeSelf: (() => void) | undefined;
    const store = this;
    const start = options.after ?? START;
    async function* messages(): AsyncGenerator<SubscriptionMessage> {
      let after = start;
      let caughtUp = false;
      while (!closed && !store.#closed) {
        const events = store.#readAllSync(after, PAGE);
        const last = events.at(-1);
        if (last) {
          after = last.position;
          yield { kind: 'events', events };
          // Let the process serve other work between pages of a long catch-up.
          await new Promise<void>((resolve) => setImmediate(resolve));
          continue;
        }
        if (!caughtUp) {
          caughtUp = true;
          yield { kind: 'caughtUp', position: after };
          continue;
        }
        await new Promise<void>((resolve) => {
          wakeSelf = resolve;
          store.#addWaiter(resolve);
        });
        wakeSelf = undefined;
      }
    }
    const iterator = messages();
    return {
      [Symbol.asyncIterator]: () => iterator,
      close: async () => {
        closed = true;
        if (wakeSelf) {
          this.#waiters.delete(wakeSelf);
          wakeSelf();
        }
        await iterator.return(undefined);
      },
    };
  }

  #addWaiter(waiter: () => void): void {
    this.#waiters.add(waiter);
    if (!this.#pollTimer && !this.#closed) {
      this.#pollTimer = setInterval(() => this.#pollForeignCommits(), this.#pollIntervalMs);
      this.#pollTimer.unref();
    }
  }

  #readDataVersion(): number {
    return this.#stmt.dataVersion.get()?.data_version ?? 0;
  }

  /** `data_version` changes when another connection commits; our own commits wake waiters directly. */
  #pollForeignCommits(): void {
    const version = this.#readDataVersion();
    if (version !== this.#dataVersion) {
      this.#dataVersion = version;
      this.#wake();
    }
  }

  #wake(): void {
    const waiters = [...this.#waiters];
    this.#waiters.clear();
    if (this.#pollTimer) {
      clearInterval(this.#pollTimer);
      this.#pollTimer = undefined;
    }
    for (const waiter of waiters) waiter();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#flush();
    this.#closed = true;
    this.#wake();
    this.#db.close();
  }
}
