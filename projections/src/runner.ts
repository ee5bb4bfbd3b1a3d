import { createHash } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, openSync, rmSync } from 'node:fs';
import {
  comparePositions,
  type EventStore,
  type Position,
  privateDatabaseFile,
  type RecordedEvent,
  START,
  type Subscription,
} from '@qingmiao/event-store';
import { readTrustedEvent } from '@qingmiao/schema';
import Database from 'better-sqlite3';
import { createApplier, createIndexes, createTables } from './apply.ts';
import type { Projection, Statement } from './projection.ts';
import { emptyWal, WalCheckpointer } from './wal-checkpointer.ts';

export interface ProjectionRunnerOptions {
  readonly store: EventStore;
  /** The read-model database file. Disposable: it is rebuilt from the log when missing or outdated. */
  readonly path: string;
  readonly projections: readonly Projection[];
  readonly onUnknownEvent?: (event: RecordedEvent) => void;
  /** Told when the thread that checkpoints the file's WAL failed (the connection then checkpoints inline again). */
  readonly onCheckpointerFailure?: (error: Error) => void;
}

/**
 * Told after each applied batch which campaigns it touched (`null`: something every campaign's figures depend on,
 * such as a school or an enrollment) and the position reached.
 */
export type AdvanceListener = (campaigns: ReadonlySet<string | null>, position: Position) => void;

interface Waiter {
  readonly position: Position;
  readonly resolve: () => void;
}

/**
 * The file's version and checkpoint; and how it was built from the log (when the build finished, how long it took,
 * how many events it read), so that an operator can tell before an upgrade how long the next rebuild will keep the
 * server from being ready. Files written before builds were recorded lack the build columns.
 */
const META = `CREATE TABLE IF NOT EXISTS projection_meta (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  version TEXT NOT NULL,
  commit_position INTEGER NOT NULL,
  prepare_position INTEGER NOT NULL,
  build_finished_at TEXT,
  build_duration_ms INTEGER,
  build_events INTEGER
)`;

/** The version stored while a fresh file is bulk-loaded: never a real version, so a half-built file is discarded. */
export const BUILDING = 'building';

/**
 * A fresh file is disposable until it has caught up (it is rebuilt from the log when found half-built), so it is
 * loaded without durability: no journal fsyncs, and query indexes built once at the end. The
 * journal stays in memory (not OFF) so that a failed batch still rolls back. A 16 MiB page cache loads 1M events as
 * fast as 64 MiB did (measured), and the process would keep the memory of a larger one long after the load.
 */
export const BULK_PRAGMAS = [
  // Read models hold children's names: what erasure drops is overwritten, not left in free pages.
  'secure_delete = ON',
  'journal_mode = MEMORY',
  'synchronous = OFF',
  'cache_size = -16384',
  'temp_store = MEMORY',
];
/** Read models are rebuilt from the log, so they need not survive a power cut: the checkpoint travels with them. */
export const DURABLE_PRAGMAS = [
  'secure_delete = ON',
  'journal_mode = WAL',
  'synchronous = NORMAL',
  'cache_size = -2000',
  'temp_store = DEFAULT',
];

/**
 * Identifies the read models: a new version, table, statement or handled event type of any projection triggers a
 * rebuild from the log.
 */
export function versionOf(projections: readonly Projection[]): string {
  const hash = createHash('sha256');
  for (const projection of projections) {
    hash.update(`${projection.name}@${projection.version}`);
    for (const table of projection.tables) hash.update(table);
    for (const index of projection.indexes ?? []) hash.update(index);
    for (const { table, sql } of Object.values<Statement>(projection.statements)) hash.update(`${table}:${sql}`);
    hash.update(JSON.stringify(projection.handles));
  }
  return hash.digest('hex').slice(0, 16);
}

/**
 * Feeds events from the store's global log into the read models: each delivered batch is applied in one SQLite
 * transaction together with the checkpoint, so after a crash the models resume exactly where they stopped.
 */
