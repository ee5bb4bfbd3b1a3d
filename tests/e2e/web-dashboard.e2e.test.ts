import { mkdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CAMPAIGN_KIND_LABELS } from '@qingmiao/schema/labels';
import type { Browser, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, HAS_CHROMIUM } from '../support/browser.ts';
import { serverAndChromium } from '../support/browser-suite.ts';
import {
  count,
  DANGSHI,
  type GroupRow,
  LIVE_ENTRY,
  Model,
  monthLabel,
  type OrganizerCall,
  PRIOR,
  percent,
  SPEECH,
  Submitter,
  seedDashboardYear,
  YEAR,
} from '../support/dashboard-year.ts';
import { type Checked, dataOf, type Operation, type VariablesFor } from '../support/graphql-http.ts';
import type { ServerProcess } from '../support/server-process.ts';
import {
  chooseOption,
  createActiveAccount,
  seriousAccessibilityViolations,
  signedInPage,
  VIEWPORTS,
  type ViewportName,
} from '../support/web-app.ts';

/**
 * The leaders' dashboard of the web app (/dashboard) in headless Chromium against a started server serving the app's
 * production build, at a phone's width and a laptop's: a viewer signs in through the sign-in page and sees figures
 * equal to those computed here from the seeded year (read from the tables that are the charts' text alternative and
 * from the chart instances' options); the filters (kept in the address) change them, a lecture campaign is shown by
 * sessions and audience; a new entry and the winners of a campaign whose results are published appear without a
 * reload; the Excel download; axe-core finds no serious or critical violation; percentage ticks never repeat;
 * nothing scrolls sideways on a phone. QINGMIAO_SCREENSHOTS=1 writes services/web/screenshots/dashboard.png.
 */
const SCREENSHOT = fileURLToPath(new URL('../../services/web/screenshots/dashboard.png', import.meta.url));
const VIEWER = { login: 'bureau-leader', password: 'qingmiao-viewer-2026' };

const CHART_NAMES = ['schools', 'towns', 'school-kinds', 'campaigns', 'months', 'lecture-progress'] as const;
type ChartName = (typeof CHART_NAMES)[number];

type Row = { readonly key: string; readonly cells: Readonly<Record<string, string>> };

/** Whether the campaigns in view all take lectures (the dashboard then compares lectures, not rates). */
const lecturesOnly = (model: Model, campaignId?: string) =>
  campaignId !== undefined && model.campaign(campaignId).kind === 'LECTURE';

/** The tables as the page must render them: one object of cell texts per row, keyed by `data-field`. */
function expectedTables(model: Model, year: number, campaignId?: string): Record<ChartName, Row[]> {
  const lectures = lecturesOnly(model, campaignId);
  const groups = (rows: readonly GroupRow[], ranked: boolean): Row[] =>
    lectures
      ? rows
          .filter((row) => row.lectures > 0)
          .sort((a, b) => b.lectures - a.lectures || b.audience - a.audience)
          .map((row) => ({
            key: row.key,
            cells: { label: row.label, lecturesDelivered: count(row.lectures), audience: count(row.audience) },
          }))
      : rows
          .filter((row) => row.rate !== null)
          .map((row) => ({
            key: row.key,
            cells: {
              label: row.label,
              ...(ranked && row.rank !== undefined ? { rank: count(row.rank) } : {}),
              participationRate: percent(row.rate),
              students: count(row.students),
              enrolled: count(row.enrolled),
              entries: count(row.entries),
            },
          }));
  return {
    schools: lectures
      ? groups(model.schoolLectures(year, campaignId), false)
      : groups(model.schoolRates(year, campaignId), true),
    towns: model.towns(year, campaignId).map(
      (row): Row => ({
        key: row.key,
        cells: lectures
          ? {
              label: row.key,
              schools: count(row.schools),
              lecturesDelivered: count(row.lectures),
              audience: count(row.audience),
            }
          : {
              label: row.key,
              schools: count(row.schools),
              entries: count(row.entries),
              students: count(row.students),
              enrolled: count(row.enrolled),
              participationRate: percent(row.rate),
            },
      }),
    ),
    'school-kinds': groups(model.kinds(year, campaignId), false),
    campaigns: model.campaigns(year, campaignId).map((row) => ({
      key: row.id,
      cells: {
        label: `${row.title}(${CAMPAIGN_KIND_LABELS[row.kind]})`,
        schools: count(row.schools),
        entries: count(row.entries),
        students: count(row.students),
        lecturesDelivered: count(row.lectures),
        audience: count(row.audience),
      },
    })),
    months: model.months(year, campaignId).map((row) => ({
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
        audience: count(row.audience),
      },
    })),
  };
}

