import { graphql } from '@qingmiao/schema/graphql';
import { SCHOOL_KIND_LABELS } from '@qingmiao/schema/labels';
import type { Checked, Operation, ResultFor, VariablesFor } from './graphql-http.ts';

/**
 * A campaign year for the dashboard's browser tests: schools with enrollment, essay and lecture campaigns, entries
 * (one withdrawn, one child in two entries), lectures (one at a community venue, one only scheduled), a prior year,
 * and a campaign whose awards are published; and a Model that computes, independently of the read models, every
 * figure the dashboard must show from what was seeded.
 */

/** The current year in China: entries are stamped now, and months are China months. */
export const YEAR = new Date(Date.now() + 8 * 3_600_000).getUTCFullYear();
export const PRIOR = YEAR - 1;

type SchoolKind = 'PRIMARY' | 'JUNIOR_HIGH' | 'KINDERGARTEN';

export interface SchoolSeed {
  readonly id: string;
  readonly name: string;
  readonly kind: SchoolKind;
  readonly town: string;
  readonly enrolled: Readonly<Record<number, number>>;
}

export interface CampaignSeed {
  readonly id: string;
  readonly kind: 'ESSAY' | 'LECTURE';
  readonly title: string;
  readonly year: number;
  readonly targetSessions?: number;
}

type Prize = 'FIRST' | 'SECOND' | 'THIRD' | 'EXCELLENCE';

export interface EntrySeed {
  readonly campaign: string;
  readonly school: string;
  readonly students: readonly string[];
  readonly adults?: ReadonlyArray<{ readonly name: string; readonly role: 'TEACHER' | 'RETIRED_TEACHER' }>;
  readonly withdrawn?: boolean;
  /** Awarded once its campaign is closed. */
  readonly prize?: Prize;
}

interface LectureSeed {
  readonly campaign: string;
  readonly school?: string;
  readonly month: number;
  /** Delivered with this audience; scheduled only without. */
  readonly audience?: number;
}

export const SCHOOLS: readonly SchoolSeed[] = [
  { id: 'dash-shiyan', name: '太仓市实验小学', kind: 'PRIMARY', town: '城厢镇', enrolled: { [YEAR]: 40 } },
  {
    id: 'dash-chengxiang',
    name: '城厢镇第一中学',
    kind: 'JUNIOR_HIGH',
    town: '城厢镇',
    enrolled: { [YEAR]: 60, [PRIOR]: 100 },
  },
  { id: 'dash-shaxi-xx', name: '沙溪镇第一小学', kind: 'PRIMARY', town: '沙溪镇', enrolled: { [YEAR]: 48 } },
  { id: 'dash-shaxi-zx', name: '沙溪实验中学', kind: 'JUNIOR_HIGH', town: '沙溪镇', enrolled: { [YEAR]: 500 } },
  { id: 'dash-liuhe-xx', name: '浏河镇小学', kind: 'PRIMARY', town: '浏河镇', enrolled: { [YEAR]: 25 } },
  // No enrollment recorded: takes part, but has no rate.
  { id: 'dash-liuhe-yey', name: '浏河镇中心幼儿园', kind: 'KINDERGARTEN', town: '浏河镇', enrolled: {} },
];

export const ESSAY = `dash-essay-${YEAR}`;
export const DANGSHI = `dash-dangshi-${YEAR}`;
const LAOYUANDING = `dash-laoyuanding-${YEAR}`;
/** Closed, awarded, and published when a test says so. */
export const SPEECH = `dash-speech-${YEAR}`;
const ESSAY_PRIOR = `dash-essay-${PRIOR}`;

const CAMPAIGNS: readonly CampaignSeed[] = [
  { id: ESSAY, kind: 'ESSAY', title: '《勋章》读书征文', year: YEAR },
  { id: DANGSHI, kind: 'LECTURE', title: '千场党史报告进校园', year: YEAR, targetSessions: 8 },
  { id: LAOYUANDING, kind: 'LECTURE', title: '老园丁讲师团进社区', year: YEAR, targetSessions: 4 },
  { id: SPEECH, kind: 'ESSAY', title: '红领巾心向党演讲稿征集', year: YEAR },
  { id: ESSAY_PRIOR, kind: 'ESSAY', title: '童心向党征文', year: PRIOR },
];

