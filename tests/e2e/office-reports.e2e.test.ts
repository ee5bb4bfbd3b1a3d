import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CAMPAIGN_KIND_LABELS, PRIZE_LABELS, SCHOOL_KIND_LABELS } from '@qingmiao/schema/labels';
import ExcelJS from 'exceljs';
import type { Browser, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, HAS_CHROMIUM } from '../support/browser.ts';
import { serverAndChromium } from '../support/browser-suite.ts';
import {
  count,
  ESSAY,
  Model,
  monthLabel,
  type OrganizerCall,
  percent,
  SCHOOLS,
  type SchoolSeed,
  SPEECH,
  Submitter,
  seedDashboardYear,
  YEAR,
} from '../support/dashboard-year.ts';
import { type Checked, dataOf, type Operation, type VariablesFor } from '../support/graphql-http.ts';
import type { ServerProcess } from '../support/server-process.ts';
import {
  type AppPage,
  createActiveAccount,
  downloadedSheet,
  seriousAccessibilityViolations,
  signedInPage,
  VIEWPORTS,
  type ViewportName,
} from '../support/web-app.ts';

/**
 * The office's reports (/office/reports) in headless Chromium against a server process: the
 * winners list (a page and its Excel download, read back with exceljs) equals the awards made here; the schools that
 * took part in nothing equal the test's own computation; the one-page year summary shows the year's totals and the
 * charts' tables, and on paper (print media) no navigation; axe-core finds no serious or critical violation; no CSP
 * complaint. QINGMIAO_SCREENSHOTS=1 writes services/web/screenshots/office-year-summary.png.
 */
const SCREENSHOT = fileURLToPath(new URL('../../services/web/screenshots/office-year-summary.png', import.meta.url));
const OFFICE = { login: 'office-reports', password: 'qingmiao-office-2026' };

/** Schools of this test besides the dashboard year's: one that did nothing, one whose only entry was withdrawn. */
const EXTRA_SCHOOLS: readonly SchoolSeed[] = [
  { id: 'rep-quiet', name: '陆渡镇小学', kind: 'PRIMARY', town: '浏河镇', enrolled: {} },
  { id: 'rep-withdrawn', name: '新塘小学', kind: 'PRIMARY', town: '城厢镇', enrolled: {} },
];
const ALL_SCHOOLS = [...SCHOOLS, ...EXTRA_SCHOOLS];

type Row = { readonly key: string; readonly cells: Readonly<Record<string, string>> };

