import type { AllStreamResolvedEvent, AllStreamSubscription } from '@eventstore/db-client';
import {
  comparePositions,
  type Position,
  type RecordedEvent,
  START,
  type Subscription,
  type SubscriptionMessage,
} from '../port.ts';
import { isTransient, type KurrentDbConnection } from './connection.ts';
import { isOutsideLog, toRecorded } from './recorded-events.ts';

/** Most events handed to the consumer in one message. */
const BATCH = 1000;
/** Events of a subscription buffered before it stops reading from the server until the consumer catches up. */
const HIGH_WATER = 2 * BATCH;

type Queued =
  | { readonly kind: 'event'; readonly event: RecordedEvent }
  | { readonly kind: 'caughtUp'; readonly position: Position };

export interface SubscriptionSettings {
  readonly connection: () => Promise<KurrentDbConnection>;
  readonly after: Position | undefined;
  /** Delays between attempts to resubscribe after a dropped connection: doubling from the first up to the most. */
  readonly delayMs: { readonly first: number; readonly most: number };
  /** Told of every event delivered, so the store remembers its id. */
  readonly seen: (events: readonly RecordedEvent[]) => void;
  /** Told once, when the subscription is closed. */
  readonly closed: () => void;
}

/**
 * A catch-up subscription to $all (server-side filter excluding system events) that survives dropped connections:
 * it resubscribes from the last event it queued, with doubling delays, so the consumer sees no gap and no
 * duplicate. The server says when it has caught up by a message between events; the client (6.x) turns that into a
 * `caughtUp` event on the stream, which is placed here after exactly the events that preceded it.
 */
export class KurrentDbSubscription implements Subscription {
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
    try {
      const connection = await this.#settings.connection();
      if (this.#closed) return;
      this.#subscribe(connection);
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
        const taken = this.#queue.splice(0, Math.min(marker < 0 ? this.#queue.length : marker, BATCH));
        this.#resumeIfDrained();
        yield { kind: 'events', events: taken.flatMap((item) => (item.kind === 'event' ? [item.event] : [])) };
      }
    } finally {
      await this.close();
    }
  }

  #subscribe(connection: KurrentDbConnection): void {
    const { client, kdb } = connection;
    const after = comparePositions(this.#lastQueued, START) > 0 ? this.#lastQueued : undefined;
    const subscription = client.subscribeToAll({
      fromPosition: after ? { commit: after.commit, prepare: after.prepare } : 'start',
      filter: kdb.excludeSystemEvents(),
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
      if (
        event &&
        !isOutsideLog(event.streamId, event.type) &&
        comparePositions(event.position, this.#lastQueued) > 0
      ) {
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
        if (!this.#closed) this.#subscribe(connection);
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
    if (this.#paused && this.#queue.length < BATCH) {
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
