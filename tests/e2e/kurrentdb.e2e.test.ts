import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KurrentDbTestDouble } from '../kurrentdb-double/kurrentdb-test-double.ts';
import { codeOf, dataOf } from '../support/graphql-http.ts';
import { startTestServer, type TestServer } from '../support/in-process-server.ts';
import {
  campaignOf as campaignOfAs,
  entryInput,
  historyOf,
  Organizer,
  participationOf,
  rowOf,
  submit,
} from './qingmiao-client.ts';

/**
 * The campaign flow over HTTP with QINGMIAO_EVENT_STORE naming a KurrentDB node: the KurrentDB test double, spoken
 * to over gRPC by the product's adapter. Positions start past 2^53, as on a long-lived cluster.
 */
let double: KurrentDbTestDouble;
let first: TestServer;
let second: TestServer;
let organizer: string;

beforeAll(async () => {
  double = await KurrentDbTestDouble.start({ positionOffset: 2n ** 53n });
  // Instances of one log share its key store (the node) and so must share the master key that wraps the keys.
  const QINGMIAO_MASTER_KEY = randomBytes(32).toString('base64');
  [first, second] = await Promise.all([
    startTestServer({ QINGMIAO_EVENT_STORE: double.url, QINGMIAO_MASTER_KEY }),
    startTestServer({ QINGMIAO_EVENT_STORE: double.url.replace('esdb://', 'kurrentdb://'), QINGMIAO_MASTER_KEY }),
  ]);
  organizer = await first.token('organizer', { sub: 'guangongwei-office' });
});

afterAll(async () => {
  await Promise.all([first?.stop(), second?.stop()]);
  await double?.stop();
});

async function school(server: TestServer) {
  const office = new Organizer(server, organizer);
  const { id } = await office.registerSchool();
  await office.recordEnrollment(id, 2022, 480);
  return { id, token: await server.token('school', { sub: `contact-${id}`, schoolId: id }) };
}

const openedCampaign = (server: TestServer, maxEntriesPerSchool = 3) =>
  new Organizer(server, organizer).openedCampaign({ maxEntriesPerSchool });

const campaignOf = (server: TestServer, id: string) => campaignOfAs(server, organizer, id);

const participation = (server: TestServer, campaignId?: string) => participationOf(server, organizer, 2022, campaignId);

/** Events the double holds for the product (its own system events aside). */
async function storedEvents(): Promise<number> {
  return (await double.userEvents()).length;
}