/** The categories and series each ECharts instance was given: what the canvas draws. */
function expectedCharts(model: Model, year: number, campaignId?: string) {
  const lectures = lecturesOnly(model, campaignId);
  const groups = (rows: readonly GroupRow[]) => {
    if (lectures) {
      const held = rows
        .filter((row) => row.lectures > 0)
        .sort((a, b) => b.lectures - a.lectures || b.audience - a.audience);
      return {
        categories: held.map((row) => row.label),
        series: [held.map((row) => row.lectures), held.map((row) => row.audience)],
      };
    }
    const rated = rows.filter((row) => row.rate !== null);
    return { categories: rated.map((row) => row.label), series: [rated.map((row) => row.rate)] };
  };
  const towns = model.towns(year, campaignId);
  const campaigns = model.campaigns(year, campaignId);
  const months = model.months(year, campaignId);
  const progress = model.lectureProgress(year, campaignId);
  return {
    schools: groups(lectures ? model.schoolLectures(year, campaignId) : model.schoolRates(year, campaignId)),
    towns: {
      categories: towns.map((row) => row.key),
      series: lectures
        ? [towns.map((row) => row.lectures), towns.map((row) => row.audience)]
        : [towns.map((row) => row.students), towns.map((row) => row.entries), towns.map((row) => row.rate)],
    },
    'school-kinds': groups(model.kinds(year, campaignId)),
    campaigns: {
      categories: campaigns.map((row) => row.title),
      series: [
        campaigns.map((row) => (row.kind === 'LECTURE' ? null : row.entries)),
        campaigns.map((row) => (row.kind === 'LECTURE' ? row.lectures : null)),
      ],
    },
    months: {
      categories: months.map((row) => monthLabel(row.key, year)),
      series: [months.map((row) => row.entries), months.map((row) => row.lectures)],
    },
    'lecture-progress': { categories: progress.map((row) => row.title), series: [progress.map((row) => row.progress)] },
  };
}

