/**
 * A realistic campaign year of the Taicang (太仓) education bureau's 关工委, 2022, as plain data: schools and their
 * enrollment, the 老园丁讲师团 lecturers, the work plan's campaigns, entries with revisions and withdrawals, judges'
 * scores, awards within quota, star ratings and the 千场党史报告进校园 lectures. Pure and deterministic: the same
 * seed and scale give the same plan, with no clock and no I/O. `seedDemoYear` (./seed.ts) turns it into commands.
 *
 * Every moment is a 2022 date-time in China Standard Time (+08:00). The plan ends on `asOf` (2022-12-20): the
 * lecture series and the 工作创新奖 are still OPEN then, the 星级家长学校复评 is CLOSED with its ratings given and the
 * other campaigns have published their results.
 */
import { awardCap, weightedScore } from '@qingmiao/domain';
import { type CampaignKind, type Criterion, type ParticipantRole, type Prize, SchoolKind } from '@qingmiao/schema';
import { Random } from './random.ts';
import {
  ADULT_GIVEN_NAMES,
  ASTRONAUTS,
  CHILD_GIVEN_NAMES,
  CHILDLIKE_TITLES,
  COMMUNITIES,
  COVID_CANCEL_REASON,
  DISQUALIFY_REASON,
  ELDER_GIVEN_NAMES,
  ENROLLMENT,
  ESSAY_COMMENTS,
  EVALUATION_COMMENTS,
  GRADES,
  INNOVATION_PROJECTS,
  JUDGES,
  KINDERGARTEN_TITLES,
  LECTURE_CANCEL_REASONS,
  LECTURE_TOPICS,
  LECTURE_TOPICS_AFTER_CONGRESS,
  LECTURE_TOPICS_BEFORE_CONGRESS,
  MEDAL_HEROES,
  MEDAL_TITLES,
  RECUSE_REASONS,
  SCHOOLS,
  SHOW_COMMENTS,
  SHOW_PROGRAMMES,
  SPACE_TITLES,
  SPACE_TOPICS,
  SURNAMES,
  type Town,
  WITHDRAW_REASONS,
} from './taicang-data.ts';

/** An ISO 8601 date-time with the +08:00 offset. */
export type Iso = string;

interface PlanSchool {
  readonly id: string;
  readonly name: string;
  readonly kind: SchoolKind;
  readonly town: string;
  readonly private: boolean;
  readonly registeredAt: Iso;
}

interface PlanEnrollment {
  readonly schoolId: string;
  readonly year: number;
  readonly students: number;
  readonly recordedAt: Iso;
}

interface PlanLecturer {
  readonly id: string;
  readonly name: string;
  readonly formerSchoolId?: string;
  readonly topics: readonly string[];
  readonly registeredAt: Iso;
}

export interface PlanParticipant {
  readonly name: string;
  readonly role: ParticipantRole;
  readonly grade?: string;
  readonly key?: string;
}

/** The createCampaign input. */
interface CampaignDefinition {
  readonly id: string;
  readonly kind: CampaignKind;
  readonly title: string;
  readonly theme: string;
  readonly year: number;
  readonly opensAt: Iso;
  readonly closesAt: Iso;
  readonly eligibleSchoolKinds?: readonly SchoolKind[];
  readonly maxEntriesPerSchool?: number;
  readonly targetSessions?: number;
  readonly awardQuota?: number;
  readonly rubric?: readonly Criterion[];
}

type FinalStatus = 'OPEN' | 'CLOSED' | 'RESULTS_PUBLISHED';

interface PlanCampaign {
  readonly definition: CampaignDefinition;
  readonly createdAt: Iso;
  readonly openedAt: Iso;
  readonly extended?: { readonly at: Iso; readonly closesAt: Iso };
  readonly closedAt?: Iso;
  readonly judges: readonly { readonly judge: string; readonly at: Iso }[];
  readonly publishedAt?: Iso;
  /** The status on `asOf`, when the plan ends. */
  readonly finalStatus: FinalStatus;
}

interface PlanScore {
  readonly judge: string;
  readonly at: Iso;
  readonly criteria: readonly { readonly criterion: string; readonly score: number }[];
  /** The weighted score on the 0–100 scale, as the domain computes it. */
  readonly weighted: number;
  readonly comment?: string;
}

export interface PlanEntry {
  readonly campaignId: string;
  readonly submissionId: string;
  readonly schoolId: string;
  readonly submittedAt: Iso;
  readonly title: string;
  readonly advisor?: string;
  readonly performance?: { readonly genre: string; readonly durationMinutes: number };
  readonly participants: readonly PlanParticipant[];
  /** A change by the school while the campaign is open: only the fields given change. */
  readonly revision?: {
    readonly at: Iso;
    readonly title?: string;
    readonly advisor?: string;
    readonly participants?: readonly PlanParticipant[];
  };
  /** By the school while open, or by the organizer after closing (disqualification). */
  readonly withdrawal?: { readonly at: Iso; readonly reason: string; readonly by: 'school' | 'organizer' };
  readonly recusals: readonly { readonly judge: string; readonly at: Iso; readonly reason: string }[];
  readonly scores: readonly PlanScore[];
  readonly award?: { readonly at: Iso; readonly prize: Prize };
  readonly rating?: { readonly at: Iso; readonly stars: number };
}

interface PlanLecture {
  /** The client's key (`scheduleLecture`'s lectureId). */
  readonly key: string;
  readonly campaignId: string;
  readonly lecturerId: string;
  readonly schoolId?: string;
  /** A community venue (社区/村) when not at a school. */
  readonly venue?: string;
  readonly topic: string;
  /** The date first scheduled. */
  readonly scheduledAt: Iso;
  /** When it was put on the schedule. */
  readonly at: Iso;
  readonly rescheduled?: { readonly at: Iso; readonly scheduledAt: Iso };
  readonly delivered?: { readonly at: Iso; readonly audience: number; readonly durationMinutes: number };
  readonly cancelled?: { readonly at: Iso; readonly reason: string };
}

export interface DemoPlan {
  readonly seed: number;
  readonly scale: number;
  readonly year: 2022;
  /** Token subject of the 关工委 office that issues organizer commands. */
  readonly organizer: string;
  /** The moment the plan ends: everything in it happens before. */
  readonly asOf: Iso;
  readonly schools: readonly PlanSchool[];
  readonly enrollments: readonly PlanEnrollment[];
  readonly lecturers: readonly PlanLecturer[];
  readonly judges: readonly { readonly sub: string; readonly name: string }[];
  readonly campaigns: readonly PlanCampaign[];
  readonly entries: readonly PlanEntry[];
  readonly lectures: readonly PlanLecture[];
}

export interface PlanOptions {
  /** PRNG seed (default 2022). */
  readonly seed?: number;
  /** 0 < scale ≤ 1: share of the schools (at least one of each kind), lecturers and lectures (default 1). */
  readonly scale?: number;
}

/** Campaign ids of the plan. */
export const CAMPAIGNS = {
  medal: 'xunzhang-essay-2022',
  space: 'zhumeng-jiutian-essay-2022',
  childlike: 'tongxin-2022',
  show: 'zhumeng-show-2022',
  lectures: 'dangshi-2022',
  consolidation: 'changtaihua-2022',
  parentSchools: 'xingji-jiazhang-2022',
  innovation: 'gongzuo-chuangxin-2022',
} as const;

