import { mkdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { graphql } from '@qingmiao/schema/graphql';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, HAS_CHROMIUM, launchChromium } from '../support/browser.ts';
import { type Checked, dataOf, type Operation, type VariablesFor } from '../support/graphql-http.ts';
import { removeDataDir, type ServerProcess, startServerProcess } from '../support/server-process.ts';

/**
 * The dashboard at `/` in headless Chromium against a started server: the figures every chart shows (read from the
 * chart instances and from the accessible tables beside them) against figures computed here from the seeded data,
 * a live update through `participationChanged`, the filters and the report download; signing in with a viewer
 * account, the session surviving a reload, its access token renewed silently, signing out, and refusals in Chinese.
 */
const SCREENSHOT = fileURLToPath(new URL('../test-results/dashboard.png', import.meta.url));

/** The current year in China: entries are stamped now, and months are China months. */
const YEAR = new Date(Date.now() + 8 * 3_600_000).getUTCFullYear();
const PRIOR = YEAR - 1;

/**
 * Access tokens (and the organizer's tokens this test mints) live this long, so the page renews its token during the
 * test: halfway through, as the lifetime is shorter than twice the page's one-minute margin.
 */
const TOKEN_LIFETIME_SECONDS = 20;
const VIEWER = { login: 'bureau-leader', password: 'qingmiao-viewer-2026' };

// ---------------------------------------------------------------------------------------------------------------
// The seeded year, and the figures it must produce (computed here, independently of the read models)

interface SchoolSeed {
  readonly id: string;
  readonly name: string;
  readonly kind: 'PRIMARY' | 'JUNIOR_HIGH' | 'KINDERGARTEN';
  readonly town: string;
  readonly enrolled: Readonly<Record<number, number>>;
}

interface CampaignSeed {
  readonly id: string;
  readonly kind: 'ESSAY' | 'LECTURE';
  readonly title: string;
  readonly year: number;
  readonly targetSessions?: number;
}

interface EntrySeed {
  readonly campaign: string;
  readonly school: string;
  readonly students: readonly string[];
  readonly adults?: ReadonlyArray<{ readonly name: string; readonly role: 'TEACHER' | 'RETIRED_TEACHER' }>;
  readonly withdrawn?: boolean;
}

interface LectureSeed {
  readonly campaign: string;
  readonly school?: string;
  readonly month: number;
  /** Delivered with this audience; scheduled only without. */
  readonly audience?: number;
}

