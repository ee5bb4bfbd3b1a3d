import type { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import {
  type AppendResult,
  type EventStore,
  type EventToAppend,
  type ExpectedRevision,
  type JsonObject,
  type Position,
  type ReadAllOptions,
  type RecordedEvent,
  START,
  type Subscription,
  type SubscriptionMessage,
} from './port.ts';
import { privateDatabaseFile } from './private-files.ts';
import {
  decodeError,
  type EncodedAppend,
  type EncodedOutcome,
  type WriterReply,
  type WriterRequest,
} from './sqlite-writer-protocol.ts';
import { startWorkerThread } from './worker-thread.ts';

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

interface PendingAppend {
  readonly append: EncodedAppend;
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

/** The writer thread: its entry beside this module in the sources and beside the bundle in production. */
function startWriter(): Worker {
  return startWorkerThread(import.meta.url, { source: './sqlite-writer.ts', bundled: './event-store-writer.mjs' });
}

interface WriterListeners {
  readonly message: (reply: WriterReply) => void;
  readonly error: (error: Error) => void;
  readonly exit: (code: number) => void;
}

/** Listens to a writer thread; the returned function stops (only these listeners: Node keeps its own on a worker). */
function listen(writer: Worker, listeners: WriterListeners): () => void {
  writer.on('message', listeners.message).on('error', listeners.error).on('exit', listeners.exit);
  return () => writer.off('message', listeners.message).off('error', listeners.error).off('exit', listeners.exit);
}

/** Writer threads of closed stores, kept for the next store the process opens: starting a thread costs far more. */
const idleWriters = new Map<Worker, () => void>();
const MAX_IDLE_WRITERS = 4;

function takeWriter(): Worker {
  const [idle] = idleWriters;
  if (!idle) return startWriter();
  const [writer, stopListening] = idle;
  idleWriters.delete(writer);
  stopListening();
  return writer;
}

function releaseWriter(writer: Worker): void {
  if (idleWriters.size >= MAX_IDLE_WRITERS) {
    void writer.terminate();
    return;
  }
  // An idle thread that stops is only not reused.
  const drop = () => idleWriters.delete(writer);
  idleWriters.set(writer, listen(writer, { message: drop, error: drop, exit: drop }));
  // After the listeners: adding a message listener refs the thread's port again.
  writer.unref();
}

/**
 * The embedded event store: one SQLite file in WAL mode with `synchronous=FULL`, so an acknowledged append survives
 * a crash of the process or the machine. A writer thread owns the write connection (./sqlite-writer.ts): appends are
 * queued to it and acknowledged after its commit's fsync, so the event loop keeps serving while a commit waits for
 * the disk; appends that arrive during a commit share the next transaction (group commit), each with its own
 * expected-revision check. Reads use this thread's own connection, which sees every acknowledged append (WAL).
 * Several processes may open the same file: SQLite's write lock orders their commits and subscriptions notice
 * foreign commits by polling `PRAGMA data_version`. In WAL mode a connection holds a shared lock on the file from
 * its first read until it closes (the constructor reads at once): restore relies on it to see that the store is
 * open.
 */
export class SqliteEventStore implements EventStore {
  readonly #path: string;
  readonly #db: Database.Database;
  readonly #writer: Worker;
  readonly #stopListening: () => void;
  /** Set while `close` waits for the writer to commit what was queued and close its connection. */
  #writerClosed: (() => void) | undefined;
  readonly #pollIntervalMs: number;
  /** Appends not yet handed to the writer, then those it has not answered yet: both in the order issued. */
  #unsent: PendingAppend[] = [];
  readonly #inFlight: PendingAppend[] = [];
  #failed: Error | undefined;
  readonly #writerStopped = new Set<(error: Error) => void>();
  #closed = false;
  readonly #waiters = new Set<() => void>();
  #pollTimer: NodeJS.Timeout | undefined;
  #dataVersion = 0;

  readonly #stmt: {
    readStream: Database.Statement<[string, number, number], EventRow>;
    readAll: Database.Statement<[bigint, number], EventRow>;
    head: Database.Statement<[], { position: bigint | null }>;
    dataVersion: Database.Statement<[], { data_version: number }>;
  };

  constructor(options: SqliteEventStoreOptions) {
    this.#path = options.path;
    this.#pollIntervalMs = options.pollIntervalMs ?? 50;
    privateDatabaseFile(options.path);
    this.#db = new Database(options.path);
    this.#db.pragma('journal_mode = WAL');
    // This connection writes only the schema, as durably as the writer's connection writes events.
    this.#db.pragma('synchronous = FULL');
    this.#db.pragma('busy_timeout = 10000');
    this.#db.exec(EVENTS_TABLE);
    const safe = <T extends Database.Statement>(statement: T): T => statement.safeIntegers(true) as T;
    this.#stmt = {
      readStream: safe(
        this.#db.prepare('SELECT * FROM events WHERE stream = ? AND revision >= ? ORDER BY revision LIMIT ?'),
      ),
      readAll: safe(this.#db.prepare('SELECT * FROM events WHERE position > ? ORDER BY position LIMIT ?')),
      head: safe(this.#db.prepare('SELECT max(position) AS position FROM events')),
      dataVersion: this.#db.prepare('PRAGMA data_version'),
    };
    this.#dataVersion = this.#readDataVersion();
    this.#writer = takeWriter();
    this.#stopListening = listen(this.#writer, {
      message: (reply) => (reply.kind === 'committed' ? this.#answered(reply.outcomes) : this.#writerClosed?.()),
      error: (error) => this.#writerFailed(error),
      exit: (code) => this.#writerFailed(new Error(`it exited with code ${code}`)),
    });
    // An idle writer does not keep the process alive (an open store never did); appends in flight do. After the
    // listeners: adding a message listener refs the thread's port again.
    this.#writer.unref();
    this.#writer.postMessage({
      kind: 'open',
      options: { path: options.path, maxBatch: options.maxBatch ?? 512 },
    } satisfies WriterRequest);
  }

  append(
    stream: string,
    events: readonly EventToAppend[],
    options: { readonly expectedRevision: ExpectedRevision },
  ): Promise<AppendResult> {
    if (this.#failed) return Promise.reject(this.#failed);
    if (this.#closed) return Promise.reject(new Error('Event store is closed'));
    const append: EncodedAppend = {
      stream,
      expectedRevision: options.expectedRevision,
      events: events.map((event) => ({
        id: event.id,
        type: event.type,
        data: JSON.stringify(event.data),
        metadata: JSON.stringify(event.metadata),
      })),
    };
    return new Promise((resolve, reject) => {
      this.#unsent.push({ append, resolve, reject });
      if (this.#unsent.length === 1) {
        // Keeps the process alive until the writer has answered, as a pending commit on this thread would.
        this.#writer.ref();
        setImmediate(() => this.#send());
      }
    });
  }

  /** Hands the appends issued since the last turn of the event loop to the writer in one message. */
  #send(): void {
    if (this.#unsent.length === 0) return;
    const sent = this.#unsent;
    this.#unsent = [];
    this.#inFlight.push(...sent);
    this.#writer.postMessage({
      kind: 'append',
      appends: sent.map((pending) => pending.append),
    } satisfies WriterRequest);
  }

  /** The writer answers the appends in the order they were sent, each batch after its commit. */
  #answered(outcomes: readonly EncodedOutcome[]): void {
    for (const outcome of outcomes) {
      const pending = this.#inFlight.shift();
      if (!pending) break;
      if (outcome.ok) {
        const position = { commit: outcome.position, prepare: outcome.position };
        pending.resolve({ nextExpectedRevision: outcome.nextExpectedRevision, position });
      } else pending.reject(decodeError(outcome.error));
    }
    if (this.#inFlight.length === 0 && this.#unsent.length === 0) this.#writer.unref();
    this.#wake();
  }

  /** Without its writer the store cannot know what was committed: every waiting and later append fails. */
  #writerFailed(error: Error): void {
    if (this.#failed) return;
    this.#failed = new Error(
      `The event store writer thread for ${this.#path} stopped (${error.message}): appends not acknowledged may or may not have been committed; reopen the store`,
      { cause: error },
    );
    for (const pending of [...this.#inFlight.splice(0), ...this.#unsent.splice(0)]) pending.reject(this.#failed);
    this.#writerClosed?.();
    if (!this.#closed) for (const listener of this.#writerStopped) listener(this.#failed);
  }

  /**
   * Calls `listener` if the writer thread stops while the store is open: from then on every append fails until the
   * store is reopened, which a server cannot do under its running commands, so it has to say it is not ready.
   */
  onWriterStopped(listener: (error: Error) => void): void {
    this.#writerStopped.add(listener);
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

  /** Commits what was appended before (the writer drains its queue), then closes both connections. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#send();
    if (!this.#failed) {
      this.#writer.ref();
      await new Promise<void>((resolve) => {
        this.#writerClosed = resolve;
        this.#writer.postMessage({ kind: 'close' } satisfies WriterRequest);
      });
    }
    this.#stopListening();
    if (this.#failed) void this.#writer.terminate();
    else releaseWriter(this.#writer);
    this.#wake();
    this.#db.close();
  }
}