describe('the campaign flow on KurrentDB (through the test double)', () => {
  it('accepts a submission, visible to the very next query, with its history', async () => {
    const { id: schoolId, token } = await school(first);
    const campaignId = await openedCampaign(first);
    const input = entryInput(campaignId, schoolId, {
      title: '我心中的勋章',
      advisor: '周老师',
      participants: [
        { name: '王小明', role: 'STUDENT', grade: '五年级', key: 'S001' },
        { name: '陈老师', role: 'RETIRED_TEACHER' },
      ],
    });
    const entry = dataOf(await submit(first, token, input)).submitEntry;
    expect(entry).toMatchObject({
      submissionId: input.submissionId,
      campaignId,
      schoolId,
      title: '我心中的勋章',
      status: 'LIVE',
    });

    const campaign = await campaignOf(first, campaignId);
    expect(campaign).toMatchObject({ status: 'OPEN', entryCount: 1, schoolCount: 1 });
    // The office reads the participants without the school's keys.
    const keyless = entry.participants?.map((participant) => ({ ...participant, key: null }));
    expect(campaign.entries).toEqual([{ ...entry, participants: keyless }]);
    expect(rowOf(await participation(first, campaignId), schoolId)).toMatchObject({
      schools: 1,
      entries: 1,
      students: 1,
      participants: 2,
      retiredTeachers: 1,
      enrolled: 480,
    });
    const history = await historyOf(first, organizer, entry.id);
    expect(history).toEqual([
      expect.objectContaining({ type: 'EntrySubmitted', actor: `contact-${schoolId}`, role: 'school' }),
    ]);
  });

  it('answers a retry with the same submissionId with the same entry and appends nothing', async () => {
    const { id: schoolId, token } = await school(first);
    const campaignId = await openedCampaign(first);
    const input = entryInput(campaignId, schoolId);
    const entry = dataOf(await submit(first, token, input)).submitEntry;
    const stored = await storedEvents();

    expect(dataOf(await submit(first, token, input)).submitEntry).toEqual(entry);
    // Retries racing each other, on both instances: the domain's state decides, not the server's id cache.
    const racing = await Promise.all([first, second, first, second].map((server) => submit(server, token, input)));
    for (const result of racing) expect(dataOf(result).submitEntry.id).toBe(entry.id);
    expect(await storedEvents()).toBe(stored);
    expect(codeOf(await submit(first, token, { ...input, title: '另一个题目' }))).toBe('CONFLICT');
    expect(await storedEvents()).toBe(stored);
    expect(await campaignOf(first, campaignId)).toMatchObject({ entryCount: 1, schoolCount: 1 });
  });

  it('accepts exactly maxEntriesPerSchool of 5 concurrent submissions from one school', async () => {
    const { id: schoolId, token } = await school(first);
    const campaignId = await openedCampaign(first, 3);
    const inputs = Array.from({ length: 5 }, (_, i) => entryInput(campaignId, schoolId, { title: `作品${i + 1}` }));
    const results = await Promise.all(inputs.map((input) => submit(first, token, input)));

    const codes = results.map(codeOf);
    expect(codes.filter((code) => code === 'OK')).toHaveLength(3);
    expect(codes.filter((code) => code === 'LIMIT_EXCEEDED')).toHaveLength(2);
    const accepted = results.flatMap((result) => (result.data?.submitEntry ? [result.data.submitEntry] : []));
    expect(new Set(accepted.map((entry) => entry.id)).size).toBe(3);
    const campaign = await campaignOf(first, campaignId);
    expect(campaign.entryCount).toBe(3);
    expect(campaign.entries.map((entry) => entry.id).sort()).toEqual(accepted.map((entry) => entry.id).sort());
    expect(rowOf(await participation(first, campaignId), schoolId).entries).toBe(3);
  });

  it('keeps two API instances on one store consistent, and their read models converge, also after a network failure', async () => {
    const schools = await Promise.all([school(first), school(second)]);
    const campaignId = await openedCampaign(second, 3);
    // Both instances take submissions for the same school and campaign at once: the limit holds across them.
    const [contested] = schools;
    if (!contested) throw new Error('no school');
    const attempts = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        submit(i % 2 ? second : first, contested.token, entryInput(campaignId, contested.id, { title: `作品${i}` })),
      ),
    );
    expect(attempts.map(codeOf).filter((code) => code === 'OK')).toHaveLength(3);
    /** Both instances' participation figures, once they agree, and the entries of one school there. */
    const agreement = async (schoolId: string) => {
      const [a, b] = await Promise.all([participation(first), participation(second)]);
      return { same: JSON.stringify(a) === JSON.stringify(b), entries: rowOf(a, schoolId).entries };
    };
    await expect.poll(() => agreement(contested.id), { timeout: 10_000 }).toEqual({ same: true, entries: 3 });

    // Every connection drops; both instances reconnect and their subscriptions resume following the log.
    const subscriptions = double.subscriptionsServed;
    double.dropConnections();
    const [, other] = schools;
    if (!other) throw new Error('no school');
    const late = entryInput(campaignId, other.id);
    // A submission caught by the failure is retried with the same submissionId, as a client would.
    await expect.poll(async () => codeOf(await submit(second, other.token, late)), { timeout: 10_000 }).toBe('OK');
    await expect.poll(() => agreement(other.id), { timeout: 10_000 }).toEqual({ same: true, entries: 1 });
    expect(double.subscriptionsServed).toBeGreaterThanOrEqual(subscriptions + 2);
    expect((await campaignOf(first, campaignId)).entryCount).toBe(4);
    expect((await campaignOf(second, campaignId)).entryCount).toBe(4);
  });
});