const SCHOOLS: readonly SchoolSeed[] = [
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

const ESSAY = `dash-essay-${YEAR}`;
const DANGSHI = `dash-dangshi-${YEAR}`;
const LAOYUANDING = `dash-laoyuanding-${YEAR}`;
const ESSAY_PRIOR = `dash-essay-${PRIOR}`;

const CAMPAIGNS: readonly CampaignSeed[] = [
  { id: ESSAY, kind: 'ESSAY', title: '《勋章》读书征文', year: YEAR },
  { id: DANGSHI, kind: 'LECTURE', title: '千场党史报告进校园', year: YEAR, targetSessions: 8 },
  { id: LAOYUANDING, kind: 'LECTURE', title: '老园丁讲师团进社区', year: YEAR, targetSessions: 4 },
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
];

/** Submitted while the page is open: the page must follow without a reload. */
const LIVE_ENTRY: EntrySeed = {
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
const count = (value: number | null) => (value === null ? '—' : integer.format(value));
const percent = (share: number | null) => (share === null ? '—' : `${(share * 100).toFixed(1)}%`);
const pad = (month: number) => String(month).padStart(2, '0');

interface Live {
  readonly school: string;
  readonly campaign: string;
  readonly students: readonly string[];
  /** YYYY-MM in China time, from the entry's submittedAt. */
  readonly month: string;
}

/** What the test knows happened; the expected figures follow from it. */
class Model {
  readonly entries: Live[] = [];

  #campaign(id: string): CampaignSeed {
    const campaign = CAMPAIGNS.find((c) => c.id === id);
    if (!campaign) throw new Error(`unknown campaign ${id}`);
    return campaign;
  }

  #inScope(year: number, campaignId: string | undefined) {
    return (id: string) => this.#campaign(id).year === year && (campaignId === undefined || id === campaignId);
  }

  #delivered(year: number, campaignId?: string) {
    const inScope = this.#inScope(year, campaignId);
    return LECTURES.filter((lecture) => lecture.audience !== undefined && inScope(lecture.campaign));
  }

  #students(schools: readonly SchoolSeed[], year: number, campaignId?: string): number {
    const inScope = this.#inScope(year, campaignId);
    const ids = new Set(schools.map((school) => school.id));
    const keys = new Set(
      this.entries
        .filter((entry) => ids.has(entry.school) && inScope(entry.campaign))
        .flatMap((entry) => entry.students.map((student) => `${entry.school}/${student}`)),
    );
    return keys.size;
  }

  #figures(schools: readonly SchoolSeed[], year: number, campaignId?: string) {
    const inScope = this.#inScope(year, campaignId);
    const ids = new Set(schools.map((school) => school.id));
    const entries = this.entries.filter((entry) => ids.has(entry.school) && inScope(entry.campaign));
    const lectures = this.#delivered(year, campaignId).filter((lecture) => lecture.school && ids.has(lecture.school));
    const active = new Set([...entries.map((entry) => entry.school), ...lectures.map((lecture) => lecture.school)]);
    const known = schools.map((school) => school.enrolled[year]).filter((n): n is number => n !== undefined);
    const enrolled = known.length ? known.reduce((a, b) => a + b, 0) : null;
    const students = this.#students(schools, year, campaignId);
    return {
      schools: active.size,
      entries: entries.length,
      students,
      enrolled,
      rate: enrolled ? students / enrolled : null,
    };
  }

  /** Chart (a): schools with a rate, highest first (ties by school id, as `rankBy` orders them). */
  schoolRates(year: number, campaignId?: string) {
    const rows = SCHOOLS.map((school) => ({ school, ...this.#figures([school], year, campaignId) }))
      .filter((row) => row.rate !== null)
      .sort((a, b) => (b.rate ?? 0) - (a.rate ?? 0) || a.school.id.localeCompare(b.school.id));
    return rows.map((row) => ({
      key: row.school.id,
      label: row.school.name,
      rank: rows.filter((other) => (other.rate ?? 0) > (row.rate ?? 0)).length + 1,
      rate: row.rate,
      students: row.students,
      enrolled: row.enrolled,
      entries: row.entries,
    }));
  }

  /** Chart (b): one row per town, as the server orders them (by name). */
  towns(year: number, campaignId?: string) {
    const names = [...new Set(SCHOOLS.map((school) => school.town))].sort();
    return names.map((town) => ({
      key: town,
      ...this.#figures(
        SCHOOLS.filter((school) => school.town === town),
        year,
        campaignId,
      ),
    }));
  }

  /** Chart (c): the twelve months of the year (and any month outside it with activity). */
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
        audience: held.reduce((sum, lecture) => sum + (lecture.audience ?? 0), 0),
      };
    });
  }

  /** Chart (d): LECTURE campaigns with a target, in the order `campaigns(year)` lists them (same opening: by id). */
  lectureProgress(year: number, campaignId?: string) {
    return CAMPAIGNS.filter(
      (c) => c.kind === 'LECTURE' && c.year === year && c.targetSessions && (!campaignId || c.id === campaignId),
    )
      .sort((a, b) => a.id.localeCompare(b.id))
      .map((campaign) => {
        const delivered = this.#delivered(year, campaign.id).length;
        const target = campaign.targetSessions ?? 0;
        return { key: campaign.id, title: campaign.title, delivered, target, progress: delivered / target };
      });
  }

  kpis(year: number, campaignId?: string) {
    const towns = this.towns(year, campaignId);
    const months = this.months(year, campaignId);
    const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
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
}

const monthLabel = (key: string, year: number) =>
  key.startsWith(`${year}-`) ? `${Number(key.slice(5))}月` : `${key.slice(0, 4)}年${Number(key.slice(5))}月`;

/** The accessible tables as the page renders them: one object of cell texts per row, keyed by `data-field`. */
function expectedTables(model: Model, year: number, campaignId?: string) {
  return {
    'school-rate': model.schoolRates(year, campaignId).map((row) => ({
      key: row.key,
      cells: {
        label: row.label,
        rank: count(row.rank),
        participationRate: percent(row.rate),
        students: count(row.students),
        enrolled: count(row.enrolled),
        entries: count(row.entries),
      },
    })),
    towns: model.towns(year, campaignId).map((row) => ({
      key: row.key,
      cells: {
        label: row.key,
        schools: count(row.schools),
        entries: count(row.entries),
        students: count(row.students),
        enrolled: count(row.enrolled),
        participationRate: percent(row.rate),
      },
    })),
    monthly: model.months(year, campaignId).map((row) => ({
      key: row.key,
      cells: {
        label: monthLabel(row.key, year),
        entries: count(row.entries),
        lecturesDelivered: count(row.lectures),
        audience: count(row.audience),
      },
    })),
    'lecture-progress': model.lectureProgress(year, campaignId).map((row) => ({
      key: row.key,
      cells: {
        label: row.title,
        sessionsDelivered: count(row.delivered),
        targetSessions: count(row.target),
        progress: percent(row.progress),
      },
    })),
  };
}

