import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type EventStore, type RecordedEvent, SqliteEventStore, WrongExpectedVersion } from '@qingmiao/event-store';
import { type Actor, events as catalogue, EventMetadata, streams } from '@qingmiao/schema';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { entryIdFor } from '../src/campaigns/entry-id.ts';
import { type CommandMeta, CommandRunner } from '../src/command-runner.ts';
import { Commands } from '../src/commands.ts';
import { CampaignNotOpen, Conflict, Forbidden, InvalidInput, LimitExceeded } from '../src/errors.ts';

const NOW = new Date('2022-06-01T00:00:00.000Z');
const CAMPAIGN = 'medal-essay-2022';
const SCHOOL = 'xinhua-primary';

const organizer: Actor = { sub: 'organizer-1', role: 'organizer' };
const schoolContact: Actor = { sub: 'contact-xinhua', role: 'school', schoolId: SCHOOL };
const meta = (actor: Actor, correlationId = 'test-correlation'): CommandMeta => ({ actor, correlationId });
const asOrganizer = meta(organizer);
const asSchool = meta(schoolContact);

const campaignInput = (overrides: Record<string, unknown> = {}) => ({
  id: CAMPAIGN,
  kind: 'ESSAY',
  title: '《勋章》读书征文',
  theme: null,
  year: 2022,
  opensAt: '2022-03-01T00:00:00+08:00',
  closesAt: '2022-06-30T23:59:59+08:00',
  eligibleSchoolKinds: null,
  maxEntriesPerSchool: null,
  ...overrides,
});

const entryInput = (submissionId: string, overrides: Record<string, unknown> = {}) => ({
  submissionId,
  campaignId: CAMPAIGN,
  schoolId: SCHOOL,
  title: `作品 ${submissionId}`,
  participants: [{ name: '张小明', role: 'STUDENT', grade: '五年级' }],
  advisor: null,
  ...overrides,
});

/** The rejection of a promise, failing the test if it resolved. */
async function refusal(promise: Promise<unknown>): Promise<unknown> {
  let value: unknown;
  try {
    value = await promise;
  } catch (error) {
    return error;
  }
  return expect.fail(
    `expected a refusal, got ${JSON.stringify(value, (_, v) => (typeof v === 'bigint' ? `${v}` : v))}`,
  );
}

const ofType = (recorded: readonly RecordedEvent[], type: string) => recorded.filter((event) => event.type === type);

let dir: string;
let storePath: string;
const stores: SqliteEventStore[] = [];

/** Counts the appends another writer made stale: proof that two processes really raced. */
function countingConflicts(store: EventStore): { store: EventStore; conflicts: () => number } {
  let conflicts = 0;
  const counted: EventStore = {
    append: async (stream, events, options) => {
      try {
        return await store.append(stream, events, options);
      } catch (error) {
        if (error instanceof WrongExpectedVersion) conflicts++;
        throw error;
      }
    },
    readStream: (stream, options) => store.readStream(stream, options),
    readAll: (options) => store.readAll(options),
    headPosition: () => store.headPosition(),
    subscribeAll: (options) => store.subscribeAll(options),
    close: () => store.close(),
  };
  return { store: counted, conflicts: () => conflicts };
}

function openStore(): SqliteEventStore {
  const store = new SqliteEventStore({ path: storePath, pollIntervalMs: 10 });
  stores.push(store);
  return store;
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'qingmiao-commands-'));
  storePath = join(dir, 'events.db');
});

afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A registered school and an OPEN campaign, ready for entries. */
async function setUp(commands: Commands, campaign: Record<string, unknown> = {}): Promise<void> {
  await commands.registerSchool({ id: SCHOOL, name: '新华小学', kind: 'PRIMARY', town: '城关镇' }, asOrganizer);
  await commands.createCampaign(campaignInput(campaign), asOrganizer);
  await commands.openCampaign({ id: CAMPAIGN }, asOrganizer);
}

