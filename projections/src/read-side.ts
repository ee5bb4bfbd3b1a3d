import { existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  comparePositions,
  type EventStore,
  ownPrivateFolder,
  type Position,
  PRIVATE_FILE,
  type RecordedEvent,
  START,
} from '@qingmiao/event-store';
import type { Projection } from './projection.ts';
import { buildOf, type ReadModelBuild } from './read-model-status.ts';
import { type HistoryRow, readEntryHistory } from './read-models/entry-history.ts';
import { type ReadModelQueries, readModelQueries } from './read-models/index.ts';
import { type AdvanceListener, ProjectionRunner } from './runner.ts';

export interface ReadSideOptions {
  readonly store: EventStore;
  /** Folder of the read-model generations and the CURRENT pointer. */
  readonly dir: string;
  readonly projections: readonly Projection[];
  readonly onUnknownEvent?: (event: RecordedEvent) => void;
  readonly onCheckpointerFailure?: (error: Error) => void;
  /**
   * Where a fresh file is built from the whole log, at start (none yet, or an outdated one) and for a blue-green
   * rebuild: given, elsewhere (a worker thread, whose memory goes when it ends, and whose catch-up does not take turns
   * on this thread's event loop) and this thread follows the log from where that build ended; by default, this
   * thread's runner.
   */
  readonly buildFresh?: BuildFresh;
}

/** A build of a complete read-model file at `path` from the whole log, run elsewhere than this thread. */
export type BuildFresh = (path: string) => FreshBuild;

export interface FreshBuild {
  /** True once the file is complete, false when `stop` ended the build first; rejects with the build's failure. */
  readonly done: Promise<boolean>;
  stop(): Promise<void>;
}

export interface RebuildReport {
  readonly generation: string;
  readonly position: Position;
  readonly durationMs: number;
}

const CURRENT = 'CURRENT';
const MEMO_ENTRIES = 256;
/** How long a replaced generation stays open for queries that started before the switch. */
const RETIRE_AFTER_MS = 5000;

/**
 * The read models a process serves, and their blue-green rebuild: a new generation is built from the log in its
 * own file while the current one keeps serving; once it has caught up, the CURRENT pointer is switched atomically
 * (write and rename), queries move to it, and the old generation is removed.
 */
export class ReadSide {
  readonly #options: ReadSideOptions;
  #runner: ProjectionRunner;
  #read: ReadModelQueries;
  #generation: string;
  #rebuilding: Promise<RebuildReport> | undefined;
  /** Builds running elsewhere (the start's, a rebuild's): stopped by `close`. */
  readonly #freshBuilds = new Set<FreshBuild>();
  #closing = false;
  readonly #retired = new Set<string>();
  readonly #listeners = new Set<AdvanceListener>();
  /** Answers computed at the current position: valid until the projections apply another batch. */
  readonly #memo = new Map<string, unknown>();

  constructor(options: ReadSideOptions) {
    this.#options = options;
    ownPrivateFolder(options.dir);
    const pointer = join(options.dir, CURRENT);
    this.#generation = existsSync(pointer) ? readFileSync(pointer, 'utf8').trim() : this.#newGeneration();
    if (!existsSync(pointer)) this.#point(this.#generation);
    this.#runner = this.#runnerFor(this.#generation);
    this.#read = readModelQueries(this.#runner.db);
  }

  /** The log position the serving read models include. */
  get position(): Position {
    return this.#runner.position;
  }

  /** True once the serving read models have applied every event that existed when they started. */
  get caughtUp(): boolean {
    return this.#runner.caughtUp;
  }

  get read(): ReadModelQueries {
    return this.#read;
  }

  get generation(): string {
    return this.#generation;
  }