const ENTRIES: readonly EntrySeed[] = [
  { campaign: ESSAY, school: 'dash-shiyan', students: ['a1', 'a2'], adults: [{ name: '王老师', role: 'TEACHER' }] },
  // a2 again: one child in two entries counts once.
  { campaign: ESSAY, school: 'dash-shiyan', students: ['a2', 'a3'] },
  { campaign: ESSAY, school: 'dash-shiyan', students: ['a4'], adults: [{ name: '张老', role: 'RETIRED_TEACHER' }] },
  { campaign: ESSAY, school: 'dash-chengxiang', students: ['b1', 'b2', 'b3'] },
  // Withdrawn: counts nowhere.
  { campaign: ESSAY, school: 'dash-chengxiang', students: ['b4', 'b5'], withdrawn: true },
  { campaign: ESSAY, school: 'dash-shaxi-xx', students: ['c1', 'c2', 'c3'] },
  { campaign: ESSAY, school: 'dash-shaxi-xx', students: ['c4', 'c5', 'c6'] },
  { campaign: ESSAY, school: 'dash-liuhe-xx', students: ['d1', 'd2'] },
  { campaign: ESSAY, school: 'dash-liuhe-yey', students: ['e1'] },
  { campaign: ESSAY_PRIOR, school: 'dash-chengxiang', students: ['p1', 'p2'] },
  // a1 again, in another campaign of the year: still one child of the school.
  { campaign: SPEECH, school: 'dash-shiyan', students: ['a1'], prize: 'SECOND' },
  { campaign: SPEECH, school: 'dash-liuhe-xx', students: ['d3'], prize: 'FIRST' },
  { campaign: SPEECH, school: 'dash-shaxi-xx', students: ['c7'], prize: 'EXCELLENCE' },
  { campaign: SPEECH, school: 'dash-shaxi-xx', students: ['c8'], prize: 'EXCELLENCE' },
  { campaign: SPEECH, school: 'dash-chengxiang', students: ['b6'] },
];

/** Submitted while the page is open: the page must follow without a reload. */
export const LIVE_ENTRY: EntrySeed = {
  campaign: ESSAY,
  school: 'dash-shaxi-zx',
  students: ['f1', 'f2', 'f3', 'f4', 'f5'],
};

const LECTURES: readonly LectureSeed[] = [
  { campaign: DANGSHI, school: 'dash-shiyan', month: 3, audience: 120 },
  { campaign: DANGSHI, school: 'dash-shaxi-xx', month: 3, audience: 80 },
  { campaign: DANGSHI, school: 'dash-liuhe-xx', month: 5, audience: 60 },
  // At a community venue: counts for the month and the campaign, for no school or town.
  { campaign: DANGSHI, month: 6, audience: 200 },
  // Scheduled, not delivered: counts nowhere.
  { campaign: DANGSHI, school: 'dash-shaxi-zx', month: 9 },
  { campaign: LAOYUANDING, school: 'dash-chengxiang', month: 10, audience: 90 },
];

const integer = new Intl.NumberFormat('zh-CN');
export const count = (value: number | null) => (value === null ? '—' : integer.format(value));
export const percent = (share: number | null) => (share === null ? '—' : `${(share * 100).toFixed(1)}%`);
const pad = (month: number) => String(month).padStart(2, '0');
const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);

export const monthLabel = (key: string, year: number) =>
  key.startsWith(`${year}-`) ? `${Number(key.slice(5))}月` : `${key.slice(0, 4)}年${Number(key.slice(5))}月`;

interface Live {
  readonly school: string;
  readonly campaign: string;
  readonly students: readonly string[];
  /** YYYY-MM in China time, from the entry's submittedAt. */
  readonly month: string;
  readonly prize?: Prize;
  readonly title: string;
  /** Names as submitted, students first. */
  readonly names: readonly string[];
}

/** What a group of schools (one, a town, a kind) counts in a year. */
export interface GroupFigures {
  readonly schools: number;
  readonly entries: number;
  readonly students: number;
  readonly enrolled: number | null;
  readonly rate: number | null;
  readonly lectures: number;
  readonly audience: number;
}

