import { randomUUID } from 'node:crypto';
import {
  comparePositions,
  type EventStore,
  type EventToAppend,
  type Position,
  type RecordedEvent,
  type Subscription,
  type SubscriptionMessage,
  WrongExpectedVersion,
} from '@qingmiao/event-store';
import { expect } from 'vitest';

/** How long a test waits for something that should happen at once; generous for loaded CI machines. */
export const WAIT_MS = 5_000;

export function streamName(prefix = 'test'): string {
  return `${prefix}-${randomUUID()}`;
}

export function newEvents(count: number, type = 'Tested'): EventToAppend[] {
  return Array.from({ length: count }, (_, n) => ({ id: randomUUID(), type, data: { n }, metadata: {} }));
}

export function ids(events: readonly { readonly id: string }[]): string[] {
  return events.map((event) => event.id);
}

export function range(from: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => from + i);
}

/** Resolves after `count` turns of the event loop: lets concurrent appends land in different group commits. */
export async function ticks(count: number): Promise<void> {
  for (let i = 0; i < count; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

export async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Timed out after ${ms} ms waiting for ${what}`)), Math.max(0, ms));
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export async function refusal<E extends Error>(
  promise: Promise<unknown>,
  type: abstract new (...args: never[]) => E,
): Promise<E> {
  let outcome: unknown;
  try {
    outcome = await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(type);
    return error as E;
  }
  return expect.fail(`expected ${type.name}, got ${JSON.stringify(outcome, bigintSafe)}`);
}

export async function expectWrongVersion(
  promise: Promise<unknown>,
  actualRevision: number,
): Promise<WrongExpectedVersion> {
  const error = await refusal(promise, WrongExpectedVersion);
  expect(error.actualRevision).toBe(actualRevision);
  return error;
}

function bigintSafe(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? `${value}n` : value;
}

/** Indexes at which a position does not strictly follow the one before it. */
export function orderViolations(events: readonly RecordedEvent[]): number[] {
  return range(1, Math.max(0, events.length - 1)).filter((i) => {
    const [previous, current] = [events[i - 1], events[i]];
    return !previous || !current || comparePositions(previous.position, current.position) >= 0;
  });
}

export async function readWholeLog(store: EventStore, pageSize: number): Promise<RecordedEvent[]> {
  const log: RecordedEvent[] = [];
  let after: Position | undefined;
  for (;;) {
    const page = await store.readAll({ after, limit: pageSize });
    expect(page.length).toBeLessThanOrEqual(pageSize);
    const [first, last] = [page[0], page.at(-1)];
    if (!first || !last) return log;
    // Also keeps a store that ignores `after` from looping here forever.
    if (after) expect(comparePositions(first.position, after)).toBe(1);
    log.push(...page);
    after = last.position;
  }
}

/** Drains a subscription in the background so tests can wait for what it has delivered so far. */
export class Recorder {
  readonly messages: SubscriptionMessage[] = [];
  readonly ended: Promise<void>;
  #finished = false;
  #failed = false;
  #failure: unknown;
  #changed: () => void = () => {};

  constructor(readonly subscription: Subscription) {
    this.ended = this.#drain();
    // Surfaced by until(); a test that never waits must not fail on an unhandled rejection.
    this.ended.catch(() => {});
  }

  async #drain(): Promise<void> {
    try {
      for await (const message of this.subscription) {
        this.messages.push(message);
        this.#changed();
        // A subscription that never waits would otherwise starve the timers that make until() time out.
        await ticks(1);
      }
    } catch (error) {
      this.#failed = true;
      this.#failure = error;
      throw error;
    } finally {
      this.#finished = true;
      this.#changed();
    }
  }

  get events(): RecordedEvent[] {
    return this.messages.flatMap((message) => (message.kind === 'events' ? message.events : []));
  }

  /** Events delivered before the first `caughtUp`, or undefined while not caught up. */
  get caughtUpEvents(): RecordedEvent[] | undefined {
    const index = this.messages.findIndex((message) => message.kind === 'caughtUp');
    if (index < 0) return undefined;
    return this.messages.slice(0, index).flatMap((message) => (message.kind === 'events' ? message.events : []));
  }

  get caughtUpCount(): number {
    return this.messages.filter((message) => message.kind === 'caughtUp').length;
  }

  async until(done: () => boolean, what: string, timeoutMs = WAIT_MS): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!done()) {
      if (this.#failed) throw this.#failure;
      if (this.#finished) throw new Error(`Subscription ended before ${what}`);
      const changed = new Promise<void>((resolve) => {
        this.#changed = resolve;
      });
      await within(changed, deadline - Date.now(), `${what} (have ${this.events.length} events)`);
    }
  }

  untilCaughtUp(): Promise<void> {
    return this.until(() => this.caughtUpCount > 0, 'caughtUp');
  }

  untilEvents(count: number): Promise<void> {
    return this.until(() => this.events.length >= count, `${count} events`);
  }

  close(): Promise<void> {
    return this.subscription.close();
  }
}