  /** How the serving generation was built from the log, when that was recorded. */
  get lastBuild(): ReadModelBuild | undefined {
    return buildOf(this.#runner.db);
  }

  /**
   * An entry's events from its campaign's stream, as far as the serving read models have applied the log (so the
   * history agrees with the entry they show). Empty for an entry they do not know.
   */
  entryHistory(entryId: string): Promise<HistoryRow[]> {
    const position = this.#runner.position;
    return readEntryHistory(this.#options.store, this.#read.entryHistorySource(entryId), entryId, position);
  }

  /** Resolves once the serving read models include `position`, across a switch of generations. */
  async waitFor(position: Position, timeoutMs?: number): Promise<void> {
    for (;;) {
      const runner = this.#runner;
      await runner.waitFor(position, timeoutMs);
      if (runner === this.#runner) return;
    }
  }

  /** Follows the log; resolves once the current generation has caught up. */
  start(): Promise<void> {
    const { buildFresh } = this.#options;
    if (!buildFresh || !this.#runner.building) return this.#runner.start();
    return this.#startBuiltElsewhere(buildFresh);
  }

  /**
   * Builds a new generation elsewhere while the fresh, empty one serves, then switches to it and follows the log
   * from where the build ended. Stopped by `close`, it stays pending as a stopped runner's start does.
   */
  async #startBuiltElsewhere(buildFresh: BuildFresh): Promise<void> {
    // An empty log has nothing to build: elsewhere would only cost the start of a thread.
    if (comparePositions(await this.#options.store.headPosition(), START) === 0) return this.#runner.start();
    const stopped = new Promise<never>(() => {});
    if (this.#closing) return stopped;
    this.#removeStrayGenerations();
    const generation = this.#newGeneration();
    if (!(await this.#builtElsewhere(buildFresh, generation))) return stopped;
    const next = this.#runnerFor(generation);
    await this.#switchTo(generation, next);
    for (const listener of this.#listeners) listener(new Set([null]), next.position);
    return this.#closing ? stopped : next.start();
  }

  /**
   * Builds `generation` from the whole log with `buildFresh`: true once the file is complete; false, the file removed,
   * when `close` stopped the build; a failed build's file is removed too.
   */
  async #builtElsewhere(buildFresh: BuildFresh, generation: string): Promise<boolean> {
    const build = buildFresh(join(this.#options.dir, generation));
    this.#freshBuilds.add(build);
    let built: boolean;
    try {
      built = await build.done;
    } catch (error) {
      this.#remove(generation);
      throw error;
    } finally {
      this.#freshBuilds.delete(build);
    }
    if (built && !this.#closing) return true;
    this.#remove(generation);
    return false;
  }

  /**
   * Builds a new generation from the whole log (elsewhere when `buildFresh` is given), lets it catch up with what the
   * serving one has seen, and switches to it; concurrent calls share one rebuild.
   */
  rebuild(): Promise<RebuildReport> {
    this.#rebuilding ??= this.#rebuild().finally(() => {
      this.#rebuilding = undefined;
    });
    return this.#rebuilding;
  }

  async #rebuild(): Promise<RebuildReport> {
    const started = performance.now();
    const generation = this.#newGeneration();
    const { buildFresh } = this.#options;
    if (buildFresh && !(await this.#builtElsewhere(buildFresh, generation))) {
      throw new Error('The read models are closing: the rebuild was stopped');
    }
    const next = this.#runnerFor(generation);
    try {
      await next.start();
      // Catch up with whatever the current generation has seen, so no query goes back in time after the switch.
      await next.waitFor(this.#runner.position);
    } catch (error) {
      await next.stop();
      this.#remove(generation);
      throw error;
    }
    await this.#switchTo(generation, next);
    return { generation, position: next.position, durationMs: performance.now() - started };
  }

  /** Serves `next` from now on; the previous generation stays open a while for the queries that started on it. */
  async #switchTo(generation: string, next: ProjectionRunner): Promise<void> {
    const previous = { runner: this.#runner, generation: this.#generation };
    this.#point(generation);
    this.#runner = next;
    this.#read = readModelQueries(next.db);
    this.#memo.clear();
    this.#generation = generation;
    await previous.runner.stop(RETIRE_AFTER_MS);
    this.#retired.add(previous.generation);
    setTimeout(() => this.#remove(previous.generation), RETIRE_AFTER_MS + 1000).unref();
  }

  /**
   * The answer to an expensive query (participation figures) at the current log position: computed once, served
   * from memory until the read models change. Dashboards polling the same figures then cost nothing.
   */
  memo<T>(key: string, compute: (read: ReadModelQueries) => T): T {
    if (this.#memo.has(key)) return this.#memo.get(key) as T;
    const value = compute(this.#read);
    if (this.#memo.size >= MEMO_ENTRIES) this.#memo.clear();
    this.#memo.set(key, value);
    return value;
  }

  /**
   * Moves what the serving read models' write-ahead log holds into the database and empties it, and drops the
   * memoized answers: after an erasure, no old frame or answer may still hold what it dropped.
   */
  checkpoint(): Promise<void> {
    this.#memo.clear();
    return this.#runner.emptyWal();
  }

  /** Listens to whichever generation is serving. */
  onAdvance(listener: AdvanceListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #runnerFor(generation: string): ProjectionRunner {
    const { store, projections, onUnknownEvent, onCheckpointerFailure } = this.#options;
    const runner = new ProjectionRunner({
      store,
      projections,
      path: join(this.#options.dir, generation),
      ...(onUnknownEvent ? { onUnknownEvent } : {}),
      ...(onCheckpointerFailure ? { onCheckpointerFailure } : {}),
    });
    runner.onAdvance((campaigns, position) => {
      if (runner !== this.#runner) return;
      this.#memo.clear();
      for (const listener of this.#listeners) listener(campaigns, position);
    });
    return runner;
  }

  #newGeneration(): string {
    const taken = new Set(readdirSync(this.#options.dir));
    let stamp = Date.now();
    while (taken.has(`${stamp}.db`)) stamp++;
    return `${stamp}.db`;
  }

  #point(generation: string): void {
    const pointer = join(this.#options.dir, CURRENT);
    writeFileSync(`${pointer}.tmp`, generation, { mode: PRIVATE_FILE });
    renameSync(`${pointer}.tmp`, pointer);
  }

  /**
   * Removes the generations other than the serving one: what a build elsewhere, or a switch, left behind when the
   * process was killed before it could remove them (a build's file is as large as the read models).
   */
  #removeStrayGenerations(): void {
    for (const name of readdirSync(this.#options.dir)) {
      const generation = /^(\d+\.db)(-wal|-shm)?$/.exec(name)?.[1];
      if (generation !== undefined && generation !== this.#generation) this.#remove(generation);
    }
  }

  #remove(generation: string): void {
    this.#retired.delete(generation);
    for (const suffix of ['', '-wal', '-shm'])
      rmSync(join(this.#options.dir, `${generation}${suffix}`), { force: true });
  }

  async close(): Promise<void> {
    this.#closing = true;
    await Promise.all([...this.#freshBuilds].map((build) => build.stop()));
    await this.#rebuilding?.catch(() => undefined);
    await this.#runner.stop();
    for (const generation of this.#retired) this.#remove(generation);
  }
}