interface CellLike {
  readonly dataset: Readonly<Record<string, string | undefined>>;
  readonly textContent: string | null;
}
interface RowLike extends CellLike {
  readonly cells: ArrayLike<CellLike>;
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

function overflowsSideways(page: Page) {
  return page.evaluate(() => {
    const { document, innerWidth } = globalThis as unknown as {
      document: { documentElement: { scrollWidth: number } };
      innerWidth: number;
    };
    return document.documentElement.scrollWidth > innerWidth;
  });
}

const PRIZE_ORDER = ['FIRST', 'SECOND', 'THIRD', 'EXCELLENCE'] as const;
const schoolName = (id: string) => ALL_SCHOOLS.find((school) => school.id === id)?.name ?? id;

/** The year's awarded entries as the test made them: by campaign id (all open on one day), prize, school, title. */
function expectedWinners(model: Model) {
  return model.entries
    .filter((entry) => entry.prize && model.campaign(entry.campaign).year === YEAR)
    .sort(
      (a, b) =>
        a.campaign.localeCompare(b.campaign) ||
        PRIZE_ORDER.indexOf(a.prize ?? 'FIRST') - PRIZE_ORDER.indexOf(b.prize ?? 'FIRST') ||
        a.school.localeCompare(b.school) ||
        a.title.localeCompare(b.title),
    );
}

/** The schools with no live entry and no delivered lecture this year, by id (as participation lists them). */
function expectedInactive(model: Model) {
  return ALL_SCHOOLS.filter((school) => model.figures([school], YEAR).schools === 0)
    .sort((a, b) => a.id.localeCompare(b.id))
    .map((school) => ({
      key: school.id,
      cells: {
        label: school.name,
        key: school.id,
        kind: SCHOOL_KIND_LABELS[school.kind],
        town: school.town,
        enrolled: count(school.enrolled[YEAR] ?? null),
      },
    }));
}

describe.skipIf(!HAS_CHROMIUM)(
  HAS_CHROMIUM ? 'office reports (headless Chromium)' : `office reports — skipped: ${CHROMIUM} is missing`,
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
        { login: OFFICE.login, displayName: '关工委办公室', role: 'organizer' },
        OFFICE.password,
      );
      submitter = new Submitter(gql, model);
      await seedDashboardYear(gql, submitter);
      for (const school of EXTRA_SCHOOLS) {
        await gql(`mutation($i: RegisterSchoolInput!) { registerSchool(input: $i) { id } }`, {
          i: { id: school.id, name: school.name, kind: school.kind, town: school.town },
        });
      }
      await submitter.submit({ campaign: ESSAY, school: 'rep-withdrawn', students: ['w1'], withdrawn: true });
      // Awarded, not published: the office sees the awards, marked as not yet published.
      await submitter.award(SPEECH);
    }, 180_000);

    async function open(viewport: ViewportName, path: string): Promise<AppPage> {
      const app = await signedInPage(browser, server.url, { ...OFFICE, viewport, path });
      await app.page.waitForURL((url) => `${url.pathname}${url.search}` === path);
      return app;
    }

    it('lists the reports of the year and downloads the participation workbook', async () => {
      const { page, problems, close } = await open('desktop', `/office/reports?year=${YEAR}`);
      try {
        await page.getByRole('heading', { level: 1, name: '报表' }).waitFor();
        const [download] = await Promise.all([
          page.waitForEvent('download'),
          page.getByRole('button', { name: '下载参与情况报表' }).click(),
        ]);
        expect(download.suggestedFilename()).toBe(`关工委活动参与情况-${YEAR}.xlsx`);
        const workbook = new ExcelJS.Workbook();
        await workbook.xlsx.readFile(await download.path());
        expect(workbook.worksheets.map((sheet) => sheet.name)).toContain('按学校');
        for (const link of ['查看获奖名单', '查看未参与学校', '查看年度总结']) {
          expect(await page.getByRole('link', { name: link }).getAttribute('href')).toContain(`?year=${YEAR}`);
        }
        expect(await seriousAccessibilityViolations(page)).toEqual([]);
        expect(problems).toEqual([]);
      } finally {
        await close();
      }
    }, 120_000);

    for (const viewport of ['phone', 'desktop'] as const) {
      it(`shows and downloads the winners list at ${VIEWPORTS[viewport].width} px`, async () => {
        const { page, problems, close } = await open(viewport, `/office/reports/winners?year=${YEAR}`);
        try {
          await page.waitForSelector('.office-report[data-state="ready"]');
          const winners = expectedWinners(model);
          expect(winners.map((entry) => entry.prize)).toEqual(['FIRST', 'SECOND', 'EXCELLENCE', 'EXCELLENCE']);
          expect(await readRows(page, `table[data-winners="${SPEECH}"]`)).toEqual(
            winners.map((entry) => ({
              key: expect.any(String),
              cells: {
                prize: PRIZE_LABELS[entry.prize ?? 'FIRST'],
                title: entry.title,
                school: schoolName(entry.school),
                advisor: '',
                participants: entry.names.join('、'),
              },
            })),
          );
          // Not yet published: said beside the campaign; a campaign without awards says so.
          expect(await page.getByRole('heading', { name: /红领巾心向党演讲稿征集.*结果未公布/ }).isVisible()).toBe(
            true,
          );
          expect((await readRows(page, `table[data-winners="${ESSAY}"]`)).map((row) => row.cells)).toEqual([
            { '?': '尚未授奖' },
          ]);

          const { fileName, rows } = await downloadedSheet(page, '下载 Excel', '获奖名单');
          expect(fileName).toBe(`获奖名单-${YEAR}.xlsx`);
          expect(rows).toEqual([
            ['活动', '奖项', '作品标题', '学校', '指导老师', '参赛人员'],
            ...winners.map((entry) => [
              `${model.campaign(entry.campaign).title}(${CAMPAIGN_KIND_LABELS.ESSAY})`,
              PRIZE_LABELS[entry.prize ?? 'FIRST'],
              entry.title,
              schoolName(entry.school),
              '',
              entry.names.join('、'),
            ]),
          ]);

          // The campaign filter, kept in the address.
          await page.getByRole('combobox', { name: '活动' }).click();
          await page
            .locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden)')
            .getByTitle('红领巾心向党演讲稿征集(征文)', { exact: true })
            .click();
          await page.waitForURL((url) => url.searchParams.get('campaign') === SPEECH);
          await page.waitForSelector('.office-report[data-state="ready"]');
          expect(await page.locator('table[data-winners]').count()).toBe(1);

          // On paper: the list without the app's header, the office's menu or the buttons.
          await page.emulateMedia({ media: 'print' });
          expect(await page.locator('.qm-header').isVisible()).toBe(false);
          expect(await page.getByRole('navigation', { name: '办公室' }).isVisible()).toBe(false);
          expect(await page.getByRole('button', { name: '打印' }).isVisible()).toBe(false);
          expect(await page.locator(`table[data-winners="${SPEECH}"]`).isVisible()).toBe(true);
          await page.emulateMedia({ media: 'screen' });

          expect(await overflowsSideways(page)).toBe(false);
          expect(await seriousAccessibilityViolations(page)).toEqual([]);
          expect(problems).toEqual([]);
        } finally {
          await close();
        }
      }, 120_000);

      it(`lists the schools that took part in nothing at ${VIEWPORTS[viewport].width} px`, async () => {
        const { page, problems, close } = await open(viewport, `/office/reports/inactive?year=${YEAR}`);
        try {
          await page.waitForSelector('.office-report[data-state="ready"]');
          const expected = expectedInactive(model);
          // The quiet school, the one whose only entry was withdrawn, and the one with a lecture not yet held.
          expect(expected.map((row) => row.key)).toEqual(['dash-shaxi-zx', 'rep-quiet', 'rep-withdrawn']);
          expect(await readRows(page, 'table[data-inactive-schools]')).toEqual(expected);
          expect(await page.getByLabel('名单(每行一所学校)').inputValue()).toBe(
            expected.map((row) => row.cells.label).join('\n'),
          );
          expect(await page.getByText(`其中 ${expected.length} 所本年度未参与任何活动`).isVisible()).toBe(true);
          expect(await overflowsSideways(page)).toBe(false);
          expect(await seriousAccessibilityViolations(page)).toEqual([]);
          expect(problems).toEqual([]);
        } finally {
          await close();
        }
      }, 120_000);
    }

    it('prints a one-page year summary with the totals, the charts, the winners and the lectures', async () => {
      const { page, problems, close } = await open('desktop', `/office/reports/summary?year=${YEAR}`);
      try {
        await page.waitForSelector('.office-report[data-state="ready"]');
        const kpis = await page
          .locator('[data-kpi]')
          .evaluateAll((elements) =>
            Object.fromEntries(
              (elements as unknown as CellLike[]).map((item) => [
                item.dataset.kpi ?? '?',
                (item.textContent ?? '').trim(),
              ]),
            ),
          );
        const awarded = model.entries.filter((entry) => entry.prize && model.campaign(entry.campaign).year === YEAR);
        expect(kpis).toEqual({
          ...model.kpis(YEAR),
          inactive: count(expectedInactive(model).length),
          awards: count(awarded.length),
        });

        expect(await readRows(page, 'table[data-chart="towns"]')).toEqual(
          model.towns(YEAR).map((row) => ({
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
        );
        expect(await readRows(page, 'table[data-chart="school-kinds"]')).toEqual(
          model
            .kinds(YEAR)
            .filter((row) => row.rate !== null)
            .map((row) => ({
              key: row.key,
              cells: {
                label: row.label,
                participationRate: percent(row.rate),
                students: count(row.students),
                enrolled: count(row.enrolled),
                entries: count(row.entries),
              },
            })),
        );
        expect(await readRows(page, 'table[data-chart="campaigns"]')).toEqual(
          model.campaigns(YEAR).map((row) => ({
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
        );
        expect(await readRows(page, 'table[data-chart="months"]')).toEqual(
          model.months(YEAR).map((row) => ({
            key: row.key,
            cells: {
              label: monthLabel(row.key, YEAR),
              entries: count(row.entries),
              lecturesDelivered: count(row.lectures),
              audience: count(row.audience),
            },
          })),
        );
        // Lectures delivered against their targets.
        expect(await readRows(page, 'table[data-chart="lecture-progress"]')).toEqual(
          model.lectureProgress(YEAR).map((row) => ({
            key: row.key,
            cells: {
              label: row.title,
              sessionsDelivered: count(row.delivered),
              targetSessions: count(row.target),
              progress: percent(row.progress),
              audience: count(row.audience),
            },
          })),
        );
        expect(await page.locator('.dashboard-chart canvas').count()).toBe(5);

        // The winners per campaign: by prize, with how many and which works.
        const speech = awarded.filter((entry) => entry.campaign === SPEECH);
        const byPrize = PRIZE_ORDER.map((prize) => speech.filter((entry) => entry.prize === prize)).filter(
          (won) => won.length > 0,
        );
        const summary = await readRows(page, 'table[data-summary-winners]');
        expect(summary.filter((row) => row.key.startsWith(`${SPEECH}:`)).map((row) => row.cells.prize)).toEqual(
          byPrize.map((won) => `${PRIZE_LABELS[won[0]?.prize ?? 'FIRST']} ${won.length}`),
        );
        expect(summary.find((row) => row.key === ESSAY)?.cells).toEqual({ '?': '尚未授奖' });

        // 打印 / 保存为 PDF opens the browser's print dialog.
        await page.evaluate(() => {
          const scope = globalThis as unknown as { print: () => void; __printed?: number };
          scope.print = () => {
            scope.__printed = (scope.__printed ?? 0) + 1;
          };
        });
        await page.getByRole('button', { name: '打印 / 保存为 PDF' }).click();
        expect(await page.evaluate(() => (globalThis as { __printed?: number }).__printed)).toBe(1);

        expect(await seriousAccessibilityViolations(page)).toEqual([]);
        if (process.env.QINGMIAO_SCREENSHOTS === '1') {
          mkdirSync(new URL('../../services/web/screenshots/', import.meta.url), { recursive: true });
          await page.screenshot({ path: SCREENSHOT, fullPage: true });
        }

        // On paper (A4): no header, no menu, no tools; the sheet and its charts stay, on one page.
        await page.emulateMedia({ media: 'print' });
        expect(await page.locator('.qm-header').isVisible()).toBe(false);
        expect(await page.getByRole('navigation', { name: '办公室' }).isVisible()).toBe(false);
        expect(await page.getByRole('navigation', { name: '账号' }).isVisible()).toBe(false);
        expect(await page.getByRole('button', { name: '打印 / 保存为 PDF' }).isVisible()).toBe(false);
        expect(await page.getByRole('heading', { level: 1, name: `${YEAR}年关工委活动年度总结` }).isVisible()).toBe(
          true,
        );
        expect(await page.locator('.dashboard-chart canvas').first().isVisible()).toBe(true);
        const pdf = await page.pdf({ format: 'A4', preferCSSPageSize: true });
        const pages = pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? [];
        expect(pages).toHaveLength(1);
        expect(problems).toEqual([]);
      } finally {
        await close();
      }
    }, 120_000);
  },
);