describe('Commands: validation (rule 6)', () => {
  it.each([
    ['title', () => campaignInput({ title: '   ' })],
    ['year', () => campaignInput({ year: 1999 })],
    ['closesAt', () => campaignInput({ opensAt: '2022-07-01T00:00:00+08:00', closesAt: '2022-06-30T00:00:00+08:00' })],
    ['opensAt', () => campaignInput({ opensAt: '2022-03-01 08:00' })],
    ['eligibleSchoolKinds.0', () => campaignInput({ eligibleSchoolKinds: ['UNIVERSITY'] })],
  ])('refuses a campaign with a bad %s, naming the field, and writes nothing', async (field, input) => {
    const store = openStore();
    const commands = new Commands(store, { now: () => NOW });
    const error = await refusal(commands.createCampaign(input(), asOrganizer));
    expect(error).toBeInstanceOf(InvalidInput);
    expect((error as InvalidInput).field).toBe(field);
    expect((error as InvalidInput).message).toMatch(new RegExp(`^${field.replace('.', '\\.')}: `));
    expect(await store.readAll()).toEqual([]);
  });

  it('names the nested field of a bad participant', async () => {
    const store = openStore();
    const commands = new Commands(store, { now: () => NOW });
    await setUp(commands);
    const before = await store.readAll();
    const error = await refusal(
      commands.submitEntry(
        entryInput('bad', {
          participants: [
            { name: '张小明', role: 'STUDENT' },
            { name: '', role: 'STUDENT' },
          ],
        }),
        asSchool,
      ),
    );
    expect(error).toBeInstanceOf(InvalidInput);
    expect((error as InvalidInput).field).toBe('participants.1.name');
    const first = await refusal(
      commands.submitEntry(entryInput('bad', { participants: [{ name: ' ', role: 'STUDENT' }] }), asSchool),
    );
    expect((first as InvalidInput).field).toBe('participants.0.name');
    const role = await refusal(
      commands.submitEntry(entryInput('bad', { participants: [{ name: '王', role: 'PRINCIPAL' }] }), asSchool),
    );
    expect((role as InvalidInput).field).toBe('participants.0.role');
    expect(await store.readAll()).toEqual(before);
  });

  it('takes null for the nullable participant fields grade and key as not given', async () => {
    const store = openStore();
    const commands = new Commands(store, { now: () => NOW });
    await setUp(commands);
    const participants = [
      { name: '张小明', role: 'STUDENT', grade: null, key: null },
      { name: '王老师', role: 'RETIRED_TEACHER', grade: null, key: null },
    ];
    const { appended } = await commands.submitEntry(entryInput('nulls', { participants }), asSchool);
    expect(appended).toBe(1);
    const [entry] = ofType(await store.readAll(), 'EntrySubmitted');
    expect(entry?.data.participants).toEqual([
      { name: '张小明', role: 'STUDENT' },
      { name: '王老师', role: 'RETIRED_TEACHER' },
    ]);
    // Omitting them is the same submission: a retry.
    const omitted = participants.map(({ name, role }) => ({ name, role }));
    const retry = await commands.submitEntry(entryInput('nulls', { participants: omitted }), asSchool);
    expect(retry.appended).toBe(0);
  });

  it('refuses closesAt before opensAt comparing instants, not strings', async () => {
    const store = openStore();
    const commands = new Commands(store, { now: () => NOW });
    // 07:00 in Beijing on 1 March is 23:00 UTC on 28 February: before opensAt.
    const error = await refusal(
      commands.createCampaign(
        campaignInput({ opensAt: '2022-03-01T00:00:00Z', closesAt: '2022-03-01T07:00:00+08:00' }),
        asOrganizer,
      ),
    );
    expect(error).toBeInstanceOf(InvalidInput);
    expect((error as InvalidInput).field).toBe('closesAt');
  });
});