/** The participants an entry ends with, after its revision. */
export function finalParticipants(entry: PlanEntry): readonly PlanParticipant[] {
  return entry.revision?.participants ?? entry.participants;
}

export function finalTitle(entry: PlanEntry): string {
  return entry.revision?.title ?? entry.title;
}

export function isLive(entry: PlanEntry): boolean {
  return entry.withdrawal === undefined;
}

// ───────────────────────────── time ─────────────────────────────

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** A moment of 2022 in China Standard Time, as epoch milliseconds. */
function cst(month: number, day: number, hour = 9, minute = 0, second = 0): number {
  return Date.UTC(2022, month - 1, day, hour - 8, minute, second);
}

const pad = (n: number) => String(n).padStart(2, '0');

function iso(ms: number): Iso {
  const d = new Date(ms + 8 * HOUR);
  return (
    `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}` +
    `T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}+08:00`
  );
}

/** Midnight (CST) of the day of `ms`. */
function dayOf(ms: number): number {
  return Math.floor((ms + 8 * HOUR) / DAY) * DAY - 8 * HOUR;
}

/** Local calendar fields of a moment. */
function local(ms: number): { month: number; day: number; weekday: number } {
  const d = new Date(ms + 8 * HOUR);
  return { month: d.getUTCMonth() + 1, day: d.getUTCDate(), weekday: d.getUTCDay() };
}

/** A daytime moment (08:00–20:59) in [from, to], skewed toward `to` when skew < 1 (submissions pile up late). */
function daytimeBetween(rng: Random, from: number, to: number, skew = 1): number {
  const t = from + rng.next() ** skew * (to - from);
  const at = dayOf(t) + rng.int(8, 20) * HOUR + rng.int(0, 59) * MINUTE;
  return Math.min(Math.max(at, from), to);
}

const AS_OF = cst(12, 20, 18);
const START = cst(1, 4, 9);

// ───────────────────────────── people ─────────────────────────────

interface Student {
  readonly name: string;
  readonly grade: string;
  readonly gradeIndex: number;
  readonly key: string;
}

function surname(rng: Random): readonly [string, string] {
  return rng.pick(SURNAMES);
}

const childName = (rng: Random, family = surname(rng)[0]) => family + rng.pick(CHILD_GIVEN_NAMES);
const adultName = (rng: Random) => surname(rng)[0] + rng.pick(ADULT_GIVEN_NAMES);
const elderName = (rng: Random) => surname(rng)[0] + rng.pick(ELDER_GIVEN_NAMES)[0];

/** Who takes part from one school: its students (by the school's own key), teachers and retired teachers. */
class SchoolPeople {
  readonly #rng: Random;
  readonly #school: PlanSchool;
  readonly #students: Student[] = [];
  readonly #keys = new Set<string>();
  readonly advisors: readonly string[];
  /** Retired teachers of the school's 关工委 (the first is its 常务副主任), with the school's keys. */
  readonly elders: readonly PlanParticipant[];
  /** The school's 关工委 contact. */
  readonly contact: PlanParticipant;

  constructor(school: PlanSchool, rng: Random) {
    this.#school = school;
    this.#rng = rng;
    this.advisors = Array.from({ length: rng.int(4, 12) }, () => adultName(rng));
    this.elders = Array.from({ length: rng.int(2, 5) }, (_, i) => ({
      name: elderName(rng),
      role: 'RETIRED_TEACHER' as const,
      key: `lt-${pad(i + 1)}`,
    }));
    this.contact = { name: adultName(rng), role: 'TEACHER', key: 'gw-01' };
  }

