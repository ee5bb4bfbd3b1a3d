import { comparePositions, type EventStore, type Position, START } from '@qingmiao/event-store';
import { readEvent } from '@qingmiao/schema';
import Database from 'better-sqlite3';
import { LRUCache } from 'lru-cache';
import { createApplier, createTables } from './apply.ts';
import type { Projection } from './projection.ts';
import { ReadModels } from './queries.ts';

const PAGE = 2000;

interface Snapshot {
  /** Position of the last event included. */
  readonly position: Position;
  /** recordedAt of that event: any later moment includes at least this prefix of the log. */
  readonly recordedAt: number;
  readonly image: Buffer;
}

/**
 * The read models as they were at a past moment, rebuilt by replaying the log up to it into an in-memory database,
 * so a report can be reproduced after late corrections. The log is cut before the first event recorded after the
 * moment: the result is always a consistent prefix. Built states are kept as serialized snapshots and a new moment
 * starts from the latest snapshot before it, so stepping through a year replays each event about once; answers for
 * moments already past every recorded event are cached as they are.
 */
export class AsOfReplayer {
  readonly #store: EventStore;
  readonly #projections: readonly Projection[];
  readonly #snapshots: LRUCache<string, Snapshot>;
  readonly #answers: LRUCache<number, { readonly models: ReadModels; readonly bytes: number }>;

  /** `cacheBytes` bounds the memory of snapshots and of cached answers (each): a year of data is a few MB. */
  constructor(store: EventStore, projections: readonly Projection[], options: { readonly cacheBytes?: number } = {}) {
    this.#store = store;
    this.#projections = projections;
    const maxSize = options.cacheBytes ?? 64 * 1024 * 1024;
    this.#snapshots = new LRUCache({ maxSize, sizeCalculation: (snapshot) => Math.max(1, snapshot.image.length) });
    this.#answers = new LRUCache({
      maxSize,
      sizeCalculation: (answer) => Math.max(1, answer.bytes),
      dispose: (answer) => answer.models.close(),
    });
  }

  /** Runs `read` against the read models as they were at `moment`. */
  async query<T>(moment: Date, read: (models: ReadModels) => T): Promise<T> {
    const cut = moment.getTime();
    const answered = this.#answers.get(cut);
    if (answered) return read(answered.models);
    const { models, bytes, final } = await this.#replay(cut);
    // Only a moment the log has already moved past is final; "as of now" must see later events next time.
    if (final) {
      const result = read(models);
      this.#answers.set(cut, { models, bytes });
      // An answer larger than the cache is not kept (nor disposed by it): close it here.
      if (!this.#answers.has(cut)) models.close();
      return result;
    }
    try {
      return read(models);
    } finally {
      models.close();
    }
  }

  async #replay(cut: number): Promise<{ models: ReadModels; bytes: number; final: boolean }> {
    const start = this.#latestSnapshotBefore(cut);
    const db = start ? new Database(start.image) : new Database(':memory:');
    if (!start) createTables(db, this.#projections);
    const applier = createApplier(db, this.#projections);
    let last: Omit<Snapshot, 'image'> | undefined = start;
    let passedMoment = false;
    while (!passedMoment) {
      const page = await this.#store.readAll({ after: last?.position ?? START, limit: PAGE });
      db.transaction(() => {
        for (const recorded of page) {
          const read = readEvent(recorded);
          const recordedAt = Date.parse(read?.metadata.recordedAt ?? recorded.created);
          if (recordedAt > cut) {
            passedMoment = true;
            return;
          }
          if (read) applier.apply(read.event, read.metadata, recorded.position.commit);
          last = { position: recorded.position, recordedAt };
        }
      })();
      if (page.length < PAGE) break;
    }
    const image = db.serialize();
    if (last && (!start || comparePositions(last.position, start.position) > 0)) {
      this.#snapshots.set(String(last.position.commit), { ...last, image });
    }
    return { models: new ReadModels(db), bytes: image.length, final: passedMoment };
  }

  #latestSnapshotBefore(cut: number): Snapshot | undefined {
    let best: Snapshot | undefined;
    for (const snapshot of this.#snapshots.values()) {
      if (snapshot.recordedAt > cut) continue;
      if (!best || comparePositions(snapshot.position, best.position) > 0) best = snapshot;
    }
    return best;
  }
}