describe('Commands: roles', () => {
  it.each([
    ['viewer', { sub: 'leader', role: 'viewer' }],
    ['judge', { sub: 'judge-1', role: 'judge' }],
    ['school', schoolContact],
  ] as const)('refuses a %s creating a campaign', async (_, actor) => {
    const store = openStore();
    const commands = new Commands(store, { now: () => NOW });
    expect(await refusal(commands.createCampaign(campaignInput(), meta(actor)))).toBeInstanceOf(Forbidden);
    expect(await store.readAll()).toEqual([]);
  });

  it('refuses viewers and judges submitting entries, and a school submitting for another', async () => {
    const store = openStore();
    const commands = new Commands(store, { now: () => NOW });
    await setUp(commands);
    const before = await store.readAll();
    for (const actor of [
      { sub: 'leader', role: 'viewer' },
      { sub: 'judge-1', role: 'judge' },
      { sub: 'contact-yucai', role: 'school', schoolId: 'yucai-junior' },
    ] as const) {
      expect(await refusal(commands.submitEntry(entryInput('x'), meta(actor)))).toBeInstanceOf(Forbidden);
    }
    expect(await store.readAll()).toEqual(before);
  });

  it('refuses a school registering schools or opening campaigns', async () => {
    const store = openStore();
    const commands = new Commands(store, { now: () => NOW });
    await commands.createCampaign(campaignInput(), asOrganizer);
    expect(
      await refusal(commands.registerSchool({ name: '新华小学', kind: 'PRIMARY', town: '城关镇' }, asSchool)),
    ).toBeInstanceOf(Forbidden);
    expect(await refusal(commands.openCampaign({ id: CAMPAIGN }, asSchool))).toBeInstanceOf(Forbidden);
  });
});

