import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type EventStore, type JsonObject, SqliteEventStore } from '@qingmiao/event-store';
import { ERASED } from '@qingmiao/schema';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { KeyRing } from '../src/key-ring.ts';
import { OpeningThread } from '../src/opening-thread.ts';
import { entrySubject } from '../src/personal-data.ts';
import { ProtectedEventStore } from '../src/protected-event-store.ts';
import { type PersonalDataProtection, protectPersonalData } from '../src/protection.ts';
import { deriveKeys, encrypt } from '../src/sealing.ts';
import { SqliteKeyStore } from '../src/sqlite-key-store.ts';

const STREAM = 'campaign-essay-2022';
const ENTRY = 'essay-2022:7a1c3f0e-0000-4000-8000-000000000001';
const META = { schemaVersion: 2 };
const NAME = `测试${randomUUID().slice(0, 8)}`;

const submitted = (participants: JsonObject[], extra: JsonObject = {}) => ({
  id: randomUUID(),
  type: 'EntrySubmitted',
  data: {
    campaignId: 'essay-2022',
    entryId: ENTRY,
    submissionId: 'sub-1',
    schoolId: 'xinhua-primary',
    title: '我的家乡',
    participants,
    advisor: '李老师',
    performance: null,
    body: `${NAME}写的作文`,
    attachments: [{ id: 'f1', name: `${NAME}.pdf`, mediaType: 'application/pdf', size: 10 }],
    ...extra,
  },
  metadata: META,
});

let dir: string;
let inner: EventStore;
let protection: PersonalDataProtection;
const masterKey = randomBytes(32);

const open = (store = new SqliteEventStore({ path: join(dir, 'events.db'), pollIntervalMs: 10 })) => {
  inner = store;
  protection = protectPersonalData(inner, new SqliteKeyStore(join(dir, 'keys.db')), masterKey);
  return protection.store;
};

const participantsOf = (event: { data: JsonObject } | undefined) => (event?.data.participants ?? []) as JsonObject[];