/** A row of figures as the dashboard lists it: a school, a town or a kind. */
export interface GroupRow extends GroupFigures {
  readonly key: string;
  readonly label: string;
  readonly rank?: number;
}

/** What the test knows happened; the expected figures follow from it. */
export class Model {
  readonly entries: Live[] = [];
  readonly published = new Set<string>();

  campaign(id: string): CampaignSeed {
    const campaign = CAMPAIGNS.find((c) => c.id === id);
    if (!campaign) throw new Error(`unknown campaign ${id}`);
    return campaign;
  }

  #inScope(year: number, campaignId: string | undefined) {
    return (id: string) => this.campaign(id).year === year && (campaignId === undefined || id === campaignId);
  }

  #delivered(year: number, campaignId?: string) {
    const inScope = this.#inScope(year, campaignId);
    return LECTURES.filter((lecture) => lecture.audience !== undefined && inScope(lecture.campaign));
  }

  /** The figures of these schools. */
  figures(schools: readonly SchoolSeed[], year: number, campaignId?: string): GroupFigures {
    const inScope = this.#inScope(year, campaignId);
    const ids = new Set(schools.map((school) => school.id));
    const entries = this.entries.filter((entry) => ids.has(entry.school) && inScope(entry.campaign));
    const lectures = this.#delivered(year, campaignId).filter((lecture) => lecture.school && ids.has(lecture.school));
    const active = new Set([...entries.map((entry) => entry.school), ...lectures.map((lecture) => lecture.school)]);
    const known = schools.map((school) => school.enrolled[year]).filter((n): n is number => n !== undefined);
    const enrolled = known.length ? sum(known) : null;
    const students = new Set(entries.flatMap((entry) => entry.students.map((student) => `${entry.school}/${student}`)))
      .size;
    return {
      schools: active.size,
      entries: entries.length,
      students,
      enrolled,
      rate: enrolled ? students / enrolled : null,
      lectures: lectures.length,
      audience: sum(lectures.map((lecture) => lecture.audience ?? 0)),
    };
  }

  /** Schools with a rate, highest first (ties by school id, as `rankBy` orders them). */
  schoolRates(year: number, campaignId?: string) {
    const rows = SCHOOLS.map((school) => ({ school, ...this.figures([school], year, campaignId) }))
      .filter((row) => row.rate !== null)
      .sort((a, b) => (b.rate ?? 0) - (a.rate ?? 0) || a.school.id.localeCompare(b.school.id));
    return rows.map((row) => ({
      ...row,
      key: row.school.id,
      label: row.school.name,
      rank: rows.filter((other) => (other.rate ?? 0) > (row.rate ?? 0)).length + 1,
    }));
  }

  /** Schools that hosted lectures, most first (then by audience). */
  schoolLectures(year: number, campaignId?: string) {
    return SCHOOLS.map((school) => ({
      key: school.id,
      label: school.name,
      ...this.figures([school], year, campaignId),
    }))
      .filter((row) => row.lectures > 0)
      .sort((a, b) => b.lectures - a.lectures || b.audience - a.audience);
  }

  /** One row per town, as the server orders them (by name). */
  towns(year: number, campaignId?: string) {
    const names = [...new Set(SCHOOLS.map((school) => school.town))].sort();
    return names.map((town) => ({
      key: town,
      label: town,
      ...this.figures(
        SCHOOLS.filter((school) => school.town === town),
        year,
        campaignId,
      ),
    }));
  }

  /** One row per kind of school, by kind. */
  kinds(year: number, campaignId?: string): GroupRow[] {
    const kinds = [...new Set(SCHOOLS.map((school) => school.kind))].sort();
    return kinds.map((kind) => ({
      key: kind,
      label: SCHOOL_KIND_LABELS[kind],
      ...this.figures(
        SCHOOLS.filter((school) => school.kind === kind),
        year,
        campaignId,
      ),
    }));
  }

  /** One row per campaign of the year (or the one chosen), by id. */
  campaigns(year: number, campaignId?: string) {
    return CAMPAIGNS.filter((c) => c.year === year && (!campaignId || c.id === campaignId))
      .sort((a, b) => a.id.localeCompare(b.id))
      .map((campaign) => {
        const schools = this.figures(SCHOOLS, year, campaign.id);
        const lectures = this.#delivered(year, campaign.id);
        return {
          ...campaign,
          ...schools,
          lectures: lectures.length,
          audience: sum(lectures.map((lecture) => lecture.audience ?? 0)),
        };
      });
  }

  /** The twelve months of the year (and any month outside it with activity). */
  months(year: number, campaignId?: string) {
    const inScope = this.#inScope(year, campaignId);
    const keys = new Set(Array.from({ length: 12 }, (_, i) => `${year}-${pad(i + 1)}`));
    const entries = this.entries.filter((entry) => inScope(entry.campaign));
    for (const entry of entries) keys.add(entry.month);
    const lectures = this.#delivered(year, campaignId);
    return [...keys].sort().map((key) => {
      const held = lectures.filter((lecture) => `${year}-${pad(lecture.month)}` === key);
      return {
        key,
        entries: entries.filter((entry) => entry.month === key).length,
        lectures: held.length,
        audience: sum(held.map((lecture) => lecture.audience ?? 0)),
      };
    });
  }

  /** LECTURE campaigns with a target, in the order `campaigns(year)` lists them (same opening: by id). */
  lectureProgress(year: number, campaignId?: string) {
    return CAMPAIGNS.filter(
      (c) => c.kind === 'LECTURE' && c.year === year && c.targetSessions && (!campaignId || c.id === campaignId),
    )
      .sort((a, b) => a.id.localeCompare(b.id))
      .map((campaign) => {
        const delivered = this.#delivered(year, campaign.id);
        const target = campaign.targetSessions ?? 0;
        return {
          key: campaign.id,
          title: campaign.title,
          delivered: delivered.length,
          target,
          progress: delivered.length / target,
          audience: sum(delivered.map((lecture) => lecture.audience ?? 0)),
        };
      });
  }

  kpis(year: number, campaignId?: string) {
    const towns = this.towns(year, campaignId);
    const months = this.months(year, campaignId);
    const students = sum(towns.map((town) => town.students));
    const enrolled = sum(towns.map((town) => town.enrolled ?? 0));
    return {
      schools: count(sum(towns.map((town) => town.schools))),
      entries: count(sum(towns.map((town) => town.entries))),
      students: count(students),
      participationRate: percent(enrolled ? students / enrolled : null),
      lecturesDelivered: count(sum(months.map((month) => month.lectures))),
      audience: count(sum(months.map((month) => month.audience))),
    };
  }

  /** Per published campaign, the awarded schools' prize counts. */
  winners(campaignId: string) {
    const prizes: readonly Prize[] = ['FIRST', 'SECOND', 'THIRD', 'EXCELLENCE'];
    return SCHOOLS.map((school) => {
      const won = this.entries.filter((e) => e.campaign === campaignId && e.school === school.id && e.prize);
      return { key: school.id, label: school.name, prizes: prizes.map((p) => won.filter((e) => e.prize === p).length) };
    })
      .filter((row) => sum(row.prizes) > 0)
      .sort((a, b) => {
        for (let i = 0; i < prizes.length; i += 1) {
          const difference = (b.prizes[i] ?? 0) - (a.prizes[i] ?? 0);
          if (difference) return difference;
        }
        return a.label.localeCompare(b.label, 'zh-CN');
      });
  }
}

