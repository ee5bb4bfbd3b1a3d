/**
 * The demo year, small (scale 0.05: ten schools, one of each kind at least), seeded through createQingmiao's own
 * event store into a temporary data directory; every figure of the read models is computed again from the plan.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger, createQingmiao, loadConfig, type Qingmiao } from '@qingmiao/api';
import { awardCap, entryIdFor, lectureIdFor } from '@qingmiao/domain';
import { comparePositions, type Position } from '@qingmiao/event-store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batches, createDemoCommands, planCommands, type SeedCounts, seedDemoYear } from '../demo/seed.ts';
import {
  CAMPAIGNS,
  type DemoPlan,
  finalParticipants,
  finalTitle,
  generateTaicang2022,
  isLive,
  type PlanEntry,
  type PlanParticipant,
} from '../demo/taicang-2022.ts';

const SCALE = 0.05;
const SEED = 7;

let dir: string;
let qingmiao: Qingmiao;
let plan: DemoPlan;
let counts: SeedCounts;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'qingmiao-demo-'));
  // The plan's year is 2022, whose personal data the default retention (3 years) expired on 2026-01-01.
  const config = loadConfig({
    QINGMIAO_DATA_DIR: dir,
    QINGMIAO_LOG_LEVEL: 'silent',
    QINGMIAO_PII_RETENTION_YEARS: '50',
  });
  qingmiao = createQingmiao(config, createLogger('silent'));
  await qingmiao.ready;
  plan = generateTaicang2022({ seed: SEED, scale: SCALE });
  const { commands, clock } = createDemoCommands(qingmiao.store, plan);
  counts = await seedDemoYear(commands, plan, { clock, concurrency: 64 });
  await qingmiao.readSide.waitFor(counts.lastPosition, 60_000);
  await qingmiao.readSide.waitFor(counts.lastPosition);
});

afterAll(async () => {
  await qingmiao?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const read = () => qingmiao.readSide.read;
const live = () => plan.entries.filter(isLive);
const count = <T>(items: readonly T[], keep: (item: T) => boolean) => items.filter(keep).length;
/** Who a participant is within a school: the school's key, else name and grade (the README's rule). */
const person = (schoolId: string, p: PlanParticipant) =>
  p.key === undefined ? `${schoolId}|n|${p.name}|${p.grade ?? ''}` : `${schoolId}|k|${p.key}`;
const localMonth = (iso: string) => new Date(Date.parse(iso) + 8 * 3600_000).toISOString().slice(0, 7);

describe('the plan', () => {
  it('is the same for the same seed and scale, and another for another seed', () => {
    expect(JSON.stringify(generateTaicang2022({ seed: SEED, scale: SCALE }))).toBe(JSON.stringify(plan));
    expect(JSON.stringify(generateTaicang2022({ seed: SEED + 1, scale: SCALE }))).not.toBe(JSON.stringify(plan));
  });

  it('keeps every kind of school, valid ids and 2022 dates in China Standard Time', () => {
    const kinds = new Set(plan.schools.map((s) => s.kind));
    expect([...kinds].sort()).toEqual(
      ['KINDERGARTEN', 'PRIMARY', 'JUNIOR_HIGH', 'SENIOR_HIGH', 'NINE_YEAR', 'VOCATIONAL', 'SPECIAL', 'MIGRANT'].sort(),
    );
    const ids = [...plan.schools.map((s) => s.id), ...plan.lecturers.map((l) => l.id)];
    for (const id of [...ids, ...plan.campaigns.map((c) => c.definition.id)]) {
      expect(id).toMatch(/^[a-z0-9][a-z0-9-]{0,62}$/);
    }
    expect(new Set(ids).size).toBe(ids.length);
    const dates = JSON.stringify(plan).match(/"\d{4}-\d\d-\d\dT[^"]*"/g) ?? [];
    expect(dates.length).toBeGreaterThan(plan.entries.length);
    for (const date of dates) expect(date).toMatch(/^"2022-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00"$/);
  });

  it('names the work plan campaigns', () => {
    expect(plan.campaigns.map((c) => c.definition.title)).toEqual(
      expect.arrayContaining([
        '《勋章》读书征文',
        '《筑梦九天》读书征文',
        '党的光辉照我心,童心喜迎二十大',
        '喜迎二十大,筑梦向未来 老少同台节目展演',
        '千场党史报告进校园',
        '关工委工作常态化建设巩固提高奖',
        '星级家长学校复评',
        '工作创新奖',
      ]),
    );
  });

  it('batches commands so that nothing in a batch depends on another command of it', () => {
    for (const batch of batches(planCommands(plan))) {
      const writes = new Set<string>();
      for (const command of batch) {
        for (const key of [...command.reads, ...command.writes]) expect(writes.has(key)).toBe(false);
        for (const key of command.writes) writes.add(key);
      }
    }
  });
});