/** Every byte the log's files hold, as text (the name is UTF-8 in clear if anywhere). */
const logBytes = () =>
  readdirSync(dir)
    .filter((file) => file.startsWith('events.db'))
    .map((file) => readFileSync(join(dir, file)).toString('utf8'))
    .join('');

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'qingmiao-privacy-'));
});
afterEach(async () => {
  await protection.store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('a protected event store', () => {
  it('keeps names, advisor, text and file names out of the log and reads them back', async () => {
    const store = open();
    await store.append(
      STREAM,
      [
        submitted([
          { name: NAME, role: 'STUDENT', grade: '五年级', key: '2022001' },
          { name: NAME, role: 'STUDENT' },
        ]),
      ],
      { expectedRevision: 'any' },
    );
    expect(logBytes()).not.toContain(NAME);
    expect(logBytes()).not.toContain('李老师');
    expect(logBytes()).not.toContain('2022001');

    const [event] = await store.readStream(STREAM);
    const data = event?.data as JsonObject;
    expect(data.participants).toEqual([
      {
        name: NAME,
        role: 'STUDENT',
        grade: '五年级',
        key: '2022001',
        participantId: protection.participantId('xinhua-primary', '2022001'),
      },
      { name: NAME, role: 'STUDENT', participantId: expect.stringMatching(/^p_/) },
    ]);
    expect(data.advisor).toBe('李老师');
    expect(data.body).toBe(`${NAME}写的作文`);
    expect(data.attachments).toEqual([{ id: 'f1', name: `${NAME}.pdf`, mediaType: 'application/pdf', size: 10 }]);
    const subjects = (data.personalDataKeys as { subject: string }[]).map((key) => key.subject).sort();
    expect(subjects).toEqual([entrySubject(ENTRY), protection.participantId('xinhua-primary', '2022001')].sort());
  });

  it("reads 已删除 once a subject's keys are destroyed, everything else unchanged", async () => {
    const store = open();
    await store.append(
      STREAM,
      [
        submitted([
          { name: NAME, role: 'STUDENT', key: '2022001' },
          { name: '王芳', role: 'TEACHER' },
        ]),
      ],
      { expectedRevision: 'any' },
    );
    const [before] = await store.readAll();
    const keys = (before?.data.personalDataKeys ?? []) as { subject: string; kid: string }[];
    const child = protection.participantId('xinhua-primary', '2022001');
    await protection.keys.destroy(keys.filter((key) => key.subject === child).map((key) => key.kid));

    const [after] = await store.readAll();
    const participants = after?.data.participants as JsonObject[];
    expect(participants[0]).toEqual({ name: ERASED, role: 'STUDENT', participantId: child, erased: true });
    expect(participants[1]).toMatchObject({ name: '王芳', role: 'TEACHER' });
    expect(after?.data.title).toBe('我的家乡');
    expect(after?.data.body).toBe(`${NAME}写的作文`);

    // The entry's own subject: advisor, text, file names and keyless participants.
    await protection.keys.destroy(keys.filter((key) => key.subject === entrySubject(ENTRY)).map((key) => key.kid));
    const [gone] = await store.readStream(STREAM);
    expect(gone?.data).toMatchObject({ advisor: ERASED, attachments: [{ id: 'f1', name: ERASED }] });
    expect(gone?.data.body).toBeUndefined();
    expect(participantsOf(gone)[1]).toMatchObject({ name: ERASED, erased: true });
  });

  it('keeps destroyed keys destroyed across a restart, and their bytes out of the key store file', async () => {
    const store = open();
    await store.append(STREAM, [submitted([{ name: NAME, role: 'STUDENT', key: '2022001' }])], {
      expectedRevision: 'any',
    });
    const [event] = await store.readAll();
    const kids = ((event?.data.personalDataKeys ?? []) as { kid: string }[]).map((key) => key.kid);
    const keys = [...(await protection.keys.find(kids)).values()].map((key) => Buffer.from(key));
    expect(keys).toHaveLength(kids.length);
    await protection.keys.destroy(kids);
    expect((await protection.keys.find(kids)).size).toBe(0);
    await store.close();
    const keyFiles = readdirSync(dir).filter((file) => file.startsWith('keys.db'));
    // The file only ever holds keys wrapped; that the old wrapped set is gone too is key-ring.int.test.ts's.
    for (const file of keyFiles) {
      for (const key of keys) expect(readFileSync(join(dir, file)).includes(key)).toBe(false);
    }
    const reopened = open();
    const [read] = await reopened.readAll();
    expect(participantsOf(read)[0]?.name).toBe(ERASED);
  });

  it('seals one value per data subject of an event: a keyed participant its own, the entry everything else', async () => {
    const store = open();
    await store.append(
      STREAM,
      [
        submitted([
          { name: NAME, role: 'STUDENT', key: '2022001' },
          { name: '王芳', role: 'TEACHER' },
        ]),
      ],
      { expectedRevision: 'any' },
    );
    const [raw] = await inner.readAll();
    const values = JSON.stringify(raw?.data).match(/"q[12]\.[^"]+"/g) ?? [];
    expect(values.map((value) => value.slice(1, 3)).sort()).toEqual(['q1', 'q2']);
    expect(raw?.data).toMatchObject({ advisor: { $sealed: 'q2' }, body: { $sealed: 'q2' } });
  });

  it('reads events whose fields were sealed one by one (written before sealing per event)', async () => {
    const store = open();
    const [childKey, entryKey] = await protection.keys.fresh(2);
    if (!childKey || !entryKey) throw new Error('no keys');
    const seal = ({ kid, key }: { kid: string; key: Buffer }, field: string, value: unknown) => ({
      $sealed: `q1.${kid}.${encrypt(key, Buffer.from(JSON.stringify(value)), `${kid}/${field}`).toString('base64url')}`,
    });
    const child = protection.participantId('xinhua-primary', '2022001');
    const event = submitted([]);
    await inner.append(
      STREAM,
      [
        {
          ...event,
          data: {
            ...event.data,
            participants: [
              {
                role: 'STUDENT',
                participantId: child,
                ...seal(childKey, 'participant', { name: NAME, key: '2022001' }),
              },
              { role: 'TEACHER', participantId: 'p_teacher', ...seal(entryKey, 'participant', { name: '王芳' }) },
            ],
            advisor: seal(entryKey, 'advisor', '李老师'),
            body: seal(entryKey, 'body', '作文'),
            attachments: [
              { id: 'f1', name: seal(entryKey, 'attachment', 'a.pdf'), mediaType: 'application/pdf', size: 1 },
            ],
          },
        },
      ],
      { expectedRevision: 'any' },
    );
    const [read] = await store.readAll();
    expect(read?.data).toMatchObject({
      participants: [
        { role: 'STUDENT', participantId: child, name: NAME, key: '2022001' },
        { role: 'TEACHER', participantId: 'p_teacher', name: '王芳' },
      ],
      advisor: '李老师',
      body: '作文',
      attachments: [{ id: 'f1', name: 'a.pdf' }],
    });
    expect(new Set(read?.data.personalDataKeys as JsonObject[])).toEqual(
      new Set([
        { subject: child, kid: childKey.kid },
        { subject: entrySubject(ENTRY), kid: entryKey.kid },
      ]),
    );
    await protection.keys.destroy([entryKey.kid]);
    const [erased] = await store.readAll();
    expect(erased?.data).toMatchObject({
      participants: [{ name: NAME }, { name: ERASED, erased: true }],
      advisor: ERASED,
      attachments: [{ name: ERASED }],
    });
    expect(erased?.data.body).toBeUndefined();
  });

  it('gives events written in clear before sealing existed the same participant ids', async () => {
    const plain = new SqliteEventStore({ path: join(dir, 'events.db') });
    await plain.append(STREAM, [submitted([{ name: NAME, role: 'STUDENT', key: '2022001' }])], {
      expectedRevision: 'any',
    });
    // A revision of that time did not name the school.
    await plain.append(
      STREAM,
      [
        {
          id: randomUUID(),
          type: 'EntryRevised',
          data: {
            campaignId: 'essay-2022',
            entryId: ENTRY,
            title: '新题',
            participants: [{ name: NAME, role: 'STUDENT', key: '2022001' }],
            advisor: null,
            performance: null,
          },
          metadata: { schemaVersion: 1 },
        },
      ],
      { expectedRevision: 'any' },
    );
    await plain.close();
    const store = open();
    const child = protection.participantId('xinhua-primary', '2022001');
    // From the start, and from the middle (the submission not seen first).
    for (const events of [await store.readAll(), await store.readStream(STREAM, { fromRevision: 1 })]) {
      const revision = events.find((event) => event.type === 'EntryRevised');
      expect(participantsOf(revision)[0]?.participantId).toBe(child);
    }
  });

  it('opens events delivered by a subscription', async () => {
    const store = open();
    const subscription = store.subscribeAll();
    await store.append(STREAM, [submitted([{ name: NAME, role: 'STUDENT' }])], { expectedRevision: 'any' });
    for await (const message of subscription) {
      if (message.kind !== 'events') continue;
      expect(participantsOf(message.events[0])[0]?.name).toBe(NAME);
      break;
    }
    await subscription.close();
  });

  it("opens a catch-up's pages in the opening thread as the reads in place do, destroyed keys as 已删除", async () => {
    const store = open();
    // Two sealed values each: enough for the subscription to hand them to the opening thread.
    const entries = Array.from({ length: 150 }, (_, n) =>
      submitted([{ name: `${NAME}${n}`, role: 'STUDENT', key: `2022${n}` }], { entryId: `${ENTRY}-${n}` }),
    );
    await store.append(STREAM, entries, { expectedRevision: 'any' });
    const child = protection.participantId('xinhua-primary', '20227');
    const keys = (await store.readAll({ limit: 200 }))[7]?.data.personalDataKeys as { subject: string; kid: string }[];
    await protection.keys.destroy(keys.filter((key) => key.subject === child).map((key) => key.kid));

    const thread = new OpeningThread();
    const opening = vi.spyOn(thread, 'open');
    const { wrapping, pseudonym } = deriveKeys(masterKey);
    const reader = new ProtectedEventStore(
      new SqliteEventStore({ path: join(dir, 'events.db') }),
      new KeyRing(new SqliteKeyStore(join(dir, 'keys.db')), wrapping),
      pseudonym,
      { opening: thread },
    );
    const subscription = reader.subscribeAll();
    const delivered = [];
    for await (const message of subscription) {
      if (message.kind === 'caughtUp') break;
      delivered.push(...message.events);
    }
    await subscription.close();
    const inPlace = await reader.readAll({ limit: 200 });
    await reader.close();
    await thread.close();

    expect(opening).toHaveBeenCalled();
    expect(delivered).toEqual(inPlace);
    expect(participantsOf(delivered[7])[0]).toEqual({
      name: ERASED,
      role: 'STUDENT',
      participantId: child,
      erased: true,
    });
    expect(participantsOf(delivered[8])[0]).toMatchObject({ name: `${NAME}8`, key: '20228' });
    expect(delivered[8]?.data).toMatchObject({ advisor: '李老师', body: `${NAME}写的作文` });
  });
});
