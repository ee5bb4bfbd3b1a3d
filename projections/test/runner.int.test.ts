import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AppendResult, type RecordedEvent, SqliteEventStore, START } from '@qingmiao/event-store';
import { DEFAULT_RUBRIC, type DomainEvent, type EventOf, events, SCHOOL_KIND_LABELS } from '@qingmiao/schema';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defineProjection } from '../src/projection.ts';
import { HISTORY_PAGE, type HistoryRow, readEntryHistory } from '../src/read-models/entry-history.ts';
import { projections, type ReadModelQueries, readModelQueries } from '../src/read-models/index.ts';
import { ProjectionRunner } from '../src/runner.ts';
import { readModelTables } from '../testing/read-model-tables.ts';
import { ORGANIZER, toAppend, type Who } from './to-append.ts';

const CAMPAIGN = 'essay-2022';
/** Entry ids as the domain makes them: `{campaignId}:{uuid}`. */
const entryId = (n: number) => `${CAMPAIGN}:00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

const contact = (schoolId: string): Who => ({ actor: `contact-${schoolId}`, role: 'school', schoolId });

let dir: string;
let store: SqliteEventStore;
let readModelPath: string;
const runners: ProjectionRunner[] = [];
/** Each appended event is recorded one minute after the previous one, so timestamps are deterministic. */
let clock: number;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'qingmiao-projections-'));
  store = new SqliteEventStore({ path: join(dir, 'events.db'), pollIntervalMs: 10 });
  readModelPath = join(dir, 'read-models.db');
  clock = Date.parse('2022-04-01T00:00:00.000Z');
});

afterEach(async () => {
  for (const runner of runners.splice(0)) await runner.stop();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

function runner(
  options: { path?: string; projections?: typeof projections; onUnknownEvent?: (e: RecordedEvent) => void } = {},
) {
  const created = new ProjectionRunner({
    store,
    path: options.path ?? readModelPath,
    projections: options.projections ?? projections,
    ...(options.onUnknownEvent ? { onUnknownEvent: options.onUnknownEvent } : {}),
  });
  runners.push(created);
  return created;
}

/** An entry's history from the log, as far as a caught-up runner has read it. */
async function history(runner: ProjectionRunner, read: ReadModelQueries, id: string) {
  return readEntryHistory(store, read.entryHistorySource(id), id, runner.position);
}

async function stop(stopped: ProjectionRunner): Promise<void> {
  runners.splice(runners.indexOf(stopped), 1);
  await stopped.stop();
}

function append(stream: string, events: readonly DomainEvent[], who: Who = ORGANIZER): Promise<AppendResult> {
  return store.append(
    stream,
    events.map((event) => {
      clock += 60_000;
      return toAppend(event, who, clock);
    }),
    { expectedRevision: 'any' },
  );
}

type Participant = {
  name: string;
  role: 'STUDENT' | 'TEACHER' | 'RETIRED_TEACHER' | 'PARENT';
  grade?: string;
  key?: string;
};

const campaignDefinition: EventOf<'CampaignCreated'>['data'] = {
  campaignId: CAMPAIGN,
  kind: 'ESSAY',
  title: '《勋章》读书征文',
  theme: '',
  year: 2022,
  opensAt: '2022-03-01T00:00:00+08:00',
  closesAt: '2022-06-30T23:59:59+08:00',
  eligibleSchoolKinds: ['PRIMARY', 'JUNIOR_HIGH'],
  maxEntriesPerSchool: null,
  targetSessions: null,
  awardQuota: null,
  rubric: DEFAULT_RUBRIC,
  copiedFrom: null,
  blindJudging: true,
  requireGuardianConsent: false,
};

const entryData = (n: number, schoolId: string, participants: Participant[] = []) => ({
  campaignId: CAMPAIGN,
  entryId: entryId(n),
  submissionId: `sub-${n}`,
  schoolId,
  title: `作品 ${n}`,
  participants,
  advisor: null,
  performance: null,
});

function submit(n: number, schoolId: string, participants: Participant[]): Promise<AppendResult> {
  return append(
    `campaign-${CAMPAIGN}`,
    [{ type: 'EntrySubmitted', data: entryData(n, schoolId, participants) }],
    contact(schoolId),
  );
}

function withdraw(n: number, schoolId: string, reason = '重复提交'): Promise<AppendResult> {
  return append(
    `campaign-${CAMPAIGN}`,
    [{ type: 'EntryWithdrawn', data: { campaignId: CAMPAIGN, entryId: entryId(n), reason } }],
    contact(schoolId),
  );
}

async function school(schoolId: string, name: string, kind: 'PRIMARY' | 'JUNIOR_HIGH', town: string, students: number) {
  await append(`school-${schoolId}`, [
    { type: 'SchoolRegistered', data: { schoolId, name, kind, town, private: false } },
    { type: 'EnrollmentRecorded', data: { schoolId, year: 2022, students } },
  ]);
}

/**
 * Three schools, one campaign. 新华小学 sends two entries naming some children twice (once by key under another
 * spelling, once by name and grade); 育才中学 sends one entry it later withdraws and one that stays; 光明小学 sends
 * nothing.
 */
async function smallCampaign(): Promise<void> {
  await school('a-primary', '新华小学', 'PRIMARY', '城关镇', 100);
  await school('b-junior', '育才中学', 'JUNIOR_HIGH', '城关镇', 50);
  await school('c-primary', '光明小学', 'PRIMARY', '城南镇', 80);
  await append(`campaign-${CAMPAIGN}`, [
    { type: 'CampaignCreated', data: campaignDefinition },
    { type: 'CampaignOpened', data: { campaignId: CAMPAIGN } },
  ]);
  await submit(1, 'a-primary', [
    { name: '张三', role: 'STUDENT', grade: '三年级' },
    { name: '李四', role: 'STUDENT', grade: '三年级', key: 'A-002' },
    { name: '王老师', role: 'RETIRED_TEACHER' },
  ]);
  await submit(2, 'a-primary', [
    { name: '张三', role: 'STUDENT', grade: '三年级' }, // the same child: same name and grade
    { name: 'Li Si', role: 'STUDENT', grade: '三年级', key: 'A-002' }, // the same child: same key
    { name: '张三', role: 'STUDENT', grade: '四年级' }, // another child of the same name
    { name: '张爸爸', role: 'PARENT' },
  ]);
  await submit(3, 'b-junior', [
    { name: '钱六', role: 'STUDENT', grade: '初一' },
    { name: '赵八', role: 'STUDENT', grade: '初一' },
  ]);
  await withdraw(3, 'b-junior');
  await submit(4, 'b-junior', [
    { name: '孙七', role: 'STUDENT', grade: '初一' },
    { name: '张三', role: 'STUDENT', grade: '三年级' }, // same name and grade as at 新华小学: another child
  ]);
}

const NO_AWARDS = { FIRST: 0, SECOND: 0, THIRD: 0, EXCELLENCE: 0 };
const activity = { awards: 0, awardsByPrize: NO_AWARDS, lecturesDelivered: 0, audience: 0 };

describe('ProjectionRunner on SQLite', () => {
  it('projects a small campaign into the read models', async () => {
    await smallCampaign();
    const projecting = runner();
    await projecting.start();
    expect(projecting.caughtUp).toBe(true);
    expect(projecting.position).toEqual(await store.headPosition());
    const read = readModelQueries(projecting.db);

    expect(read.schools().map((s) => s.id)).toEqual(['a-primary', 'b-junior', 'c-primary']);
    expect(read.enrollment('a-primary', 2022)).toEqual({ schoolId: 'a-primary', year: 2022, students: 100 });
    expect(read.campaign(CAMPAIGN)).toMatchObject({
      status: 'OPEN',
      eligibleSchoolKinds: ['PRIMARY', 'JUNIOR_HIGH'],
      entryCount: 3,
      schoolCount: 2,
    });
    expect(read.entries(CAMPAIGN).map((e) => [e.id, e.schoolId, e.status])).toEqual([
      [entryId(1), 'a-primary', 'LIVE'],
      [entryId(2), 'a-primary', 'LIVE'],
      [entryId(3), 'b-junior', 'WITHDRAWN'],
      [entryId(4), 'b-junior', 'LIVE'],
    ]);
    expect(read.entry(entryId(1))?.intergenerational).toBe(true);
    expect(read.entry(entryId(2))?.participants).toEqual([
      { name: '张三', role: 'STUDENT', grade: '三年级', key: null, guardianConsent: null },
      { name: 'Li Si', role: 'STUDENT', grade: '三年级', key: 'A-002', guardianConsent: null },
      { name: '张三', role: 'STUDENT', grade: '四年级', key: null, guardianConsent: null },
      { name: '张爸爸', role: 'PARENT', grade: null, key: null, guardianConsent: null },
    ]);

    expect(read.participation(2022, 'SCHOOL')).toEqual([
      {
        key: 'a-primary',
        label: '新华小学',
        enrolled: 100,
        schools: 1,
        entries: 2,
        // 张三 (三年级) and 李四 (key A-002) once each, plus the other 张三 (四年级).
        students: 3,
        participants: 5,
        retiredTeachers: 1,
        participationRate: 0.03,
        ...activity,
      },
      {
        key: 'b-junior',
        label: '育才中学',
        enrolled: 50,
        schools: 1,
        // The withdrawn entry and its two children do not count.
        entries: 1,
        students: 2,
        participants: 2,
        retiredTeachers: 0,
        participationRate: 0.04,
        ...activity,
      },
      {
        key: 'c-primary',
        label: '光明小学',
        enrolled: 80,
        schools: 0,
        entries: 0,
        students: 0,
        participants: 0,
        retiredTeachers: 0,
        participationRate: 0,
        ...activity,
      },
    ]);
    expect(read.participation(2022, 'TOWN')).toEqual([
      expect.objectContaining({ key: '城关镇', schools: 2, entries: 3, students: 5, enrolled: 150 }),
      expect.objectContaining({ key: '城南镇', schools: 0, entries: 0, students: 0, enrolled: 80 }),
    ]);
    expect(read.participation(2022, 'TOWN')[0]?.participationRate).toBeCloseTo(5 / 150);
    // School kinds are named from the contract's labels, in SQL.
    expect(read.participation(2022, 'SCHOOL_KIND').map((row) => [row.key, row.label])).toEqual([
      ['JUNIOR_HIGH', SCHOOL_KIND_LABELS.JUNIOR_HIGH],
      ['PRIMARY', '小学'],
    ]);
    // The year as one row: every school's enrollment is in the denominator, the idle 光明小学's too.
    expect(read.participationTotals(2022)).toEqual({
      key: '2022',
      label: '2022',
      enrolled: 230,
      schools: 2,
      entries: 3,
      students: 5,
      participants: 7,
      retiredTeachers: 1,
      participationRate: 5 / 230,
      ...activity,
    });
    expect(read.participationTotals(2021)).toMatchObject({ key: '2021', entries: 0, enrolled: null });
    expect(read.participation(2021, 'SCHOOL').map((row) => [row.key, row.enrolled, row.participationRate])).toEqual([
      ['a-primary', null, null],
      ['b-junior', null, null],
      ['c-primary', null, null],
    ]);

    const history3 = await history(projecting, read, entryId(3));
    expect(history3.map(({ type, actor, role }) => ({ type, actor, role }))).toEqual([
      { type: 'EntrySubmitted', actor: 'contact-b-junior', role: 'school' },
      { type: 'EntryWithdrawn', actor: 'contact-b-junior', role: 'school' },
    ]);
    expect(history3[0]?.recordedAt).toBeDefined();
    expect(Date.parse(history3[1]?.recordedAt ?? '')).toBeGreaterThan(Date.parse(history3[0]?.recordedAt ?? ''));
    expect(JSON.parse(history3[1]?.data ?? '{}')).toEqual({
      campaignId: CAMPAIGN,
      entryId: entryId(3),
      reason: '重复提交',
    });
    expect(await history(projecting, read, entryId(99))).toEqual([]);
  });

  it("reads an entry's history a page of its campaign's stream at a time, the event loop turning between pages", async () => {
    await append(`campaign-${CAMPAIGN}`, [
      { type: 'CampaignCreated', data: campaignDefinition },
      { type: 'CampaignOpened', data: { campaignId: CAMPAIGN } },
    ]);
    const submissions = 2 * HISTORY_PAGE + 10;
    await append(
      `campaign-${CAMPAIGN}`,
      Array.from({ length: submissions }, (_, i) => ({
        type: 'EntrySubmitted' as const,
        data: entryData(i + 1, 'a-primary', [{ name: `学生${i + 1}`, role: 'STUDENT' }]),
      })),
      contact('a-primary'),
    );
    await withdraw(3, 'a-primary');
    const projecting = runner();
    await projecting.start();
    const read = readModelQueries(projecting.db);

    // Each read records whether the event loop turned since the one before (a setImmediate scheduled then ran).
    const reads: { fromRevision: number | undefined; turned: boolean }[] = [];
    let turned = true;
    const paging = new Proxy(store, {
      get(target, name) {
        if (name === 'readStream') {
          return (stream: string, options?: { fromRevision?: number; limit?: number }) => {
            reads.push({ fromRevision: options?.fromRevision, turned });
            turned = false;
            setImmediate(() => {
              turned = true;
            });
            return target.readStream(stream, options);
          };
        }
        const value: unknown = Reflect.get(target, name);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const types = (rows: readonly HistoryRow[]) => rows.map((row) => row.type);

    const withdrawn = await readEntryHistory(
      paging,
      read.entryHistorySource(entryId(3)),
      entryId(3),
      projecting.position,
    );
    expect(types(withdrawn)).toEqual(['EntrySubmitted', 'EntryWithdrawn']);
    // 2 + 522 submissions + 1 withdrawal = 525 events: three pages, the last one short.
    expect(reads).toEqual([
      { fromRevision: 0, turned: true },
      { fromRevision: HISTORY_PAGE, turned: true },
      { fromRevision: 2 * HISTORY_PAGE, turned: true },
    ]);
    expect(types(await history(projecting, read, entryId(submissions)))).toEqual(['EntrySubmitted']);

    // Read models that stand in the first page: the pages after it are not read, the withdrawal not shown.
    reads.length = 0;
    const early = (await store.readStream(`campaign-${CAMPAIGN}`, { fromRevision: 10, limit: 1 }))[0]?.position;
    expect(early).toBeDefined();
    const then = await readEntryHistory(paging, read.entryHistorySource(entryId(3)), entryId(3), early ?? START);
    expect(types(then)).toEqual(['EntrySubmitted']);
    expect(reads.map((r) => r.fromRevision)).toEqual([0]);
  });

  it("stops counting an unassigned judge's scores in that campaign only, keeping them in the history", async () => {
    await smallCampaign();
    const other = entryId(9).replace(CAMPAIGN, 'other-2022');
    await append('campaign-other-2022', [
      { type: 'CampaignCreated', data: { ...campaignDefinition, campaignId: 'other-2022' } },
      { type: 'CampaignOpened', data: { campaignId: 'other-2022' } },
      {
        type: 'EntrySubmitted',
        data: { ...entryData(9, 'a-primary'), campaignId: 'other-2022', entryId: other },
      },
    ]);
    const assigned = (campaignId: string, judge: string): DomainEvent => ({
      type: 'JudgeAssigned',
      data: { campaignId, judge },
    });
    const scored = (campaignId: string, entry: string, judge: string, weightedScore: number): DomainEvent => ({
      type: 'EntryScored',
      data: {
        campaignId,
        entryId: entry,
        judge,
        scores: [{ criterion: '总分', score: weightedScore }],
        weightedScore,
        comment: null,
      },
    });
    await append(`campaign-${CAMPAIGN}`, [
      assigned(CAMPAIGN, 'judge-zhao'),
      assigned(CAMPAIGN, 'judge-qian'),
      scored(CAMPAIGN, entryId(1), 'judge-zhao', 90),
      scored(CAMPAIGN, entryId(1), 'judge-qian', 70),
      scored(CAMPAIGN, entryId(2), 'judge-zhao', 60),
    ]);
    await append('campaign-other-2022', [
      assigned('other-2022', 'judge-zhao'),
      scored('other-2022', other, 'judge-zhao', 80),
    ]);
    await append(`campaign-${CAMPAIGN}`, [
      { type: 'JudgeUnassigned', data: { campaignId: CAMPAIGN, judge: 'judge-zhao' } },
    ]);

    const projecting = runner();
    await projecting.start();
    const read = readModelQueries(projecting.db);
    expect(read.campaign(CAMPAIGN)?.judges).toEqual(['judge-qian']);
    expect(read.entry(entryId(1))).toMatchObject({ meanScore: 70, scoreCount: 1 });
    expect(read.entry(entryId(2))).toMatchObject({ meanScore: null, scoreCount: 0 });
    expect(read.scores(entryId(1)).map((score) => score.judge)).toEqual(['judge-qian']);
    expect(read.judgingProgress(CAMPAIGN)).toEqual([{ judge: 'judge-qian', assigned: 3, scored: 1 }]);
    expect(read.leaderboard(CAMPAIGN).map((entry) => entry.id)).toEqual([entryId(1), entryId(2), entryId(4)]);
    // The log keeps what the judge did; the history shows it.
    expect((await history(projecting, read, entryId(1))).filter((row) => row.type === 'EntryScored')).toHaveLength(2);
    // Another campaign the judge still sits on keeps their scores.
    expect(read.campaign('other-2022')?.judges).toEqual(['judge-zhao']);
    expect(read.entry(other)).toMatchObject({ meanScore: 80, scoreCount: 1 });
  });

  it('resumes from its checkpoint after a restart and catches up', async () => {
    await smallCampaign();
    const first = runner();
    await first.start();
    const checkpoint = first.position;
    await stop(first);

    await submit(5, 'c-primary', [{ name: '周九', role: 'STUDENT', grade: '六年级' }]);
    await withdraw(1, 'a-primary');
    await append('school-a-primary', [
      { type: 'EnrollmentRecorded', data: { schoolId: 'a-primary', year: 2022, students: 120 } },
    ]);

    const resumed = runner();
    expect(resumed.position).toEqual(checkpoint);
    // Had it replayed from the start, inserting the first school again would have failed on its primary key.
    await resumed.start();
    expect(resumed.position).toEqual(await store.headPosition());
    const read = readModelQueries(resumed.db);
    expect(read.schools()).toHaveLength(3);
    expect(read.entries(CAMPAIGN).map((e) => [e.id, e.status])).toEqual([
      [entryId(1), 'WITHDRAWN'],
      [entryId(2), 'LIVE'],
      [entryId(3), 'WITHDRAWN'],
      [entryId(4), 'LIVE'],
      [entryId(5), 'LIVE'],
    ]);
    expect((await history(resumed, read, entryId(1))).map((row) => row.type)).toEqual([
      'EntrySubmitted',
      'EntryWithdrawn',
    ]);
    const rows = read.participation(2022, 'SCHOOL');
    expect(rows.map((row) => [row.key, row.entries, row.students, row.enrolled])).toEqual([
      // Entry 1 withdrawn: 张三 (三年级) still takes part through entry 2; 李四 too, under his key.
      ['a-primary', 1, 3, 120],
      ['b-junior', 1, 2, 50],
      ['c-primary', 1, 1, 80],
    ]);
    expect(rows[0]?.participationRate).toBeCloseTo(3 / 120);
  });

  it('follows live appends; waitFor resolves once an event is projected', async () => {
    await smallCampaign();
    const live = runner();
    await live.start();
    const read = readModelQueries(live.db);

    await expect(live.waitFor(live.position)).resolves.toBeUndefined();
    await expect(live.waitFor(START)).resolves.toBeUndefined();

    const advanced: Array<ReadonlySet<string | null>> = [];
    live.onAdvance((campaigns) => advanced.push(campaigns));
    const { position } = await submit(5, 'c-primary', [{ name: '周九', role: 'STUDENT', grade: '六年级' }]);
    await live.waitFor(position);
    expect(read.entry(entryId(5))?.status).toBe('LIVE');
    expect(read.campaign(CAMPAIGN)?.entryCount).toBe(4);
    expect(advanced.at(-1)).toEqual(new Set([CAMPAIGN]));

    const enrollment = await append('school-c-primary', [
      { type: 'EnrollmentRecorded', data: { schoolId: 'c-primary', year: 2022, students: 90 } },
    ]);
    await live.waitFor(enrollment.position);
    expect(read.enrollment('c-primary', 2022)?.students).toBe(90);
    expect(advanced.at(-1)).toEqual(new Set([null]));

    const beyond = { commit: position.commit + 1000n, prepare: position.prepare + 1000n };
    await expect(live.waitFor(beyond, 50)).rejects.toThrow(/did not reach position/);
  });

  it('skips event types it does not know, and still moves its checkpoint past them', async () => {
    await smallCampaign();
    const { position } = await store.append(
      'campaign-future',
      [
        {
          id: randomUUID(),
          type: 'SomethingFromANewerVersion',
          data: { campaignId: 'future' },
          metadata: {
            actor: 'organizer-1',
            role: 'organizer',
            correlationId: 'c',
            recordedAt: '2022-06-01T00:00:00.000Z',
            schemaVersion: 1,
          },
        },
      ],
      { expectedRevision: 'any' },
    );
    const unknown: string[] = [];
    const skipping = runner({ onUnknownEvent: (event) => unknown.push(event.type) });
    await skipping.start();
    expect(unknown).toEqual(['SomethingFromANewerVersion']);
    expect(skipping.position).toEqual(position);
  });

  it('rebuilds from the log when the projections change, giving the rows of the incremental build', async () => {
    // Incremental: two runs with a restart in between, on the current projections.
    await smallCampaign();
    const incremental = runner();
    await incremental.start();
    await stop(incremental);
    await submit(5, 'c-primary', [{ name: '周九', role: 'STUDENT', grade: '六年级' }]);
    await withdraw(2, 'a-primary', '作者转学');
    // Text and files, then other files: the current ones and every one ever attached are rebuilt alike.
    const file = (n: number) => ({
      id: String(n).repeat(64),
      name: `附件${n}.pdf`,
      mediaType: 'application/pdf' as const,
      size: n,
    });
    const revision = (attachments: ReturnType<typeof file>[], body?: string) => ({
      type: 'EntryRevised' as const,
      data: {
        campaignId: CAMPAIGN,
        entryId: entryId(5),
        title: '作品 5',
        participants: [],
        advisor: null,
        performance: null,
        attachments,
        ...(body ? { body } : {}),
      },
    });
    await append(
      `campaign-${CAMPAIGN}`,
      [revision([file(1), file(2)], '正文'), revision([file(3)])],
      contact('c-primary'),
    );
    const continued = runner();
    await continued.start();
    const head = await store.headPosition();
    await continued.waitFor(head);
    const before = readModelTables(continued.db);
    const tables = Object.keys(before);
    expect(tables).toEqual(
      expect.arrayContaining(['schools', 'enrollments', 'campaigns', 'entries', 'participants', 'campaign_history']),
    );
    expect(before.attachments).toHaveLength(1);
    expect(before.attached_files).toHaveLength(3);
    expect(before.entry_texts).toHaveLength(0);
    const version = continued.db.prepare<[], { version: string }>('SELECT version FROM projection_meta').get();
    await stop(continued);

    // A new read model (one more table) changes the version: the same file is rebuilt from the start of the log.
    const audit = defineProjection({
      name: 'audit',
      version: 1,
      tables: ['CREATE TABLE audit (position INTEGER PRIMARY KEY, type TEXT NOT NULL, actor TEXT NOT NULL)'],
      statements: {
        insert: { table: 'audit', sql: 'INSERT INTO audit (position, type, actor) VALUES (@position, @type, @actor)' },
      },
      handles: Object.fromEntries(events.types.map((type) => [type, ['insert' as const]])),
      handle: (event, { position, metadata }) => [
        { statement: 'insert', params: { position, type: event.type, actor: metadata.actor } },
      ],
    });
    const rebuilt = runner({ projections: [...projections, audit] });
    expect(rebuilt.position).toEqual(START);
    await rebuilt.start();
    expect(rebuilt.position).toEqual(head);
    expect(rebuilt.db.prepare<[], { version: string }>('SELECT version FROM projection_meta').get()?.version).not.toBe(
      version?.version,
    );
    expect(readModelTables(rebuilt.db, tables)).toEqual(before);
    const { length } = await store.readAll({ limit: 10_000 });
    expect(rebuilt.db.prepare<[], { n: number }>('SELECT count(*) AS n FROM audit').get()?.n).toBe(length);

    // And a build in one go into a fresh file gives the same rows again.
    const fresh = runner({ path: join(dir, 'fresh.db') });
    await fresh.start();
    expect(readModelTables(fresh.db)).toEqual(before);
  });

  it('loads a fresh file in bulk and switches it to WAL with its query indexes once caught up', async () => {
    await smallCampaign();
    const fresh = runner();
    await fresh.start();
    expect(fresh.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(fresh.db.pragma('synchronous', { simple: true })).toBe(1);
    const indexes = fresh.db
      .prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")
      .all()
      .map((row) => row.name);
    expect(indexes).toEqual(expect.arrayContaining(['entries_by_campaign', 'campaign_history_by_campaign']));
  });

  it('discards a bulk load cut short before it caught up, and builds the file again', async () => {
    await smallCampaign();
    const complete = runner({ path: join(dir, 'complete.db') });
    await complete.start();
    const expected = readModelTables(complete.db);

    const cut = runner();
    const stopped = new Promise<void>((resolve) => {
      cut.onAdvance(() => resolve(stop(cut)));
    });
    void cut.start();
    await stopped;
    expect(cut.caughtUp).toBe(false);

    const again = runner();
    expect(again.position).toEqual(START);
    await again.start();
    expect(readModelTables(again.db)).toEqual(expected);
  });

  it('rebuilds a read-model file it cannot read', async () => {
    await smallCampaign();
    writeFileSync(readModelPath, 'not a database, e.g. a bulk load torn by a crash '.repeat(200));
    const rebuilt = runner();
    expect(rebuilt.position).toEqual(START);
    await rebuilt.start();
    expect(readModelQueries(rebuilt.db).schools()).toHaveLength(3);
  });

  it('keeps the read models when the projections are unchanged', async () => {
    await smallCampaign();
    const first = runner();
    await first.start();
    const position = first.position;
    await stop(first);
    const second = runner();
    expect(second.position).toEqual(position);
    expect(readModelQueries(second.db).schools()).toHaveLength(3);
  });
});
