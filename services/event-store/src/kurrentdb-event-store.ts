import {
  type AllStreamResolvedEvent,
  type AllStreamSubscription,
  ANY,
  type AppendExpectedRevision,
  BACKWARDS,
  CancelledError,
  START as CLIENT_START,
  DeadlineExceededError,
  END,
  EventStoreDBClient,
  excludeSystemEvents,
  jsonEvent,
  NO_STREAM,
  NotLeaderError,
  type ResolvedEvent,
  STREAM_EXISTS,
  StreamNotFoundError,
  TimeoutError,
  UnavailableError,
  UnknownError,
  WrongExpectedVersionError,
} from '@eventstore/db-client';
import { DuplicateEventIds, WrongExpectedVersion } from './errors.ts';
import {
  type AppendResult,
  comparePositions,
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
/** Events of a subscription buffered before it stops reading from the server until the consumer catches up. */
const HIGH_WATER = 2 * PAGE;

const SCHEMES = /^(esdb|kurrentdb|kurrent|kdb)(\+discover)?:\/\//i;

/** Whether QINGMIAO_EVENT_STORE names a KurrentDB/EventStoreDB server rather than the embedded store. */
export function isKurrentDbConnectionString(value: string): boolean {
  return SCHEMES.test(value);
}

/** A connection string fit for logs and error messages: without the user's name and password. */
export function withoutCredentials(value: string): string {
  return value.replace(/^([a-z+]+:\/\/)[^@]*@/i, '$1…@');
}

/** The client (6.x) parses only `esdb://` and `esdb+discover://`; KurrentDB's own schemes mean the same. */
export function toClientConnectionString(value: string): string {
  const match = SCHEMES.exec(value.trim());
  if (!match) {
    throw new Error(`Not a KurrentDB connection string (esdb:// or kurrentdb://): ${withoutCredentials(value)}`);
  }
  return `esdb${match[2] ?? ''}://${value.trim().slice(match[0].length)}`;
}

function toClientRevision(expected: ExpectedRevision): AppendExpectedRevision {
  switch (expected) {
    case 'any':
      return ANY;
    case 'no_stream':
      return NO_STREAM;
    case 'exists':
      return STREAM_EXISTS;
    default:
      return BigInt(expected);
  }
}

function expectationHolds(expected: ExpectedRevision, actual: number): boolean {
  if (expected === 'any') return true;
  if (expected === 'no_stream') return actual === -1;
  if (expected === 'exists') return actual >= 0;
  return expected === actual;
}

function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}

/** System events ($-prefixed types, or anything in a $-prefixed stream) are the server's, never Qingmiao's. */
function isSystem(stream: string, type: string): boolean {
  return stream.startsWith('$') || type.startsWith('$');
}

type ClientEvent = NonNullable<ResolvedEvent['event'] | AllStreamResolvedEvent['event']>;

function toRecorded(event: ClientEvent): RecordedEvent {
  const { data, metadata, position } = event;
  if (!event.isJson || !isJsonObject(data)) {
    throw new Error(`Event ${event.id} in ${event.streamId} is not a JSON object; Qingmiao writes JSON objects only`);
  }
  if (metadata !== undefined && !isJsonObject(metadata)) {
    throw new Error(`Event ${event.id} in ${event.streamId} has metadata that is not a JSON object`);
  }
  if (!position) throw new Error(`Event ${event.id} came without a log position; the server is older than 22.6`);
  return {
    id: event.id,
    stream: event.streamId,
    revision: Number(event.revision),
    position: { commit: position.commit, prepare: position.prepare },
    type: event.type,
    data,
    metadata: metadata ?? {},
    created: event.created.toISOString(),
  };
}

/** Drains a bounded read; reading to the end (never breaking off) lets the client finish the call cleanly. */
async function collect<T>(read: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of read) items.push(item);
  return items;
}

/** A subscription dropped by the network or a leader change, as opposed to one refused for good. */
function isTransient(error: unknown): boolean {
  return (
    error instanceof UnavailableError ||
    error instanceof CancelledError ||
    error instanceof DeadlineExceededError ||
    error instanceof TimeoutError ||
    error instanceof NotLeaderError ||
    error instanceof UnknownError
  );
}

interface SeenId {
  readonly id: string;
  readonly stream: string;
  readonly revision: number;
}

