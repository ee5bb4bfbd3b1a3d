/**
 * Realistic event logs of any size for the benchmarks: the 100 demo schools of Taicang, their yearly enrollment,
 * a lecturer corps, and year after year of campaigns (essays, showcases, lectures, evaluations) run through their
 * whole life — entries with participants, revisions, withdrawals, judges' scores, recusals, awards, ratings and
 * lectures. Every event is valid per `schema/src/events` and its metadata per `schema/src/metadata.ts`, as the
 * command runner ensures before it appends (the projections take events of the current version as stored). The
 * log is in time order (`recordedAt` never goes back) and deterministic for a given size, except the event ids and
 * correlation ids, which are random UUIDs as in production.
 *
 * Written straight through the event store port (`SqliteEventStore.append`) in big batches.
 */
import { randomUUID } from 'node:crypto';
import { copyFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { awardCap } from '@qingmiao/domain';
import { type EventToAppend, type JsonObject, SqliteEventStore } from '@qingmiao/event-store';
import { type CampaignKind, events as catalogue, type DomainEvent, type Role, SchoolKind } from '@qingmiao/schema';
import Database from 'better-sqlite3';
import { mulberry32 } from '../demo/random.ts';
import { SCHOOLS } from '../demo/taicang-data.ts';

export interface LogOptions {
  /** Exactly this many events. */
  readonly events: number;
  readonly startYear?: number;
  readonly campaignsPerYear?: number;
  /** Deterministic content for a given seed. */
  readonly seed?: number;
}

export interface LogInfo {
  readonly path: string;
  readonly events: number;
  /** recordedAt (ms) of the first and last events. */
  readonly firstAt: number;
  readonly lastAt: number;
  /** Events per year of `recordedAt`. */
  readonly perYear: ReadonlyMap<number, number>;
  /** recordedAt (ms) of the event at 95% of the log: a "recent past" moment for as-of queries. */
  readonly at95: number;
  readonly types: ReadonlyMap<string, number>;
}

interface Planned {
  readonly stream: string;
  readonly event: DomainEvent;
  readonly actor: { readonly sub: string; readonly role: Role; readonly schoolId?: string };
}

const ORGANIZER = { sub: 'ggw-office', role: 'organizer' as const };
const JUDGES = ['judge-wang', 'judge-li', 'judge-zhang', 'judge-chen', 'judge-liu'];
const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈';
const GIVEN = '小明华芳伟秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英嘉怡子涵浩然梓萱宇轩欣怡若汐一诺';
const GRADES = ['一年级', '二年级', '三年级', '四年级', '五年级', '六年级', '初一', '初二', '初三', '高一', '高二'];
const ESSAY_TITLES = ['爷爷的勋章', '我心中的英雄', '红色家书读后感', '家乡的变化', '我和我的祖国', '童心向党'];
const SHOW_GENRES = ['合唱', '朗诵', '舞蹈', '情景剧', '器乐', '书法表演'];
const TOPICS = ['百年党史中的太仓故事', '家风家训', '抗战中的江南', '新时代好少年', '红色诗词赏析', '劳动最光荣'];
const VENUES = ['城厢镇东门社区', '沙溪镇老街社区', '浏河镇新闸村', '璜泾镇文化中心', '双凤镇新湖社区'];
const ESSAY_KINDS: SchoolKind[] = ['PRIMARY', 'JUNIOR_HIGH', 'SENIOR_HIGH', 'NINE_YEAR', 'MIGRANT', 'SPECIAL'];
const ALL_KINDS: SchoolKind[] = [...SchoolKind.options];
const KIND_CYCLE: CampaignKind[] = ['ESSAY', 'PERFORMANCE', 'ESSAY', 'LECTURE', 'ESSAY', 'EVALUATION', 'PERFORMANCE'];
const PRIZES = ['FIRST', 'SECOND', 'THIRD', 'EXCELLENCE'] as const;
const DAY = 86_400_000;

/**
 * The log as a sequence of phases: each phase is a list of events that happen, evenly spread, within a time window.
 * A year is split into a start (enrollments) and one slot per campaign; inside a campaign slot its phases follow one
 * another, so the log's time order is the generation order.
 */
class Timeline {
  readonly out: Array<{ planned: Planned; at: number }> = [];
  phase(from: number, to: number, planned: readonly Planned[]): void {
    const step = (to - from) / Math.max(1, planned.length);
    planned.forEach((p, i) => {
      this.out.push({ planned: p, at: Math.floor(from + i * step) });
    });
  }
}

function* years(options: LogOptions): Generator<Array<{ planned: Planned; at: number }>> {
  const random = mulberry32(options.seed ?? 2022);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const int = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
  const hex = (n: number) => {
    let s = '';
    while (s.length < n)
      s += Math.floor(random() * 0x100000000)
        .toString(16)
        .padStart(8, '0');
    return s.slice(0, n);
  };
  const uuid = () => `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`;
  const person = () => `${pick([...SURNAMES])}${pick([...GIVEN])}${random() < 0.5 ? pick([...GIVEN]) : ''}`;
  const campaignsPerYear = options.campaignsPerYear ?? 24;
  const lecturers = Array.from({ length: 20 }, (_, i) => `lecturer-${String(i + 1).padStart(2, '0')}`);
  let studentSerial = 0;

  for (let year = options.startYear ?? 2000; ; year++) {
    const yearStart = Date.UTC(year, 0, 1, 1);
    const yearEnd = Date.UTC(year, 11, 30);
    const t = new Timeline();
    const opening: Planned[] = [];
    if (year === (options.startYear ?? 2000)) {
      for (const school of SCHOOLS) {
        opening.push({
          stream: `school-${school.id}`,
          actor: ORGANIZER,
          event: {
            type: 'SchoolRegistered',
            data: {
              schoolId: school.id,
              name: school.name,
              kind: school.kind,
              town: school.town,
              private: school.private ?? false,
            },
          },
        });
      }
      for (const lecturerId of lecturers) {
        opening.push({
          stream: `lecturer-${lecturerId}`,
          actor: ORGANIZER,
          event: {
            type: 'LecturerRegistered',
            data: {
              lecturerId,
              name: person(),
              formerSchoolId: pick(SCHOOLS).id,
              topics: [pick(TOPICS), pick(TOPICS)],
            },
          },
        });
      }
    }
    for (const school of SCHOOLS) {
      opening.push({
        stream: `school-${school.id}`,
        actor: ORGANIZER,
        event: { type: 'EnrollmentRecorded', data: { schoolId: school.id, year, students: int(200, 3000) } },
      });
    }
    const slot = (yearEnd - yearStart - 3 * DAY) / campaignsPerYear;
    t.phase(yearStart, yearStart + 3 * DAY, opening);

    for (let k = 0; k < campaignsPerYear; k++) {
      const kind = KIND_CYCLE[k % KIND_CYCLE.length] as CampaignKind;
      const campaignId = `${kind.toLowerCase()}-${year}-${String(k + 1).padStart(2, '0')}`;
      const stream = `campaign-${campaignId}`;
      const s0 = yearStart + 3 * DAY + k * slot;
      const at = (fraction: number) => Math.floor(s0 + fraction * slot);
      const eligible = kind === 'ESSAY' ? ESSAY_KINDS : ALL_KINDS;
      const rubric =
        kind === 'ESSAY'
          ? [
              { name: '立意', weight: 2, maxScore: 40 },
              { name: '文采', weight: 1, maxScore: 30 },
              { name: '规范', weight: 1, maxScore: 30 },
            ]
          : kind === 'PERFORMANCE'
            ? [
                { name: '表现', weight: 3, maxScore: 60 },
                { name: '创意', weight: 1, maxScore: 40 },
              ]
            : [{ name: '总分', weight: 1, maxScore: 100 }];
      const awardQuota = kind === 'LECTURE' ? null : kind === 'EVALUATION' ? 0.15 : 0.3;
      const org = (event: DomainEvent): Planned => ({ stream, actor: ORGANIZER, event });
      const judges = JUDGES.slice(0, 3);
      t.phase(at(0), at(0.02), [
        org({
          type: 'CampaignCreated',
          data: {
            campaignId,
            kind,
            title: `${year}年${kind === 'LECTURE' ? '党史报告进校园' : kind === 'ESSAY' ? '读书征文' : kind === 'PERFORMANCE' ? '节目展演' : '星级评比'}（第${k + 1}期）`,
            theme: '喜迎二十大，筑梦向未来',
            year,
            opensAt: new Date(at(0.02)).toISOString(),
            closesAt: new Date(at(0.6)).toISOString(),
            eligibleSchoolKinds: eligible,
            maxEntriesPerSchool: kind === 'EVALUATION' ? 1 : kind === 'LECTURE' ? null : 5,
            targetSessions: kind === 'LECTURE' ? 100 : null,
            awardQuota,
            rubric,
            copiedFrom: null,
            blindJudging: true,
            requireGuardianConsent: false,
          },
        }),
        org({ type: 'CampaignOpened', data: { campaignId } }),
        ...(kind === 'LECTURE'
          ? []
          : judges.map((judge) => org({ type: 'JudgeAssigned', data: { campaignId, judge } }))),
      ]);

      if (kind === 'LECTURE') {
        const lectures = Array.from({ length: int(40, 80) }, () => `${campaignId}:${uuid()}`);
        const scheduled: Planned[] = lectures.map((lectureId) => {
          const atSchool = random() < 0.8;
          return org({
            type: 'LectureScheduled',
            data: {
              campaignId,
              lectureId,
              lecturerId: pick(lecturers),
              schoolId: atSchool ? pick(SCHOOLS).id : null,
              venue: atSchool ? null : pick(VENUES),
              topic: pick(TOPICS),
              scheduledAt: new Date(at(0.3 + random() * 0.6)).toISOString(),
            },
          });
        });
        t.phase(at(0.02), at(0.3), scheduled);
        const later: Planned[] = [];
        for (const lectureId of lectures) {
          const r = random();
          if (r < 0.1)
            later.push(
              org({
                type: 'LectureRescheduled',
                data: { campaignId, lectureId, scheduledAt: new Date(at(0.8)).toISOString() },
              }),
            );
          if (r < 0.05)
            later.push(org({ type: 'LectureCancelled', data: { campaignId, lectureId, reason: '天气原因' } }));
          else
            later.push(
              org({
                type: 'LectureDelivered',
                data: { campaignId, lectureId, audience: int(50, 400), durationMinutes: int(45, 90) },
              }),
            );
        }
        t.phase(at(0.3), at(0.95), later);
        t.phase(at(0.96), at(0.97), [org({ type: 'CampaignClosed', data: { campaignId } })]);
        continue;
      }

      // Entries while open: submissions from eligible schools in random order, then some revisions and withdrawals.
      const entries: Array<{ entryId: string; schoolId: string; live: boolean }> = [];
      const submissions: Planned[] = [];
      for (const school of SCHOOLS) {
        if (!eligible.includes(school.kind)) continue;
        const count =
          kind === 'EVALUATION'
            ? random() < 0.7
              ? 1
              : 0
            : kind === 'ESSAY'
              ? int(0, 5)
              : random() < 0.6
                ? int(1, 3)
                : 0;
        for (let i = 0; i < count; i++) {
          const entryId = `${campaignId}:${uuid()}`;
          const schoolActor = { sub: `teacher-${school.id}`, role: 'school' as const, schoolId: school.id };
          const performers = kind === 'PERFORMANCE' ? int(3, 8) : kind === 'ESSAY' ? (random() < 0.85 ? 1 : 2) : 1;
          const participants = Array.from({ length: performers }, () => {
            const role =
              kind === 'PERFORMANCE' && random() < 0.2
                ? ('RETIRED_TEACHER' as const)
                : kind === 'EVALUATION'
                  ? ('TEACHER' as const)
                  : ('STUDENT' as const);
            const name = person();
            return role === 'STUDENT'
              ? random() < 0.6
                ? { name, role, grade: pick(GRADES), key: `${year}${String(++studentSerial).padStart(6, '0')}` }
                : { name, role, grade: pick(GRADES) }
              : { name, role };
          });
          entries.push({ entryId, schoolId: school.id, live: true });
          submissions.push({
            stream,
            actor: schoolActor,
            event: {
              type: 'EntrySubmitted',
              data: {
                campaignId,
                entryId,
                submissionId: `${school.id}-${k}-${i}`,
                schoolId: school.id,
                title: kind === 'EVALUATION' ? `${school.name}关工委工作申报` : pick(ESSAY_TITLES),
                participants,
                advisor: random() < 0.7 ? `${pick([...SURNAMES])}老师` : null,
                performance: kind === 'PERFORMANCE' ? { genre: pick(SHOW_GENRES), durationMinutes: int(3, 12) } : null,
              },
            },
          });
        }
      }
      for (let i = submissions.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [submissions[i], submissions[j]] = [submissions[j] as Planned, submissions[i] as Planned];
        [entries[i], entries[j]] = [entries[j] as (typeof entries)[number], entries[i] as (typeof entries)[number]];
      }
      const changes: Planned[] = [];
      entries.forEach((entry, i) => {
        const submitted = submissions[i]?.event;
        if (submitted?.type !== 'EntrySubmitted') return;
        const actor = { sub: `teacher-${entry.schoolId}`, role: 'school' as const, schoolId: entry.schoolId };
        const r = random();
        if (r < 0.1) {
          const { campaignId: c, entryId, participants, advisor, performance } = submitted.data;
          changes.push({
            stream,
            actor,
            event: {
              type: 'EntryRevised',
              data: {
                campaignId: c,
                entryId,
                title: `${submitted.data.title}（修改稿）`,
                participants,
                advisor,
                performance,
              },
            },
          });
        } else if (r < 0.14) {
          entry.live = false;
          changes.push({
            stream,
            actor,
            event: { type: 'EntryWithdrawn', data: { campaignId, entryId: entry.entryId, reason: '学生转学' } },
          });
        }
      });
      t.phase(at(0.02), at(0.5), submissions);
      t.phase(at(0.5), at(0.6), changes);
      t.phase(at(0.6), at(0.61), [org({ type: 'CampaignClosed', data: { campaignId } })]);

      // Judging after closing: every live entry scored by most judges; EVALUATION is rated instead.
      const live = entries.filter((entry) => entry.live);
      const judging: Planned[] = [];
      if (kind === 'EVALUATION') {
        for (const entry of live) {
          judging.push(org({ type: 'EntryRated', data: { campaignId, entryId: entry.entryId, stars: int(1, 5) } }));
        }
      } else {
        for (const entry of live) {
          for (const judge of judges) {
            const actor = { sub: judge, role: 'judge' as const };
            if (random() < 0.01) {
              judging.push({
                stream,
                actor,
                event: {
                  type: 'JudgeRecused',
                  data: { campaignId, entryId: entry.entryId, judge, reason: '指导教师是亲属' },
                },
              });
              continue;
            }
            if (random() < 0.15) continue;
            const scores = rubric.map((c) => ({
              criterion: c.name,
              score: int(Math.floor(c.maxScore / 2), c.maxScore),
            }));
            let total = 0;
            let weights = 0;
            for (const c of rubric) {
              total += (c.weight * (scores.find((s) => s.criterion === c.name)?.score ?? 0)) / c.maxScore;
              weights += c.weight;
            }
            judging.push({
              stream,
              actor,
              event: {
                type: 'EntryScored',
                data: {
                  campaignId,
                  entryId: entry.entryId,
                  judge,
                  scores,
                  weightedScore: Math.round((total / weights) * 10000) / 100,
                  comment: random() < 0.3 ? '真情实感，结构清晰' : null,
                },
              },
            });
          }
        }
      }
      t.phase(at(0.61), at(0.85), judging);
      const cap = awardQuota === null ? 0 : awardCap(awardQuota, live.length);
      const awards = live.slice(0, cap).map((entry, i) =>
        org({
          type: 'EntryAwarded',
          data: { campaignId, entryId: entry.entryId, prize: PRIZES[Math.min(3, i % 7)] ?? 'EXCELLENCE' },
        }),
      );
      t.phase(at(0.85), at(0.93), awards);
      t.phase(at(0.95), at(0.96), [org({ type: 'ResultsPublished', data: { campaignId } })]);
    }
    yield t.out;
  }
}

function encode({ event, actor }: Planned, at: number): EventToAppend {
  const recordedAt = new Date(at).toISOString();
  const metadata: JsonObject = {
    actor: actor.sub,
    role: actor.role,
    ...(actor.schoolId === undefined ? {} : { schoolId: actor.schoolId }),
    correlationId: randomUUID(),
    recordedAt,
    schemaVersion: catalogue.versionOf(event.type),
  };
  return { id: randomUUID(), type: event.type, data: event.data as JsonObject, metadata };
}

/** Writes a log of exactly `options.events` events into a new SQLite event store file at `path`. */
export async function writeLog(path: string, options: LogOptions): Promise<LogInfo> {
  const store = new SqliteEventStore({ path });
  const perYear = new Map<number, number>();
  const types = new Map<string, number>();
  let written = 0;
  let firstAt = Number.NaN;
  let lastAt = Number.NaN;
  const at95Index = Math.floor(options.events * 0.95);
  let at95 = Number.NaN;
  try {
    let inFlight: Promise<unknown>[] = [];
    let run: { stream: string; events: EventToAppend[] } | undefined;
    const flushRun = () => {
      if (run) inFlight.push(store.append(run.stream, run.events, { expectedRevision: 'any' }));
      run = undefined;
    };
    outer: for (const year of years(options)) {
      for (const { planned, at } of year) {
        if (written === options.events) break outer;
        if (Number.isNaN(firstAt)) firstAt = at;
        lastAt = at;
        if (written === at95Index) at95 = at;
        const y = new Date(at).getUTCFullYear();
        perYear.set(y, (perYear.get(y) ?? 0) + 1);
        types.set(planned.event.type, (types.get(planned.event.type) ?? 0) + 1);
        if (run && (run.stream !== planned.stream || run.events.length >= 1000)) flushRun();
        run ??= { stream: planned.stream, events: [] };
        run.events.push(encode(planned, at));
        written++;
        if (inFlight.length >= 256) {
          await Promise.all(inFlight);
          inFlight = [];
        }
      }
    }
    flushRun();
    await Promise.all(inFlight);
  } finally {
    await store.close();
  }
  return { path, events: written, firstAt, lastAt, perYear, at95, types };
}

/** Logs of this run by size, written once and copied for each user that needs its own file. */
export class LogCache {
  readonly #dir: string;
  readonly #logs = new Map<number, Promise<LogInfo>>();

  constructor(dir: string) {
    this.#dir = dir;
  }

  get(events: number): Promise<LogInfo> {
    let log = this.#logs.get(events);
    if (!log) {
      log = writeLog(join(this.#dir, `log-${events}.db`), { events });
      this.#logs.set(events, log);
    }
    return log;
  }

  /** A private copy of the log file, with everything in the main file. */
  async copyTo(events: number, target: string): Promise<LogInfo> {
    const log = await this.get(events);
    // A read-only reader (the raw catch-up baseline) leaves an empty WAL behind: fold it in and remove it.
    if (existsSync(`${log.path}-wal`)) {
      const db = new Database(log.path);
      db.pragma('wal_checkpoint(TRUNCATE)');
      db.close();
    }
    if (existsSync(`${log.path}-wal`)) throw new Error(`${log.path} still has a WAL`);
    copyFileSync(log.path, target);
    return { ...log, path: target };
  }
}
