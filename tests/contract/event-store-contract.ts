import { randomUUID } from 'node:crypto';
import {
  type AppendResult,
  comparePositions,
  DuplicateEventIds,
  type EventStore,
  type EventToAppend,
  type ExpectedRevision,
  matchesExpectedRevision,
  type Position,
  START,
  type SubscriptionMessage,
  WrongExpectedVersion,
} from '@qingmiao/event-store';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  expectWrongVersion,
  ids,
  newEvents,
  orderViolations,
  Recorder,
  range,
  readWholeLog,
  refusal,
  streamName,
  ticks,
  WAIT_MS,
  within,
} from './helpers.ts';

export type OpenEventStore = () => Promise<{ store: EventStore; cleanup: () => Promise<void> }>;

const NUM_RUNS = 30;

/**
 * The behaviour every EventStore adapter must have, written only against the port. `open` must give a store that is
 * empty and used by nothing else until `cleanup`, which closes it and removes what it left behind.
 */
export function describeEventStoreContract(name: string, open: OpenEventStore): void {
  describe(`${name} (EventStore contract)`, () => {
    let store: EventStore;
    let cleanup: () => Promise<void>;
    let recorders: Recorder[] = [];

    beforeEach(async () => {
      ({ store, cleanup } = await open());
    });

    afterEach(async () => {
      await Promise.all(recorders.map((recorder) => recorder.close()));
      recorders = [];
      await cleanup();
    });

    function subscribe(after?: Position): Recorder {
      const recorder = new Recorder(store.subscribeAll(after ? { after } : {}));
      recorders.push(recorder);
      return recorder;
    }

    async function appendNew(stream: string, count: number): Promise<EventToAppend[]> {
      const events = newEvents(count);
      await store.append(stream, events, { expectedRevision: 'any' });
      return events;
    }

    /** caughtUp may point past the last delivered event (an adapter may skip events of its own), not past the head. */
    async function expectCaughtUpAt(recorder: Recorder, lastDelivered: Position): Promise<void> {
      const message = recorder.messages.find((candidate) => candidate.kind === 'caughtUp');
      if (message?.kind !== 'caughtUp') throw new Error('not caught up');
      expect(comparePositions(message.position, lastDelivered)).toBeGreaterThanOrEqual(0);
      expect(comparePositions(message.position, await store.headPosition())).toBeLessThanOrEqual(0);
    }

    describe('append expectations', () => {
      it.each<ExpectedRevision>(['no_stream', 'any'])('creates a new stream when expecting %s', async (expected) => {
        const stream = streamName();
        const events = newEvents(3);
        const result = await store.append(stream, events, { expectedRevision: expected });
        expect(result.nextExpectedRevision).toBe(2);
        expect(ids(await store.readStream(stream))).toEqual(ids(events));
      });

      it.each<ExpectedRevision>(['exists', 0, 1])(
        'refuses %s on a missing stream with actualRevision -1',
        async (expected) => {
          const stream = streamName();
          const error = await expectWrongVersion(
            store.append(stream, newEvents(1), { expectedRevision: expected }),
            -1,
          );
          expect(error.stream).toBe(stream);
          expect(error.expectedRevision).toBe(expected);
          expect(await store.readStream(stream)).toEqual([]);
          expect(await store.headPosition()).toEqual(START);
        },
      );

      it.each<ExpectedRevision>(['exists', 'any', 1])(
        'appends to a stream at revision 1 when expecting %s',
        async (expected) => {
          const stream = streamName();
          await appendNew(stream, 2);
          const result = await store.append(stream, newEvents(2), { expectedRevision: expected });
          expect(result.nextExpectedRevision).toBe(3);
          expect((await store.readStream(stream)).map((event) => event.revision)).toEqual([0, 1, 2, 3]);
        },
      );

      it.each<ExpectedRevision>(['no_stream', 0, 2, 7])(
        'refuses %s on a stream at revision 1 with actualRevision 1',
        async (expected) => {
          const stream = streamName();
          const existing = await appendNew(stream, 2);
          const error = await expectWrongVersion(store.append(stream, newEvents(1), { expectedRevision: expected }), 1);
          expect(error.expectedRevision).toBe(expected);
          expect(ids(await store.readStream(stream))).toEqual(ids(existing));
        },
      );

      it('numbers revisions from 0 contiguously across appends', async () => {
        const stream = streamName();
        let expected: ExpectedRevision = 'no_stream';
        for (const count of [1, 3, 2]) {
          expected = (await store.append(stream, newEvents(count), { expectedRevision: expected }))
            .nextExpectedRevision;
        }
        expect(expected).toBe(5);
        expect((await store.readStream(stream)).map((event) => event.revision)).toEqual(range(0, 6));
      });

      it("returns the last event's revision and position as read back", async () => {
        const stream = streamName();
        await appendNew(streamName(), 2);
        const result = await store.append(stream, newEvents(3), { expectedRevision: 'no_stream' });
        const last = (await store.readStream(stream)).at(-1);
        expect(result.nextExpectedRevision).toBe(last?.revision);
        expect(result.position).toEqual(last?.position);
        expect((await store.readAll()).at(-1)).toEqual(last);
      });

      it('checks the expectation of an empty append and appends nothing', async () => {
        const stream = streamName();
        await appendNew(stream, 2);
        const head = await store.headPosition();
        expect((await store.append(stream, [], { expectedRevision: 1 })).nextExpectedRevision).toBe(1);
        expect((await store.append(stream, [], { expectedRevision: 'exists' })).nextExpectedRevision).toBe(1);
        await expectWrongVersion(store.append(stream, [], { expectedRevision: 0 }), 1);
        const missing = streamName();
        expect((await store.append(missing, [], { expectedRevision: 'no_stream' })).nextExpectedRevision).toBe(-1);
        await expectWrongVersion(store.append(missing, [], { expectedRevision: 'exists' }), -1);
        expect(await store.readStream(missing)).toEqual([]);
        expect(await store.headPosition()).toEqual(head);
        expect(await store.readAll()).toHaveLength(2);
      });
    });

    describe('recorded events', () => {
      it('round-trips type, data and metadata as JSON and stamps stream, revision and created', async () => {
        const stream = streamName('学校');
        const event: EventToAppend = {
          id: randomUUID(),
          type: 'CampaignCreated',
          data: {
            title: '青苗计划：春季读书月',
            note: 'quotes " backslash \\ newline \n tab \t emoji 🌱',
            counts: [0, 1, -2, 3.25, 1e-7, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER],
            nested: { deep: { flag: true, off: false, none: null, list: [{ 名称: '第一中学' }, [], {}] } },
            empty: '',
          },
          metadata: { correlationId: randomUUID(), actor: { name: '王老师', roles: ['admin'] } },
        };
        const before = Date.now();
        await store.append(stream, [event], { expectedRevision: 'no_stream' });
        const [recorded] = await store.readStream(stream);
        expect(recorded).toMatchObject({ ...event, stream, revision: 0 });
        expect(recorded?.data).toStrictEqual(event.data);
        expect(recorded?.metadata).toStrictEqual(event.metadata);
        const created = Date.parse(recorded?.created ?? '');
        expect(created).toBeGreaterThanOrEqual(before - 60_000);
        expect(created).toBeLessThanOrEqual(Date.now() + 60_000);
        expect((await store.readAll())[0]).toEqual(recorded);
      });
    });

    describe('reads', () => {
      it('reads a stream from a revision with a limit, and nothing of a missing stream', async () => {
        const stream = streamName();
        const other = streamName();
        const events: EventToAppend[] = [];
        for (let i = 0; i < 5; i++) {
          events.push(...(await appendNew(stream, 1)));
          await appendNew(other, 1);
        }
        expect(ids(await store.readStream(stream))).toEqual(ids(events));
        expect(ids(await store.readStream(stream, { fromRevision: 2 }))).toEqual(ids(events.slice(2)));
        expect(ids(await store.readStream(stream, { fromRevision: 1, limit: 2 }))).toEqual(ids(events.slice(1, 3)));
        expect(ids(await store.readStream(stream, { limit: 1 }))).toEqual(ids(events.slice(0, 1)));
        expect(await store.readStream(stream, { fromRevision: 5 })).toEqual([]);
        expect(await store.readStream(streamName())).toEqual([]);
      });

      it('reads the global log in commit order, after a position exclusively', async () => {
        const a = streamName();
        const b = streamName();
        const appended = [...(await appendNew(a, 2)), ...(await appendNew(b, 3)), ...(await appendNew(a, 1))];
        const log = await store.readAll();
        expect(ids(log)).toEqual(ids(appended));
        expect(orderViolations(log)).toEqual([]);
        const third = log[2];
        if (!third) throw new Error('log too short');
        expect(await store.readAll({ after: third.position })).toEqual(log.slice(3));
        expect(await store.readAll({ after: third.position, limit: 2 })).toEqual(log.slice(3, 5));
        expect(await store.readAll({ after: START })).toEqual(log);
        expect(await store.readAll({ after: await store.headPosition() })).toEqual([]);
      });

      it('pages through the whole log with a limit', async () => {
        const streams = [streamName(), streamName(), streamName()];
        let appended = 0;
        for (let i = 0; i < 11; i++) appended += (await appendNew(streams[i % 3] ?? '', 1 + (i % 2))).length;
        const log = await store.readAll();
        expect(log).toHaveLength(appended);
        for (const pageSize of [1, 3, 4, appended, 100]) {
          expect(await readWholeLog(store, pageSize)).toEqual(log);
        }
      });

      it('reports the head position: START when empty, else the last event', async () => {
        expect(await store.headPosition()).toEqual(START);
        await appendNew(streamName(), 2);
        const result = await store.append(streamName(), newEvents(1), { expectedRevision: 'no_stream' });
        expect(await store.headPosition()).toEqual(result.position);
        expect(await store.headPosition()).toEqual((await store.readAll()).at(-1)?.position);
      });
    });

    describe('idempotence', () => {
      it('treats a repeated append of the same ids as a no-op returning the first result', async () => {
        const stream = streamName();
        const first = newEvents(3);
        const result = await store.append(stream, first, { expectedRevision: 'no_stream' });
        await appendNew(stream, 2);
        const log = await store.readAll();
        // The retry's expectation is stale now: the stream has moved on since the first write.
        const stale: ExpectedRevision[] = ['no_stream', 'any', 2];
        for (const expectedRevision of stale) {
          expect(await store.append(stream, first, { expectedRevision })).toEqual(result);
        }
        expect(await store.readAll()).toEqual(log);
      });

      it('refuses a partial overlap of ids with DuplicateEventIds and appends nothing', async () => {
        const stream = streamName();
        const [earlier, later] = [newEvents(2), newEvents(2)];
        await store.append(stream, earlier, { expectedRevision: 'no_stream' });
        const log = await store.readAll();
        const overlaps: Array<[string, EventToAppend[]]> = [
          [stream, [...earlier, ...later]],
          [stream, [...later, ...earlier]],
          [stream, [later[0] as EventToAppend, earlier[1] as EventToAppend]],
          [streamName(), earlier],
        ];
        const used = new Set(ids(earlier));
        for (const [target, events] of overlaps) {
          const error = await refusal(store.append(target, events, { expectedRevision: 'any' }), DuplicateEventIds);
          expect(error.stream).toBe(target);
          expect(error.ids).toEqual(expect.arrayContaining(ids(events).filter((id) => used.has(id))));
        }
        expect(await store.readAll()).toEqual(log);
        expect(ids(await store.readStream(stream))).toEqual(ids(earlier));
      });

      it('gives concurrent repeats of one append the same result and stores its events once', async () => {
        const stream = streamName();
        const events = newEvents(3);
        const results = await Promise.all(
          range(0, 4).map(() => store.append(stream, events, { expectedRevision: 'no_stream' })),
        );
        for (const result of results) expect(result).toEqual(results[0]);
        expect(ids(await store.readAll())).toEqual(ids(events));
      });
    });

    describe('concurrency', () => {
      it('lets exactly one of several appends expecting the same revision win', async () => {
        const stream = streamName();
        await appendNew(stream, 1);
        const attempts = range(0, 8).map(() => newEvents(2));
        const outcomes = await Promise.allSettled(
          attempts.map((events) => store.append(stream, events, { expectedRevision: 0 })),
        );
        const winners = outcomes.flatMap((outcome, i) => (outcome.status === 'fulfilled' ? [attempts[i]] : []));
        expect(winners).toHaveLength(1);
        for (const outcome of outcomes) {
          if (outcome.status === 'fulfilled') expect(outcome.value.nextExpectedRevision).toBe(2);
          else {
            expect(outcome.reason).toBeInstanceOf(WrongExpectedVersion);
            expect((outcome.reason as WrongExpectedVersion).actualRevision).toBe(2);
          }
        }
        expect(ids((await store.readStream(stream)).slice(1))).toEqual(ids(winners[0] ?? []));
      });

      it('isolates refused appends from the concurrent ones that succeed', async () => {
        const stream = streamName();
        const other = streamName();
        const existing = await appendNew(stream, 2);
        const [first, second] = [newEvents(2), newEvents(1)];
        const outcomes = await Promise.allSettled([
          store.append(other, first, { expectedRevision: 'no_stream' }),
          store.append(stream, [...newEvents(2), existing[0] as EventToAppend], { expectedRevision: 'any' }),
          store.append(stream, newEvents(1), { expectedRevision: 0 }),
          store.append(stream, second, { expectedRevision: 1 }),
        ]);
        expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'fulfilled']);
        const reasons = outcomes.map((outcome) => (outcome.status === 'rejected' ? outcome.reason : undefined));
        expect(reasons[1]).toBeInstanceOf(DuplicateEventIds);
        expect(reasons[2]).toBeInstanceOf(WrongExpectedVersion);
        expect(ids(await store.readStream(stream))).toEqual(ids([...existing, ...second]));
        expect(ids(await store.readStream(other))).toEqual(ids(first));
        expect(await store.readAll()).toHaveLength(5);
      });

      it('commits concurrent appends to different streams with distinct, increasing positions', async () => {
        const attempts = range(0, 20).map(() => ({ stream: streamName(), events: newEvents(3) }));
        const results = await Promise.all(
          attempts.map(({ stream, events }) => store.append(stream, events, { expectedRevision: 'no_stream' })),
        );
        expect(results.map((result) => result.nextExpectedRevision)).toEqual(attempts.map(() => 2));
        const log = await store.readAll();
        expect(log).toHaveLength(60);
        expect(orderViolations(log)).toEqual([]);
        expect(new Set(ids(log)).size).toBe(60);
        for (const [i, { stream, events }] of attempts.entries()) {
          const recorded = await store.readStream(stream);
          expect(ids(recorded)).toEqual(ids(events));
          expect(results[i]?.position).toEqual(recorded.at(-1)?.position);
        }
      });
    });

    describe('subscribeAll', () => {
      it('catches up, sends caughtUp once, then follows live appends in global order', async () => {
        const [a, b] = [streamName(), streamName()];
        await appendNew(a, 3);
        await appendNew(b, 2);
        const existing = await store.readAll();
        const recorder = subscribe();
        await recorder.untilCaughtUp();
        expect(recorder.caughtUpEvents).toEqual(existing);
        await expectCaughtUpAt(recorder, existing.at(-1)?.position ?? START);

        await appendNew(a, 1);
        await Promise.all([appendNew(a, 2), appendNew(b, 2), appendNew(streamName(), 1)]);
        const log = await store.readAll();
        await recorder.untilEvents(log.length);
        expect(recorder.events).toEqual(log);
        expect(recorder.caughtUpCount).toBe(1);
        expect(recorder.messages.filter((message) => message.kind === 'events' && message.events.length === 0)).toEqual(
          [],
        );
      });

      it('sends caughtUp at once on an empty store and then delivers live appends', async () => {
        const recorder = subscribe();
        await recorder.untilCaughtUp();
        expect(recorder.messages.map((message) => message.kind)).toEqual(['caughtUp']);
        await expectCaughtUpAt(recorder, START);
        const events = await appendNew(streamName(), 2);
        await recorder.untilEvents(2);
        expect(ids(recorder.events)).toEqual(ids(events));
      });

      it('resumes exactly after the given position, with no duplicate and no gap', async () => {
        await appendNew(streamName(), 3);
        await appendNew(streamName(), 2);
        const log = await store.readAll();
        const checkpoint = log[2];
        if (!checkpoint) throw new Error('log too short');
        const recorder = subscribe(checkpoint.position);
        await recorder.untilCaughtUp();
        expect(recorder.caughtUpEvents).toEqual(log.slice(3));
        await appendNew(streamName(), 2);
        const after = await store.readAll({ after: checkpoint.position });
        await recorder.untilEvents(after.length);
        expect(recorder.events).toEqual(after);

        const fromHead = subscribe(await store.headPosition());
        await fromHead.untilCaughtUp();
        expect(fromHead.events).toEqual([]);
      });

      it('catches up a log longer than any page', async () => {
        for (let i = 0; i < 5; i++) await appendNew(streamName(), 500);
        const log = await readWholeLog(store, 1000);
        expect(log).toHaveLength(2500);
        const recorder = subscribe();
        await recorder.untilCaughtUp();
        expect(recorder.caughtUpEvents).toEqual(log);
      });

      it('gives two subscriptions the same sequence', async () => {
        await appendNew(streamName(), 2);
        const first = subscribe();
        await appendNew(streamName(), 1);
        const second = subscribe();
        await Promise.all(range(0, 5).map((i) => appendNew(streamName(), 1 + (i % 3))));
        await appendNew(streamName(), 1);
        const log = await store.readAll();
        await Promise.all([first.untilEvents(log.length), second.untilEvents(log.length)]);
        expect(first.events).toEqual(log);
        expect(second.events).toEqual(log);
      });

      it('ends the iteration on close, also while waiting for live events', async () => {
        await appendNew(streamName(), 1);
        const recorder = subscribe();
        await recorder.untilCaughtUp();
        await recorder.close();
        await recorder.ended;
        const closedFirst = store.subscribeAll();
        await closedFirst.close();
        const delivered: SubscriptionMessage[] = [];
        for await (const message of closedFirst) delivered.push(message);
        expect(delivered).toEqual([]);
      });

      it('ends the iteration when closed from inside the loop', async () => {
        await appendNew(streamName(), 1);
        const subscription = store.subscribeAll();
        const delivered: SubscriptionMessage[] = [];
        const drained = (async () => {
          for await (const message of subscription) {
            delivered.push(message);
            await subscription.close();
          }
        })();
        await within(drained, WAIT_MS, 'the loop to end');
        expect(delivered).toHaveLength(1);
      });
    });

    describe('properties', () => {
      const plannedAppend = fc.record({
        stream: fc.nat({ max: 2 }),
        count: fc.integer({ min: 1, max: 3 }),
        expectedRevision: fc.oneof(
          { arbitrary: fc.constant<ExpectedRevision>('any'), weight: 3 },
          { arbitrary: fc.constantFrom<ExpectedRevision>('no_stream', 'exists'), weight: 1 },
          { arbitrary: fc.nat({ max: 6 }), weight: 3 },
        ),
        // Event loop turns before issuing the append, so that commits interleave differently.
        delay: fc.nat({ max: 2 }),
      });

      it('keeps acknowledged appends exactly once in stream order and refused ones not at all', async () => {
        await fc.assert(
          fc.asyncProperty(
            fc.array(plannedAppend, { minLength: 1, maxLength: 12 }),
            fc.integer({ min: 1, max: 8 }),
            async (plan, pageSize) => {
              const { store, cleanup } = await open();
              const live = new Recorder(store.subscribeAll());
              let catchUp: Recorder | undefined;
              try {
                const streams = range(0, 3).map((i) => `stream-${i}`);
                const attempts = plan.map((step) => ({
                  ...step,
                  stream: streams[step.stream] ?? '',
                  events: newEvents(step.count),
                }));
                const settled = await Promise.allSettled(
                  attempts.map(async ({ stream, events, expectedRevision, delay }) => {
                    await ticks(delay);
                    return store.append(stream, events, { expectedRevision });
                  }),
                );

                const log = await readWholeLog(store, pageSize);
                expect(orderViolations(log)).toEqual([]);
                expect(new Set(ids(log)).size).toBe(log.length);
                const byId = new Map(log.map((event) => [event.id, event]));
                const acknowledged: Array<{
                  stream: string;
                  events: EventToAppend[];
                  expectedRevision: ExpectedRevision;
                  result: AppendResult;
                }> = [];
                for (const [i, { stream, events, expectedRevision }] of attempts.entries()) {
                  const outcome = settled[i];
                  if (outcome?.status === 'fulfilled') {
                    const { nextExpectedRevision, position } = outcome.value;
                    const recorded = events.map((event) => byId.get(event.id));
                    expect(recorded.map((event) => event?.stream)).toEqual(events.map(() => stream));
                    expect(recorded.map((event) => event?.revision)).toEqual(
                      range(nextExpectedRevision - events.length + 1, events.length),
                    );
                    expect(position).toEqual(recorded.at(-1)?.position);
                    acknowledged.push({ stream, events, expectedRevision, result: outcome.value });
                  } else {
                    expect(outcome?.reason).toBeInstanceOf(WrongExpectedVersion);
                    const refused = outcome?.reason as WrongExpectedVersion;
                    expect(refused.stream).toBe(stream);
                    expect(matchesExpectedRevision(expectedRevision, refused.actualRevision)).toBe(false);
                    expect(events.filter((event) => byId.has(event.id))).toEqual([]);
                  }
                }
                expect(log).toHaveLength(acknowledged.reduce((sum, { events }) => sum + events.length, 0));
                for (const stream of streams) {
                  const recorded = await store.readStream(stream);
                  expect(recorded).toEqual(log.filter((event) => event.stream === stream));
                  expect(recorded.map((event) => event.revision)).toEqual(range(0, recorded.length));
                }
                expect(await store.headPosition()).toEqual(log.at(-1)?.position ?? START);

                await live.until(
                  () => live.caughtUpCount > 0 && live.events.length >= log.length,
                  `caughtUp and ${log.length} events`,
                );
                expect(live.events).toEqual(log);
                catchUp = new Recorder(store.subscribeAll());
                await catchUp.untilCaughtUp();
                expect(catchUp.caughtUpEvents).toEqual(log);

                // Retries of acknowledged appends, whose expectations are mostly stale by now, change nothing.
                const retried = await Promise.all(
                  acknowledged.map(({ stream, events, expectedRevision }) =>
                    store.append(stream, events, { expectedRevision }),
                  ),
                );
                expect(retried).toEqual(acknowledged.map(({ result }) => result));
                expect(await readWholeLog(store, pageSize)).toEqual(log);
              } finally {
                await live.close();
                await catchUp?.close();
                await cleanup();
              }
            },
          ),
          { numRuns: NUM_RUNS },
        );
      });
    });
  });
}
