import { randomUUID } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { graphql } from '@qingmiao/schema/graphql';
import { afterAll, describe, expect, it } from 'vitest';
import { codeOf, dataOf, type GraphQLResult, postGraphQL } from '../support/graphql-http.ts';
import { killAll, makeDataDir, removeDataDir, sleep, startServerProcess } from '../support/server-process.ts';
import { slowUpload } from '../support/slow-upload.ts';
import { entryInput, isTransient, Organizer, PARTICIPATION, SUBMIT, type SubmittedEntry } from './client.ts';
import { followSubscription } from './load.ts';
import { checkLog } from './log-file.ts';
import { RELIABILITY_ENV } from './settings.ts';

/**
 * Item 4 of issue 19: SIGTERM while clients submit entries and read figures as fast as they are answered, an upload
 * is still arriving and a dashboard is subscribed. The drain: /readyz answers 503, new requests 503 SHUTTING_DOWN
 * (never another 5xx), the requests in flight finish (the upload too), the subscription ends with `complete`, the
 * process exits 0; after a restart every acknowledged submission is there, exactly once.
 */
const CLIENTS = 16;
const READERS = 4;
/** Pieces of 100 ms: the upload is still arriving for this long after SIGTERM, and the drain waits for it. */
const UPLOAD_PIECES = 25;

const ENTRY_IDS = graphql(`query EntryIds($id: ID!) { campaign(id: $id) { entries { id } } }`);

const dataDir = makeDataDir('qingmiao-shutdown-');

afterAll(async () => {
  await killAll();
  removeDataDir(dataDir);
});

/** What a client saw of one request during the stop. */
type Outcome = 'ok' | 'shutting down' | 'gone';

