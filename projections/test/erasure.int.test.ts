import type { RecordedEvent } from '@qingmiao/event-store';
import { type DomainEvent, ERASED, type EventMetadata, type EventOf, type Participant } from '@qingmiao/schema';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { createApplier, createTables } from '../src/apply.ts';
import { entryHistoryOf } from '../src/read-models/entry-history.ts';
import { projections, readModelQueries } from '../src/read-models/index.ts';
import { campaignCreated } from './samples.ts';

/**
 * Erasure and expiry in the read models. Entry events are given as the log reads them back (privacy's
 * ProtectedEventStore): each participant with its pseudonymous id, and the keys the personal fields were sealed
 * under. Once a key is destroyed, the same events read with 已删除 in place of what it sealed: the read models must
 * drop the data when the erasure is projected so that they equal a rebuild from the log read that way.
 */
const CAMPAIGN = 'medal-essay-2022';
const LATER = 'medal-essay-2023';
const SCHOOL = 'xinhua-primary';
const entryId = (n: number, campaignId = CAMPAIGN) =>
  `${campaignId}:00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const FILE = 'a'.repeat(64);

const CHILD = 'p_child';
const OTHER = 'p_other';
const child: Participant = { role: 'STUDENT', participantId: CHILD, name: '林小雨', grade: '五年级', key: 'S-1' };
const other: Participant = { role: 'STUDENT', participantId: OTHER, name: '陈一', grade: '四年级', key: 'S-2' };
const keyless: Participant = { role: 'RETIRED_TEACHER', participantId: 'p_keyless', name: '王老师' };

/** A participant as it reads once its key is gone. */
const erased = ({ role, participantId }: Participant): Participant => ({
  role,
  participantId,
  name: ERASED,
  erased: true,
});

interface Content {
  readonly participants: Participant[];
  readonly advisor: string | null;
  readonly body?: string;
  readonly attachmentName?: string;
}

/** The participants the school knows by a key: each is a data subject of its own. */
const KEYED = new Set([CHILD, OTHER]);

/** The keys of an entry event: one per keyed participant, one for the rest (the entry's subject). */
const keysOf = (n: number, revision: number, participants: readonly Participant[], campaignId: string) => [
  ...participants
    .filter((p) => KEYED.has(p.participantId ?? ''))
    .map((p) => ({ subject: p.participantId ?? '', kid: `k-${n}-${revision}-${p.participantId}` })),
  { subject: `entry:${entryId(n, campaignId)}`, kid: `k-${n}-${revision}-entry` },
];

const work = ({ participants, advisor, body, attachmentName }: Content) => ({
  participants,
  advisor,
  ...(body === undefined ? {} : { body }),
  ...(attachmentName === undefined
    ? {}
    : { attachments: [{ id: FILE, name: attachmentName, mediaType: 'application/pdf' as const, size: 10 }] }),
});

const submitted = (n: number, content: Content, campaignId = CAMPAIGN): EventOf<'EntrySubmitted'> => ({
  type: 'EntrySubmitted',
  data: {
    campaignId,
    entryId: entryId(n, campaignId),
    submissionId: `sub-${n}`,
    schoolId: SCHOOL,
    title: `作品 ${n}`,
    performance: null,
    ...work(content),
    personalDataKeys: keysOf(n, 0, content.participants, campaignId),
  },
});

const revised = (n: number, content: Content): EventOf<'EntryRevised'> => ({
  type: 'EntryRevised',
  data: {
    campaignId: CAMPAIGN,
    entryId: entryId(n),
    schoolId: SCHOOL,
    title: `作品 ${n}（修改）`,
    performance: null,
    ...work(content),
    personalDataKeys: keysOf(n, 1, content.participants, CAMPAIGN),
  },
});

const setUp: DomainEvent[] = [
  {
    type: 'SchoolRegistered',
    data: { schoolId: SCHOOL, name: '新华小学', kind: 'PRIMARY', town: '城关镇', private: false },
  },
  campaignCreated(CAMPAIGN),
  { ...campaignCreated(LATER), data: { ...campaignCreated(LATER).data, year: 2023 } },
];

const databases: Database.Database[] = [];
afterEach(() => {
  for (const db of databases.splice(0)) db.close();
});

function readModels(events: readonly DomainEvent[]) {
  const db = new Database(':memory:');
  databases.push(db);
  createTables(db, projections);
  const applier = createApplier(db, projections);
  const log: RecordedEvent[] = [];
  db.transaction(() => {
    events.forEach((event, index) => {
      const position = BigInt(index + 1);
      const metadata: EventMetadata = {
        actor: 'organizer-1',
        role: 'organizer',
        correlationId: `req-${position}`,
        recordedAt: new Date(Date.parse('2022-05-20T09:30:00Z') + index * 60_000).toISOString(),
        schemaVersion: 1,
      };
      applier.apply(event, metadata, position);
      log.push({
        id: `event-${position}`,
        stream: 'log',
        revision: index,
        position: { commit: position, prepare: position },
        type: event.type,
        data: event.data,
        metadata: { ...metadata },
        created: metadata.recordedAt,
      });
    });
  })();
  const read = readModelQueries(db);
  const end = { commit: BigInt(events.length), prepare: BigInt(events.length) };
  /** Every entry's history, read from the log (with the erasures the read models know of applied). */
  const histories = () =>
    Object.fromEntries(
      db
        .prepare<[], { id: string }>('SELECT id FROM entries ORDER BY id')
        .all()
        .map(({ id }) => {
          const source = read.entryHistorySource(id);
          return [id, source ? entryHistoryOf(log, id, source.erasures, end) : []];
        }),
    );
  return { db, read, histories };
}

/** Every row of every read-model table, in a stable order. */
function dump(db: Database.Database): Record<string, unknown[]> {
  const tables = db
    .prepare<[], { name: string }>("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
    .all();
  return Object.fromEntries(
    tables.map(({ name }) => [
      name,
      db
        .prepare(`SELECT * FROM "${name}"`)
        .all()
        .map((row) => JSON.stringify(row, (_, value) => (typeof value === 'bigint' ? String(value) : value)))
        .sort(),
    ]),
  );
}

/** The rows that hold text: where a name could be. */
const text = (db: Database.Database) => JSON.stringify(dump(db));

const FIRST: Content = {
  participants: [child, keyless],
  advisor: '周老师',
  body: '我叫林小雨，这是我的作文。',
  attachmentName: '林小雨的画.pdf',
};

describe('ParticipantErased', () => {
  // The child in two entries, one of which a revision took the child off, and another child beside it.
  const before = [
    ...setUp,
    submitted(1, FIRST),
    revised(1, { ...FIRST, participants: [other, keyless] }),
    submitted(2, { participants: [child, other], advisor: null }),
  ];
  const erasure: DomainEvent = {
    type: 'ParticipantErased',
    data: { schoolId: SCHOOL, participantId: CHILD, reason: '监护人申请' },
  };
  const afterShredding = [
    ...setUp,
    submitted(1, { ...FIRST, participants: [erased(child), keyless] }),
    revised(1, { ...FIRST, participants: [other, keyless] }),
    submitted(2, { participants: [erased(child), other], advisor: null }),
    erasure,
  ];

  it("drops the child's name, grade and key everywhere, and the tables equal a rebuild from the log", () => {
    const live = readModels([...before, erasure]);
    expect(text(live.db)).not.toContain('林小雨"');
    expect(text(live.db)).not.toContain('S-1');
    expect(live.read.entry(entryId(2))?.participants).toEqual([
      { name: ERASED, role: 'STUDENT', grade: null, key: null, guardianConsent: null },
      { name: '陈一', role: 'STUDENT', grade: '四年级', key: 'S-2', guardianConsent: null },
    ]);
    // The entry's own data is not the child's: it stays.
    expect(live.read.entryBody(entryId(1))).toBe(FIRST.body);
    expect(live.read.entry(entryId(1))?.advisor).toBe('周老师');
    const submission = live.histories()[entryId(1)]?.[0];
    expect(JSON.parse(submission?.data ?? '{}').participants[0]).toEqual(erased(child));
    expect(JSON.stringify(live.histories())).not.toContain('林小雨"');
    expect(dump(live.db)).toEqual(dump(readModels(afterShredding).db));
    expect(live.histories()).toEqual(readModels(afterShredding).histories());
  });

  it('keeps the participation figures: the child still counts, once', () => {
    const figures = (events: readonly DomainEvent[]) => readModels(events).read.participationTotals(2022);
    expect(figures([...before, erasure])).toEqual(figures(before));
    expect(figures(before).students).toBe(2);
  });

  it('indexes every key that sealed the child, and what the log says was shredded', () => {
    const { read } = readModels([...before, erasure]);
    expect(read.personalDataKeys({ participantId: CHILD })).toEqual({
      kids: [`k-1-0-${CHILD}`, `k-2-0-${CHILD}`],
      campaigns: [CAMPAIGN],
    });
    expect(read.erasurePosition({ participantId: CHILD })).toBe(BigInt(before.length + 1));
    expect(read.shreddedKeys().sort()).toEqual([`k-1-0-${CHILD}`, `k-2-0-${CHILD}`]);
  });

  it('keeps data given after the erasure: a new entry with the same child is new data', () => {
    const later = submitted(3, { participants: [child], advisor: null });
    const { read } = readModels([...before, erasure, later]);
    expect(read.entry(entryId(3))?.participants[0]?.name).toBe(child.name);
    expect(read.shreddedKeys()).not.toContain(`k-3-0-${CHILD}`);
  });
});

describe('EntryPersonalDataErased', () => {
  const before = [...setUp, submitted(1, FIRST), revised(1, { ...FIRST, body: '修改后的作文。' })];
  const erasure: DomainEvent = {
    type: 'EntryPersonalDataErased',
    data: { campaignId: CAMPAIGN, entryId: entryId(1), reason: '监护人申请' },
  };
  const shredded: Content = {
    participants: [erased(child), erased(keyless)],
    advisor: ERASED,
    attachmentName: ERASED,
  };
  const afterShredding = [...setUp, submitted(1, shredded), revised(1, shredded), erasure];

  it("drops the entry's participants, advisor, text and file names, erases its file; the entry and figures stay", () => {
    const live = readModels([...before, erasure]);
    for (const secret of ['林小雨', '王老师', '周老师', '作文']) {
      expect(text(live.db)).not.toContain(secret);
      expect(JSON.stringify(live.histories())).not.toContain(secret);
    }
    const entry = live.read.entry(entryId(1));
    expect(entry).toMatchObject({ title: '作品 1（修改）', advisor: ERASED, status: 'LIVE' });
    expect(entry?.attachments).toEqual([{ id: FILE, name: ERASED, mediaType: 'application/pdf', size: 10 }]);
    expect(live.read.entryBody(entryId(1))).toBeNull();
    expect(live.read.isFileErased(entryId(1), FILE)).toBe(true);
    expect(live.read.isFileHeld(FILE)).toBe(false);
    expect(live.read.participationTotals(2022)).toEqual(readModels(before).read.participationTotals(2022));
    expect(dump(live.db)).toEqual(dump(readModels(afterShredding).db));
    expect(live.histories()).toEqual(readModels(afterShredding).histories());
  });
});

describe('PersonalDataExpired', () => {
  const before = [...setUp, submitted(1, FIRST), submitted(2, { ...FIRST, participants: [other] }, LATER)];
  const expiry: DomainEvent = { type: 'PersonalDataExpired', data: { year: 2022, retentionYears: 3 } };
  const afterShredding = [
    ...setUp,
    submitted(1, { participants: [erased(child), erased(keyless)], advisor: ERASED, attachmentName: ERASED }),
    submitted(2, { ...FIRST, participants: [other] }, LATER),
    expiry,
  ];

  it("drops the personal data of that year's entries only, and the tables equal a rebuild from the log", () => {
    const live = readModels([...before, expiry]);
    expect(live.read.entry(entryId(1))?.participants.map((p) => p.name)).toEqual([ERASED, ERASED]);
    expect(live.read.entry(entryId(2, LATER))?.participants.map((p) => p.name)).toEqual(['陈一']);
    expect(live.read.entryBody(entryId(2, LATER))).toBe(FIRST.body);
    expect(dump(live.db)).toEqual(dump(readModels(afterShredding).db));
    expect(live.histories()).toEqual(readModels(afterShredding).histories());
    expect(JSON.stringify(live.histories()[entryId(2, LATER)])).toContain(FIRST.body ?? '');
  });

  it('says which years are kept and which expired, with their entries', () => {
    const { read } = readModels([...before, expiry]);
    expect(read.personalDataRetention()).toEqual([
      { year: 2022, entries: 1, expiredAt: expect.stringMatching(/^2022-05-20T/) },
      { year: 2023, entries: 1, expiredAt: null },
    ]);
    expect(read.personalDataKeys({ year: 2022 }).kids.sort()).toEqual([`k-1-0-${CHILD}`, 'k-1-0-entry'].sort());
    expect(read.shreddedKeys().sort()).toEqual([`k-1-0-${CHILD}`, 'k-1-0-entry'].sort());
  });
});