describe('Commands: end to end on SQLite', () => {
  it('submits, withdraws and closes through the facade', async () => {
    const store = openStore();
    const commands = new Commands(store, { now: () => NOW });
    await setUp(commands);
    const { entryId, appended } = await commands.submitEntry(entryInput('a'), asSchool);
    expect(entryId).toBe(entryIdFor(CAMPAIGN, 'a'));
    expect(appended).toBe(1);
    await commands.withdrawEntry({ entryId, reason: '重新提交' }, asSchool);
    await commands.closeCampaign({ id: CAMPAIGN }, asOrganizer);
    expect(await refusal(commands.submitEntry(entryInput('b'), asSchool))).toBeInstanceOf(CampaignNotOpen);
    const types = (await store.readStream(streams.campaign(CAMPAIGN))).map((event) => event.type);
    expect(types).toEqual(['CampaignCreated', 'CampaignOpened', 'EntrySubmitted', 'EntryWithdrawn', 'CampaignClosed']);
  });

  it('refuses entries after closesAt by the runner clock', async () => {
    const store = openStore();
    const commands = new Commands(store, { now: () => new Date('2022-06-30T16:00:00.000Z') });
    await setUp(commands);
    expect(await refusal(commands.submitEntry(entryInput('late'), asSchool))).toBeInstanceOf(CampaignNotOpen);
  });

  it('lets exactly maxEntriesPerSchool of 10 concurrent submissions from one school through', async () => {
    const store = openStore();
    const commands = new Commands(store, { now: () => NOW });
    await setUp(commands, { maxEntriesPerSchool: 3 });
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) => commands.submitEntry(entryInput(`concurrent-${i}`), asSchool)),
    );
    const accepted = results.filter((result) => result.status === 'fulfilled');
    const refused = results.filter((result) => result.status === 'rejected');
    expect(accepted).toHaveLength(3);
    expect(refused).toHaveLength(7);
    for (const result of refused) expect(result.reason).toBeInstanceOf(LimitExceeded);
    const submitted = ofType(await store.readStream(streams.campaign(CAMPAIGN)), 'EntrySubmitted');
    expect(submitted).toHaveLength(3);
    const acceptedIds = accepted.map((result) => result.value.entryId).sort();
    expect(submitted.map((event) => event.data.entryId).sort()).toEqual(acceptedIds);
  });

  it('holds the limit when two processes (two stores on one file) race submissions', async () => {
    const limit = 3;
    const a = countingConflicts(openStore());
    const b = countingConflicts(openStore());
    const first = new Commands(a.store, { now: () => NOW });
    const second = new Commands(b.store, { now: () => NOW });
    await setUp(first, { maxEntriesPerSchool: limit });
    // Warm the second process's cache with the campaign before racing, as a running server would have it.
    await second.submitEntry(entryInput('warm-up'), asSchool);
    const results = await Promise.allSettled(
      Array.from({ length: 16 }, (_, i) =>
        (i % 2 === 0 ? first : second).submitEntry(entryInput(`race-${i}`), asSchool),
      ),
    );
    const accepted = results.filter((result) => result.status === 'fulfilled');
    const refused = results.filter((result) => result.status === 'rejected');
    expect(accepted).toHaveLength(limit - 1);
    for (const result of refused) expect(result.reason).toBeInstanceOf(LimitExceeded);
    const reader = openStore();
    const submitted = ofType(await reader.readStream(streams.campaign(CAMPAIGN)), 'EntrySubmitted');
    expect(submitted).toHaveLength(limit);
    // The second process decided against a stale revision at least once and had to reload and decide again.
    expect(a.conflicts() + b.conflicts()).toBeGreaterThan(0);
  });

  it('holds the limit when two processes start cold and race', async () => {
    const limit = 2;
    const setup = new Commands(openStore(), { now: () => NOW });
    await setUp(setup, { maxEntriesPerSchool: limit });
    const racers = [countingConflicts(openStore()), countingConflicts(openStore())];
    const processes = racers.map(({ store }) => new Commands(store, { now: () => NOW }));
    const results = await Promise.allSettled(
      Array.from(
        { length: 12 },
        (_, i) =>
          processes[i % 2]?.submitEntry(entryInput(`cold-${i}`), asSchool) ?? Promise.reject(new Error('no process')),
      ),
    );
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(limit);
    for (const result of results) if (result.status === 'rejected') expect(result.reason).toBeInstanceOf(LimitExceeded);
    const submitted = ofType(await openStore().readStream(streams.campaign(CAMPAIGN)), 'EntrySubmitted');
    expect(submitted).toHaveLength(limit);
    expect(racers.reduce((sum, { conflicts }) => sum + conflicts(), 0)).toBeGreaterThan(0);
  });

  it('appends nothing for a retry with the same submissionId, before and after closing', async () => {
    const store = openStore();
    const commands = new Commands(store, { now: () => NOW });
    await setUp(commands, { maxEntriesPerSchool: 1 });
    const first = await commands.submitEntry(entryInput('once'), asSchool);
    const length = (await store.readAll()).length;
    const retry = await commands.submitEntry(entryInput('once'), asSchool);
    expect(retry.appended).toBe(0);
    expect(retry.entryId).toBe(first.entryId);
    expect(retry.position).toEqual(first.position);
    // A retry from a fresh process (no cache) behaves the same.
    const other = new Commands(openStore(), { now: () => NOW });
    expect((await other.submitEntry(entryInput('once'), asSchool)).appended).toBe(0);
    expect((await store.readAll()).length).toBe(length);
    await commands.closeCampaign({ id: CAMPAIGN }, asOrganizer);
    const afterClose = await commands.submitEntry(entryInput('once'), asSchool);
    expect(afterClose).toMatchObject({ appended: 0, entryId: first.entryId });
    expect(await refusal(commands.submitEntry(entryInput('once', { title: '另一篇' }), asSchool))).toBeInstanceOf(
      Conflict,
    );
    expect(ofType(await store.readAll(), 'EntrySubmitted')).toHaveLength(1);
  });

  it('appends one entry for concurrent retries of one submission', async () => {
    const store = openStore();
    const commands = new Commands(store, { now: () => NOW });
    await setUp(commands);
    const results = await Promise.all(
      Array.from({ length: 5 }, () => commands.submitEntry(entryInput('double-click'), asSchool)),
    );
    expect(new Set(results.map((result) => result.entryId)).size).toBe(1);
    expect(results.map((result) => result.appended).sort()).toEqual([0, 0, 0, 0, 1]);
    expect(ofType(await store.readAll(), 'EntrySubmitted')).toHaveLength(1);
  });

  it('keeps who did it, for whom, why and when on every appended event (rule 5)', async () => {
    const store = openStore();
    const commands = new Commands(store, { now: () => NOW });
    await setUp(commands);
    await commands.submitEntry(entryInput('traced'), {
      actor: schoolContact,
      correlationId: 'req-42',
      causationId: 'cmd-7',
    });
    const recorded = await store.readAll();
    for (const event of recorded) {
      expect(EventMetadata.safeParse(event.metadata).success).toBe(true);
      expect(event.metadata).toMatchObject({
        recordedAt: NOW.toISOString(),
        schemaVersion: catalogue.versionOf(event.type as (typeof catalogue.types)[number]),
      });
    }
    const registered = recorded.find((event) => event.type === 'SchoolRegistered');
    expect(registered?.metadata).toEqual({
      actor: 'organizer-1',
      role: 'organizer',
      correlationId: 'test-correlation',
      recordedAt: NOW.toISOString(),
      schemaVersion: 1,
    });
    const entry = recorded.find((event) => event.type === 'EntrySubmitted');
    expect(entry?.metadata).toEqual({
      actor: 'contact-xinhua',
      role: 'school',
      schoolId: SCHOOL,
      correlationId: 'req-42',
      causationId: 'cmd-7',
      recordedAt: NOW.toISOString(),
      schemaVersion: 2,
    });
    expect(new Set(recorded.map((event) => event.id)).size).toBe(recorded.length);
  });
});