function expectedPage(model: Model, year: number, campaignId?: string) {
  return {
    tables: expectedTables(model, year, campaignId),
    charts: expectedCharts(model, year, campaignId),
    kpis: model.kpis(year, campaignId),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Reading the page (the callbacks run in the browser; structural types keep this file free of DOM typings)

interface CellLike {
  readonly dataset: Readonly<Record<string, string | undefined>>;
  readonly textContent: string | null;
}
interface RowLike extends CellLike {
  readonly cells: ArrayLike<CellLike>;
}
interface ChartLike {
  getOption(): Record<string, unknown>;
}
interface ChartHook {
  readonly __qingmiao?: { readonly charts: Readonly<Record<string, ChartLike>> };
}

function readRows(page: Page, selector: string): Promise<Row[]> {
  return page.locator(`${selector} tbody tr`).evaluateAll((elements) =>
    (elements as unknown as RowLike[]).map((row) => ({
      key: row.dataset.key ?? '',
      cells: Object.fromEntries(
        Array.from(row.cells, (cell) => [cell.dataset.field ?? '?', (cell.textContent ?? '').trim()]),
      ),
    })),
  );
}

async function readTables(page: Page) {
  const tables = await Promise.all(CHART_NAMES.map((name) => readRows(page, `table[data-chart="${name}"]`)));
  return Object.fromEntries(CHART_NAMES.map((name, i) => [name, tables[i]])) as Record<ChartName, Row[]>;
}

/** Category axis labels and series data straight from the chart instances. */
function readCharts(page: Page) {
  return page.evaluate((names) => {
    const hook = (globalThis as unknown as ChartHook).__qingmiao;
    if (!hook) throw new Error('window.__qingmiao is missing');
    const list = (value: unknown): Array<Record<string, unknown>> =>
      Array.isArray(value) ? (value as Array<Record<string, unknown>>) : [];
    return Object.fromEntries(
      names.map((name) => {
        const option = hook.charts[name]?.getOption() ?? {};
        const category = [...list(option.xAxis), ...list(option.yAxis)].find((axis) => axis.type === 'category');
        const data = (series: Record<string, unknown>) =>
          (Array.isArray(series.data) ? (series.data as unknown[]) : []).map((value) =>
            value === '-' || value === undefined ? null : value,
          );
        return [name, { categories: category?.data ?? [], series: list(option.series).map(data) }];
      }),
    );
  }, CHART_NAMES);
}

/** The labels of every percentage axis, tick by tick, as the charts' own formatters write them. */
function readPercentTicks(page: Page) {
  return page.evaluate((names) => {
    const hook = (globalThis as unknown as ChartHook).__qingmiao;
    const list = (value: unknown): Array<Record<string, unknown>> =>
      Array.isArray(value) ? (value as Array<Record<string, unknown>>) : [];
    const ticks: Record<string, string[][]> = {};
    for (const name of names) {
      const option = hook?.charts[name]?.getOption() ?? {};
      ticks[name] = [...list(option.xAxis), ...list(option.yAxis)].flatMap((axis) => {
        const label = axis.axisLabel as { formatter?: unknown } | undefined;
        if (axis.type !== 'value' || typeof label?.formatter !== 'function') return [];
        const format = label.formatter as (value: number) => string;
        const interval = Number(axis.interval);
        const steps = Math.round(Number(axis.max) / interval);
        return [Array.from({ length: steps + 1 }, (_, i) => format(i * interval))];
      });
    }
    return ticks;
  }, CHART_NAMES);
}

function readKpis(page: Page) {
  return page
    .locator('[data-kpi]')
    .evaluateAll((elements) =>
      Object.fromEntries(
        (elements as unknown as CellLike[]).map((item) => [item.dataset.kpi ?? '?', (item.textContent ?? '').trim()]),
      ),
    );
}

async function readPage(page: Page) {
  return { tables: await readTables(page), charts: await readCharts(page), kpis: await readKpis(page) };
}

/** Whether the page is wider than the screen (sideways scrolling). */
function overflowsSideways(page: Page) {
  return page.evaluate(() => {
    const { document, innerWidth } = globalThis as unknown as {
      document: { documentElement: { scrollWidth: number } };
      innerWidth: number;
    };
    return document.documentElement.scrollWidth > innerWidth;
  });
}

// ---------------------------------------------------------------------------------------------------------------

describe.skipIf(!HAS_CHROMIUM)(
  HAS_CHROMIUM ? 'web app dashboard (headless Chromium)' : `web app dashboard — skipped: ${CHROMIUM} is missing`,
  () => {
    let server: ServerProcess;
    let browser: Browser;
    const model = new Model();
    let submitter: Submitter;

    const gql: OrganizerCall = async <O extends Operation>(operation: O & Checked<O>, variables?: VariablesFor<O>) =>
      dataOf(await server.graphql<O>(operation, variables, await server.token('organizer', { sub: 'office' })));

    const running = serverAndChromium();

    beforeAll(async () => {
      ({ server, browser } = running());
      await createActiveAccount(
        server,
        await server.token('organizer', { sub: 'office' }),
        { login: VIEWER.login, displayName: '教育局领导', role: 'viewer' },
        VIEWER.password,
      );
      submitter = new Submitter(gql, model);
      await seedDashboardYear(gql, submitter);
      // Awarded but not yet published: no viewer may see these awards until a test publishes them.
      await submitter.award(SPEECH);
    }, 180_000);

    /** The viewer signed in through the sign-in page, which the app sent them to from `path`, and back there. */
    async function dashboard(viewport: ViewportName, path: string) {
      const app = await signedInPage(browser, server.url, { ...VIEWER, viewport, path });
      await app.page.waitForURL((url) => `${url.pathname}${url.search}` === path);
      return app;
    }

    for (const viewport of ['phone', 'desktop'] as const) {
      const { width } = VIEWPORTS[viewport];
      it(`shows the year's figures at ${width} px, accessible, without sideways scrolling`, async () => {
        const { page, problems, close } = await dashboard(viewport, '/dashboard');
        try {
          await page.waitForSelector('.dashboard[data-state="ready"]');
          // The default year: the latest with campaigns.
          await expect.poll(() => readPage(page), { timeout: 15_000 }).toEqual(expectedPage(model, YEAR));
          expect(await page.getByRole('heading', { level: 1, name: '关工委活动统计' }).isVisible()).toBe(true);

          // Spot checks against hand-computed numbers, so the model is not the only judge.
          const tables = await readTables(page);
          expect(tables.schools.map((row) => [row.cells.label, row.cells.participationRate])).toEqual([
            ['沙溪镇第一小学', '16.7%'],
            ['浏河镇小学', '12.0%'],
            ['太仓市实验小学', '10.0%'],
            ['城厢镇第一中学', '6.7%'],
            ['沙溪实验中学', '0.0%'],
          ]);
          expect(tables['lecture-progress'].map((row) => row.cells.progress)).toEqual(['50.0%', '25.0%']);
          expect(await page.locator('[data-note="schools"]').textContent()).toContain('另有 1 个学校未录入在校学生数');
          // Awards not yet published: no winners to show a viewer.
          expect(await page.getByText('本年度尚无公布结果的活动').isVisible()).toBe(true);

          // No two ticks of a percentage axis read the same.
          for (const [name, axes] of Object.entries(await readPercentTicks(page))) {
            for (const ticks of axes) {
              expect(ticks.length, name).toBeGreaterThan(2);
              expect(new Set(ticks).size, `${name}: ${ticks.join(' ')}`).toBe(ticks.length);
            }
          }
          expect(Object.values(await readPercentTicks(page)).flat()).not.toHaveLength(0);

          expect(await overflowsSideways(page)).toBe(false);
          // The charts fit their cards.
          const widths = await page
            .locator('.dashboard-chart canvas')
            .evaluateAll((canvases) =>
              (canvases as unknown as Array<{ clientWidth: number }>).map((canvas) => canvas.clientWidth),
            );
          expect(widths).toHaveLength(CHART_NAMES.length);
          for (const canvas of widths) expect(canvas).toBeLessThanOrEqual(width);
          expect(await seriousAccessibilityViolations(page)).toEqual([]);

          if (viewport === 'desktop' && process.env.QINGMIAO_SCREENSHOTS === '1') {
            mkdirSync(new URL('../../services/web/screenshots/', import.meta.url), { recursive: true });
            await page.screenshot({ path: SCREENSHOT, fullPage: true });
          }
          expect(problems).toEqual([]);
        } finally {
          await close();
        }
      }, 120_000);
    }

    it('filters by campaign and year, kept in the address; a lecture campaign by sessions and audience', async () => {
      const { page, problems, close } = await dashboard('desktop', '/dashboard');
      try {
        await page.waitForSelector(`.dashboard[data-state="ready"][data-year="${YEAR}"]`);
        await page.getByRole('combobox', { name: '活动' }).click();
        // In the order `campaigns(year)` lists them: by opening date, then id.
        expect(
          await page
            .locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option')
            .allTextContents(),
        ).toEqual([
          '全部活动',
          '千场党史报告进校园(讲座)',
          '《勋章》读书征文(征文)',
          '老园丁讲师团进社区(讲座)',
          '红领巾心向党演讲稿征集(征文)',
        ]);
        await page.keyboard.press('Escape');

        await chooseOption(page, '活动', '千场党史报告进校园(讲座)');
        await page.waitForSelector(`.dashboard[data-state="ready"][data-campaign="${DANGSHI}"]`);
        expect(new URL(page.url()).searchParams.get('campaign')).toBe(DANGSHI);
        await expect.poll(() => readPage(page), { timeout: 10_000 }).toEqual(expectedPage(model, YEAR, DANGSHI));
        // Schools compared by lectures delivered and audience, not by a rate of 0 for every school.
        expect(
          (await readTables(page)).schools.map((row) => [
            row.cells.label,
            row.cells.lecturesDelivered,
            row.cells.audience,
          ]),
        ).toEqual([
          ['太仓市实验小学', '1', '120'],
          ['沙溪镇第一小学', '1', '80'],
          ['浏河镇小学', '1', '60'],
        ]);
        expect(await readKpis(page)).toMatchObject({ entries: '0', lecturesDelivered: '4', audience: '460' });

        // A link keeps the filters.
        await page.reload();
        await page.waitForSelector(`.dashboard[data-state="ready"][data-campaign="${DANGSHI}"]`);
        await expect.poll(() => readPage(page), { timeout: 10_000 }).toEqual(expectedPage(model, YEAR, DANGSHI));

        // Another year: its own campaigns and enrollment; the campaign filter goes back to all.
        await chooseOption(page, '年度', `${PRIOR}年`);
        await page.waitForSelector(`.dashboard[data-state="ready"][data-year="${PRIOR}"][data-campaign=""]`);
        expect(Object.fromEntries(new URL(page.url()).searchParams)).toEqual({ year: String(PRIOR) });
        await expect.poll(() => readPage(page), { timeout: 10_000 }).toEqual(expectedPage(model, PRIOR));
        expect((await readTables(page)).schools.map((row) => row.cells.participationRate)).toEqual(['2.0%']);
        expect(await page.locator('[data-empty="lecture-progress"]').isVisible()).toBe(true);
        expect(problems).toEqual([]);
      } finally {
        await close();
      }
    }, 120_000);

    it('follows a new entry live, downloads the workbook, lists the winners as results are published', async () => {
      const { page, problems, close } = await dashboard('phone', `/dashboard?year=${YEAR}`);
      try {
        await page.waitForSelector('.dashboard[data-state="ready"]');
        await page.waitForSelector('[data-live="live"]');
        expect((await page.getByRole('status').filter({ hasText: '实时' }).textContent())?.trim()).toBe('实时');
        await expect.poll(() => readPage(page), { timeout: 10_000 }).toEqual(expectedPage(model, YEAR));
        await page.evaluate(() => {
          (globalThis as Record<string, unknown>).__sameDocument = true;
        });

        await submitter.submit(LIVE_ENTRY);
        await expect.poll(() => readPage(page), { timeout: 15_000 }).toEqual(expectedPage(model, YEAR));
        expect(await page.evaluate(() => (globalThis as Record<string, unknown>).__sameDocument)).toBe(true);
        const live = await readTables(page);
        expect(live.schools.find((row) => row.key === 'dash-shaxi-zx')?.cells.participationRate).toBe('1.0%');

        // The report downloads with the token (a blob, not a bare link that would get 401).
        const [download] = await Promise.all([
          page.waitForEvent('download'),
          page.getByRole('button', { name: '下载 Excel 报表' }).click(),
        ]);
        expect(download.suggestedFilename()).toBe(`关工委活动参与情况-${YEAR}.xlsx`);
        expect(
          readFileSync(await download.path())
            .subarray(0, 2)
            .toString('latin1'),
        ).toBe('PK');

        // Published: the awarded schools, most first prizes first, shown without a reload.
        await submitter.publish(SPEECH);
        await page.waitForSelector(`table[data-winners="${SPEECH}"] tbody tr[data-key]`, { timeout: 15_000 });
        expect(await page.evaluate(() => (globalThis as Record<string, unknown>).__sameDocument)).toBe(true);
        const winners = await readRows(page, `table[data-winners="${SPEECH}"]`);
        expect(winners).toEqual(
          model.winners(SPEECH).map((row) => ({
            key: row.key,
            cells: {
              label: row.label,
              FIRST: count(row.prizes[0] ?? 0),
              SECOND: count(row.prizes[1] ?? 0),
              THIRD: count(row.prizes[2] ?? 0),
              EXCELLENCE: count(row.prizes[3] ?? 0),
              awards: count((row.prizes as number[]).reduce((a, b) => a + b, 0)),
            },
          })),
        );
        expect(
          winners.map((row) => [row.cells.label, row.cells.FIRST, row.cells.SECOND, row.cells.EXCELLENCE]),
        ).toEqual([
          ['浏河镇小学', '1', '0', '0'],
          ['太仓市实验小学', '0', '1', '0'],
          ['沙溪镇第一小学', '0', '0', '2'],
        ]);
        expect(await page.getByRole('table', { name: '红领巾心向党演讲稿征集(征文) 获奖学校' }).isVisible()).toBe(true);
        expect(await overflowsSideways(page)).toBe(false);
        expect(await seriousAccessibilityViolations(page)).toEqual([]);
        expect(problems).toEqual([]);
      } finally {
        await close();
      }
    }, 120_000);
  },
);