describe('graceful shutdown under load', () => {
  it('drains: readyz 503, only 503 refusals, in-flight requests finish, SSE completes, exit 0, nothing acknowledged lost', async () => {
    const env = { ...RELIABILITY_ENV, QINGMIAO_LOG_LEVEL: 'info', QINGMIAO_SHUTDOWN_TIMEOUT_MS: '15000' };
    const running = await startServerProcess({ dataDir, env });
    const organizerToken = await running.token('organizer', { sub: 'shutdown-office' });
    const organizer = new Organizer(running.url, organizerToken);
    const schools = await Promise.all(
      Array.from({ length: CLIENTS }, async (_, i) => {
        const id = await organizer.registerSchool({ town: ['城厢镇', '沙溪镇'][i % 2] });
        return { id, token: await running.token('school', { sub: `contact-${id}`, schoolId: id }) };
      }),
    );
    const campaignId = await organizer.createCampaign({ kind: 'ESSAY', title: '书香校园征文' });

    const acknowledged = new Map<string, SubmittedEntry>();
    const unexpected: string[] = [];
    let refusals = 0;
    let stopping = false;
    let exited = false;

    /** Classifies an answer: 200, or 503 SHUTTING_DOWN once the stop has begun; anything else is a failure. */
    function outcomeOf(result: GraphQLResult<unknown>, what: string): Outcome {
      if (result.status === 200) return 'ok';
      if (result.status === 503 && stopping && codeOf(result) === 'SHUTTING_DOWN') {
        refusals++;
        return 'shutting down';
      }
      unexpected.push(`${what}: HTTP ${result.status} ${JSON.stringify(result.errors)}`);
      return 'gone';
    }

    async function submitter(school: { id: string; token: string }): Promise<void> {
      while (!exited) {
        const input = entryInput(campaignId, school.id, `${school.id}-${randomUUID()}`);
        let result: GraphQLResult<{ submitEntry: SubmittedEntry }>;
        try {
          result = await postGraphQL(running.url, school.token, SUBMIT, { i: input }, { timeoutMs: 30_000 });
        } catch (error) {
          // The port closed (or the connection with it): only once the stop has begun.
          if (!isTransient(error) || !stopping) throw error;
          return;
        }
        if (outcomeOf(result, 'submitEntry') !== 'ok') continue;
        expect(codeOf(result), JSON.stringify(result.errors)).toBe('OK');
        const entry = dataOf(result).submitEntry;
        acknowledged.set(entry.id, entry);
      }
    }

    async function reader(): Promise<void> {
      while (!exited) {
        try {
          const result = await postGraphQL(running.url, organizerToken, PARTICIPATION, {
            year: 2022,
            groupBy: 'TOWN',
            campaignId,
          });
          if (outcomeOf(result, 'participation') === 'ok') expect(result.errors).toBeUndefined();
        } catch (error) {
          if (!isTransient(error) || !stopping) throw error;
          return;
        }
      }
    }

    const readiness: Array<{ status: number; reason?: string }> = [];
    async function probe(): Promise<void> {
      while (!exited) {
        try {
          const response = await fetch(`${running.url}/readyz`, { signal: AbortSignal.timeout(2_000) });
          readiness.push({ status: response.status, ...((await response.json()) as { reason?: string }) });
        } catch (error) {
          if (!isTransient(error) || !stopping) throw error;
          return;
        }
        await sleep(20);
      }
    }

    const watcher = new AbortController();
    let subscribed: () => void = () => {};
    const connected = new Promise<void>((resolve) => {
      subscribed = resolve;
    });
    let notices = 0;
    const subscription = followSubscription(running.url, organizerToken, watcher.signal, () => notices++, subscribed);
    await connected;

    const load = [...schools.map(submitter), ...Array.from({ length: READERS }, reader)];
    await expect.poll(() => acknowledged.size, { timeout: 30_000 }).toBeGreaterThan(CLIENTS);
    // The dashboard has heard of the submissions (notices are throttled: on an idle machine the load may be done first).
    await expect.poll(() => notices, { timeout: 30_000 }).toBeGreaterThan(0);
    const upload = slowUpload(running.url, schools[0]?.token ?? '', UPLOAD_PIECES);
    const probing = probe();
    // In flight once the server is writing it to its staging folder (before, SIGTERM would refuse it).
    await expect.poll(() => readdirSync(join(dataDir, 'files', '.staging')).length, { timeout: 10_000 }).toBe(1);

    stopping = true;
    const beforeStop = acknowledged.size;
    const exitCode = await running.stop();
    exited = true;
    await Promise.all([...load, probing]);

    expect(exitCode).toBe(0);
    expect(unexpected).toEqual([]);
    // The upload was still arriving at SIGTERM: the drain waited for it.
    expect(await upload).toBe(200);
    expect(await subscription).toBe('complete');
    expect(notices).toBeGreaterThan(0);
    expect(refusals).toBeGreaterThan(0);
    expect(readiness.some(({ status, reason }) => status === 503 && reason === 'shutting down')).toBe(true);
    expect(readiness.every(({ status }) => status === 200 || status === 503)).toBe(true);
    expect(acknowledged.size).toBeGreaterThanOrEqual(beforeStop);
    const stopped = running.logs.find((line) => line.msg === 'stopped');
    expect(stopped, JSON.stringify(running.logs.slice(-5))).toBeDefined();

    // Every acknowledged submission is in the log exactly once, and served again after a restart.
    const log = await checkLog(join(dataDir, 'events.db'));
    expect(log.problems).toEqual([]);
    for (const entryId of acknowledged.keys()) expect(log.submitted.get(entryId), entryId).toBe(1);
    const again = await startServerProcess({ dataDir, env: RELIABILITY_ENV });
    try {
      const { campaign } = dataOf(
        await postGraphQL(again.url, await again.token('organizer'), ENTRY_IDS, { id: campaignId }),
      );
      const served = new Set(campaign?.entries.map(({ id }) => id));
      expect([...acknowledged.keys()].filter((id) => !served.has(id))).toEqual([]);
    } finally {
      expect(await again.stop()).toBe(0);
    }
  }, 180_000);

  it('cuts off what still runs at QINGMIAO_SHUTDOWN_TIMEOUT_MS, says so, and still exits 0', async () => {
    const env = { ...RELIABILITY_ENV, QINGMIAO_LOG_LEVEL: 'info', QINGMIAO_SHUTDOWN_TIMEOUT_MS: '1000' };
    const running = await startServerProcess({ dataDir: makeDataDir('qingmiao-shutdown-bound-'), env });
    try {
      // 6 s of upload: it would finish with 200 if the stop waited for it.
      const upload = slowUpload(running.url, await running.token('school', { schoolId: 'bound-school' }), 60);
      const staging = join(running.dataDir, 'files', '.staging');
      await expect.poll(() => readdirSync(staging).length, { timeout: 10_000 }).toBe(1);
      expect(await running.stop()).toBe(0);
      expect(await upload).toBe('closed');
      const stopped = running.logs.find((line) => String(line.msg).startsWith('stopped'));
      expect(stopped).toMatchObject({ cutOff: 1 });
    } finally {
      removeDataDir(running.dataDir);
    }
  }, 60_000);
});
