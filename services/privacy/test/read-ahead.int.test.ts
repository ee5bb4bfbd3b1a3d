import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type RecordedEvent,
  SqliteEventStore,
  type Subscription,
  type SubscriptionMessage,
} from '@qingmiao/event-store';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readAhead } from '../src/read-ahead.ts';

let dir: string;
let store: SqliteEventStore;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'qingmiao-read-ahead-'));
  store = new SqliteEventStore({ path: join(dir, 'events.db'), pollIntervalMs: 10 });
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const events = (count: number) =>
  Array.from({ length: count }, (_, n) => ({ id: randomUUID(), type: 'Noted', data: { n }, metadata: {} }));

/** Every message up to `caughtUp`, then stops reading. */
async function untilCaughtUp(subscription: Subscription): Promise<SubscriptionMessage[]> {
  const messages: SubscriptionMessage[] = [];
  for await (const message of subscription) {
    messages.push(message);
    if (message.kind === 'caughtUp') break;
  }
  return messages;
}

const numbers = (messages: readonly SubscriptionMessage[]) =>
  messages.flatMap((message) => (message.kind === 'events' ? message.events.map((event) => event.data.n) : []));

describe('reading a subscription ahead', () => {
  it('opens the next page while the first is still opening, and hands pages out in order', async () => {
    // The embedded store pages by 1,000: three pages.
    await store.append('s', events(2_500), { expectedRevision: 'any' });
    const opening: number[] = [];
    let secondStarted: () => void = () => undefined;
    const second = new Promise<void>((resolve) => {
      secondStarted = resolve;
    });
    const subscription = readAhead(
      store.subscribeAll(),
      async (page) => {
        const index = opening.push(Number(page[0]?.data.n)) - 1;
        if (index === 1) secondStarted();
        // The first page finishes opening only after the second started: it was read ahead.
        if (index === 0) await second;
        return page.map((event) => ({ ...event, data: { ...event.data, opened: true } }));
      },
      2,
    );
    const messages = await untilCaughtUp(subscription);
    await subscription.close();
    expect(opening).toEqual([0, 1_000, 2_000]);
    expect(numbers(messages)).toEqual(Array.from({ length: 2_500 }, (_, n) => n));
    expect(messages.flatMap((m) => (m.kind === 'events' ? m.events : [])).every((e) => e.data.opened)).toBe(true);
    expect(messages.at(-1)?.kind).toBe('caughtUp');
  });

  it('reads no more than `depth` pages ahead of the reader', async () => {
    await store.append('s', events(5_500), { expectedRevision: 'any' });
    let opened = 0;
    const subscription = readAhead(
      store.subscribeAll(),
      async (page) => {
        opened++;
        return page;
      },
      2,
    );
    const iterator = subscription[Symbol.asyncIterator]();
    await iterator.next();
    // Let the pump run as far as it may.
    for (let i = 0; i < 20; i++) await new Promise<void>((resolve) => setImmediate(resolve));
    expect(opened).toBe(3);
    await subscription.close();
  });

  it('throws a page that fails to open where that page would have come, after the pages before it', async () => {
    await store.append('s', events(2_500), { expectedRevision: 'any' });
    const subscription = readAhead(
      store.subscribeAll(),
      async (page) => {
        if (page[0]?.data.n === 1_000) throw new Error('the key store is gone');
        return page;
      },
      2,
    );
    const seen: number[] = [];
    await expect(
      (async () => {
        for await (const message of subscription) seen.push(...numbers([message]).map(Number));
      })(),
    ).rejects.toThrow('the key store is gone');
    expect(seen).toEqual(Array.from({ length: 1_000 }, (_, n) => n));
    await subscription.close();
  });

  it("throws the source's failure after the pages it delivered", async () => {
    const page = (n: number): RecordedEvent[] => [
      {
        id: randomUUID(),
        type: 'Noted',
        data: { n },
        metadata: {},
        stream: 's',
        revision: n,
        position: { commit: BigInt(n), prepare: BigInt(n) },
        created: new Date(0).toISOString(),
      },
    ];
    async function* failing(): AsyncGenerator<SubscriptionMessage> {
      yield { kind: 'events', events: page(0) };
      yield { kind: 'events', events: page(1) };
      throw new Error('the log is unreadable');
    }
    const source = failing();
    const subscription = readAhead(
      { [Symbol.asyncIterator]: () => source, close: async () => void (await source.return(undefined)) },
      async (events) => events,
      2,
    );
    const seen: number[] = [];
    await expect(
      (async () => {
        for await (const message of subscription) seen.push(...numbers([message]).map(Number));
      })(),
    ).rejects.toThrow('the log is unreadable');
    expect(seen).toEqual([0, 1]);
    await subscription.close();
  });

  it('delivers live events once caught up, and ends when closed while waiting for more', async () => {
    await store.append('s', events(3), { expectedRevision: 'any' });
    const subscription = readAhead(store.subscribeAll(), async (page) => page, 2);
    const seen: unknown[] = [];
    const kinds: string[] = [];
    let caughtUp: () => void = () => undefined;
    const waiting = new Promise<void>((resolve) => {
      caughtUp = resolve;
    });
    const reading = (async () => {
      for await (const message of subscription) {
        kinds.push(message.kind);
        if (message.kind === 'events') seen.push(...message.events.map((event) => event.data.n));
        if (message.kind === 'caughtUp') await store.append('s', events(2), { expectedRevision: 'any' });
        if (seen.length === 5) caughtUp();
      }
    })();
    await waiting;
    await subscription.close();
    await reading;
    expect(seen).toEqual([0, 1, 2, 0, 1]);
    expect(kinds).toEqual(['events', 'caughtUp', 'events']);
  });
});