/** Remembers the stream and revision of recently seen event ids, forgetting the oldest first. */
class RecentIds {
  readonly #ids = new Map<string, Omit<SeenId, 'id'>>();
  constructor(readonly max: number) {}

  get(id: string): Omit<SeenId, 'id'> | undefined {
    return this.#ids.get(id);
  }

  add(events: readonly SeenId[]): void {
    for (const { id, stream, revision } of events) {
      this.#ids.delete(id);
      this.#ids.set(id, { stream, revision });
    }
    for (const oldest of this.#ids.keys()) {
      if (this.#ids.size <= this.max) break;
      this.#ids.delete(oldest);
    }
  }
}

/**
 * The event store port on a KurrentDB/EventStoreDB server (or cluster) through `@eventstore/db-client` over gRPC.
 * Positions are the server's log positions, kept as bigints. System events are invisible. The port's idempotence
 * (a repeated write is a no-op returning the first result, reused ids are refused) is the server's where it
 * guarantees it (an exact expected revision) and otherwise checked here against the stream; the domain does not
 * rely on it for correctness, since KurrentDB's de-duplication by id is best effort.
 */
export class KurrentDbEventStore implements EventStore {
  readonly #client: EventStoreDBClient;
  readonly #recent: RecentIds;
  readonly #resubscribeDelayMs: { readonly first: number; readonly most: number };
  readonly #subscriptions = new Set<KurrentDbSubscription>();
  #closed = false;

