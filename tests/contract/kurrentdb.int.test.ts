import { randomUUID } from 'node:crypto';
import net from 'node:net';
import {
  ANY,
  EventStoreDBClient,
  excludeSystemEvents,
  jsonEvent,
  NO_STREAM,
  STREAM_EXISTS,
  StreamNotFoundError,
  WrongExpectedVersionError,
} from '@eventstore/db-client';
import {
  type EventStore,
  type EventToAppend,
  type ExpectedRevision,
  KurrentDbEventStore,
  START,
  type SubscriptionMessage,
  toClientConnectionString,
  WrongExpectedVersion,
  withoutCredentials,
} from '@qingmiao/event-store';
import { describe, expect, it } from 'vitest';
import { KurrentDbTestDouble, type KurrentDbTestDoubleOptions } from '../kurrentdb-double/kurrentdb-test-double.ts';
import { describeEventStoreContract } from './event-store-contract.ts';
import { expectWrongVersion, ids, newEvents, orderViolations, Recorder, readWholeLog, streamName } from './helpers.ts';
import { IsolatedEventStore } from './isolated-event-store.ts';

/** Short delays so that resubscriptions after a dropped connection happen within a test's patience. */
const FAST_RESUBSCRIBE = { first: 10, most: 200 };

async function onDouble(
  options: KurrentDbTestDoubleOptions = {},
  connectionString?: (double: KurrentDbTestDouble) => string,
) {
  const double = await KurrentDbTestDouble.start(options);
  const store = new KurrentDbEventStore({
    connectionString: connectionString?.(double) ?? double.url,
    resubscribeDelayMs: FAST_RESUBSCRIBE,
  });
  return {
    double,
    store,
    cleanup: async () => {
      await store.close();
      await double.stop();
    },
  };
}

describeEventStoreContract('KurrentDbEventStore over gRPC against the KurrentDB test double', onDouble);

const REAL_SERVER = process.env.QINGMIAO_TEST_ESDB;
if (REAL_SERVER) {
  // One store per test on one long-running server: each sees only its own streams, after the head at its start.
  describeEventStoreContract('KurrentDbEventStore against the server at QINGMIAO_TEST_ESDB', async () => {
    const inner = new KurrentDbEventStore({ connectionString: REAL_SERVER, resubscribeDelayMs: FAST_RESUBSCRIBE });
    const store = new IsolatedEventStore(inner, `contract-${randomUUID().slice(0, 8)}-`, await inner.headPosition());
    return { store, cleanup: () => store.close() };
  });
} else {
  describe.skip('KurrentDbEventStore against a real KurrentDB server (skipped: set QINGMIAO_TEST_ESDB=esdb://localhost:2113?tls=false to run the contract suite against one)', () => {
    it('runs the event store contract suite', () => {});
  });
}

