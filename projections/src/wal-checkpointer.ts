import type { Worker } from 'node:worker_threads';
import { startWorkerThread } from '@qingmiao/event-store';
import type Database from 'better-sqlite3';

/** What the thread is started with. */
export interface CheckpointerData {
  readonly path: string;
  readonly intervalMs: number;
  /** How long an emptying checkpoint keeps retrying while a reader or the writer is in the way. */
  readonly truncateWithinMs: number;
}

/** `empty`: checkpoint everything and truncate the WAL, answered with the same id; `close`: end the thread. */
export type CheckpointRequest = { readonly kind: 'empty'; readonly id: number } | { readonly kind: 'close' };
export interface CheckpointReply {
  readonly id: number;
  readonly error?: string;
}

/** SQLite's default: the connection checkpoints inline once its WAL holds this many pages. */
const INLINE_AUTOCHECKPOINT_PAGES = 1000;

export interface WalCheckpointerOptions {
  /** How often the thread copies what the WAL holds back into the database. */
  readonly intervalMs?: number;
  readonly truncateWithinMs?: number;
  /** Told when the thread failed; the connection then checkpoints inline again, as SQLite does by default. */
  readonly onFailure?: (error: Error) => void;
}

interface Pending {
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

/**
 * Checkpoints a read-model file's write-ahead log in a thread of its own, on a connection of its own. SQLite
 * checkpoints on the committing connection by default: every ~1,000 pages the projection's commit copies them back
 * into the database on the event loop, ~1,000 page writes while no request is served. Here the projection's
 * connection never checkpoints (`wal_autocheckpoint = 0`); the thread runs PASSIVE checkpoints, which neither wait
 * for nor block the writer, and the writer restarts the WAL once a checkpoint has copied all of it.
 */
export class WalCheckpointer {
  readonly #db: Database.Database;
  readonly #options: WalCheckpointerOptions;
  #worker: Worker | undefined;
  #exited: Promise<void> = Promise.resolve();
  #closing = false;
  readonly #pending = new Map<number, Pending>();
  #nextId = 0;

  /** Takes over the checkpoints of `db`, a connection in WAL mode to the file at `path`. */
  constructor(db: Database.Database, path: string, options: WalCheckpointerOptions = {}) {
    this.#db = db;
    this.#options = options;
    const data: CheckpointerData = {
      path,
      intervalMs: options.intervalMs ?? 200,
      truncateWithinMs: options.truncateWithinMs ?? 30_000,
    };
    db.pragma('wal_autocheckpoint = 0');
    const worker = startWorkerThread(
      import.meta.url,
      { source: './wal-checkpointer-thread.ts', bundled: './read-model-checkpointer.mjs' },
      data,
    );
    // The thread never keeps the process alive: `close` ends it, and an exit without `close` loses nothing.
    worker.unref();
    this.#worker = worker;
    this.#exited = new Promise((resolve) => {
      worker.on('exit', (code) => {
        if (!this.#closing) this.#fallBack(new Error(`The WAL checkpointer thread exited with code ${code}`));
        resolve();
      });
    });
    worker.on('error', (error) => this.#fallBack(error));
    worker.on('message', (reply: CheckpointReply) => {
      const pending = this.#pending.get(reply.id);
      this.#pending.delete(reply.id);
      if (reply.error === undefined) pending?.resolve();
      else pending?.reject(new Error(reply.error));
    });
  }

  /** True while the thread takes the checkpoints; false after a failure or `close`. */
  get running(): boolean {
    return this.#worker !== undefined;
  }

  /**
   * Copies everything the WAL holds into the database and truncates the WAL to nothing, so that no frame keeps what
   * a later write overwrote (erasure). Resolves once done; rejects when readers or the writer kept it from finishing.
   */
  async empty(): Promise<void> {
    const worker = this.#worker;
    if (!worker) return emptyWal(this.#db);
    const id = this.#nextId++;
    await new Promise<void>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      worker.postMessage({ kind: 'empty', id } satisfies CheckpointRequest);
    });
  }

  /** Ends the thread after the checkpoint it may be running; the connection is left as it was given. */
  async close(): Promise<void> {
    this.#closing = true;
    this.#worker?.postMessage({ kind: 'close' } satisfies CheckpointRequest);
    this.#worker = undefined;
    await this.#exited;
    this.#failPending(new Error('The WAL checkpointer was closed'));
  }

  #fallBack(error: Error): void {
    if (this.#worker === undefined) return;
    this.#worker = undefined;
    if (this.#db.open) this.#db.pragma(`wal_autocheckpoint = ${INLINE_AUTOCHECKPOINT_PAGES}`);
    this.#failPending(error);
    this.#options.onFailure?.(error);
  }

  #failPending(error: Error): void {
    for (const pending of this.#pending.values()) pending.reject(error);
    this.#pending.clear();
  }
}

/** An emptying checkpoint on the calling thread, for a connection whose checkpoints no thread takes. */
export function emptyWal(db: Database.Database): void {
  const [result] = db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[];
  if (result?.busy !== 0) throw new Error("The read models' WAL could not be emptied: a reader is in the way");
}