/** A GraphQL call as an organizer: data, or a thrown error. */
export type OrganizerCall = <O extends Operation>(
  operation: O & Checked<O>,
  variables?: VariablesFor<O>,
) => Promise<ResultFor<O>>;

const chinaMonth = (iso: string) => {
  const local = new Date(Date.parse(iso) + 8 * 3_600_000);
  return `${local.getUTCFullYear()}-${pad(local.getUTCMonth() + 1)}`;
};

/** Submits entries (withdrawing those marked so) and records them in the model. */
export class Submitter {
  #submissions = 0;
  readonly #ids = new Map<EntrySeed, string>();

  constructor(
    private readonly gql: OrganizerCall,
    private readonly model: Model,
  ) {}

  async submit(entry: EntrySeed): Promise<void> {
    this.#submissions += 1;
    const title = `作品 ${this.#submissions}`;
    const participants = [
      ...entry.students.map((key) => ({ name: `学生${key}`, role: 'STUDENT' as const, grade: '五年级', key })),
      ...(entry.adults ?? []),
    ];
    const { submitEntry } = await this.gql(
      graphql(`mutation Submit($i: SubmitEntryInput!) { submitEntry(input: $i) { id submittedAt } }`),
      {
        i: {
          submissionId: `dash-${entry.campaign}-${this.#submissions}`,
          campaignId: entry.campaign,
          schoolId: entry.school,
          title,
          participants,
        },
      },
    );
    this.#ids.set(entry, submitEntry.id);
    if (entry.withdrawn) {
      await this.gql(`mutation($i: WithdrawEntryInput!) { withdrawEntry(input: $i) { id } }`, {
        i: { entryId: submitEntry.id, reason: '重复提交' },
      });
      return;
    }
    this.model.entries.push({
      school: entry.school,
      campaign: entry.campaign,
      students: entry.students,
      title,
      names: participants.map((person) => person.name),
      month: chinaMonth(submitEntry.submittedAt),
      ...(entry.prize ? { prize: entry.prize } : {}),
    });
  }

