import { randomUUID } from 'node:crypto';
import { type RecordedEvent, SqliteEventStore, type Subscription } from '@qingmiao/event-store';
import Database from 'better-sqlite3';

/**
 * TEST DOUBLE — the storage side of the KurrentDB test double: KurrentDB's write and read semantics (expected
 * versions, idempotent writes, log positions, $all order) kept in the repository's own SQLite event store. Never used
 * by the product.
 */

/** An event as KurrentDB keeps it: bytes for data and metadata, and an id that is not unique across the log. */
export interface LogEvent {
  readonly id: string;
  readonly stream: string;
  readonly revision: bigint;
  readonly type: string;
  readonly contentType: string;
  readonly data: Buffer;
  readonly metadata: Buffer;
  /** The log position; commit and prepare positions are equal for events appended outside transactions. */
  readonly position: bigint;
  readonly created: Date;
}

export interface ProposedEvent {
  readonly id: string;
  readonly type: string;
  readonly contentType: string;
  readonly data: Uint8Array;
  readonly metadata: Uint8Array;
}

export type Expected =
  | { readonly kind: 'revision'; readonly revision: bigint }
  | { readonly kind: 'any' }
  | { readonly kind: 'no_stream' }
  | { readonly kind: 'stream_exists' };

export type WriteOutcome =
  /** `revision` undefined: the stream still does not exist; `position` undefined: nothing written (empty write). */
  | { readonly kind: 'success'; readonly revision: bigint | undefined; readonly position: bigint | undefined }
  | { readonly kind: 'wrong_expected_version'; readonly current: bigint | undefined }
  /** The stream was hard-deleted (tombstoned): KurrentDB never writes to it again, whatever the expectation. */
  | { readonly kind: 'stream_deleted' };

/** The type of the event a hard delete writes at the end of a stream; it stays in the log after a scavenge. */
const TOMBSTONE = '$streamDeleted';

/**
 * How the double stores a KurrentDB event in a row of the SQLite store (whose own ids must be unique). Data that is
 * UTF-8 text (JSON) is kept as that text, so the files hold its bytes as KurrentDB's chunk files would, and a test
 * scanning them for a value finds it; other data is kept as base64.
 */
interface Envelope {
  readonly id: string;
  readonly contentType: string;
  readonly data: string;
  readonly dataEncoding?: 'utf8';
  readonly metadata: string;
}

function encodeData(bytes: Uint8Array): Pick<Envelope, 'data' | 'dataEncoding'> {
  const text = Buffer.from(bytes).toString('utf8');
  return Buffer.from(text, 'utf8').equals(bytes)
    ? { data: text, dataEncoding: 'utf8' }
    : { data: Buffer.from(bytes).toString('base64') };
}

/** Log positions are byte offsets in KurrentDB, so consecutive events are never one apart; nor are they here. */
const STEP = 100n;
/** KurrentDB remembers the ids of recent writes in a bounded cache; writes with expectation `any` rely on it. */
const ID_CACHE = 100_000;

export type Filter = (event: LogEvent) => boolean;

function isEnvelope(value: unknown): value is Envelope {
  if (typeof value !== 'object' || value === null) return false;
  const fields = value as Record<string, unknown>;
  return ['id', 'contentType', 'data', 'metadata'].every((field) => typeof fields[field] === 'string');
}

export class DoubleLog {
  readonly #path: string;
  readonly #store: SqliteEventStore;
  readonly #offset: bigint;
  readonly #revisions = new Map<string, bigint>();
  readonly #tombstoned = new Set<string>();
  readonly #ids = new Map<string, { readonly stream: string; readonly revision: bigint }>();
  #writing: Promise<unknown> = Promise.resolve();

  constructor(path: string, positionOffset: bigint) {
    this.#path = path;
    this.#store = new SqliteEventStore({ path });
    this.#offset = positionOffset;
  }