describe('seeding through the command path', () => {
  it('accepts every planned command, each appending one event, in time order', async () => {
    expect(counts.commands).toBe(planCommands(plan).length);
    expect(counts.unchanged).toBe(0);
    expect(counts.events).toBe(counts.commands);
    expect(comparePositions(await qingmiao.store.headPosition(), counts.lastPosition)).toBe(0);
    expect(counts.byCommand.submitEntry).toBe(plan.entries.length);
    expect(counts.byCommand.scoreEntry).toBe(plan.entries.reduce((n, e) => n + e.scores.length, 0));

    const recorded: string[] = [];
    let after: Position | undefined;
    for (;;) {
      const page = await qingmiao.store.readAll(after ? { after, limit: 1000 } : { limit: 1000 });
      recorded.push(...page.map((e) => String((e.metadata as { recordedAt: string }).recordedAt)));
      const last = page.at(-1);
      if (!last || page.length < 1000) break;
      after = last.position;
    }
    expect(recorded).toHaveLength(counts.events);
    const times = recorded.map((t) => Date.parse(t));
    expect(times.every((t, i) => i === 0 || t >= (times[i - 1] ?? 0))).toBe(true);
    expect(recorded.every((t) => t.startsWith('2022-'))).toBe(true);
  });

  it('registers the schools with their 2022 enrollment', () => {
    const schools = read().schools();
    expect(schools).toHaveLength(plan.schools.length);
    for (const s of plan.schools) {
      expect(read().school(s.id)).toEqual({ id: s.id, name: s.name, kind: s.kind, town: s.town, private: s.private });
    }
    for (const e of plan.enrollments) expect(read().enrollment(e.schoolId, 2022)?.students).toBe(e.students);
  });

  it('brings every campaign to its planned status with its live entries, schools and judges', () => {
    const rows = read().campaigns({ year: 2022 });
    expect(rows).toHaveLength(plan.campaigns.length);
    for (const c of plan.campaigns) {
      const id = c.definition.id;
      const row = read().campaign(id);
      const entries = live().filter((e) => e.campaignId === id);
      expect(row?.status, id).toBe(c.finalStatus);
      expect(row?.entryCount, id).toBe(entries.length);
      expect(row?.schoolCount, id).toBe(new Set(entries.map((e) => e.schoolId)).size);
      expect(row?.judges, id).toEqual(c.judges.map((j) => j.judge).sort());
      expect(Date.parse(row?.closesAt ?? ''), id).toBe(Date.parse(c.extended?.closesAt ?? c.definition.closesAt));
    }
    const statuses = new Set(rows.map((r) => r.status));
    expect(statuses).toEqual(new Set(['OPEN', 'CLOSED', 'RESULTS_PUBLISHED']));
  });

  it('grants the planned awards, never more than floor(quota × live entries)', () => {
    for (const c of plan.campaigns) {
      const row = read().campaign(c.definition.id);
      const awarded = count(live(), (e) => e.campaignId === c.definition.id && e.award !== undefined);
      expect(row?.awardsGranted, c.definition.id).toBe(awarded);
      if (row?.awardQuota !== null && row?.awardQuota !== undefined) {
        expect(row.awardsGranted).toBeLessThanOrEqual(awardCap(row.awardQuota, row.entryCount));
      }
    }
    // The quotas are filled where results were decided: 15% of the 常态化 applications, rounded down.
    const consolidation = read().campaign(CAMPAIGNS.consolidation);
    expect(consolidation?.awardsGranted).toBe(awardCap(0.15, consolidation?.entryCount ?? 0));
  });

  it('records each entry as planned: revisions, withdrawals, scores, prizes and stars', () => {
    for (const e of plan.entries) {
      const row = read().entry(entryIdFor(e.campaignId, e.submissionId));
      expect(row, e.submissionId).toBeDefined();
      expect(row?.status).toBe(isLive(e) ? 'LIVE' : 'WITHDRAWN');
      expect(row?.withdrawReason).toBe(e.withdrawal?.reason ?? null);
      expect(row?.title).toBe(finalTitle(e));
      expect(row?.advisor).toBe(e.revision?.advisor ?? e.advisor ?? null);
      expect(row?.participants.map((p) => p.name)).toEqual(finalParticipants(e).map((p) => p.name));
      expect(row?.genre).toBe(e.performance?.genre ?? null);
      expect(row?.prize).toBe(e.award?.prize ?? null);
      expect(row?.stars).toBe(e.rating?.stars ?? null);
      expect(row?.scoreCount).toBe(e.scores.length);
      const judges = read()
        .scores(row?.id ?? '')
        .map((s) => s.judge);
      expect(judges).toEqual(e.scores.map((s) => s.judge).sort());
      if (e.scores.length > 0) {
        const mean = e.scores.reduce((sum, s) => sum + s.weighted, 0) / e.scores.length;
        expect(row?.meanScore).toBeCloseTo(mean, 6);
      }
    }
  });

  it('lets judges score the live entries they did not recuse from', () => {
    const recusals = plan.entries.flatMap((e) => e.recusals.map((r) => ({ entry: e, judge: r.judge })));
    expect(recusals.length).toBeGreaterThan(0);
    for (const c of plan.campaigns.filter((c) => c.judges.length > 0)) {
      const entries = live().filter((e) => e.campaignId === c.definition.id);
      const progress = new Map(
        read()
          .judgingProgress(c.definition.id)
          .map((p) => [p.judge, p]),
      );
      for (const { judge } of c.judges) {
        expect(progress.get(judge), `${c.definition.id} ${judge}`).toEqual({
          judge,
          assigned: count(entries, (e) => !e.recusals.some((r) => r.judge === judge)),
          scored: count(entries, (e) => e.scores.some((s) => s.judge === judge)),
        });
      }
    }
  });

  it('keeps who did what and when in an entry history', async () => {
    const revised = plan.entries.find((e) => e.revision && e.scores.length > 0) as PlanEntry;
    expect(revised).toBeDefined();
    const history = await qingmiao.readSide.entryHistory(entryIdFor(revised.campaignId, revised.submissionId));
    expect(history.map((h) => h.type).slice(0, 2)).toEqual(['EntrySubmitted', 'EntryRevised']);
    expect(history[0]?.actor).toBe(`${revised.schoolId}-ggw`);
    expect(history[0]?.role).toBe('school');
    expect(Date.parse(history[1]?.recordedAt ?? '')).toBeGreaterThanOrEqual(Date.parse(revised.revision?.at ?? ''));
    expect(history.filter((h) => h.type === 'EntryScored').map((h) => h.role)).toEqual(
      revised.scores.map(() => 'judge'),
    );
  });

  it('delivers the planned lectures of 千场党史报告进校园 toward its target of 1000', () => {
    const lectures = plan.lectures;
    const delivered = lectures.filter((l) => l.delivered);
    const row = read().campaign(CAMPAIGNS.lectures);
    expect(row?.targetSessions).toBe(1000);
    expect(row?.sessionsDelivered).toBe(delivered.length);
    expect(row?.audience).toBe(delivered.reduce((sum, l) => sum + (l.delivered?.audience ?? 0), 0));
    expect(lectures.some((l) => l.rescheduled)).toBe(true);
    expect(lectures.some((l) => l.cancelled)).toBe(true);
    expect(lectures.some((l) => !l.delivered && !l.cancelled)).toBe(true);
    for (const l of lectures) {
      const lecture = read().lecture(lectureIdFor(l.campaignId, l.key));
      expect(lecture?.status, l.key).toBe(l.delivered ? 'DELIVERED' : l.cancelled ? 'CANCELLED' : 'SCHEDULED');
      expect(Date.parse(lecture?.scheduledAt ?? '')).toBe(Date.parse(l.rescheduled?.scheduledAt ?? l.scheduledAt));
      expect(lecture?.schoolId ?? null).toBe(l.schoolId ?? null);
    }
    for (const lecturer of plan.lecturers) {
      const mine = delivered.filter((l) => l.lecturerId === lecturer.id);
      const lecturerRow = read().lecturer(lecturer.id);
      expect(lecturerRow?.lecturesDelivered).toBe(mine.length);
      expect(lecturerRow?.audience).toBe(mine.reduce((sum, l) => sum + (l.delivered?.audience ?? 0), 0));
    }
  });

  it('gives each school its participation: entries, distinct students, retired teachers, lectures hosted', () => {
    const rows = new Map(
      read()
        .participation(2022, 'SCHOOL')
        .map((r) => [r.key, r]),
    );
    expect(rows.size).toBe(plan.schools.length);
    for (const s of plan.schools) {
      const entries = live().filter((e) => e.schoolId === s.id);
      const people = entries.flatMap((e) => finalParticipants(e).map((p) => ({ p, key: person(s.id, p) })));
      const distinct = (role?: string) => new Set(people.filter(({ p }) => !role || p.role === role).map((x) => x.key));
      const hosted = plan.lectures.filter((l) => l.schoolId === s.id && l.delivered);
      const enrolled = plan.enrollments.find((e) => e.schoolId === s.id)?.students ?? 0;
      const row = rows.get(s.id);
      expect(row, s.id).toMatchObject({
        entries: entries.length,
        students: distinct('STUDENT').size,
        participants: distinct().size,
        retiredTeachers: distinct('RETIRED_TEACHER').size,
        enrolled,
        awards: count(entries, (e) => e.award !== undefined),
        lecturesDelivered: hosted.length,
        audience: hosted.reduce((sum, l) => sum + (l.delivered?.audience ?? 0), 0),
      });
      expect(row?.participationRate).toBeCloseTo(distinct('STUDENT').size / enrolled, 9);
    }
    // Children take part in several campaigns but count once per school.
    const slots = live().reduce((n, e) => n + count(finalParticipants(e), (p) => p.role === 'STUDENT'), 0);
    const students = [...rows.values()].reduce((n, r) => n + r.students, 0);
    expect(students).toBeLessThan(slots);
  });

  it('adds up by town and spreads the year over its months (events carry the plan’s 2022 moments)', () => {
    const towns = read().participation(2022, 'TOWN');
    for (const town of new Set(plan.schools.map((s) => s.town))) {
      const ids = new Set(plan.schools.filter((s) => s.town === town).map((s) => s.id));
      expect(towns.find((t) => t.key === town)?.entries, town).toBe(count(live(), (e) => ids.has(e.schoolId)));
    }
    const months = new Map(
      read()
        .participation(2022, 'MONTH')
        .map((r) => [r.key, r]),
    );
    for (let m = 1; m <= 12; m++) {
      const key = `2022-${String(m).padStart(2, '0')}`;
      expect(months.get(key)?.entries, key).toBe(count(live(), (e) => localMonth(e.submittedAt) === key));
      expect(months.get(key)?.lecturesDelivered, key).toBe(
        count(plan.lectures, (l) => !!l.delivered && localMonth(l.rescheduled?.scheduledAt ?? l.scheduledAt) === key),
      );
    }
  });

  it('counts 老少同台 programmes: retired teachers and students on one stage', () => {
    const show = live().filter((e) => e.campaignId === CAMPAIGNS.show);
    const roles = (e: PlanEntry) => new Set(finalParticipants(e).map((p) => p.role));
    const intergenerational = count(show, (e) => roles(e).has('RETIRED_TEACHER') && roles(e).has('STUDENT'));
    expect(read().campaign(CAMPAIGNS.show)?.intergenerationalEntries).toBe(intergenerational);
  });
});