/** Counts the reads of each stream: what deciding on a cached state saves. */
function countingReads(store: EventStore): { store: EventStore; reads: (stream: string) => number } {
  const reads = new Map<string, number>();
  const counted: EventStore = {
    append: (stream, events, options) => store.append(stream, events, options),
    readStream: (stream, options) => {
      reads.set(stream, (reads.get(stream) ?? 0) + 1);
      return store.readStream(stream, options);
    },
    readAll: (options) => store.readAll(options),
    headPosition: () => store.headPosition(),
    subscribeAll: (options) => store.subscribeAll(options),
    close: () => store.close(),
  };
  return { store: counted, reads: (stream) => reads.get(stream) ?? 0 };
}

describe('Commands: cached states and another process on the same store', () => {
  it('decides accepted submissions on the cached states without reading the school or campaign stream', async () => {
    const { store, reads } = countingReads(openStore());
    const commands = new Commands(store, { now: () => NOW });
    await setUp(commands);
    await commands.submitEntry(entryInput('first'), asSchool);
    const before = [reads(streams.school(SCHOOL)), reads(streams.campaign(CAMPAIGN))];
    await commands.submitEntry(entryInput('second'), asSchool);
    await commands.submitEntry(entryInput('third'), asSchool);
    expect([reads(streams.school(SCHOOL)), reads(streams.campaign(CAMPAIGN))]).toEqual(before);
    expect(ofType(await store.readStream(streams.campaign(CAMPAIGN)), 'EntrySubmitted')).toHaveLength(3);
  });

  it('refuses an entry after another process closed the campaign it has cached as open', async () => {
    const first = new Commands(openStore(), { now: () => NOW });
    const second = new Commands(openStore(), { now: () => NOW });
    await setUp(first);
    await first.submitEntry(entryInput('before-close'), asSchool);
    await second.closeCampaign({ id: CAMPAIGN }, asOrganizer);
    expect(await refusal(first.submitEntry(entryInput('after-close'), asSchool))).toBeInstanceOf(CampaignNotOpen);
    const submitted = ofType(await openStore().readStream(streams.campaign(CAMPAIGN)), 'EntrySubmitted');
    expect(submitted.map((event) => event.data.submissionId)).toEqual(['before-close']);
  });

  it('accepts an entry its cached state would refuse once another process withdrew one', async () => {
    const first = new Commands(openStore(), { now: () => NOW });
    const second = new Commands(openStore(), { now: () => NOW });
    await setUp(first, { maxEntriesPerSchool: 1 });
    const { entryId } = await first.submitEntry(entryInput('one'), asSchool);
    expect(await refusal(first.submitEntry(entryInput('two'), asSchool))).toBeInstanceOf(LimitExceeded);
    await second.withdrawEntry({ entryId, reason: '换一篇' }, asSchool);
    const accepted = await first.submitEntry(entryInput('two'), asSchool);
    expect(accepted.appended).toBe(1);
    // The cache now holds both processes' events: the limit counts the new entry.
    expect(await refusal(first.submitEntry(entryInput('three'), asSchool))).toBeInstanceOf(LimitExceeded);
  });

  it('answers a repeated submission with the entry another process appended since', async () => {
    const first = new Commands(openStore(), { now: () => NOW });
    const second = new Commands(openStore(), { now: () => NOW });
    await setUp(first);
    await first.submitEntry(entryInput('mine'), asSchool);
    const theirs = await second.submitEntry(entryInput('theirs'), asSchool);
    const repeated = await first.submitEntry(entryInput('theirs'), asSchool);
    expect(repeated).toEqual({ ...theirs, appended: 0 });
    expect(await refusal(first.submitEntry(entryInput('theirs', { title: '不同的作品' }), asSchool))).toBeInstanceOf(
      Conflict,
    );
  });

  it('finds a school that another process registered after this one found it missing', async () => {
    const first = new Commands(openStore(), { now: () => NOW });
    const second = new Commands(openStore(), { now: () => NOW });
    await first.createCampaign(campaignInput(), asOrganizer);
    await first.openCampaign({ id: CAMPAIGN }, asOrganizer);
    await refusal(first.submitEntry(entryInput('early'), asSchool));
    await second.registerSchool({ id: SCHOOL, name: '新华小学', kind: 'PRIMARY', town: '城关镇' }, asOrganizer);
    expect((await first.submitEntry(entryInput('early'), asSchool)).appended).toBe(1);
  });
});

