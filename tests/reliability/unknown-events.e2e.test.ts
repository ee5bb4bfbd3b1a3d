import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { type EventToAppend, SqliteEventStore } from '@qingmiao/event-store';
import { graphql } from '@qingmiao/schema/graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf, dataOf, postGraphQL } from '../support/graphql-http.ts';
import {
  killAll,
  makeDataDir,
  removeDataDir,
  type ServerProcess,
  sleep,
  startServerProcess,
} from '../support/server-process.ts';
import { entryInput, Organizer, SUBMIT } from './client.ts';
import { checkLog } from './log-file.ts';
import { RELIABILITY_ENV } from './settings.ts';

/**
 * Item 7 of issue 7, its second half: events of types this version does not know (written by a newer version, here
 * by another process on the same file) are skipped by the projections with a warning and counted in
 * `qingmiao_unknown_events_total{type}`; the server keeps projecting and deciding on later events.
 */
const dataDir = makeDataDir('qingmiao-unknown-');

const SCHOOLS = graphql('query Schools { schools { id } }');
let server: ServerProcess;
let organizer: Organizer;

beforeAll(async () => {
  server = await startServerProcess({ dataDir, env: RELIABILITY_ENV });
  organizer = new Organizer(server.url, await server.token('organizer', { sub: 'office' }));
}, 90_000);

afterAll(async () => {
  await killAll();
  removeDataDir(dataDir);
});

/** What a newer version might write: a type this one has never heard of. */
function futureEvent(type: string, metadata: Record<string, string | number> = {}): EventToAppend {
  return {
    id: randomUUID(),
    type,
    data: { thing: '未来的事', level: 3, nested: { list: [1, 2, 3] } },
    metadata: {
      actor: 'newer-version',
      role: 'organizer',
      correlationId: randomUUID(),
      recordedAt: new Date().toISOString(),
      schemaVersion: 1,
      ...metadata,
    },
  };
}

/** Appends as another process would: through its own connection to the same file. */
async function appendFromOutside(stream: string, events: EventToAppend[]): Promise<void> {
  const store = new SqliteEventStore({ path: join(dataDir, 'events.db') });
  try {
    await store.append(stream, events, { expectedRevision: 'any' });
  } finally {
    await store.close();
  }
}

async function unknownCount(type: string): Promise<number> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`qingmiao_unknown_events_total{type="${type}"}`));
  return line ? Number(line.split(' ').at(-1)) : 0;
}

async function until(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms`);
    await sleep(50);
  }
}

describe('events of unknown types', () => {
  it('are skipped with a warning and a metric while later events are projected', async () => {
    const before = await organizer.registerSchool({ name: '沙溪镇第一小学' });
    await appendFromOutside('future-thing-1', [futureEvent('FutureThingHappened')]);
    // A change after it is projected (the mutation waits until its own event is visible, which is past the
    // unknown one), and the read models keep answering.
    const after = await organizer.registerSchool({ name: '浏河镇第二小学' });
    await until(async () => (await unknownCount('FutureThingHappened')) === 1);
    const { schools } = dataOf(await postGraphQL(server.url, organizer.token, SCHOOLS));
    expect(schools.map((school) => school.id)).toEqual(expect.arrayContaining([before, after]));

    // The log is written asynchronously: the line may reach the pipe after the metric moved.
    await until(async () => server.logs.some((line) => line.msg === 'skipped an event of unknown type'));
    const warning = server.logs.find((line) => line.msg === 'skipped an event of unknown type');
    expect(warning).toMatchObject({ type: 'FutureThingHappened', level: 40 });
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
  });

  it('are skipped also when their metadata is of a newer kind (a role this version does not know)', async () => {
    await appendFromOutside('future-thing-2', [
      futureEvent('AuditNoteAdded', { role: 'auditor', schemaVersion: 7 }),
      futureEvent('AuditNoteAdded', { role: 'auditor', schemaVersion: 7, extra: 'x' }),
    ]);
    const school = await organizer.registerSchool({ name: '璜泾镇中心小学' });
    await until(async () => (await unknownCount('AuditNoteAdded')) === 2);
    expect(dataOf(await postGraphQL(server.url, organizer.token, SCHOOLS)).schools).toEqual(
      expect.arrayContaining([{ id: school }]),
    );
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
  });

  it('inside a campaign stream do not stop its commands, and a rebuild skips them again', async () => {
    const schoolId = await organizer.registerSchool();
    const campaignId = await organizer.createCampaign({ kind: 'ESSAY', maxEntriesPerSchool: 2 });
    const token = await server.token('school', { schoolId });
    const first = await postGraphQL(server.url, token, SUBMIT, {
      i: entryInput(campaignId, schoolId, randomUUID()),
    });
    expect(codeOf(first)).toBe('OK');
    await appendFromOutside(`campaign-${campaignId}`, [futureEvent('EntryCheered')]);

    // The deciders skip it too: the campaign still takes entries, and still counts them against the limit.
    const second = await postGraphQL(server.url, token, SUBMIT, { i: entryInput(campaignId, schoolId, randomUUID()) });
    expect(codeOf(second)).toBe('OK');
    const third = await postGraphQL(server.url, token, SUBMIT, { i: entryInput(campaignId, schoolId, randomUUID()) });
    expect(codeOf(third)).toBe('LIMIT_EXCEEDED');
    await until(async () => (await unknownCount('EntryCheered')) === 1);

    // A rebuild replays the whole log, unknown events included, and skips (and counts) them again.
    const rebuilt = await postGraphQL(server.url, organizer.token, 'mutation { rebuildReadModels { generation } }');
    expect(codeOf(rebuilt)).toBe('OK');
    expect(await unknownCount('FutureThingHappened')).toBe(2);
    expect(await unknownCount('AuditNoteAdded')).toBe(4);
    expect(await unknownCount('EntryCheered')).toBe(2);
    const { campaign } = dataOf(
      await postGraphQL(
        server.url,
        organizer.token,
        graphql('query EntryCount($id: ID!) { campaign(id: $id) { entryCount } }'),
        { id: campaignId },
      ),
    );
    expect(campaign?.entryCount).toBe(2);

    // The log holds them as written, and nothing else is amiss.
    const log = await checkLog(join(dataDir, 'events.db'), { allowUnknownTypes: true });
    expect(log.problems).toEqual([]);
  });

  it('do not keep a restarted server from starting and catching up', async () => {
    await server.stop();
    await appendFromOutside('future-thing-3', [futureEvent('FutureThingHappened')]);
    server = await startServerProcess({ dataDir, env: RELIABILITY_ENV });
    organizer = new Organizer(server.url, organizer.token);
    // Caught up (readyz) past the unknown event written while it was down, counted once by this process.
    expect(await unknownCount('FutureThingHappened')).toBe(1);
    await organizer.registerSchool();
  }, 90_000);
});