/** Appends while connections may be down, as a client retrying after a network failure does (same ids: idempotent). */
async function appendRetrying(store: EventStore, stream: string, events: EventToAppend[], expected: ExpectedRevision) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await store.append(stream, events, { expectedRevision: expected });
    } catch (error) {
      if (error instanceof WrongExpectedVersion || attempt >= 50) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

describe('KurrentDbEventStore over gRPC (test double)', () => {
  it('resubscribes after every connection drops mid-subscription, with no gap and no duplicate', async () => {
    const { double, store, cleanup } = await onDouble();
    const recorder = new Recorder(store.subscribeAll());
    try {
      await recorder.untilCaughtUp();
      for (let i = 0; i < 4; i++) await store.append(streamName(), newEvents(300), { expectedRevision: 'no_stream' });
      await recorder.untilEvents(1200);
      // In the middle of catching up a second subscription …
      double.dropConnectionsAfterDelivering(500);
      const late = new Recorder(store.subscribeAll());
      try {
        await late.untilCaughtUp();
        const log = await readWholeLog(store, 1000);
        expect(late.caughtUpEvents).toEqual(log);
        // … and while both follow live appends.
        double.dropConnectionsAfterDelivering(3);
        for (let i = 0; i < 10; i++) await appendRetrying(store, streamName(), newEvents(2), 'no_stream');
        const grown = await readWholeLog(store, 1000);
        expect(grown).toHaveLength(1220);
        await Promise.all([recorder.untilEvents(grown.length), late.untilEvents(grown.length)]);
        for (const subscription of [recorder, late]) {
          expect(subscription.events).toEqual(grown);
          expect(subscription.caughtUpCount).toBe(1);
        }
        expect(orderViolations(late.events)).toEqual([]);
        // Two subscriptions, each resubscribed at least once per failure it lived through.
        expect(double.subscriptionsServed).toBeGreaterThanOrEqual(5);
      } finally {
        await late.close();
      }
    } finally {
      await recorder.close();
      await cleanup();
    }
  });

  it('holds back a long catch-up for a slow consumer and still says caughtUp right after the last event', async () => {
    const { store, cleanup } = await onDouble();
    try {
      for (let i = 0; i < 3; i++) await store.append(streamName(), newEvents(1000), { expectedRevision: 'no_stream' });
      const log = await readWholeLog(store, 1000);
      const subscription = store.subscribeAll();
      const messages: SubscriptionMessage[] = [];
      for await (const message of subscription) {
        // Busy for a while at first: the adapter buffers what arrives, then stops reading until the buffer drains.
        if (messages.length === 0) await new Promise((resolve) => setTimeout(resolve, 1000));
        messages.push(message);
        if (message.kind === 'caughtUp') break;
      }
      await subscription.close();
      const delivered = messages.flatMap((message) => (message.kind === 'events' ? message.events : []));
      expect(delivered).toEqual(log);
      expect(messages.at(-1)).toEqual({ kind: 'caughtUp', position: log.at(-1)?.position });
    } finally {
      await cleanup();
    }
  });

  it('keeps log positions past 2^53 exact through appends, reads, the head and subscriptions', async () => {
    // At 2^60 neighbouring doubles are 256 apart: any trip through Number would change these odd positions.
    const offset = 2n ** 60n + 1n;
    const { store, cleanup } = await onDouble({ positionOffset: offset });
    try {
      const results = [
        await store.append('big-a', newEvents(2), { expectedRevision: 'no_stream' }),
        await store.append('big-b', newEvents(3), { expectedRevision: 'no_stream' }),
        await store.append('big-a', newEvents(1), { expectedRevision: 1 }),
      ];
      const log = await store.readAll();
      expect(log).toHaveLength(6);
      for (const { position } of log) {
        expect(position.commit).toBeGreaterThan(offset);
        expect(position.prepare).toBe(position.commit);
        expect(BigInt(Number(position.commit))).not.toBe(position.commit);
      }
      expect(orderViolations(log)).toEqual([]);
      expect(results.map((result) => result.position)).toEqual([log[1], log[4], log[5]].map((e) => e?.position));
      expect(await store.headPosition()).toEqual(log[5]?.position);
      expect((await store.readStream('big-b')).map((event) => event.position)).toEqual(
        log.slice(2, 5).map((event) => event.position),
      );
      const third = log[2]?.position ?? START;
      expect(await store.readAll({ after: third })).toEqual(log.slice(3));
      const resumed = new Recorder(store.subscribeAll({ after: third }));
      try {
        await resumed.untilCaughtUp();
        expect(resumed.caughtUpEvents).toEqual(log.slice(3));
        const caughtUp = resumed.messages.find((message) => message.kind === 'caughtUp');
        expect(caughtUp).toEqual({ kind: 'caughtUp', position: log[5]?.position });
      } finally {
        await resumed.close();
      }
    } finally {
      await cleanup();
    }
  });

  it('hides system events from reads, the head position and subscriptions', async () => {
    const { double, store, cleanup } = await onDouble();
    try {
      // A fresh node has written its users and settings already.
      expect(await store.headPosition()).toEqual(START);
      expect(await store.readAll()).toEqual([]);
      const [a] = newEvents(1);
      const [b] = newEvents(1);
      await store.append('visible-1', [a as EventToAppend], { expectedRevision: 'no_stream' });
      await double.appendSystemEvent();
      // Anything in a $-stream is the server's, whatever its type.
      await double.appendSystemEvent('$projections-$all', 'ProjectionUpdated');
      await store.append('visible-2', [b as EventToAppend], { expectedRevision: 'no_stream' });
      for (let i = 0; i < 150; i++) await double.appendSystemEvent();

      const log = await store.readAll();
      expect(ids(log)).toEqual(ids([a, b] as EventToAppend[]));
      expect(await store.readAll({ limit: 1 })).toEqual(log.slice(0, 1));
      expect(await store.readAll({ after: log[0]?.position, limit: 1 })).toEqual(log.slice(1));
      expect(await store.headPosition()).toEqual(log[1]?.position);
      const recorder = new Recorder(store.subscribeAll());
      try {
        await recorder.untilCaughtUp();
        expect(recorder.caughtUpEvents).toEqual(log);
        expect(recorder.messages.at(-1)).toEqual({ kind: 'caughtUp', position: log[1]?.position });
      } finally {
        await recorder.close();
      }
    } finally {
      await cleanup();
    }
  });

  it('appends through Streams.Append when the server offers no BatchAppend', async () => {
    const { store, cleanup } = await onDouble({ batchAppend: false });
    try {
      const stream = streamName();
      const first = newEvents(2);
      const result = await store.append(stream, first, { expectedRevision: 'no_stream' });
      expect(result.nextExpectedRevision).toBe(1);
      await store.append(stream, newEvents(1), { expectedRevision: 1 });
      await expectWrongVersion(store.append(stream, newEvents(1), { expectedRevision: 0 }), 2);
      await expectWrongVersion(store.append(streamName(), newEvents(1), { expectedRevision: 'exists' }), -1);
      // A repeat with a stale expectation is answered with the first result.
      expect(await store.append(stream, first, { expectedRevision: 2 })).toEqual(result);
      expect(ids(await store.readStream(stream)).slice(0, 2)).toEqual(ids(first));
    } finally {
      await cleanup();
    }
  });

  it('connects with kurrentdb:// and with a cluster connection string (gossip discovery)', async () => {
    const deadSeed = await freePort();
    const { store, cleanup } = await onDouble(
      {},
      (double) =>
        `esdb://127.0.0.1:${deadSeed},127.0.0.1:${double.port}?tls=false&maxDiscoverAttempts=5&discoveryInterval=20`,
    );
    const direct = await onDouble({}, (double) => `kurrentdb://127.0.0.1:${double.port}?tls=false`);
    try {
      const events = newEvents(2);
      await store.append('cluster-stream', events, { expectedRevision: 'no_stream' });
      expect(ids(await store.readStream('cluster-stream'))).toEqual(ids(events));
      await direct.store.append('direct-stream', events, { expectedRevision: 'no_stream' });
      expect(ids(await direct.store.readAll())).toEqual(ids(events));
    } finally {
      await cleanup();
      await direct.cleanup();
    }
  });

  it("maps KurrentDB's connection string schemes to the client's", () => {
    expect(toClientConnectionString('kurrentdb://a:2113,b:2113,c:2113?tls=true&nodePreference=leader')).toBe(
      'esdb://a:2113,b:2113,c:2113?tls=true&nodePreference=leader',
    );
    expect(toClientConnectionString('kurrentdb+discover://admin:changeit@cluster.example:2113')).toBe(
      'esdb+discover://admin:changeit@cluster.example:2113',
    );
    expect(toClientConnectionString('kdb://localhost:2113?tls=false')).toBe('esdb://localhost:2113?tls=false');
    expect(toClientConnectionString('esdb://localhost:2113?tls=false')).toBe('esdb://localhost:2113?tls=false');
    expect(() => toClientConnectionString('postgres://localhost')).toThrow(/esdb:\/\/ or kurrentdb:\/\//);
    expect(() => toClientConnectionString('kurentdb://admin:changeit@db1:2113')).toThrow('kurentdb://…@db1:2113');
    expect(withoutCredentials('kurrentdb://admin:changeit@db1:2113,db2:2113?tls=true')).toBe(
      'kurrentdb://…@db1:2113,db2:2113?tls=true',
    );
  });
});

describe('the KurrentDB test double, through the client alone', () => {
  async function withClient(work: (client: EventStoreDBClient) => Promise<void>) {
    const double = await KurrentDbTestDouble.start();
    const client = EventStoreDBClient.connectionString(double.url);
    try {
      await work(client);
    } finally {
      await client.dispose();
      await double.stop();
    }
  }
  const event = () => jsonEvent({ id: randomUUID(), type: 'Tested', data: { at: Date.now() } });

  it('answers repeats of a write as KurrentDB does: by position for exact expectations, by id cache for any', async () => {
    await withClient(async (client) => {
      const [first, second, third] = [event(), event(), event()];
      const written = await client.appendToStream('s', [first, second], { expectedRevision: NO_STREAM });
      expect(written.nextExpectedRevision).toBe(1n);
      expect(await client.appendToStream('s', [first, second], { expectedRevision: NO_STREAM })).toEqual(written);
      expect(await client.appendToStream('s', [first, second], { expectedRevision: ANY })).toEqual(written);
      const refused = await client.appendToStream('s', [third], { expectedRevision: 5n }).catch((error) => error);
      expect(refused).toBeInstanceOf(WrongExpectedVersionError);
      expect(refused).toMatchObject({ expectedVersion: 5n, actualVersion: 1n });
      const missing = await client.appendToStream('none', [third], { expectedRevision: STREAM_EXISTS }).catch((e) => e);
      expect(missing).toMatchObject({ actualVersion: 'no_stream' });
      // Ids are not unique across the log: with `any` and a new first id, KurrentDB writes a known one again.
      await client.appendToStream('s', [third, first], { expectedRevision: ANY });
      const ids = [];
      for await (const resolved of client.readStream('s')) ids.push(resolved.event?.id);
      expect(ids).toEqual([first.id, second.id, third.id, first.id]);
    });
  });

  it('reads $all from a position inclusively, subscribes after it, and reports missing streams', async () => {
    await withClient(async (client) => {
      const events = [event(), event(), event()];
      await client.appendToStream('s', events, { expectedRevision: NO_STREAM });
      const all = [];
      for await (const resolved of client.readAll()) if (resolved.event?.streamId === 's') all.push(resolved.event);
      const from = all[0]?.position ?? { commit: 0n, prepare: 0n };
      const read = [];
      for await (const resolved of client.readAll({ fromPosition: from, maxCount: 2 })) read.push(resolved.event?.id);
      expect(read).toEqual([events[0]?.id, events[1]?.id]);
      const subscription = client.subscribeToAll({ fromPosition: from });
      const delivered = [];
      for await (const resolved of subscription) {
        delivered.push(resolved.event?.id);
        if (delivered.length === 2) break;
      }
      expect(delivered).toEqual([events[1]?.id, events[2]?.id]);
      await expect(async () => {
        for await (const _ of client.readStream('missing')) break;
      }).rejects.toBeInstanceOf(StreamNotFoundError);
    });
  });

  it('confirms a filtered subscription, checkpoints every 32 considered events, then says it caught up', async () => {
    await withClient(async (client) => {
      for (let i = 0; i < 40; i++) await client.appendToStream(`s-${i}`, [event()], { expectedRevision: NO_STREAM });
      const checkpoints: bigint[] = [];
      const subscription = client.subscribeToAll({
        filter: excludeSystemEvents({ checkpointReached: (_, position) => void checkpoints.push(position.commit) }),
      });
      const seen: string[] = [];
      await new Promise<void>((resolve) => {
        const note = (kind: string) => () => {
          seen.push(kind);
          if (seen.includes('caughtUp') && seen.filter((seenKind) => seenKind === 'event').length === 40) resolve();
        };
        subscription.on('confirmation', note('confirmation'));
        subscription.on('caughtUp', note('caughtUp'));
        subscription.on('data', note('event'));
      });
      await subscription.unsubscribe();
      // System events of the fresh node count as considered, so the checkpoint comes within the first 32 events.
      expect(seen.filter((kind) => kind === 'event')).toHaveLength(40);
      expect(seen[0]).toBe('confirmation');
      expect(checkpoints).toHaveLength(1);
    });
  });
});