  constructor(options: KurrentDbEventStoreOptions) {
    this.#client = EventStoreDBClient.connectionString(toClientConnectionString(options.connectionString));
    this.#recent = new RecentIds(options.rememberedIds ?? 100_000);
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
    try {
      const result = await this.#client.appendToStream(
        stream,
        events.map(({ id, type, data, metadata }) => jsonEvent({ id, type, data, metadata })),
        { expectedRevision: toClientRevision(expectedRevision) },
      );
      const nextExpectedRevision = Number(result.nextExpectedRevision);
      const position = result.position
        ? { commit: result.position.commit, prepare: result.position.prepare }
        : // Idempotent writes on some server versions answer without a position: read it back.
          await this.#positionOf(stream, nextExpectedRevision);
      this.#recent.add(
        events.map(({ id }, i) => ({ id, stream, revision: nextExpectedRevision - events.length + 1 + i })),
      );
      return { nextExpectedRevision, position };
    } catch (error) {
      if (!(error instanceof WrongExpectedVersionError)) throw error;
      // A retry with another expectation than the first write's: the server refuses it, the port accepts it.
      const earlier = await this.#earlierWrite(stream, events);
      if (earlier) return earlier;
      const actual = error.actualVersion;
      throw new WrongExpectedVersion(stream, expectedRevision, typeof actual === 'bigint' ? Number(actual) : -1);
    }
  }

  /** An empty append changes nothing on the server; only the expectation is checked. */
  async #checkOnly(stream: string, expectedRevision: ExpectedRevision): Promise<AppendResult> {
    const [last] = await this.#readStreamPage(stream, END, 1, BACKWARDS);
    const actual = last?.revision ?? -1;
    if (!expectationHolds(expectedRevision, actual)) throw new WrongExpectedVersion(stream, expectedRevision, actual);
    return { nextExpectedRevision: actual, position: last?.position ?? START };
  }

  /** Refuses ids seen elsewhere (or twice in one write) before sending anything, or answers a retry seen here. */
  async #knownWrite(stream: string, events: readonly EventToAppend[]): Promise<AppendResult | undefined> {
    const ids = events.map((event) => event.id);
    if (!ids.some((id) => this.#recent.get(id)) && new Set(ids).size === ids.length) return undefined;
    const first = this.#recent.get(ids[0] ?? '');
    if (first?.stream === stream) {
      const replayed = await this.#replayed(stream, first.revision, events);
      if (replayed) return replayed;
    }
    throw new DuplicateEventIds(stream, ids);
  }

  /** Looks for the first event's id in the stream, newest first; a match must be the whole write. */
  async #earlierWrite(stream: string, events: readonly EventToAppend[]): Promise<AppendResult | undefined> {
    const firstId = events[0]?.id;
    let from: bigint | typeof END = END;
    for (;;) {
      const page = await this.#readStreamPage(stream, from, PAGE, BACKWARDS);
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
    try {
      const resolved = await collect(
        this.#client.readStream(stream, { fromRevision: from, maxCount, ...(direction ? { direction } : {}) }),
      );
      const events = resolved.flatMap(({ event }) => (event ? [toRecorded(event)] : []));
      this.#recent.add(events);
      return events;
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
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
    while (events.length < limit) {
      const maxCount = limit - events.length + 1;
      const page = await collect(
        this.#client.readAll({
          fromPosition: after ? { commit: after.commit, prepare: after.prepare } : CLIENT_START,
          maxCount,
        }),
      );
      for (const { event } of page) {
        if (!event || (after && comparePositions(event.position, after) <= 0)) continue;
        if (!isSystem(event.streamId, event.type) && events.length < limit) events.push(toRecorded(event));
      }
      const last = page.at(-1)?.event;
      if (page.length < maxCount || !last) break;
      after = last.position;
    }
    this.#recent.add(events);
    return events;
  }

  async headPosition(): Promise<Position> {
    this.#assertOpen();
    let before: Position | undefined;
    for (;;) {
      const page = await collect(
        this.#client.readAll({ direction: BACKWARDS, fromPosition: before ?? END, maxCount: TAIL }),
      );
      for (const { event } of page) {
        if (!event || (before && comparePositions(event.position, before) >= 0)) continue;
        if (!isSystem(event.streamId, event.type))
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
      client: this.#client,
      after: options.after,
      delayMs: this.#resubscribeDelayMs,
      seen: (events) => this.#recent.add(events),
      closed: () => this.#subscriptions.delete(subscription),
    });
    this.#subscriptions.add(subscription);
    return subscription;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.all([...this.#subscriptions].map((subscription) => subscription.close()));
    await this.#client.dispose();
  }

  #assertOpen(): void {
    if (this.#closed) throw new Error('Event store is closed');
  }
}

type Queued =
  | { readonly kind: 'event'; readonly event: RecordedEvent }
  | { readonly kind: 'caughtUp'; readonly position: Position };

interface SubscriptionSettings {
  readonly client: EventStoreDBClient;
  readonly after: Position | undefined;
  readonly delayMs: { readonly first: number; readonly most: number };
  readonly seen: (events: readonly RecordedEvent[]) => void;
  readonly closed: () => void;
}

/**
 * A catch-up subscription to $all (server-side filter excluding system events) that survives dropped connections:
 * it resubscribes from the last event it queued, with doubling delays, so the consumer sees no gap and no
 * duplicate. The server says when it has caught up by a message between events; the client (6.x) turns that into a
 * `caughtUp` event on the stream, which is placed here after exactly the events that preceded it.
 */
class KurrentDbSubscription implements Subscription {
  readonly #settings: SubscriptionSettings;
  readonly #queue: Queued[] = [];
  #lastQueued: Position;
  #caughtUpQueued = false;
  #current: { readonly subscription: AllStreamSubscription; readonly detach: () => void } | undefined;
  /** Events the current server subscription has handed over, and after how many of them it caught up. */
  #received = 0;
  #caughtUpAfter: number | undefined;
  #paused = false;
  #attempt = 0;
  #retryTimer: NodeJS.Timeout | undefined;
  #failure: { readonly error: unknown } | undefined;
  #wake: (() => void) | undefined;
  #closed = false;
  #iterator: AsyncGenerator<SubscriptionMessage> | undefined;

  constructor(settings: SubscriptionSettings) {
    this.#settings = settings;
    this.#lastQueued = settings.after ?? START;
  }

  [Symbol.asyncIterator](): AsyncGenerator<SubscriptionMessage> {
    this.#iterator ??= this.#messages();
    return this.#iterator;
  }

  async *#messages(): AsyncGenerator<SubscriptionMessage> {
    if (this.#closed) return;
    this.#subscribe();
    try {
      while (!this.#closed) {
        if (this.#failure) throw this.#failure.error;
        const head = this.#queue[0];
        if (!head) {
          await new Promise<void>((resolve) => {
            this.#wake = resolve;
          });
          this.#wake = undefined;
          continue;
        }
        if (head.kind === 'caughtUp') {
          this.#queue.shift();
          yield { kind: 'caughtUp', position: head.position };
          continue;
        }
        const marker = this.#queue.findIndex((item) => item.kind === 'caughtUp');
        const taken = this.#queue.splice(0, Math.min(marker < 0 ? this.#queue.length : marker, PAGE));
        this.#resumeIfDrained();
        yield { kind: 'events', events: taken.flatMap((item) => (item.kind === 'event' ? [item.event] : [])) };
      }
    } finally {
      await this.close();
    }
  }

  #subscribe(): void {
    const after = comparePositions(this.#lastQueued, START) > 0 ? this.#lastQueued : undefined;
    const subscription = this.#settings.client.subscribeToAll({
      fromPosition: after ? { commit: after.commit, prepare: after.prepare } : CLIENT_START,
      filter: excludeSystemEvents(),
    });
    this.#received = 0;
    this.#caughtUpAfter = undefined;
    this.#paused = false;
    const confirmed = () => {
      this.#attempt = 0;
    };
    const data = (resolved: AllStreamResolvedEvent) => {
      this.#received += 1;
      const { event } = resolved;
      if (event && !isSystem(event.streamId, event.type) && comparePositions(event.position, this.#lastQueued) > 0) {
        let recorded: RecordedEvent;
        try {
          recorded = toRecorded(event);
        } catch (error) {
          this.#fail(error);
          return;
        }
        this.#settings.seen([recorded]);
        this.#lastQueued = recorded.position;
        this.#push({ kind: 'event', event: recorded });
      }
      if (this.#received === this.#caughtUpAfter) this.#queueCaughtUp();
      if (this.#queue.length >= HIGH_WATER && !this.#paused) {
        this.#paused = true;
        subscription.pause();
      }
    };
    const caughtUp = () => {
      // Events received before this message may still sit in the stream's buffer: count them in.
      this.#caughtUpAfter = this.#received + subscription.readableLength;
      if (this.#received === this.#caughtUpAfter) this.#queueCaughtUp();
    };
    const dropped = (error?: unknown) => {
      if (this.#current?.subscription !== subscription || this.#closed) return;
      this.#stopCurrent();
      if (error !== undefined && !isTransient(error)) {
        this.#fail(error);
        return;
      }
      this.#attempt += 1;
      const { first, most } = this.#settings.delayMs;
      const delay = Math.min(most, first * 2 ** (this.#attempt - 1));
      this.#retryTimer = setTimeout(() => {
        this.#retryTimer = undefined;
        if (!this.#closed) this.#subscribe();
      }, delay);
    };
    const ended = () => dropped();
    // Errors after this subscription is let go of must not go unhandled.
    subscription.on('error', () => {});
    subscription.on('confirmation', confirmed);
    subscription.on('data', data);
    subscription.on('caughtUp', caughtUp);
    subscription.on('error', dropped);
    subscription.on('end', ended);
    subscription.on('close', ended);
    this.#current = {
      subscription,
      detach: () => {
        subscription.off('confirmation', confirmed);
        subscription.off('data', data);
        subscription.off('caughtUp', caughtUp);
        subscription.off('error', dropped);
        subscription.off('end', ended);
        subscription.off('close', ended);
      },
    };
  }

  /** Lets go of the server subscription: no more of its events are taken, and the server is told to stop. */
  #stopCurrent(): Promise<void> {
    const current = this.#current;
    this.#current = undefined;
    if (!current) return Promise.resolve();
    current.detach();
    return current.subscription.unsubscribe().catch(() => {});
  }

  #fail(error: unknown): void {
    this.#failure = { error };
    this.#wake?.();
  }

  #queueCaughtUp(): void {
    this.#caughtUpAfter = undefined;
    if (this.#caughtUpQueued) return;
    this.#caughtUpQueued = true;
    this.#push({ kind: 'caughtUp', position: this.#lastQueued });
  }

  #push(item: Queued): void {
    this.#queue.push(item);
    this.#wake?.();
  }

  #resumeIfDrained(): void {
    if (this.#paused && this.#queue.length < PAGE) {
      this.#paused = false;
      this.#current?.subscription.resume();
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#retryTimer);
    this.#wake?.();
    this.#settings.closed();
    await this.#stopCurrent();
  }
}