  /**
   * A student in one of the allowed grades (1-based indexes into the school's grades), not in `taken`: often one who
   * already took part this year (children enter several campaigns), else a new one.
   */
  student(allowed: readonly number[], taken: ReadonlySet<string>, repeat = 0.22): Student {
    const rng = this.#rng;
    if (rng.chance(repeat)) {
      const known = this.#students.filter((s) => allowed.includes(s.gradeIndex) && !taken.has(s.key));
      if (known.length > 0) return rng.pick(known);
    }
    const gradeIndex = rng.pick(allowed);
    const grade = GRADES[this.#school.kind][gradeIndex - 1] ?? '';
    for (;;) {
      // The school's student number: year of admission, class, seat.
      const key = `${2022 - gradeIndex}${pad(rng.int(1, 8))}${pad(rng.int(1, 45))}`;
      if (this.#keys.has(key)) continue;
      this.#keys.add(key);
      const student = { name: childName(rng), grade, gradeIndex, key };
      this.#students.push(student);
      return student;
    }
  }

  /** One of the school's teachers, other than `not` when there is another. */
  advisor(not?: string): string {
    const others = this.advisors.filter((a) => a !== not);
    return this.#rng.pick(others.length > 0 ? others : this.advisors);
  }
}

const asParticipant = (s: Student): PlanParticipant => ({ name: s.name, role: 'STUDENT', grade: s.grade, key: s.key });

/** Grades (1-based) a campaign is for, by school kind. */
function gradeRange(kind: SchoolKind, from: number, to: number): number[] {
  const count = GRADES[kind].length;
  const range: number[] = [];
  for (let g = Math.max(1, from); g <= Math.min(count, to); g++) range.push(g);
  return range.length > 0 ? range : Array.from({ length: count }, (_, i) => i + 1);
}

// ───────────────────────────── campaigns ─────────────────────────────

const RUBRICS = {
  medal: [
    { name: '立意', weight: 3, maxScore: 40 },
    { name: '内容', weight: 2, maxScore: 30 },
    { name: '文采', weight: 2, maxScore: 20 },
    { name: '规范', weight: 1, maxScore: 10 },
  ],
  space: [
    { name: '主题', weight: 3, maxScore: 40 },
    { name: '想象与创新', weight: 2, maxScore: 30 },
    { name: '表达', weight: 2, maxScore: 30 },
  ],
  childlike: [
    { name: '立意', weight: 2, maxScore: 40 },
    { name: '文采', weight: 1, maxScore: 30 },
    { name: '规范', weight: 1, maxScore: 30 },
  ],
  show: [
    { name: '思想内涵', weight: 3, maxScore: 30 },
    { name: '艺术表现', weight: 3, maxScore: 30 },
    { name: '舞台效果', weight: 2, maxScore: 20 },
    { name: '老少融合', weight: 2, maxScore: 20 },
  ],
  consolidation: [
    { name: '组织建设', weight: 1, maxScore: 25 },
    { name: '制度建设', weight: 1, maxScore: 25 },
    { name: '活动开展', weight: 1, maxScore: 25 },
    { name: '特色成效', weight: 1, maxScore: 25 },
  ],
  innovation: [
    { name: '创新性', weight: 2, maxScore: 40 },
    { name: '实效性', weight: 2, maxScore: 40 },
    { name: '推广价值', weight: 1, maxScore: 20 },
  ],
} satisfies Record<string, Criterion[]>;

interface Judging {
  readonly judges: number;
  readonly assignedAt: number;
  /** Scoring window; absent when judges are assigned but have not scored yet. */
  readonly scoring?: readonly [number, number];
  readonly comments: readonly string[];
  /** When awards are granted (filling the quota), and how: prize tiers, or one prize for every winner. */
  readonly awards?: { readonly at: number; readonly prizes: 'tiers' | 'single' };
}

/** A revision as drafted, before it gets its moment. */
type RevisionDraft = Omit<NonNullable<PlanEntry['revision']>, 'at'>;

interface EntryDraft {
  readonly title: string;
  readonly advisor?: string;
  readonly performance?: { readonly genre: string; readonly durationMinutes: number };
  readonly participants: readonly PlanParticipant[];
}

interface CampaignSpec {
  readonly short: string;
  readonly definition: CampaignDefinition;
  readonly createdAt: number;
  readonly openedAt: number;
  readonly extended?: { readonly at: number; readonly closesAt: number };
  readonly closedAt?: number;
  readonly publishedAt?: number;
  readonly finalStatus: FinalStatus;
  readonly judging?: Judging;
  /** Star ratings given by the organizer in this window after closing. */
  readonly ratings?: readonly [number, number];
  /** One organizer disqualification after closing, when the campaign has enough entries. */
  readonly disqualify?: boolean;
  /** Entries a school sends (0 when it does not take part). */
  readonly entriesOf: (school: PlanSchool, rng: Random) => number;
  readonly draft: (school: PlanSchool, people: SchoolPeople, rng: Random) => EntryDraft;
  /** A revision of a draft, or undefined when this kind of entry is not revised. */
  readonly revise?: (entry: EntryDraft, school: PlanSchool, people: SchoolPeople, rng: Random) => RevisionDraft;
  readonly submissions: readonly [number, number];
  readonly skew: number;
}

const isPrivateLike = (school: PlanSchool) => school.private || school.kind === 'MIGRANT';

/** Entries in proportion to enrollment, capped by the campaign's limit; some schools do not take part. */
function byEnrollment(divisor: number, max: number, enrollment: ReadonlyMap<string, number>) {
  return (school: PlanSchool, rng: Random): number => {
    if (!rng.chance(isPrivateLike(school) ? 0.75 : 0.92)) return 0;
    const students = enrollment.get(school.id) ?? 0;
    return Math.min(max, Math.max(1, Math.round((students / divisor) * rng.float(0.6, 1.4))));
  };
}

function essayDraft(title: (rng: Random) => string, grades: (kind: SchoolKind) => number[]) {
  return (school: PlanSchool, people: SchoolPeople, rng: Random): EntryDraft => {
    if (school.kind === 'KINDERGARTEN') {
      // 亲子共创: a child of the top class with a parent.
      const child = people.student([3], new Set(), 0.1);
      const parent: PlanParticipant = { name: child.name.slice(0, 1) + rng.pick(ADULT_GIVEN_NAMES), role: 'PARENT' };
      return {
        title: rng.pick(KINDERGARTEN_TITLES),
        advisor: people.advisor(),
        participants: [asParticipant(child), parent],
      };
    }
    const allowed = grades(school.kind);
    const first = people.student(allowed, new Set());
    const authors = [first];
    if (rng.chance(0.12)) authors.push(people.student([first.gradeIndex], new Set([first.key])));
    return { title: title(rng), advisor: people.advisor(), participants: authors.map(asParticipant) };
  };
}

function essayRevision(title: (rng: Random) => string, grades: (kind: SchoolKind) => number[]) {
  return (entry: EntryDraft, school: PlanSchool, people: SchoolPeople, rng: Random): RevisionDraft => {
    const r = rng.next();
    if (r < 0.5 || school.kind === 'KINDERGARTEN') {
      let next = title(rng);
      if (next === entry.title) next = `${next}(修改稿)`;
      return { title: next };
    }
    if (r < 0.8 && entry.participants.length === 1) {
      // A co-author added to the lead author.
      const taken = new Set(entry.participants.flatMap((p) => (p.key ? [p.key] : [])));
      const coAuthor = people.student(grades(school.kind), taken);
      return { participants: [...entry.participants, asParticipant(coAuthor)] };
    }
    const advisor = people.advisor(entry.advisor);
    return advisor === entry.advisor ? { title: `${entry.title}(修改稿)` } : { advisor };
  };
}

function medalTitle(rng: Random): string {
  const [hero, honorific] = rng.pick(MEDAL_HEROES);
  return rng.pick(MEDAL_TITLES)(hero, honorific);
}

function spaceTitle(rng: Random): string {
  return rng.pick(SPACE_TITLES)(rng.pick(SPACE_TOPICS), rng.pick(ASTRONAUTS));
}

function childlikeTitle(rng: Random): string {
  return rng.pick(CHILDLIKE_TITLES);
}

/** 《勋章》 and 《筑梦九天》 are for readers from the third grade on. */
const readerGrades = (kind: SchoolKind) =>
  kind === 'PRIMARY' || kind === 'MIGRANT' || kind === 'NINE_YEAR' ? gradeRange(kind, 3, 9) : gradeRange(kind, 1, 9);
const childGrades = (kind: SchoolKind) => gradeRange(kind, 1, 6);

function showDraft(school: PlanSchool, people: SchoolPeople, rng: Random): EntryDraft {
  const programme = rng.pick(SHOW_PROGRAMMES);
  const allowed = school.kind === 'KINDERGARTEN' ? [2, 3] : gradeRange(school.kind, 1, 9);
  const taken = new Set<string>();
  const performers: PlanParticipant[] = [];
  const size = programme.genre === '合唱' ? rng.int(10, 24) : rng.int(3, 10);
  for (let i = 0; i < size; i++) {
    const student = people.student(allowed, taken, 0.3);
    taken.add(student.key);
    performers.push(asParticipant(student));
  }
  // 老少同台: most programmes put the school's retired teachers on stage with the children.
  if (rng.chance(0.85))
    performers.push(...rng.shuffle(people.elders).slice(0, rng.int(1, Math.min(3, people.elders.length))));
  if (rng.chance(0.4)) performers.push({ name: people.advisor(), role: 'TEACHER' });
  return {
    title: rng.pick(programme.titles),
    advisor: people.advisor(),
    performance: { genre: programme.genre, durationMinutes: rng.int(programme.minutes[0], programme.minutes[1]) },
    participants: performers,
  };
}

function showRevision(entry: EntryDraft, _school: PlanSchool, people: SchoolPeople, rng: Random): RevisionDraft {
  const elders = entry.participants.filter((p) => p.role === 'RETIRED_TEACHER').map((p) => p.key);
  const more = people.elders.filter((e) => !elders.includes(e.key));
  const extra = more.length > 0 ? rng.pick(more) : undefined;
  if (extra) return { participants: [...entry.participants, extra] };
  const advisor = people.advisor(entry.advisor);
  return advisor === entry.advisor ? { title: `${entry.title}(修改版)` } : { advisor };
}

function specs(enrollment: ReadonlyMap<string, number>): CampaignSpec[] {
  const all: SchoolKind[] = [...SchoolKind.options];
  return [
    {
      short: 'xunzhang',
      definition: {
        id: CAMPAIGNS.medal,
        kind: 'ESSAY',
        title: '《勋章》读书征文',
        theme: '爱学习、爱劳动、爱祖国——老少共筑中国梦:读《勋章》,学习共和国勋章获得者的事迹',
        year: 2022,
        opensAt: iso(cst(3, 1, 0)),
        closesAt: iso(cst(5, 31, 23, 59, 59)),
        eligibleSchoolKinds: ['PRIMARY', 'JUNIOR_HIGH', 'NINE_YEAR', 'MIGRANT'],
        maxEntriesPerSchool: 20,
        awardQuota: 0.3,
        rubric: RUBRICS.medal,
      },
      createdAt: cst(2, 21, 10),
      openedAt: cst(3, 1, 9),
      closedAt: cst(6, 1, 9),
      publishedAt: cst(6, 28, 10),
      finalStatus: 'RESULTS_PUBLISHED',
      judging: {
        judges: 3,
        assignedAt: cst(6, 1, 10),
        scoring: [cst(6, 2, 8), cst(6, 14, 18)],
        comments: ESSAY_COMMENTS,
        awards: { at: cst(6, 20, 10), prizes: 'tiers' },
      },
      disqualify: true,
      entriesOf: byEnrollment(130, 20, enrollment),
      draft: essayDraft(medalTitle, readerGrades),
      revise: essayRevision(medalTitle, readerGrades),
      submissions: [cst(3, 2, 8), cst(5, 31, 21)],
      skew: 0.6,
    },
    {
      short: 'zhumeng',
      definition: {
        id: CAMPAIGNS.space,
        kind: 'ESSAY',
        title: '《筑梦九天》读书征文',
        theme: '读《筑梦九天》,讲述中国航天人的追梦故事,增强做中国人的志气骨气底气',
        year: 2022,
        opensAt: iso(cst(3, 15, 0)),
        closesAt: iso(cst(6, 30, 23, 59, 59)),
        eligibleSchoolKinds: ['PRIMARY', 'JUNIOR_HIGH', 'NINE_YEAR', 'SENIOR_HIGH', 'VOCATIONAL', 'MIGRANT'],
        maxEntriesPerSchool: 20,
        awardQuota: 0.3,
        rubric: RUBRICS.space,
      },
      createdAt: cst(3, 1, 14),
      openedAt: cst(3, 15, 9),
      closedAt: cst(7, 1, 9),
      publishedAt: cst(7, 22, 10),
      finalStatus: 'RESULTS_PUBLISHED',
      judging: {
        judges: 3,
        assignedAt: cst(7, 1, 10),
        scoring: [cst(7, 2, 8), cst(7, 12, 18)],
        comments: ESSAY_COMMENTS,
        awards: { at: cst(7, 15, 10), prizes: 'tiers' },
      },
      disqualify: true,
      entriesOf: byEnrollment(140, 20, enrollment),
      draft: essayDraft(spaceTitle, readerGrades),
      revise: essayRevision(spaceTitle, readerGrades),
      submissions: [cst(3, 16, 8), cst(6, 30, 21)],
      skew: 0.6,
    },
    {
      short: 'tongxin',
      definition: {
        id: CAMPAIGNS.childlike,
        kind: 'ESSAY',
        title: '党的光辉照我心,童心喜迎二十大',
        theme: '主题征稿:讲述身边的变化,抒写爱党爱国情怀,喜迎党的二十大',
        year: 2022,
        opensAt: iso(cst(4, 1, 0)),
        closesAt: iso(cst(6, 30, 23, 59, 59)),
        eligibleSchoolKinds: ['KINDERGARTEN', 'PRIMARY', 'NINE_YEAR', 'MIGRANT', 'SPECIAL'],
        maxEntriesPerSchool: 10,
        awardQuota: 0.3,
        rubric: RUBRICS.childlike,
      },
      createdAt: cst(3, 25, 10),
      openedAt: cst(4, 1, 9),
      // Schools asked for more time after the spring lockdown.
      extended: { at: cst(6, 24, 10), closesAt: cst(7, 15, 23, 59, 59) },
      closedAt: cst(7, 16, 9),
      publishedAt: cst(8, 31, 10),
      finalStatus: 'RESULTS_PUBLISHED',
      judging: {
        judges: 3,
        assignedAt: cst(7, 16, 10),
        scoring: [cst(7, 18, 8), cst(7, 29, 18)],
        comments: ESSAY_COMMENTS,
        awards: { at: cst(8, 5, 10), prizes: 'tiers' },
      },
      disqualify: true,
      entriesOf: (school, rng) =>
        school.kind === 'SPECIAL'
          ? rng.int(1, 3)
          : byEnrollment(school.kind === 'KINDERGARTEN' ? 150 : 180, 10, enrollment)(school, rng),
      draft: essayDraft(childlikeTitle, childGrades),
      revise: essayRevision(childlikeTitle, childGrades),
      submissions: [cst(4, 2, 8), cst(7, 15, 21)],
      skew: 0.7,
    },
    {
      short: 'show',
      definition: {
        id: CAMPAIGNS.show,
        kind: 'PERFORMANCE',
        title: '喜迎二十大,筑梦向未来 老少同台节目展演',
        theme: '退休教师与学生同台演出,以文艺节目喜迎党的二十大',
        year: 2022,
        opensAt: iso(cst(5, 10, 0)),
        closesAt: iso(cst(9, 15, 23, 59, 59)),
        maxEntriesPerSchool: 2,
        awardQuota: 0.35,
        rubric: RUBRICS.show,
      },
      createdAt: cst(4, 28, 10),
      openedAt: cst(5, 10, 9),
      closedAt: cst(9, 16, 9),
      publishedAt: cst(10, 10, 10),
      finalStatus: 'RESULTS_PUBLISHED',
      judging: {
        judges: 5,
        assignedAt: cst(9, 16, 10),
        scoring: [cst(9, 19, 8), cst(9, 28, 18)],
        comments: SHOW_COMMENTS,
        awards: { at: cst(9, 30, 10), prizes: 'tiers' },
      },
      entriesOf: (school, rng) => {
        const p = school.kind === 'KINDERGARTEN' ? 0.45 : isPrivateLike(school) ? 0.55 : 0.75;
        return rng.chance(p) ? (rng.chance(0.25) ? 2 : 1) : 0;
      },
      draft: showDraft,
      revise: showRevision,
      submissions: [cst(5, 11, 8), cst(9, 15, 20)],
      skew: 0.8,
    },
    {
      short: 'dangshi',
      definition: {
        id: CAMPAIGNS.lectures,
        kind: 'LECTURE',
        title: '千场党史报告进校园',
        theme: '老园丁讲师团深入学校、社区(村)宣讲党史,教育引导青少年听党话、跟党走',
        year: 2022,
        opensAt: iso(cst(1, 1, 0)),
        closesAt: iso(cst(12, 31, 23, 59, 59)),
        targetSessions: 1000,
      },
      createdAt: cst(1, 4, 10),
      openedAt: cst(1, 5, 9),
      finalStatus: 'OPEN',
      entriesOf: () => 0,
      draft: () => {
        throw new Error('a LECTURE campaign has no entries');
      },
      submissions: [0, 0],
      skew: 1,
    },
    {
      short: 'changtaihua',
      definition: {
        id: CAMPAIGNS.consolidation,
        kind: 'EVALUATION',
        title: '关工委工作常态化建设巩固提高奖',
        theme: '巩固关工委常态化建设成果,表彰先进(获奖比例控制在15%以内)',
        year: 2022,
        opensAt: iso(cst(9, 1, 0)),
        closesAt: iso(cst(11, 30, 23, 59, 59)),
        eligibleSchoolKinds: all,
        awardQuota: 0.15,
        rubric: RUBRICS.consolidation,
      },
      createdAt: cst(8, 25, 10),
      openedAt: cst(9, 1, 9),
      closedAt: cst(12, 1, 9),
      publishedAt: cst(12, 16, 10),
      finalStatus: 'RESULTS_PUBLISHED',
      judging: {
        judges: 3,
        assignedAt: cst(12, 1, 10),
        scoring: [cst(12, 2, 8), cst(12, 8, 18)],
        comments: EVALUATION_COMMENTS,
        awards: { at: cst(12, 12, 10), prizes: 'single' },
      },
      entriesOf: (school, rng) => (rng.chance(school.kind === 'MIGRANT' ? 0.7 : 0.9) ? 1 : 0),
      draft: (school, people) => ({
        title: `${school.name}关工委工作常态化建设巩固提高奖申报`,
        participants: [people.elders[0] ?? people.contact, people.contact],
      }),
      submissions: [cst(9, 5, 8), cst(11, 30, 20)],
      skew: 0.6,
    },
    {
      short: 'xingji',
      definition: {
        id: CAMPAIGNS.parentSchools,
        kind: 'EVALUATION',
        title: '星级家长学校复评',
        theme: '对照星级家长学校评估标准复评,评定一至五星',
        year: 2022,
        opensAt: iso(cst(10, 8, 0)),
        closesAt: iso(cst(12, 9, 23, 59, 59)),
        eligibleSchoolKinds: all,
      },
      createdAt: cst(9, 28, 10),
      openedAt: cst(10, 8, 9),
      closedAt: cst(12, 10, 9),
      finalStatus: 'CLOSED',
      ratings: [cst(12, 12, 9), cst(12, 16, 17)],
      entriesOf: (_school, rng) => (rng.chance(0.6) ? 1 : 0),
      draft: (school, people) => ({
        title: `${school.name}家长学校星级复评申报`,
        participants: [people.contact],
      }),
      submissions: [cst(10, 9, 8), cst(12, 9, 20)],
      skew: 0.7,
    },
    {
      short: 'chuangxin',
      definition: {
        id: CAMPAIGNS.innovation,
        kind: 'EVALUATION',
        title: '工作创新奖',
        theme: '推荐参加省教育系统关工委工作创新奖评选',
        year: 2022,
        opensAt: iso(cst(11, 1, 0)),
        closesAt: iso(cst(12, 31, 23, 59, 59)),
        eligibleSchoolKinds: all,
        awardQuota: 0.2,
        rubric: RUBRICS.innovation,
      },
      createdAt: cst(10, 25, 10),
      openedAt: cst(11, 1, 9),
      finalStatus: 'OPEN',
      judging: { judges: 3, assignedAt: cst(12, 15, 10), comments: EVALUATION_COMMENTS },
      entriesOf: (school, rng) => (rng.chance(school.kind === 'KINDERGARTEN' ? 0.12 : 0.3) ? 1 : 0),
      draft: (school, people, rng) => ({
        title:
          school.kind === 'MIGRANT' && rng.chance(0.6) ? '“同一片蓝天下”关爱随迁子女' : rng.pick(INNOVATION_PROJECTS),
        participants: [people.elders[0] ?? people.contact, people.contact],
      }),
      submissions: [cst(11, 2, 8), cst(12, 19, 20)],
      skew: 0.8,
    },
  ];
}

// ───────────────────────────── the plan ─────────────────────────────

function pickSchools(rng: Random, scale: number): PlanSchool[] {
  const byKind = new Map<SchoolKind, (typeof SCHOOLS)[number][]>();
  for (const school of SCHOOLS) byKind.set(school.kind, [...(byKind.get(school.kind) ?? []), school]);
  const chosen = new Set<string>();
  for (const [, schools] of byKind) {
    const count = Math.max(1, Math.round(schools.length * scale));
    for (const school of rng.shuffle(schools).slice(0, count)) chosen.add(school.id);
  }
  return SCHOOLS.filter((s) => chosen.has(s.id)).map((s, i) => ({
    id: s.id,
    name: s.name,
    kind: s.kind,
    town: s.town,
    private: s.private ?? false,
    registeredAt: iso(START + i * MINUTE),
  }));
}

function makeLecturers(rng: Random, scale: number, schools: readonly PlanSchool[]): PlanLecturer[] {
  const count = Math.max(2, Math.round(40 * scale));
  const ids = new Set<string>();
  const names = new Set<string>();
  const lecturers: PlanLecturer[] = [];
  const subjects = Object.keys(LECTURE_TOPICS);
  // Retired from public schools: the 老园丁讲师团 are the bureau's own former teachers.
  const homes = schools.filter((s) => !s.private && s.kind !== 'KINDERGARTEN' && s.kind !== 'MIGRANT');
  while (lecturers.length < count) {
    const [family, familyPinyin] = surname(rng);
    const [given, givenPinyin] = rng.pick(ELDER_GIVEN_NAMES);
    const id = `lyd-${familyPinyin}-${givenPinyin}`;
    const name = family + given;
    if (ids.has(id) || names.has(name)) continue;
    ids.add(id);
    names.add(name);
    const topics = new Set<string>(rng.chance(0.6) ? ['党史'] : []);
    const wanted = rng.int(2, 3);
    while (topics.size < wanted) topics.add(rng.pick(subjects));
    const home = rng.chance(0.85) && homes.length > 0 ? rng.pick(homes) : undefined;
    lecturers.push({
      id,
      name,
      ...(home ? { formerSchoolId: home.id } : {}),
      topics: [...topics],
      registeredAt: iso(cst(1, 5, 8, 30) + lecturers.length * MINUTE),
    });
  }
  return lecturers;
}

/** Entries of one campaign, with their revisions and withdrawals (judging comes later). */
function makeEntries(
  spec: CampaignSpec,
  schools: readonly PlanSchool[],
  people: ReadonlyMap<string, SchoolPeople>,
  rng: Random,
): PlanEntry[] {
  const eligible = spec.definition.eligibleSchoolKinds;
  const closesAt = spec.extended?.closesAt ?? Date.parse(spec.definition.closesAt);
  const entries: PlanEntry[] = [];
  for (const school of schools) {
    if (eligible && !eligible.includes(school.kind)) continue;
    const count = spec.entriesOf(school, rng);
    const staff = people.get(school.id);
    if (!staff) continue;
    for (let n = 1; n <= count; n++) {
      const draft = spec.draft(school, staff, rng);
      const submitted = daytimeBetween(rng, spec.submissions[0], spec.submissions[1], spec.skew);
      const entry: {
        -readonly [K in keyof PlanEntry]: PlanEntry[K];
      } = {
        campaignId: spec.definition.id,
        submissionId: `${school.id}-${spec.short}-${String(n).padStart(3, '0')}`,
        schoolId: school.id,
        submittedAt: iso(submitted),
        ...draft,
        recusals: [],
        scores: [],
      };
      const latest = Math.min(closesAt - HOUR, spec.submissions[1]);
      const r = rng.next();
      if (r < 0.012) {
        // A school withdraws an entry while the campaign runs.
        const at = dayOf(submitted) + rng.int(1, 20) * DAY + rng.int(9, 17) * HOUR;
        if (at < latest) entry.withdrawal = { at: iso(at), reason: rng.pick(WITHDRAW_REASONS), by: 'school' };
      } else if (r < 0.05 && spec.revise) {
        const at = dayOf(submitted) + rng.int(1, 12) * DAY + rng.int(9, 20) * HOUR;
        const revision = spec.revise(draft, school, staff, rng);
        if (at < latest) entry.revision = { ...revision, at: iso(at) };
      }
      entries.push(entry);
    }
  }
  return entries;
}

function prizeTiers(winners: number): Prize[] {
  const first = Math.max(1, Math.round(winners * 0.1));
  const second = Math.round(winners * 0.2);
  const third = Math.round(winners * 0.3);
  return Array.from({ length: winners }, (_, i): Prize => {
    if (i < first) return 'FIRST';
    if (i < first + second) return 'SECOND';
    if (i < first + second + third) return 'THIRD';
    return 'EXCELLENCE';
  });
}

/** Disqualification, judges' scores and recusals, awards within quota and star ratings of one campaign. */
function judge(
  spec: CampaignSpec,
  entries: PlanEntry[],
  rng: Random,
): { entries: PlanEntry[]; judges: { judge: string; at: Iso }[] } {
  type Mutable = { -readonly [K in keyof PlanEntry]: PlanEntry[K] };
  const mutable = entries as Mutable[];
  const judging = spec.judging;
  const judges = judging ? rng.shuffle(JUDGES).slice(0, judging.judges) : [];

  if (spec.disqualify && spec.closedAt !== undefined) {
    const live = mutable.filter((e) => e.withdrawal === undefined && e.revision === undefined);
    if (live.length >= 10) {
      const entry = rng.pick(live);
      entry.withdrawal = { at: iso(spec.closedAt + HOUR), reason: DISQUALIFY_REASON, by: 'organizer' };
    }
  }

  const live = mutable.filter((e) => e.withdrawal === undefined);
  const rubric = spec.definition.rubric ?? [];
  if (judging?.scoring) {
    const [from, to] = judging.scoring;
    const bias = new Map(judges.map((j) => [j.sub, rng.normal(0, 0.03)]));
    // About 1.2% of the entries (at least one) lose one judge to a conflict of interest; two judges always remain.
    let recusals = judges.length >= 3 ? Math.max(1, Math.round(live.length * 0.012)) : 0;
    live.forEach((entry, i) => {
      const quality = Math.min(0.97, Math.max(0.45, rng.normal(0.76, 0.09)));
      const recuses = recusals > 0 && rng.chance(recusals / (live.length - i));
      if (recuses) recusals--;
      const recusing = recuses ? rng.pick(judges).sub : undefined;
      const scores: PlanScore[] = [];
      for (const { sub } of judges) {
        if (sub === recusing) {
          entry.recusals = [{ judge: sub, at: iso(from + rng.int(0, 60) * MINUTE), reason: rng.pick(RECUSE_REASONS) }];
          continue;
        }
        const criteria = rubric.map((c) => {
          const share = quality + (bias.get(sub) ?? 0) + rng.normal(0, 0.05);
          return { criterion: c.name, score: Math.round(c.maxScore * Math.min(1, Math.max(0.3, share))) };
        });
        scores.push({
          judge: sub,
          at: iso(daytimeBetween(rng, from + 2 * HOUR, to)),
          criteria,
          weighted: weightedScore(rubric, criteria),
          ...(rng.chance(0.3) ? { comment: rng.pick(judging.comments) } : {}),
        });
      }
      entry.scores = scores;
    });
  }

  const quota = spec.definition.awardQuota;
  if (judging?.awards && quota !== undefined) {
    // The domain refuses awards beyond floor(quota × live entries): grant exactly that many, best mean score first.
    const cap = awardCap(quota, live.length);
    const mean = (e: PlanEntry) => e.scores.reduce((sum, s) => sum + s.weighted, 0) / Math.max(1, e.scores.length);
    const ranked = [...live].sort((a, b) => mean(b) - mean(a) || a.submissionId.localeCompare(b.submissionId));
    const prizes: Prize[] = judging.awards.prizes === 'tiers' ? prizeTiers(cap) : Array(cap).fill('FIRST');
    const awardsAt = judging.awards.at;
    ranked.slice(0, cap).forEach((entry, i) => {
      entry.award = { at: iso(awardsAt + i * MINUTE), prize: prizes[i] ?? 'EXCELLENCE' };
    });
  }

  if (spec.ratings) {
    const [from, to] = spec.ratings;
    for (const entry of live) {
      const stars = rng.weighted([1, 2, 3, 4, 5], (s) => [0.03, 0.12, 0.35, 0.35, 0.15][s - 1] ?? 0);
      entry.rating = { at: iso(daytimeBetween(rng, from, to)), stars };
    }
  }

  return {
    entries: mutable,
    judges: judging ? judges.map((j, i) => ({ judge: j.sub, at: iso(judging.assignedAt + i * MINUTE) })) : [],
  };
}

// ───────────────────────────── lectures ─────────────────────────────

type VenueType = 'school' | 'community';

/** How likely a day is for a lecture: schools on term weekdays, communities mostly in the summer holidays. */
function dayWeight(day: number, type: VenueType): number {
  const { month, day: d, weekday } = local(day);
  const winterBreak = (month === 1 && d >= 22) || (month === 2 && d <= 13);
  const summer = month === 7 || month === 8;
  const weekend = weekday === 0 || weekday === 6;
  const nationalDay = month === 10 && d <= 7;
  // April 2022: Taicang's schools moved online during the Shanghai-area outbreak.
  const lockdown = month === 4;
  if (type === 'school') {
    if (winterBreak || summer || weekend || nationalDay) return 0;
    return lockdown ? 0.25 : 1;
  }
  if (winterBreak) return 0.2;
  if (summer) return weekend ? 1 : 2.5;
  if (lockdown) return 0.05;
  return weekend ? 1 : 0.25;
}

function daysBetween(from: number, to: number): number[] {
  const days: number[] = [];
  for (let day = dayOf(from); day <= to; day += DAY) days.push(day);
  return days;
}

function lectureTopic(rng: Random, lecturer: PlanLecturer, day: number): string {
  const { month, day: d } = local(day);
  const afterCongress = month > 10 || (month === 10 && d >= 24);
  const beforeCongress = month >= 6 && (month < 10 || (month === 10 && d <= 15));
  if (afterCongress && rng.chance(0.4)) return rng.pick(LECTURE_TOPICS_AFTER_CONGRESS);
  if (beforeCongress && rng.chance(0.15)) return rng.pick(LECTURE_TOPICS_BEFORE_CONGRESS);
  const subject = rng.chance(0.3) ? '党史' : rng.pick(lecturer.topics);
  return rng.pick(LECTURE_TOPICS[subject] ?? LECTURE_TOPICS.党史 ?? ['党史']);
}

function makeLectures(
  rng: Random,
  scale: number,
  schools: readonly PlanSchool[],
  enrollment: ReadonlyMap<string, number>,
  lecturers: readonly PlanLecturer[],
): PlanLecture[] {
  const delivered = Math.max(1, Math.round(scale * rng.int(820, 940)));
  const cancelled = Math.round(scale * rng.int(28, 44));
  const upcoming = Math.round(scale * rng.int(18, 30));
  const opened = cst(1, 5, 10);
  const lastDelivered = cst(12, 17);
  const pastDays = daysBetween(cst(1, 6), lastDelivered);
  const comingDays = daysBetween(cst(12, 21), cst(12, 30));
  const townOf = new Map(schools.map((s) => [s.id, s.town as Town]));
  const activity = new Map(lecturers.map((l) => [l.id, Math.exp(rng.normal(0, 0.6))]));
  const hosts = schools.filter((s) => s.kind !== 'KINDERGARTEN' || rng.chance(0.5));

  const pickHost = (lecturer: PlanLecturer): PlanSchool => {
    const home = lecturer.formerSchoolId ? townOf.get(lecturer.formerSchoolId) : undefined;
    return rng.weighted(hosts.length > 0 ? hosts : schools, (s) => {
      const kind = s.kind === 'KINDERGARTEN' ? 0.25 : s.kind === 'SPECIAL' ? 0.5 : 1;
      return Math.sqrt(enrollment.get(s.id) ?? 100) * kind * (s.town === home ? 2.5 : 1);
    });
  };
  const pickVenue = (lecturer: PlanLecturer): string => {
    const home = lecturer.formerSchoolId ? townOf.get(lecturer.formerSchoolId) : undefined;
    const town: Town = home && rng.chance(0.6) ? home : rng.pick(Object.keys(COMMUNITIES) as Town[]);
    return `${town}${rng.pick(COMMUNITIES[town])}`;
  };
  const timeOf = (type: VenueType) =>
    type === 'school' ? rng.pick([9 * 60, 10 * 60, 14 * 60, 15 * 60]) : rng.pick([9 * 60 + 30, 14 * 60 + 30, 19 * 60]);
  const audienceAt = (school: PlanSchool | undefined): number => {
    if (!school) return rng.int(15, 80);
    const students = enrollment.get(school.id) ?? 200;
    if (school.kind === 'KINDERGARTEN') return rng.int(40, Math.max(41, Math.min(160, students)));
    if (school.kind === 'SPECIAL') return rng.int(40, Math.max(41, students));
    return Math.min(students, Math.round(rng.int(80, 600) / 10) * 10);
  };

  interface Draft {
    lecturer: PlanLecturer;
    school?: PlanSchool;
    venue?: string;
    topic: string;
    scheduledAt: number;
    at: number;
    rescheduled?: { at: number; scheduledAt: number };
    delivered?: { at: number; audience: number; durationMinutes: number };
    cancelled?: { at: number; reason: string };
  }
  const drafts: Draft[] = [];
  const place = (type: VenueType, day: number): Omit<Draft, 'at'> => {
    const lecturer = rng.weighted(lecturers, (l) => activity.get(l.id) ?? 1);
    const scheduledAt = day + timeOf(type) * MINUTE;
    const topic = lectureTopic(rng, lecturer, day);
    return type === 'school'
      ? { lecturer, school: pickHost(lecturer), topic, scheduledAt }
      : { lecturer, venue: pickVenue(lecturer), topic, scheduledAt };
  };
  /** Put on the schedule one to three weeks ahead, never before the campaign opened. */
  const scheduledOn = (scheduledAt: number, latest: number) =>
    Math.min(
      latest,
      Math.max(opened + rng.int(0, 120) * MINUTE, dayOf(scheduledAt) - rng.int(7, 20) * DAY + 11 * HOUR),
    );

  // About 3% of the lectures given (at least one) were moved to a later date first.
  let toMove = Math.max(1, Math.round(delivered * 0.03));
  for (let i = 0; i < delivered; i++) {
    const type: VenueType = rng.chance(0.2) ? 'community' : 'school';
    const day = rng.weighted(pastDays, (d) => dayWeight(d, type));
    const draft = place(type, day);
    const at = scheduledOn(draft.scheduledAt, draft.scheduledAt - 4 * HOUR);
    let held = draft.scheduledAt;
    let rescheduled: Draft['rescheduled'];
    if (toMove > 0 && rng.chance(toMove / (delivered - i))) {
      // Moved one to two weeks later, a day or two before the first date.
      const later = pastDays.filter((d) => d >= day + 7 * DAY && d <= day + 14 * DAY && dayWeight(d, type) > 0);
      const movedAt = day - rng.int(1, 2) * DAY + 11 * HOUR;
      if (later.length > 0 && movedAt > at + HOUR) {
        held = rng.pick(later) + timeOf(type) * MINUTE;
        rescheduled = { at: movedAt, scheduledAt: held };
        toMove--;
      }
    }
    // Recorded the same evening or up to two days later.
    const recorded = Math.max(held + 2 * HOUR, dayOf(held) + rng.int(0, 2) * DAY + 17 * HOUR + 30 * MINUTE);
    drafts.push({
      ...draft,
      at,
      ...(rescheduled ? { rescheduled } : {}),
      delivered: {
        at: Math.min(recorded, AS_OF - HOUR),
        audience: audienceAt(draft.school),
        durationMinutes: rng.pick([40, 45, 45, 60, 60, 60, 90]),
      },
    });
  }

  // Cancellations: most in April 2022 (the lockdown), none in the first week so there is time to schedule first.
  const cancellable = pastDays.filter((d) => d >= cst(1, 17, 0));
  for (let i = 0; i < cancelled; i++) {
    const covid = rng.chance(0.6);
    const type: VenueType = covid || rng.chance(0.8) ? 'school' : 'community';
    const days = covid ? cancellable.filter((d) => local(d).month === 4) : cancellable;
    const day = rng.weighted(days, (d) => dayWeight(d, type) || (covid ? 0.01 : 0));
    const draft = place(type, day);
    const cancelledAt = day - rng.int(1, 3) * DAY + 16 * HOUR;
    const at = scheduledOn(draft.scheduledAt, cancelledAt - 4 * HOUR);
    const reason = covid ? COVID_CANCEL_REASON : rng.pick(LECTURE_CANCEL_REASONS);
    drafts.push({ ...draft, at, cancelled: { at: cancelledAt, reason } });
  }

  for (let i = 0; i < upcoming; i++) {
    const day = rng.weighted(comingDays, (d) => dayWeight(d, 'school'));
    const draft = place('school', day);
    drafts.push({ ...draft, at: daytimeBetween(rng, cst(12, 8), cst(12, 19, 17)) });
  }

  drafts.sort((a, b) => a.scheduledAt - b.scheduledAt || a.at - b.at);
  return drafts.map((d, i) => ({
    key: `ds-2022-${String(i + 1).padStart(4, '0')}`,
    campaignId: CAMPAIGNS.lectures,
    lecturerId: d.lecturer.id,
    ...(d.school ? { schoolId: d.school.id } : {}),
    ...(d.venue ? { venue: d.venue } : {}),
    topic: d.topic,
    scheduledAt: iso(d.scheduledAt),
    at: iso(d.at),
    ...(d.rescheduled
      ? { rescheduled: { at: iso(d.rescheduled.at), scheduledAt: iso(d.rescheduled.scheduledAt) } }
      : {}),
    ...(d.delivered ? { delivered: { ...d.delivered, at: iso(d.delivered.at) } } : {}),
    ...(d.cancelled ? { cancelled: { at: iso(d.cancelled.at), reason: d.cancelled.reason } } : {}),
  }));
}

/** The Taicang 2022 campaign year. */
export function generateTaicang2022(options: PlanOptions = {}): DemoPlan {
  const seed = options.seed ?? 2022;
  const scale = options.scale ?? 1;
  if (!(scale > 0 && scale <= 1)) throw new RangeError(`scale must be in (0, 1], not ${scale}`);
  const rng = new Random(seed);

  const schools = pickSchools(rng.fork('schools'), scale);
  const enrollmentRng = rng.fork('enrollment');
  const enrollments: PlanEnrollment[] = schools.map((s, i) => {
    const [min, max] = ENROLLMENT[s.kind];
    return {
      schoolId: s.id,
      year: 2022,
      students: Math.round(enrollmentRng.int(min, max) / 5) * 5,
      recordedAt: iso(cst(1, 4, 14) + i * MINUTE),
    };
  });
  const enrollment = new Map(enrollments.map((e) => [e.schoolId, e.students]));
  const peopleRng = rng.fork('people');
  const people = new Map(schools.map((s) => [s.id, new SchoolPeople(s, peopleRng.fork(s.id))]));
  const lecturers = makeLecturers(rng.fork('lecturers'), scale, schools);

  const campaigns: PlanCampaign[] = [];
  const entries: PlanEntry[] = [];
  for (const spec of specs(enrollment)) {
    const drafted = makeEntries(spec, schools, people, rng.fork(`entries:${spec.short}`));
    const judged = judge(spec, drafted, rng.fork(`judging:${spec.short}`));
    entries.push(...judged.entries);
    campaigns.push({
      definition: spec.definition,
      createdAt: iso(spec.createdAt),
      openedAt: iso(spec.openedAt),
      ...(spec.extended ? { extended: { at: iso(spec.extended.at), closesAt: iso(spec.extended.closesAt) } } : {}),
      ...(spec.closedAt === undefined ? {} : { closedAt: iso(spec.closedAt) }),
      judges: judged.judges,
      ...(spec.publishedAt === undefined ? {} : { publishedAt: iso(spec.publishedAt) }),
      finalStatus: spec.finalStatus,
    });
  }

  const lectures = makeLectures(rng.fork('lectures'), scale, schools, enrollment, lecturers);

  const plan: DemoPlan = {
    seed,
    scale,
    year: 2022,
    organizer: 'tc-ggw-office',
    asOf: iso(AS_OF),
    schools,
    enrollments,
    lecturers,
    judges: JUDGES,
    campaigns,
    entries,
    lectures,
  };
  checkPlan(plan);
  return plan;
}

/**
 * Checks that the plan can be replayed through the domain in time order: every command comes after what it depends
 * on and, for submissions and revisions, before the deadline in force. Throws naming every violation.
 */
function checkPlan(plan: DemoPlan): void {
  const problems: string[] = [];
  const t = (value: Iso) => Date.parse(value);
  const asOf = t(plan.asOf);
  const expect = (ok: boolean, what: string) => {
    if (!ok) problems.push(what);
  };
  const campaigns = new Map(plan.campaigns.map((c) => [c.definition.id, c]));
  for (const c of plan.campaigns) {
    const id = c.definition.id;
    expect(t(c.createdAt) < t(c.openedAt), `${id}: opened before created`);
    if (c.closedAt) expect(t(c.closedAt) > t(c.extended?.closesAt ?? c.definition.closesAt), `${id}: closed early`);
    if (c.publishedAt) expect(!!c.closedAt && t(c.publishedAt) > t(c.closedAt), `${id}: published before closed`);
    for (const time of [c.createdAt, c.openedAt, c.closedAt, c.publishedAt, c.extended?.at]) {
      if (time) expect(t(time) <= asOf, `${id}: ${time} after asOf`);
    }
  }
  const live = new Map<string, number>();
  const awards = new Map<string, number>();
  for (const e of plan.entries) {
    const c = campaigns.get(e.campaignId);
    if (!c) {
      problems.push(`${e.submissionId}: unknown campaign`);
      continue;
    }
    const what = `${e.submissionId}`;
    const original = t(c.definition.closesAt);
    const deadline = (at: number) =>
      at < original || (c.extended !== undefined && at > t(c.extended.at) && at < t(c.extended.closesAt));
    const submitted = t(e.submittedAt);
    expect(submitted > t(c.openedAt) && deadline(submitted), `${what}: submitted outside the campaign's window`);
    if (e.revision) {
      const at = t(e.revision.at);
      expect(at > submitted && deadline(at), `${what}: revised outside the window`);
    }
    if (e.withdrawal) {
      const at = t(e.withdrawal.at);
      expect(at > submitted, `${what}: withdrawn before submitted`);
      if (e.withdrawal.by === 'school') expect(deadline(at), `${what}: withdrawn by the school after the deadline`);
      else expect(!!c.closedAt && at > t(c.closedAt), `${what}: disqualified before closing`);
      expect(e.scores.length === 0 && !e.award && !e.rating, `${what}: withdrawn entry judged`);
    } else {
      live.set(e.campaignId, (live.get(e.campaignId) ?? 0) + 1);
    }
    const assigned = new Map(c.judges.map((j) => [j.judge, t(j.at)]));
    for (const s of [...e.scores, ...e.recusals]) {
      const at = t(s.at);
      expect((assigned.get(s.judge) ?? Number.POSITIVE_INFINITY) < at, `${what}: ${s.judge} acts before assignment`);
      expect(at <= asOf && (!c.publishedAt || at < t(c.publishedAt)), `${what}: judged after results`);
    }
    for (const result of [e.award, e.rating]) {
      if (!result) continue;
      const at = t(result.at);
      expect(!!c.closedAt && at > t(c.closedAt), `${what}: result before closing`);
      expect(at <= asOf && (!c.publishedAt || at < t(c.publishedAt)), `${what}: result after publication`);
      expect(
        e.scores.every((s) => t(s.at) < at),
        `${what}: scored after its result`,
      );
    }
    if (e.award) awards.set(e.campaignId, (awards.get(e.campaignId) ?? 0) + 1);
  }
  for (const c of plan.campaigns) {
    const quota = c.definition.awardQuota;
    const granted = awards.get(c.definition.id) ?? 0;
    if (quota !== undefined) {
      const cap = awardCap(quota, live.get(c.definition.id) ?? 0);
      expect(granted <= cap, `${c.definition.id}: ${granted} awards exceed the cap ${cap}`);
    } else {
      expect(granted === 0, `${c.definition.id}: awards without a quota`);
    }
  }
  for (const l of plan.lectures) {
    const c = campaigns.get(l.campaignId);
    const at = t(l.at);
    expect(!!c && at > t(c.openedAt), `${l.key}: scheduled before the campaign opened`);
    const held = t(l.rescheduled?.scheduledAt ?? l.scheduledAt);
    if (l.rescheduled) expect(t(l.rescheduled.at) > at, `${l.key}: rescheduled before scheduled`);
    if (l.delivered) {
      const recorded = t(l.delivered.at);
      expect(recorded > held && recorded > at && recorded <= asOf, `${l.key}: delivery recorded out of order`);
      expect(!l.rescheduled || recorded > t(l.rescheduled.at), `${l.key}: delivered before rescheduled`);
    }
    if (l.cancelled) expect(t(l.cancelled.at) > at && t(l.cancelled.at) <= asOf, `${l.key}: cancelled out of order`);
    expect(!(l.delivered && l.cancelled), `${l.key}: both delivered and cancelled`);
    expect(at <= asOf, `${l.key}: scheduled after asOf`);
  }
  if (problems.length > 0) {
    throw new Error(`The demo plan is inconsistent:\n  ${problems.slice(0, 20).join('\n  ')}`);
  }
}