/** The series each ECharts instance was given: what the canvas draws. */
function expectedCharts(model: Model, year: number, campaignId?: string) {
  const schools = model.schoolRates(year, campaignId);
  const towns = model.towns(year, campaignId);
  const months = model.months(year, campaignId);
  const lectures = model.lectureProgress(year, campaignId);
  return {
    'school-rate': { categories: schools.map((row) => row.label), series: [schools.map((row) => row.rate)] },
    towns: {
      categories: towns.map((row) => row.key),
      series: [towns.map((row) => row.students), towns.map((row) => row.entries), towns.map((row) => row.rate)],
    },
    monthly: {
      categories: months.map((row) => monthLabel(row.key, year)),
      series: [months.map((row) => row.entries), months.map((row) => row.lectures)],
    },
    'lecture-progress': {
      categories: lectures.map((row) => row.title),
      series: [lectures.map((row) => row.progress)],
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Reading the page (the callbacks run in the browser; structural types keep this file free of DOM typings)

type ChartName = 'school-rate' | 'towns' | 'monthly' | 'lecture-progress';
const CHART_NAMES: readonly ChartName[] = ['school-rate', 'towns', 'monthly', 'lecture-progress'];

interface CellLike {
  readonly dataset: Readonly<Record<string, string | undefined>>;
  readonly textContent: string | null;
}
interface RowLike extends CellLike {
  readonly cells: ArrayLike<CellLike>;
}

async function readTable(page: Page, chart: ChartName) {
  return page.locator(`table[data-chart="${chart}"] tbody tr`).evaluateAll((elements) =>
    (elements as unknown as RowLike[]).map((row) => ({
      key: row.dataset.key ?? '',
      cells: Object.fromEntries(
        Array.from(row.cells, (cell) => [cell.dataset.field ?? '?', (cell.textContent ?? '').trim()]),
      ),
    })),
  );
}

async function readTables(page: Page) {
  const [schoolRate, towns, monthly, lectureProgress] = await Promise.all(
    CHART_NAMES.map((name) => readTable(page, name)),
  );
  return {
    'school-rate': schoolRate ?? [],
    towns: towns ?? [],
    monthly: monthly ?? [],
    'lecture-progress': lectureProgress ?? [],
  };
}

interface ChartHook {
  readonly __qingmiao?: {
    readonly charts: Readonly<Record<string, { getOption(): Record<string, unknown> }>>;
  };
}

/** Category axis labels and series data straight from the chart instances. */
async function readCharts(page: Page) {
  return page.evaluate((names) => {
    const hook = (globalThis as unknown as ChartHook).__qingmiao;
    if (!hook) throw new Error('window.__qingmiao is missing');
    const list = (value: unknown): Array<Record<string, unknown>> =>
      Array.isArray(value) ? (value as Array<Record<string, unknown>>) : [];
    return Object.fromEntries(
      names.map((name) => {
        const option = hook.charts[name]?.getOption() ?? {};
        const axes = [...list(option.xAxis), ...list(option.yAxis)];
        const category = axes.find((axis) => axis.type === 'category');
        return [
          name,
          { categories: category?.data ?? [], series: list(option.series).map((series) => series.data ?? []) },
        ];
      }),
    );
  }, CHART_NAMES);
}

async function readKpis(page: Page) {
  return page
    .locator('[data-kpi]')
    .evaluateAll((elements) =>
      Object.fromEntries(
        (elements as unknown as CellLike[]).map((item) => [item.dataset.kpi ?? '?', (item.textContent ?? '').trim()]),
      ),
    );
}

/** Everything a viewer sees, in one object, so a mismatch shows the whole picture. */
async function readPage(page: Page) {
  return { tables: await readTables(page), charts: await readCharts(page), kpis: await readKpis(page) };
}

function expectedPage(model: Model, year: number, campaignId?: string) {
  return {
    tables: expectedTables(model, year, campaignId),
    charts: expectedCharts(model, year, campaignId),
    kpis: model.kpis(year, campaignId),
  };
}

// ---------------------------------------------------------------------------------------------------------------

describe.skipIf(!HAS_CHROMIUM)(
  HAS_CHROMIUM ? 'dashboard at / (headless Chromium)' : `dashboard at / — skipped: ${CHROMIUM} is missing`,
  () => {
    let server: ServerProcess;
    let browser: Browser;
    const model = new Model();

    // A fresh organizer token for every call: the server refuses tokens living longer than TOKEN_LIFETIME_SECONDS.
    const gql = async <O extends Operation>(operation: O & Checked<O>, variables?: VariablesFor<O>) =>
      dataOf(
        await server.graphql<O>(
          operation,
          variables,
          await server.token('organizer', { sub: 'office' }, `${TOKEN_LIFETIME_SECONDS}s`),
        ),
      );

    /** A viewer account, created by the organizer and activated with its one-time code, as the office would. */
    async function createViewer(): Promise<void> {
      const { createAccount } = await gql(
        graphql(`mutation CreateViewer($input: CreateAccountInput!) {
          createAccount(input: $input) { activationCode }
        }`),
        { input: { login: VIEWER.login, displayName: '教育局领导', role: 'viewer' } },
      );
      dataOf(
        await server.graphql(
          graphql(`mutation ActivateViewer($input: ActivateAccountInput!) {
            activateAccount(input: $input) { expiresAt }
          }`),
          { input: { login: VIEWER.login, activationCode: createAccount.activationCode, password: VIEWER.password } },
        ),
      );
    }

    const chinaMonth = (iso: string) => {
      const local = new Date(Date.parse(iso) + 8 * 3_600_000);
      return `${local.getUTCFullYear()}-${pad(local.getUTCMonth() + 1)}`;
    };

    let submissions = 0;
    async function submit(entry: EntrySeed): Promise<void> {
      submissions += 1;
      const participants = [
        ...entry.students.map((key) => ({ name: `学生${key}`, role: 'STUDENT' as const, grade: '五年级', key })),
        ...(entry.adults ?? []),
      ];
      const { submitEntry } = await gql(
        graphql(`mutation Submit($i: SubmitEntryInput!) { submitEntry(input: $i) { id submittedAt } }`),
        {
          i: {
            submissionId: `dash-${submissions}`,
            campaignId: entry.campaign,
            schoolId: entry.school,
            title: `作品 ${submissions}`,
            participants,
          },
        },
      );
      if (entry.withdrawn) {
        await gql(`mutation($i: WithdrawEntryInput!) { withdrawEntry(input: $i) { id } }`, {
          i: { entryId: submitEntry.id, reason: '重复提交' },
        });
        return;
      }
      model.entries.push({
        school: entry.school,
        campaign: entry.campaign,
        students: entry.students,
        month: chinaMonth(submitEntry.submittedAt),
      });
    }

    async function seed(): Promise<void> {
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
      for (const entry of ENTRIES) await submit(entry);
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

    beforeAll(async () => {
      server = await startServerProcess({ env: { QINGMIAO_MAX_TOKEN_LIFETIME: `${TOKEN_LIFETIME_SECONDS}s` } });
      await createViewer();
      await seed();
      browser = await launchChromium();
    }, 120_000);

    afterAll(async () => {
      await browser?.close();
      await server?.stop();
      if (server) removeDataDir(server.dataDir);
    });

    /** A fresh browser profile (own cookies) that records every script error and CSP violation. */
    async function openPage(): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
      const context = await browser.newContext({ viewport: { width: 1440, height: 1000 }, locale: 'zh-CN' });
      const page = await context.newPage();
      const problems: string[] = [];
      page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
      page.on('console', (message) => {
        if (message.type() === 'error' || message.type() === 'warning') problems.push(`console: ${message.text()}`);
      });
      return { context, page, problems };
    }

    /** Fills the sign-in form by its accessible names, as a person (or a screen reader) finds it. */
    async function signIn(page: Page, login = VIEWER.login, password = VIEWER.password): Promise<void> {
      await page.getByLabel('登录名').fill(login);
      await page.getByLabel('密码').fill(password);
      await page.getByRole('button', { name: '登录', exact: true }).click();
    }

    it('shows the figures of the year, follows new entries live, filters by year and campaign', async () => {
      const { context, page, problems } = await openPage();
      try {
        const response = await page.goto(`${server.url}/`);
        expect(response?.status()).toBe(200);
        expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
        expect(await page.title()).toBe('青苗 · 关工委活动统计');
        await page.waitForSelector('body[data-state="login"]');
        await signIn(page);
        await page.waitForSelector('body[data-state="ready"]');

        // The default year is the latest with campaigns; every campaign of it is offered.
        expect(await page.inputValue('#year')).toBe(String(YEAR));
        expect(await page.locator('#year option').allTextContents()).toEqual([`${YEAR}年`, `${PRIOR}年`]);
        // In the order `campaigns(year)` lists them: by opening date, then id.
        expect(await page.locator('#campaign option').allTextContents()).toEqual([
          '全部',
          '千场党史报告进校园(讲座)',
          '《勋章》读书征文(征文)',
          '老园丁讲师团进社区(讲座)',
        ]);

        await expect.poll(() => readPage(page), { timeout: 10_000 }).toEqual(expectedPage(model, YEAR));
        // Spot checks against hand-computed numbers, so the model above is not the only judge.
        const initial = await readTables(page);
        expect(initial['school-rate'].map((row) => [row.cells.label, row.cells.participationRate])).toEqual([
          ['沙溪镇第一小学', '12.5%'],
          ['太仓市实验小学', '10.0%'],
          ['浏河镇小学', '8.0%'],
          ['城厢镇第一中学', '5.0%'],
          ['沙溪实验中学', '0.0%'],
        ]);
        expect(
          initial.towns.map((row) => [row.key, row.cells.entries, row.cells.students, row.cells.participationRate]),
        ).toEqual([
          ['城厢镇', '4', '7', '7.0%'],
          ['沙溪镇', '2', '6', '1.1%'],
          ['浏河镇', '2', '3', '12.0%'],
        ]);
        expect(initial['lecture-progress'].map((row) => row.cells.progress)).toEqual(['50.0%', '25.0%']);
        expect(await page.textContent('#note-school-rate')).toContain('另有 1 所学校未录入在校学生数');

        // Live: the subscription is up, a school submits, the page follows without a reload.
        await page.waitForSelector('#live[data-state="live"]');
        expect((await page.textContent('#live'))?.trim()).toBe('实时');
        await page.evaluate(() => {
          (globalThis as Record<string, unknown>).__sameDocument = true;
        });
        await submit(LIVE_ENTRY);
        await expect.poll(() => readPage(page), { timeout: 15_000 }).toEqual(expectedPage(model, YEAR));
        expect(await page.evaluate(() => (globalThis as Record<string, unknown>).__sameDocument)).toBe(true);
        const live = await readTables(page);
        expect(live['school-rate'].find((row) => row.key === 'dash-shaxi-zx')?.cells.participationRate).toBe('1.0%');
        expect(live.towns.find((row) => row.key === '沙溪镇')?.cells).toMatchObject({ entries: '3', students: '11' });

        mkdirSync(new URL('../test-results/', import.meta.url), { recursive: true });
        await page.screenshot({ path: SCREENSHOT, fullPage: true });

        // The report downloads with the token (a blob, not a bare link that would get 401).
        const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
        expect(download.suggestedFilename()).toBe(`关工委活动参与情况-${YEAR}.xlsx`);
        const file = await download.path();
        expect(readFileSync(file).subarray(0, 2).toString('latin1')).toBe('PK');

        // One campaign: its lectures and no entries.
        await page.selectOption('#campaign', DANGSHI);
        await page.waitForSelector(`#dashboard[data-campaign="${DANGSHI}"]`);
        await expect.poll(() => readPage(page), { timeout: 10_000 }).toEqual(expectedPage(model, YEAR, DANGSHI));
        expect((await readTable(page, 'lecture-progress')).map((row) => row.key)).toEqual([DANGSHI]);
        expect(await readKpis(page)).toMatchObject({ entries: '0', lecturesDelivered: '4', audience: '460' });

        // Another year: its own campaigns and enrollment; the campaign filter goes back to all.
        await page.selectOption('#year', String(PRIOR));
        await page.waitForSelector(`#dashboard[data-year="${PRIOR}"][data-campaign=""]`);
        await expect.poll(() => readPage(page), { timeout: 10_000 }).toEqual(expectedPage(model, PRIOR));
        expect(await page.locator('#campaign option').allTextContents()).toEqual(['全部', '童心向党征文(征文)']);
        expect((await readTable(page, 'school-rate')).map((row) => row.cells.participationRate)).toEqual(['2.0%']);
        expect(await page.isVisible('#empty-lecture-progress')).toBe(true);

        expect(problems).toEqual([]);
      } finally {
        await context.close();
      }
    }, 120_000);
  },
);