  #positionOf(row: bigint): bigint {
    return this.#offset + row * STEP;
  }

  /** The first row at or after a log position. */
  #rowAtOrAfter(position: bigint): bigint {
    if (position <= this.#offset) return 1n;
    return (position - this.#offset + STEP - 1n) / STEP;
  }

  #decode(row: RecordedEvent): LogEvent {
    if (!isEnvelope(row.data)) throw new Error(`Row ${row.id} is not an event of the double`);
    return {
      id: row.data.id,
      stream: row.stream,
      revision: BigInt(row.revision),
      type: row.type,
      contentType: row.data.contentType,
      data: Buffer.from(row.data.data, row.data.dataEncoding === 'utf8' ? 'utf8' : 'base64'),
      metadata: Buffer.from(row.data.metadata, 'base64'),
      position: this.#positionOf(row.position.commit),
      created: new Date(row.created),
    };
  }

  async #currentRevision(stream: string): Promise<bigint> {
    let revision = this.#revisions.get(stream);
    if (revision === undefined) {
      const last = (await this.#store.readStream(stream)).at(-1);
      revision = BigInt(last?.revision ?? -1);
      if (last?.type === TOMBSTONE) this.#tombstoned.add(stream);
      this.#revisions.set(stream, revision);
    }
    return revision;
  }

  async #eventAt(stream: string, revision: bigint): Promise<LogEvent | undefined> {
    const [row] = await this.#store.readStream(stream, { fromRevision: Number(revision), limit: 1 });
    return row ? this.#decode(row) : undefined;
  }

  /** Writes are decided and committed one at a time, like KurrentDB's single writer. */
  write(stream: string, expected: Expected, events: readonly ProposedEvent[]): Promise<WriteOutcome> {
    const outcome = this.#writing.then(() => this.#write(stream, expected, events));
    this.#writing = outcome.catch(() => {});
    return outcome;
  }

  async #write(stream: string, expected: Expected, events: readonly ProposedEvent[]): Promise<WriteOutcome> {
    const current = await this.#currentRevision(stream);
    if (this.#tombstoned.has(stream)) return { kind: 'stream_deleted' };
    const decision = await this.#checkCommit(stream, expected, current, events);
    if (decision.kind !== 'ok') return decision;
    if (events.length === 0) {
      return { kind: 'success', revision: current < 0n ? undefined : current, position: undefined };
    }
    const result = await this.#store.append(
      stream,
      events.map((event) => ({
        id: randomUUID(),
        type: event.type,
        data: {
          id: event.id,
          contentType: event.contentType,
          ...encodeData(event.data),
          metadata: Buffer.from(event.metadata).toString('base64'),
        },
        metadata: {},
      })),
      { expectedRevision: current < 0n ? 'no_stream' : Number(current) },
    );
    const revision = BigInt(result.nextExpectedRevision);
    this.#revisions.set(stream, revision);
    events.forEach((event, i) => {
      this.#ids.delete(event.id);
      this.#ids.set(event.id, { stream, revision: revision - BigInt(events.length - 1 - i) });
    });
    for (const oldest of this.#ids.keys()) {
      if (this.#ids.size <= ID_CACHE) break;
      this.#ids.delete(oldest);
    }
    return { kind: 'success', revision, position: this.#positionOf(result.position.commit) };
  }

  /** KurrentDB's commit check (IndexWriter.CheckCommit) for one stream, without deleted or transactional streams. */
  async #checkCommit(
    stream: string,
    expected: Expected,
    current: bigint,
    events: readonly ProposedEvent[],
  ): Promise<{ readonly kind: 'ok' } | WriteOutcome> {
    const wrong: WriteOutcome = { kind: 'wrong_expected_version', current: current < 0n ? undefined : current };
    if (expected.kind === 'stream_exists' && current < 0n) return wrong;
    if (expected.kind === 'any' || expected.kind === 'stream_exists') {
      // Best effort: only ids still in the cache make a repeated write idempotent.
      const known = events.map((event) => this.#ids.get(event.id));
      const first = known[0];
      if (!first || first.stream !== stream) return { kind: 'ok' };
      if (known.some((info) => !info || info.stream !== stream)) return wrong;
      return this.#idempotent(stream, first.revision, known.at(-1)?.revision ?? first.revision);
    }
    const expectedRevision = expected.kind === 'no_stream' ? -1n : expected.revision;
    if (expectedRevision < current) {
      // A repeat of a write made at this expected revision succeeds again without writing.
      let revision = expectedRevision;
      for (const event of events) {
        revision += 1n;
        const cached = this.#ids.get(event.id);
        if (cached?.stream === stream && cached.revision === revision) continue;
        if ((await this.#eventAt(stream, revision))?.id === event.id) continue;
        return wrong;
      }
      if (revision === expectedRevision) return wrong;
      return this.#idempotent(stream, expectedRevision + 1n, revision);
    }
    if (expectedRevision > current) return wrong;
    return { kind: 'ok' };
  }

  async #idempotent(stream: string, first: bigint, last: bigint): Promise<WriteOutcome> {
    const event = await this.#eventAt(stream, last);
    if (!event || first > last) return { kind: 'wrong_expected_version', current: await this.#currentRevision(stream) };
    return { kind: 'success', revision: last, position: event.position };
  }

  /**
   * A hard delete: KurrentDB checks the expectation (any stream, existing or not, with `any`), then writes a
   * tombstone event at the end of the stream. The stream's events stay in the log, and in $all, until a scavenge.
   * (KurrentDB numbers the tombstone `long.MaxValue`; here it takes the next revision.)
   */
  tombstone(stream: string, expected: Expected): Promise<WriteOutcome> {
    const outcome = this.#writing.then(() => this.#tombstone(stream, expected));
    this.#writing = outcome.catch(() => {});
    return outcome;
  }

  async #tombstone(stream: string, expected: Expected): Promise<WriteOutcome> {
    const current = await this.#currentRevision(stream);
    if (this.#tombstoned.has(stream)) return { kind: 'stream_deleted' };
    const matches =
      expected.kind === 'any' ||
      (expected.kind === 'no_stream' && current < 0n) ||
      (expected.kind === 'stream_exists' && current >= 0n) ||
      (expected.kind === 'revision' && expected.revision === current);
    if (!matches) return { kind: 'wrong_expected_version', current: current < 0n ? undefined : current };
    const result = await this.#store.append(
      stream,
      [
        {
          id: randomUUID(),
          type: TOMBSTONE,
          data: { id: randomUUID(), contentType: 'application/octet-stream', data: '', metadata: '' },
          metadata: {},
        },
      ],
      { expectedRevision: current < 0n ? 'no_stream' : Number(current) },
    );
    this.#revisions.set(stream, BigInt(result.nextExpectedRevision));
    this.#tombstoned.add(stream);
    return {
      kind: 'success',
      revision: BigInt(result.nextExpectedRevision),
      position: this.#positionOf(result.position.commit),
    };
  }

  /**
   * What an operator's scavenge does to hard-deleted streams: their events leave the files (the tombstone stays).
   * The rows are deleted with `secure_delete` and the write-ahead log is emptied, so no page keeps a copy.
   */
  scavenge(): Promise<number> {
    const outcome = this.#writing.then(() => {
      const db = new Database(this.#path);
      try {
        db.pragma('secure_delete = ON');
        db.pragma('busy_timeout = 10000');
        const remove = db.prepare('DELETE FROM events WHERE stream = ? AND type != ?');
        const removed = db.transaction(() =>
          [...this.#tombstoned].reduce((sum, stream) => sum + remove.run(stream, TOMBSTONE).changes, 0),
        )();
        db.pragma('wal_checkpoint(TRUNCATE)');
        return removed;
      } finally {
        db.close();
      }
    });
    this.#writing = outcome.catch(() => {});
    return outcome;
  }

  /** Events of a stream from a revision, undefined when the stream does not exist, `deleted` once hard-deleted. */
  async readStream(
    stream: string,
    from: bigint | 'start' | 'end',
    count: number,
    backwards: boolean,
  ): Promise<LogEvent[] | undefined | 'deleted'> {
    const current = await this.#currentRevision(stream);
    if (this.#tombstoned.has(stream)) return 'deleted';
    if (current < 0n) return undefined;
    if (!backwards) {
      const start = from === 'start' ? 0n : from === 'end' ? current + 1n : from;
      const rows = await this.#store.readStream(stream, { fromRevision: Number(start), limit: count });
      return rows.map((row) => this.#decode(row));
    }
    const top = from === 'end' || from === 'start' ? current : from < current ? from : current;
    const start = top - BigInt(count) + 1n;
    const rows = await this.#store.readStream(stream, {
      fromRevision: Number(start < 0n ? 0n : start),
      limit: Number(top - (start < 0n ? 0n : start) + 1n),
    });
    return rows.map((row) => this.#decode(row)).reverse();
  }

  /** Up to `count` events of $all passing `filter`, forwards from a position (inclusive). */
  async readAllForwards(from: bigint | 'start', count: number, filter?: Filter): Promise<LogEvent[]> {
    const events: LogEvent[] = [];
    let after = from === 'start' ? 0n : this.#rowAtOrAfter(from) - 1n;
    while (events.length < count) {
      const rows = await this.#store.readAll({ after: { commit: after, prepare: after }, limit: 500 });
      for (const row of rows) {
        const event = this.#decode(row);
        if ((!filter || filter(event)) && events.length < count) events.push(event);
      }
      const last = rows.at(-1);
      if (!last) break;
      after = last.position.commit;
    }
    return events;
  }

  /** Up to `count` events of $all passing `filter`, backwards from before a position (exclusive) or the end. */
  async readAllBackwards(before: bigint | 'end', count: number, filter?: Filter): Promise<LogEvent[]> {
    const events: LogEvent[] = [];
    const head = (await this.#store.headPosition()).commit;
    let below = before === 'end' ? head + 1n : this.#rowAtOrAfter(before);
    while (events.length < count && below > 1n) {
      const from = below - 500n < 1n ? 1n : below - 500n;
      const rows = await this.#store.readAll({
        after: { commit: from - 1n, prepare: from - 1n },
        limit: Number(below - from),
      });
      for (const row of rows.reverse()) {
        const event = this.#decode(row);
        if ((!filter || filter(event)) && events.length < count) events.push(event);
      }
      below = from;
    }
    return events;
  }

  /** The row after which a subscription from `from` starts: KurrentDB reads one event at `from` and starts after it. */
  async subscriptionStart(from: bigint | 'start' | 'end'): Promise<bigint> {
    const head = (await this.#store.headPosition()).commit;
    if (from === 'start') return 0n;
    if (from === 'end') return head < 0n ? 0n : head;
    const row = this.#rowAtOrAfter(from);
    return row <= head ? row : head < 0n ? 0n : head;
  }

  /** Every event after a row, then a caught-up mark, then new events as they are written. */
  subscribe(afterRow: bigint): { messages: AsyncIterable<LogEvent[] | 'caughtUp'>; close(): Promise<void> } {
    const subscription: Subscription = this.#store.subscribeAll({ after: { commit: afterRow, prepare: afterRow } });
    const decode = (row: RecordedEvent) => this.#decode(row);
    return {
      messages: (async function* () {
        for await (const message of subscription) {
          yield message.kind === 'caughtUp' ? 'caughtUp' : message.events.map(decode);
        }
      })(),
      close: () => subscription.close(),
    };
  }

  async close(): Promise<void> {
    await this.#writing;
    await this.#store.close();
  }
}