export class ProjectionRunner {
  readonly db: Database.Database;
  readonly #store: EventStore;
  readonly #projections: readonly Projection[];
  readonly #onUnknownEvent: (event: RecordedEvent) => void;
  readonly #onCheckpointerFailure: ((error: Error) => void) | undefined;
  readonly #apply: (events: readonly RecordedEvent[]) => ReadonlySet<string | null>;
  readonly #listeners = new Set<AdvanceListener>();
  readonly #path: string;
  readonly #version: string;
  /** True while a fresh file is loaded in bulk mode, until the first catch-up. */
  #building = false;
  /** When the bulk load began, and how many events it has applied so far. */
  #buildStarted = 0;
  #builtEvents = 0;
  #position: Position;
  #caughtUp = false;
  #waiters: Waiter[] = [];
  #subscription: Subscription | undefined;
  #loop: Promise<void> | undefined;
  #failure: unknown;
  /** Started with the first batch written durably: a bulk load has no WAL, and a runner that never writes needs none. */
  #checkpointer: WalCheckpointer | undefined;

  constructor(options: ProjectionRunnerOptions) {
    this.#store = options.store;
    this.#projections = options.projections;
    this.#onUnknownEvent = options.onUnknownEvent ?? (() => {});
    this.#onCheckpointerFailure = options.onCheckpointerFailure;
    this.#path = options.path;
    this.#version = versionOf(options.projections);
    this.db = this.#openComplete() ?? this.#create();
    const checkpoint = this.db
      .prepare<[], { commit_position: bigint; prepare_position: bigint }>(
        'SELECT commit_position, prepare_position FROM projection_meta WHERE id = 1',
      )
      .safeIntegers(true)
      .get();
    this.#position = checkpoint ? { commit: checkpoint.commit_position, prepare: checkpoint.prepare_position } : START;
    this.#apply = this.#prepareApply();
  }