  /** Closes a campaign and grants the prizes its seeded entries carry (not yet published). */
  async award(campaignId: string): Promise<void> {
    await this.gql(`mutation($i: CloseCampaignInput!) { closeCampaign(input: $i) { id } }`, { i: { id: campaignId } });
    for (const entry of ENTRIES.filter((e) => e.campaign === campaignId && e.prize)) {
      await this.gql(`mutation($i: AwardEntryInput!) { awardEntry(input: $i) { id } }`, {
        i: { entryId: this.#ids.get(entry), prize: entry.prize },
      });
    }
  }

  async publish(campaignId: string): Promise<void> {
    await this.gql(`mutation($i: PublishResultsInput!) { publishResults(input: $i) { id } }`, {
      i: { id: campaignId },
    });
    this.model.published.add(campaignId);
  }
}

/** Registers the schools, their enrollment, the campaigns (open), the entries and the lectures. */
export async function seedDashboardYear(gql: OrganizerCall, submitter: Submitter): Promise<void> {
  for (const school of SCHOOLS) {
    await gql(`mutation($i: RegisterSchoolInput!) { registerSchool(input: $i) { id } }`, {
      i: { id: school.id, name: school.name, kind: school.kind, town: school.town },
    });
    for (const [year, students] of Object.entries(school.enrolled)) {
      await gql(`mutation($i: RecordEnrollmentInput!) { recordEnrollment(input: $i) { year } }`, {
        i: { schoolId: school.id, year: Number(year), students },
      });
    }
  }
  const closesAt = new Date(Date.now() + 7 * 86_400_000).toISOString();
  for (const campaign of CAMPAIGNS) {
    await gql(`mutation($i: CreateCampaignInput!) { createCampaign(input: $i) { id } }`, {
      i: { ...campaign, opensAt: `${campaign.year}-01-01T00:00:00+08:00`, closesAt },
    });
    await gql(`mutation($i: OpenCampaignInput!) { openCampaign(input: $i) { id } }`, { i: { id: campaign.id } });
  }
  for (const entry of ENTRIES) await submitter.submit(entry);
  await gql(`mutation($i: RegisterLecturerInput!) { registerLecturer(input: $i) { id } }`, {
    i: { id: 'dash-zhang', name: '张建国', topics: ['党史'] },
  });
  let n = 0;
  for (const lecture of LECTURES) {
    n += 1;
    const { scheduleLecture } = await gql(
      graphql(`mutation Schedule($i: ScheduleLectureInput!) { scheduleLecture(input: $i) { id } }`),
      {
        i: {
          lectureId: `dash-lecture-${n}`,
          campaignId: lecture.campaign,
          lecturerId: 'dash-zhang',
          ...(lecture.school ? { schoolId: lecture.school } : { venue: '城厢镇东门社区' }),
          topic: '百年党史中的太仓故事',
          scheduledAt: `${YEAR}-${pad(lecture.month)}-10T09:00:00+08:00`,
        },
      },
    );
    if (lecture.audience === undefined) continue;
    await gql(`mutation($i: RecordLectureDeliveredInput!) { recordLectureDelivered(input: $i) { id } }`, {
      i: { lectureId: scheduleLecture.id, audience: lecture.audience, durationMinutes: 60 },
    });
  }
}
