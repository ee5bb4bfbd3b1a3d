import type { AppendExpectedRevision, BACKWARDS, END } from '@eventstore/db-client';
import { LRUCache } from 'lru-cache';
import { DuplicateEventIds, WrongExpectedVersion } from '../errors.ts';
import {
  type AppendResult,
  comparePositions,
  type EventStore,
  type EventToAppend,
  type ExpectedRevision,
  matchesExpectedRevision,
  type Position,
  type ReadAllOptions,
  type RecordedEvent,
  START,
  type Subscription,
} from '../port.ts';
import { type KurrentDbClientLibrary, LazyConnection } from './connection.ts';
import { isOutsideLog, toRecorded } from './recorded-events.ts';
import { KurrentDbSubscription, type SubscriptionSettings } from './subscription.ts';

export interface KurrentDbEventStoreOptions {
  /**
   * `esdb://`, `esdb+discover://`, `kurrentdb://` or `kurrentdb+discover://` (also `kdb://`), with the hosts of a
   * single node or of a cluster and the client's options, e.g. `kurrentdb://a:2113,b:2113,c:2113?tls=true`.
   */
  readonly connectionString: string;
  /**
   * How many event ids seen recently (appended, read or delivered) are remembered, so that a write reusing one is
   * refused with DuplicateEventIds or recognised as a retry. KurrentDB itself only de-duplicates best effort.
   */
  readonly rememberedIds?: number;
  /** Delays between attempts to resubscribe after a dropped connection: doubling from the first up to the most. */
  readonly resubscribeDelayMs?: { readonly first?: number; readonly most?: number };
}

const PAGE = 1000;
/** Events read at a time when looking backwards for the last one that is not the server's. */
const TAIL = 100;

function toClientRevision(kdb: KurrentDbClientLibrary, expected: ExpectedRevision): AppendExpectedRevision {
  switch (expected) {
    case 'any':
      return kdb.ANY;
    case 'no_stream':
      return kdb.NO_STREAM;
    case 'exists':
      return kdb.STREAM_EXISTS;
    default:
      return BigInt(expected);
  }
}

/** Drains a bounded read; reading to the end (never breaking off) lets the client finish the call cleanly. */
async function collect<T>(read: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of read) items.push(item);
  return items;
}

/** Where a recently seen event id was written. */
interface SeenAt {
  readonly stream: string;
  readonly revision: number;
}

/**
 * The event store port on a KurrentDB/EventStoreDB server (or cluster) through `@eventstore/db-client` over gRPC.
 * Positions are the server's log positions, kept as bigints. System events are invisible. The port's idempotence
 * (a repeated write is a no-op returning the first result, reused ids are refused) is the server's where it
 * guarantees it (an exact expected revision) and otherwise checked here against the stream; the domain does not
 * rely on it for correctness, since KurrentDB's de-duplication by id is best effort.
 */
export class KurrentDbEventStore implements EventStore {
  readonly #connection: LazyConnection;
  /** Ids seen recently (appended, read or delivered), by the order they were last seen in. */
  readonly #recent: LRUCache<string, SeenAt>;
  readonly #resubscribeDelayMs: SubscriptionSettings['delayMs'];
  readonly #subscriptions = new Set<KurrentDbSubscription>();
  #closed = false;