  /** The existing file when it holds complete read models of this version; anything else is removed. */
  #openComplete(): Database.Database | undefined {
    if (!existsSync(this.#path)) return undefined;
    let db: Database.Database | undefined;
    try {
      privateDatabaseFile(this.#path);
      db = new Database(this.#path);
      const stored = db.prepare<[], { version: string }>('SELECT version FROM projection_meta').get();
      if (stored?.version === this.#version) {
        for (const pragma of DURABLE_PRAGMAS) db.pragma(pragma);
        return db;
      }
    } catch (error) {
      // Unreadable (a bulk load cut short by a crash is not crash-safe): rebuilt below like an outdated file.
      // Busy or locked is not unreadable.
      if (!(error instanceof Database.SqliteError) || /^SQLITE_(BUSY|LOCKED)/.test(error.code)) {
        db?.close();
        throw error;
      }
    }
    db?.close();
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${this.#path}${suffix}`, { force: true });
    return undefined;
  }

  #create(): Database.Database {
    privateDatabaseFile(this.#path);
    const db = new Database(this.#path);
    for (const pragma of BULK_PRAGMAS) db.pragma(pragma);
    db.transaction(() => {
      db.exec(META);
      createTables(db, this.#projections, { indexes: false });
      db.prepare(
        'INSERT INTO projection_meta (id, version, commit_position, prepare_position) VALUES (1, ?, -1, -1)',
      ).run(BUILDING);
    })();
    this.#building = true;
    this.#buildStarted = performance.now();
    return db;
  }

  /** Ends the bulk load: builds the query indexes, makes the file durable, and only then marks it complete. */
  #finishBuilding(): void {
    createIndexes(this.db, this.#projections);
    // With synchronous=OFF nothing was flushed: flush it before the version may claim a complete file.
    const file = openSync(this.#path, 'r+');
    try {
      fsyncSync(file);
    } finally {
      closeSync(file);
    }
    for (const pragma of DURABLE_PRAGMAS) this.db.pragma(pragma);
    // Hands the bulk load's page cache back to the allocator now rather than page by page.
    this.db.pragma('shrink_memory');
    this.db
      .prepare(
        'UPDATE projection_meta SET version = ?, build_finished_at = ?, build_duration_ms = ?, build_events = ? WHERE id = 1',
      )
      .run(
        this.#version,
        new Date().toISOString(),
        Math.round(performance.now() - this.#buildStarted),
        this.#builtEvents,
      );
    this.#building = false;
  }

  #prepareApply(): (events: readonly RecordedEvent[]) => ReadonlySet<string | null> {
    const applier = createApplier(this.db, this.#projections);
    const saveCheckpoint = this.db.prepare(
      'UPDATE projection_meta SET commit_position = @commit, prepare_position = @prepare WHERE id = 1',
    );
    return this.db.transaction((events: readonly RecordedEvent[]) => {
      const campaigns = new Set<string | null>();
      for (const recorded of events) {
        const read = readTrustedEvent(recorded);
        if (!read) {
          this.#onUnknownEvent(recorded);
          continue;
        }
        applier.apply(read.event, read.metadata, recorded.position.commit);
        campaigns.add('campaignId' in read.event.data ? read.event.data.campaignId : null);
      }
      const last = events.at(-1);
      if (last) saveCheckpoint.run(last.position);
      return campaigns;
    });
  }

  get position(): Position {
    return this.#position;
  }

  /** True while the file is fresh: created empty here and not yet loaded up to the log's head. */
  get building(): boolean {
    return this.#building;
  }

  /** True once every event that existed at start-up has been applied. */
  get caughtUp(): boolean {
    return this.#caughtUp;
  }

  /** Starts following the log; resolves once caught up with it. */
  start(): Promise<void> {
    const subscription = this.#store.subscribeAll({ after: this.#position });
    this.#subscription = subscription;
    return new Promise((resolve, reject) => {
      this.#loop = (async () => {
        try {
          for await (const message of subscription) {
            if (message.kind === 'caughtUp') {
              if (this.#building) this.#finishBuilding();
              this.#caughtUp = true;
              resolve();
              continue;
            }
            const campaigns = this.#apply(message.events);
            if (this.#building) this.#builtEvents += message.events.length;
            else this.#checkpointer ??= this.#startCheckpointer();
            const last = message.events.at(-1);
            if (last) this.#advance(last.position);
            if (last) for (const listener of this.#listeners) listener(campaigns, last.position);
          }
        } catch (error) {
          this.#failure = error;
          reject(error);
          for (const waiter of this.#waiters) waiter.resolve();
          this.#waiters = [];
        }
      })();
    });
  }

  #startCheckpointer(): WalCheckpointer {
    const onFailure = this.#onCheckpointerFailure;
    return new WalCheckpointer(this.db, this.#path, onFailure ? { onFailure } : {});
  }

  /**
   * Copies everything the WAL holds into the database and truncates the WAL, so that no frame keeps what a later
   * write overwrote: after an erasure, the old rows' pages must not survive in the WAL.
   */
  emptyWal(): Promise<void> {
    return this.#checkpointer ? this.#checkpointer.empty() : Promise.resolve().then(() => emptyWal(this.db));
  }

  #advance(position: Position): void {
    this.#position = position;
    const ready = this.#waiters.filter((waiter) => comparePositions(waiter.position, position) <= 0);
    if (ready.length === 0) return;
    this.#waiters = this.#waiters.filter((waiter) => comparePositions(waiter.position, position) > 0);
    for (const waiter of ready) waiter.resolve();
  }

  onAdvance(listener: AdvanceListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Resolves once the read models include the event at `position` (read-your-writes for commands). */
  async waitFor(position: Position, timeoutMs = 10_000): Promise<void> {
    if (this.#failure) throw this.#failure;
    if (comparePositions(this.#position, position) >= 0) return;
    await new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        position,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      const timer = setTimeout(() => {
        this.#waiters = this.#waiters.filter((other) => other !== waiter);
        reject(new Error(`Read models did not reach position ${position.commit} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#waiters.push(waiter);
    });
    if (this.#failure) throw this.#failure;
  }

  /** Stops following the log and releases anyone waiting; `keepOpenMs` leaves in-flight queries time to finish. */
  async stop(keepOpenMs = 0): Promise<void> {
    await this.#subscription?.close();
    await this.#loop;
    await this.#checkpointer?.close();
    for (const waiter of this.#waiters) waiter.resolve();
    this.#waiters = [];
    if (keepOpenMs > 0) setTimeout(() => this.db.close(), keepOpenMs).unref();
    else if (this.db.open) this.db.close();
  }
}
