import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { KurrentDbEventStore } from '@qingmiao/event-store';
import { KurrentDbKeyStore, parseMasterKey, protectPersonalData } from '@qingmiao/privacy';
import { ERASED, streams } from '@qingmiao/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KurrentDbTestDouble } from '../kurrentdb-double/kurrentdb-test-double.ts';
import { dataOf } from '../support/graphql-http.ts';
import { startTestServer, type TestServer } from '../support/in-process-server.ts';
import { campaignOf, entryInput, Organizer, participationOf, rowOf, submit, uid } from './qingmiao-client.ts';

/**
 * Privacy of minors on KurrentDB (the test double, over gRPC): names reach the node only as ciphertext, the data
 * keys live on the node beside the log (one stream each), so every instance reads them, and once they are destroyed
 * (hard-deleted) every instance reads the child as erased while the counts stay.
 */
let double: KurrentDbTestDouble;
const servers: TestServer[] = [];
const QINGMIAO_MASTER_KEY = randomBytes(32).toString('base64');

const start = async () => {
  const server = await startTestServer({ QINGMIAO_EVENT_STORE: double.url, QINGMIAO_MASTER_KEY });
  servers.push(server);
  return server;
};

beforeAll(async () => {
  double = await KurrentDbTestDouble.start({ positionOffset: 2n ** 53n });
});

afterAll(async () => {
  await Promise.all(servers.map((server) => server.stop()));
  await double?.stop();
});

const holds = (text: string) => double.storageFiles().some((file) => readFileSync(file).includes(Buffer.from(text)));

describe('personal data on KurrentDB', () => {
  it('is sealed on the node, read by every instance, and erased for all once its keys are hard-deleted', async () => {
    const first = await start();
    const office = new Organizer(first, await first.token('organizer', { sub: 'guangongwei-office' }));
    const school = await office.schoolWithToken();
    await office.recordEnrollment(school.id, 2022, 480);
    const campaignId = await office.openedCampaign();
    const [name, advisor, key, title] = [`林${uid('童')}`, `周${uid('师')}`, uid('2022'), `我的家乡${uid('题')}`];
    const input = entryInput(campaignId, school.id, {
      title,
      advisor,
      participants: [{ name, role: 'STUDENT', grade: '五年级', key }],
    });
    const entry = dataOf(await submit(first, school.token, input)).submitEntry;

    // The node's files hold the entry (its title is not personal) but none of the child's data.
    expect(holds(title)).toBe(true);
    for (const secret of [name, advisor, key]) expect(holds(secret), secret).toBe(false);
    // The keys are on the node, not in an instance's data directory.
    expect(readdirSync(first.dataDir)).not.toContain('keys.db');

    // Another instance (its own data directory, its read models built from the node) reads the child.
    const second = await start();
    const read = async (server: TestServer) => (await campaignOf(server, office.token, campaignId)).entries[0];
    // (The office never sees a child's key: only the own school does.)
    expect((await read(second))?.participants).toEqual([{ name, role: 'STUDENT', grade: '五年级', key: null }]);
    const figures = rowOf(await participationOf(second, office.token, 2022, campaignId), school.id);
    expect(figures).toMatchObject({ entries: 1, students: 1 });

    // Destroy the entry's keys, as erasure does: through a key ring on the node's key store.
    const protection = protectPersonalData(
      new KurrentDbEventStore({ connectionString: double.url }),
      new KurrentDbKeyStore(double.url),
      parseMasterKey(QINGMIAO_MASTER_KEY),
    );
    try {
      const events = await protection.store.readStream(streams.campaign(campaignId));
      const submitted = events.find((event) => event.type === 'EntrySubmitted' && event.data.entryId === entry.id);
      const keys = submitted?.data.personalDataKeys;
      if (!Array.isArray(keys) || keys.length === 0) throw new Error('the submission names no data keys');
      await protection.keys.destroy(keys.map((sealedWith) => String((sealedWith as { kid: string }).kid)));
    } finally {
      await protection.store.close();
    }

    // An instance started now reads the child as erased; the entry and the figures stay.
    const third = await start();
    const erased = await read(third);
    expect(erased).toMatchObject({ id: entry.id, title, advisor: ERASED });
    expect(erased?.participants).toEqual([expect.objectContaining({ name: ERASED, role: 'STUDENT' })]);
    expect(JSON.stringify(erased)).not.toContain(name);
    expect(rowOf(await participationOf(third, office.token, 2022, campaignId), school.id)).toEqual(figures);
  });
});