describe('CommandRunner.forget', () => {
  /**
   * The store as the privacy decorator serves it: names read as they are until a key is destroyed, then 已删除.
   * A revision changing only the title carries the participants of the state it was decided on.
   */
  function shreddable(store: EventStore) {
    let erased = false;
    const reading: EventStore = {
      ...countingConflicts(store).store,
      readStream: async (stream, options) =>
        (await store.readStream(stream, options)).map((event) =>
          erased && Array.isArray(event.data.participants)
            ? { ...event, data: { ...event.data, participants: [{ name: '已删除', role: 'STUDENT', erased: true }] } }
            : event,
        ),
    };
    return { store: reading, erase: () => (erased = true) };
  }

  it.each([
    ['keeps deciding on the names it had read', false, '张小明'],
    ['decides again on what the store reads now, once told to forget', true, '已删除'],
  ])('%s', async (_, forget, expected) => {
    const log = openStore();
    const { store, erase } = shreddable(log);
    const runner = new CommandRunner(store, { now: () => NOW });
    const commands = new Commands(store, { runner });
    await setUp(commands);
    const { entryId } = await commands.submitEntry(entryInput('sub-1'), asSchool);
    erase();
    if (forget) runner.forget([streams.campaign(CAMPAIGN)]);
    await commands.reviseEntry({ entryId, title: '新标题' }, asSchool);
    const [revised] = ofType(await log.readStream(streams.campaign(CAMPAIGN)), 'EntryRevised');
    const participants = (revised?.data.participants ?? []) as { name: string }[];
    expect(participants[0]?.name).toBe(expected);
  });
});