  constructor(options: KurrentDbEventStoreOptions) {
    this.#connection = new LazyConnection(options.connectionString);
    this.#recent = new LRUCache({ max: options.rememberedIds ?? 100_000 });
    this.#resubscribeDelayMs = {
      first: options.resubscribeDelayMs?.first ?? 100,
      most: options.resubscribeDelayMs?.most ?? 5_000,
    };
  }

  async append(
    stream: string,
    events: readonly EventToAppend[],
    options: { readonly expectedRevision: ExpectedRevision },
  ): Promise<AppendResult> {
    this.#assertOpen();
    const { expectedRevision } = options;
    if (events.length === 0) return this.#checkOnly(stream, expectedRevision);
    const known = await this.#knownWrite(stream, events);
    if (known) return known;
    const { client, kdb } = await this.#connection.get();
    try {
      const result = await client.appendToStream(
        stream,
        events.map(({ id, type, data, metadata }) => kdb.jsonEvent({ id, type, data, metadata })),
        { expectedRevision: toClientRevision(kdb, expectedRevision) },
      );
      const nextExpectedRevision = Number(result.nextExpectedRevision);
      const position = result.position
        ? { commit: result.position.commit, prepare: result.position.prepare }
        : // Idempotent writes on some server versions answer without a position: read it back.
          await this.#positionOf(stream, nextExpectedRevision);
      this.#remember(
        events.map(({ id }, i) => ({ id, stream, revision: nextExpectedRevision - events.length + 1 + i })),
      );
      return { nextExpectedRevision, position };
    } catch (error) {
      if (!(error instanceof kdb.WrongExpectedVersionError)) throw error;
      // A retry with another expectation than the first write's: the server refuses it, the port accepts it.
      const earlier = await this.#earlierWrite(stream, events);
      if (earlier) return earlier;
      const actual = error.actualVersion;
      throw new WrongExpectedVersion(stream, expectedRevision, typeof actual === 'bigint' ? Number(actual) : -1);
    }
  }

  /** An empty append changes nothing on the server; only the expectation is checked. */
  async #checkOnly(stream: string, expectedRevision: ExpectedRevision): Promise<AppendResult> {
    const [last] = await this.#readStreamPage(stream, 'end', 1, 'backwards');
    const actual = last?.revision ?? -1;
    if (!matchesExpectedRevision(expectedRevision, actual))
      throw new WrongExpectedVersion(stream, expectedRevision, actual);
    return { nextExpectedRevision: actual, position: last?.position ?? START };
  }

  /** Refuses ids seen elsewhere (or twice in one write) before sending anything, or answers a retry seen here. */
  async #knownWrite(stream: string, events: readonly EventToAppend[]): Promise<AppendResult | undefined> {
    const ids = events.map((event) => event.id);
    if (!ids.some((id) => this.#recent.has(id)) && new Set(ids).size === ids.length) return undefined;
    const first = this.#recent.peek(ids[0] ?? '');
    if (first?.stream === stream) {
      const replayed = await this.#replayed(stream, first.revision, events);
      if (replayed) return replayed;
    }
    throw new DuplicateEventIds(stream, ids);
  }

  /** Looks for the first event's id in the stream, newest first; a match must be the whole write. */
  async #earlierWrite(stream: string, events: readonly EventToAppend[]): Promise<AppendResult | undefined> {
    const firstId = events[0]?.id;
    let from: bigint | typeof END = 'end';
    for (;;) {
      const page = await this.#readStreamPage(stream, from, PAGE, 'backwards');
      const match = page.find((event) => event.id === firstId);
      if (match) {
        const replayed = await this.#replayed(stream, match.revision, events);
        if (replayed) return replayed;
        throw new DuplicateEventIds(
          stream,
          events.map((event) => event.id),
        );
      }
      const oldest = page.at(-1);
      if (page.length < PAGE || !oldest || oldest.revision === 0) return undefined;
      from = BigInt(oldest.revision - 1);
    }
  }

  async #replayed(stream: string, revision: number, events: readonly EventToAppend[]) {
    const stored = await this.readStream(stream, { fromRevision: revision, limit: events.length });
    const last = stored.at(-1);
    const same = stored.length === events.length && stored.every((event, i) => event.id === events[i]?.id);
    return same && last ? { nextExpectedRevision: last.revision, position: last.position } : undefined;
  }

  async #positionOf(stream: string, revision: number): Promise<Position> {
    const [event] = await this.readStream(stream, { fromRevision: revision, limit: 1 });
    if (!event) throw new Error(`Stream ${stream} has no event at revision ${revision} after appending it`);
    return event.position;
  }

  async #readStreamPage(
    stream: string,
    from: bigint | typeof END,
    maxCount: number,
    direction?: typeof BACKWARDS,
  ): Promise<RecordedEvent[]> {
    const { client, kdb } = await this.#connection.get();
    try {
      const resolved = await collect(
        client.readStream(stream, { fromRevision: from, maxCount, ...(direction ? { direction } : {}) }),
      );
      const events = resolved.flatMap(({ event }) => (event ? [toRecorded(event)] : []));
      this.#remember(events);
      return events;
    } catch (error) {
      if (error instanceof kdb.StreamNotFoundError) return [];
      throw error;
    }
  }

  async readStream(
    stream: string,
    options: { readonly fromRevision?: number; readonly limit?: number } = {},
  ): Promise<RecordedEvent[]> {
    this.#assertOpen();
    const { fromRevision = 0, limit = Number.MAX_SAFE_INTEGER } = options;
    if (limit <= 0) return [];
    return this.#readStreamPage(stream, BigInt(fromRevision), limit);
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    this.#assertOpen();
    const limit = options.limit ?? PAGE;
    const events: RecordedEvent[] = [];
    // The server reads from a position inclusively; the port's `after` is exclusive.
    let after = options.after && comparePositions(options.after, START) > 0 ? options.after : undefined;
    const { client } = await this.#connection.get();
    while (events.length < limit) {
      const maxCount = limit - events.length + 1;
      const page = await collect(
        client.readAll({
          fromPosition: after ? { commit: after.commit, prepare: after.prepare } : 'start',
          maxCount,
        }),
      );
      for (const { event } of page) {
        if (!event || (after && comparePositions(event.position, after) <= 0)) continue;
        if (!isOutsideLog(event.streamId, event.type) && events.length < limit) events.push(toRecorded(event));
      }
      const last = page.at(-1)?.event;
      if (page.length < maxCount || !last) break;
      after = last.position;
    }
    this.#remember(events);
    return events;
  }

  async headPosition(): Promise<Position> {
    this.#assertOpen();
    let before: Position | undefined;
    const { client } = await this.#connection.get();
    for (;;) {
      const page = await collect(
        client.readAll({ direction: 'backwards', fromPosition: before ?? 'end', maxCount: TAIL }),
      );
      for (const { event } of page) {
        if (!event || (before && comparePositions(event.position, before) >= 0)) continue;
        if (!isOutsideLog(event.streamId, event.type))
          return { commit: event.position.commit, prepare: event.position.prepare };
      }
      const oldest = page.at(-1)?.event;
      if (page.length < TAIL || !oldest) return START;
      before = oldest.position;
    }
  }

  subscribeAll(options: { readonly after?: Position } = {}): Subscription {
    this.#assertOpen();
    const subscription = new KurrentDbSubscription({
      connection: () => this.#connection.get(),
      after: options.after,
      delayMs: this.#resubscribeDelayMs,
      seen: (events) => this.#remember(events),
      closed: () => this.#subscriptions.delete(subscription),
    });
    this.#subscriptions.add(subscription);
    return subscription;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.all([...this.#subscriptions].map((subscription) => subscription.close()));
    await this.#connection.dispose();
  }

  #remember(events: readonly (SeenAt & { readonly id: string })[]): void {
    for (const { id, stream, revision } of events) this.#recent.set(id, { stream, revision });
  }

  #assertOpen(): void {
    if (this.#closed) throw new Error('Event store is closed');
  }
}
