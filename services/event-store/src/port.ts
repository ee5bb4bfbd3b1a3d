/**
 * The event store port: everything the domain, projections and tools may ask of an event store.
 * Adapters (embedded SQLite, KurrentDB) implement it and run the same contract suite in `tests/`.
 */

/** Any JSON value: event data and metadata travel as JSON in every adapter. */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/**
 * A place in the global log ($all). KurrentDB positions have two parts; the embedded store uses the same value
 * for both. Kept as bigints end to end so nothing loses precision past 2^53.
 */
export interface Position {
  readonly commit: bigint;
  readonly prepare: bigint;
}

export const START: Position = Object.freeze({ commit: -1n, prepare: -1n });

export function comparePositions(a: Position, b: Position): number {
  if (a.commit !== b.commit) return a.commit < b.commit ? -1 : 1;
  if (a.prepare !== b.prepare) return a.prepare < b.prepare ? -1 : 1;
  return 0;
}

/** What the writer of an append expects of the stream: an exact revision, or one of the named states. */
export type ExpectedRevision = number | 'no_stream' | 'exists' | 'any';

/** Whether a stream whose last revision is `actual` (-1: no stream) is as the writer expected. */
export function matchesExpectedRevision(expected: ExpectedRevision, actual: number): boolean {
  switch (expected) {
    case 'any':
      return true;
    case 'no_stream':
      return actual === -1;
    case 'exists':
      return actual >= 0;
    default:
      return expected === actual;
  }
}

/** An event as proposed for appending. `id` is a UUID; appending the same ids again is a no-op. */
export interface EventToAppend {
  readonly id: string;
  readonly type: string;
  readonly data: JsonObject;
  readonly metadata: JsonObject;
}

/** An event as stored: revision within its stream (from 0) and its position in the global log. */
export interface RecordedEvent extends EventToAppend {
  readonly stream: string;
  readonly revision: number;
  readonly position: Position;
  /** When the store committed it (ISO 8601). */
  readonly created: string;
}

export interface AppendResult {
  /** The stream's revision after the append: the revision of its last event. */
  readonly nextExpectedRevision: number;
  /** Global position of the last event of this append. */
  readonly position: Position;
}

export type SubscriptionMessage =
  | { readonly kind: 'events'; readonly events: readonly RecordedEvent[] }
  /** Sent once when the subscription has delivered everything that existed when it caught up. */
  | { readonly kind: 'caughtUp'; readonly position: Position };

export interface Subscription extends AsyncIterable<SubscriptionMessage> {
  close(): Promise<void>;
}

export interface ReadAllOptions {
  /** Exclusive: the first event returned is the one after this position. Default: from the start. */
  readonly after?: Position;
  readonly limit?: number;
}

export interface EventStore {
  append(
    stream: string,
    events: readonly EventToAppend[],
    options: { readonly expectedRevision: ExpectedRevision },
  ): Promise<AppendResult>;
  /** Events of one stream in revision order, from `fromRevision` (inclusive). Empty for a missing stream. */
  readStream(
    stream: string,
    options?: { readonly fromRevision?: number; readonly limit?: number },
  ): Promise<RecordedEvent[]>;
  /** A page of the global log in order. */
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;
  /** Position of the last event in the global log, or START when empty. */
  headPosition(): Promise<Position>;
  /**
   * Every event after `after`, in global order, with no gap and no duplicate: first the existing ones (catch-up),
   * then a `caughtUp` message, then new ones as they are committed (live), until closed.
   */
  subscribeAll(options?: { readonly after?: Position }): Subscription;
  close(): Promise<void>;
}
