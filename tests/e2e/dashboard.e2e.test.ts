import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { graphql } from '@qingmiao/schema/graphql';
import type Axe from 'axe-core';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, HAS_CHROMIUM, launchChromium } from '../support/browser.ts';
import {
  count,
  Model,
  monthLabel,
  type OrganizerCall,
  PRIOR,
  percent,
  Submitter,
  seedDashboardYear,
  YEAR,
} from '../support/dashboard-year.ts';
import { type Checked, dataOf, type Operation, type VariablesFor } from '../support/graphql-http.ts';
import { removeDataDir, type ServerProcess, startServerProcess } from '../support/server-process.ts';

/**
 * The hand-written dashboard at `/` in headless Chromium against a started server: signing in with a viewer
 * account, the session surviving a reload, its access token renewed silently, signing out, and refusals in Chinese.
 * (Its figures, filters, live updates and download are the web app's now: web-dashboard.e2e.test.ts.)
 */
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/**
 * Access tokens (and the organizer's tokens this test mints) live this long, so the page renews its token during the
 * test: halfway through, as the lifetime is shorter than twice the page's one-minute margin.
 */
const TOKEN_LIFETIME_SECONDS = 20;
const VIEWER = { login: 'bureau-leader', password: 'qingmiao-viewer-2026' };

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

/** What the page keeps in the browser besides memory. */
interface StorageLike {
  readonly sessionStorage: { readonly length: number };
  readonly localStorage: { readonly length: number };
  readonly document: { readonly cookie: string };
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

interface AxeHook {
  readonly axe: typeof Axe;
}

/**
 * axe-core's WCAG 2.1 A and AA rules over the page as shown: each violation's rule and the elements it names. The
 * engine goes in over the DevTools protocol, which the page's CSP (no inline script) does not govern.
 */
async function accessibilityViolations(page: Page) {
  await page.evaluate(AXE_SOURCE);
  return page.evaluate(async () => {
    const { axe } = globalThis as unknown as AxeHook;
    const { violations } = await axe.run('html', { runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] });
    return violations.map((violation) => ({ rule: violation.id, targets: violation.nodes.map((node) => node.target) }));
  });
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
    const gql: OrganizerCall = async <O extends Operation>(operation: O & Checked<O>, variables?: VariablesFor<O>) =>
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

    beforeAll(async () => {
      server = await startServerProcess({ env: { QINGMIAO_MAX_TOKEN_LIFETIME: `${TOKEN_LIFETIME_SECONDS}s` } });
      await createViewer();
      await seedDashboardYear(gql, new Submitter(gql, model));
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

    it('signs in with login and password, keeps the session over a reload, renews it silently, signs out', async () => {
      const { context, page, problems } = await openPage();
      /** Every bearer token the page sent to /graphql, in order. */
      const sent: string[] = [];
      page.on('request', (request) => {
        const token = request.headers().authorization?.replace(/^Bearer /, '');
        if (request.url().endsWith('/graphql') && token && sent.at(-1) !== token) sent.push(token);
      });
      const renewed = () =>
        page.waitForResponse((answer) => answer.request().postData()?.includes('DashboardRefresh') === true, {
          timeout: TOKEN_LIFETIME_SECONDS * 1000,
        });
      try {
        // No session in this browser yet: the form, named for assistive technology; no single sign-on configured.
        await page.goto(`${server.url}/`);
        await page.waitForSelector('body[data-state="login"]');
        expect(await page.isVisible('#dashboard')).toBe(false);
        expect(await page.getByRole('heading', { name: '登录青苗' }).isVisible()).toBe(true);
        expect(await page.getByRole('link', { name: '使用统一身份认证登录' }).isVisible()).toBe(false);
        expect(await page.locator('body').getAttribute('data-sso')).toBe('false');
        expect(await page.getByLabel('登录名').getAttribute('autocomplete')).toBe('username');
        expect(await page.getByLabel('密码').getAttribute('type')).toBe('password');
        expect(await accessibilityViolations(page)).toEqual([]);

        // A wrong password: one message in Chinese, the password field emptied.
        await signIn(page, VIEWER.login, 'not-the-password');
        await expect.poll(() => page.getByRole('alert').first().textContent()).toBe('登录名或密码错误');
        expect(await page.inputValue('#password')).toBe('');
        expect(await accessibilityViolations(page)).toEqual([]);
        // An unknown login: the same message.
        await signIn(page, 'nobody-here', VIEWER.password);
        await expect.poll(() => page.getByRole('alert').first().textContent()).toBe('登录名或密码错误');

        await signIn(page);
        await page.waitForSelector('body[data-state="ready"]');
        await expect.poll(() => readPage(page), { timeout: 10_000 }).toEqual(expectedPage(model, YEAR));
        // The access token is held in memory only; the httpOnly refresh cookie is what survives a reload.
        const stored = await page.evaluate(() => {
          const { sessionStorage, localStorage, document } = globalThis as unknown as StorageLike;
          return [sessionStorage.length, localStorage.length, document.cookie];
        });
        expect(stored).toEqual([0, 0, '']);
        const [cookie] = await context.cookies();
        expect(cookie).toMatchObject({
          name: 'qingmiao_refresh',
          httpOnly: true,
          sameSite: 'Strict',
          path: '/graphql',
        });

        // A reload: the refresh cookie signs the page in again, no form.
        await page.reload();
        await page.waitForSelector('body[data-state="ready"]');
        expect(await page.isVisible('#login')).toBe(false);
        await expect.poll(() => readKpis(page), { timeout: 10_000 }).toEqual(model.kpis(YEAR));

        // Before the access token expires the page fetches the next one, and uses it: figures still load.
        const before = sent.length;
        const renewal = await renewed();
        expect(renewal.status()).toBe(200);
        const { data } = (await renewal.json()) as { data?: { refreshSession?: { accessToken?: string } } };
        const next = data?.refreshSession?.accessToken;
        expect(next).toBeTruthy();
        await page.selectOption('#year', String(PRIOR));
        await page.waitForSelector(`#dashboard[data-year="${PRIOR}"]`);
        await expect.poll(() => readPage(page), { timeout: 10_000 }).toEqual(expectedPage(model, PRIOR));
        expect(sent.length).toBeGreaterThan(before);
        expect(sent.at(-1)).toBe(next);
        // Still signed in once the first access token has expired.
        await renewed();
        await page.selectOption('#year', String(YEAR));
        await page.waitForSelector(`#dashboard[data-year="${YEAR}"]`);
        await expect.poll(() => readKpis(page), { timeout: 10_000 }).toEqual(model.kpis(YEAR));

        // A request refused with 401 (as when the server's clock runs ahead): the page renews its token once and
        // sends the request again, and stays signed in. Only that one answer is forged; the rest is the server's.
        let forged = 0;
        await page.route(`${server.url}/graphql`, async (route) => {
          if (forged === 0 && route.request().postData()?.includes('query Dashboard(')) {
            forged += 1;
            await route.fulfill({ status: 401, contentType: 'application/json', body: '{"errors":[]}' });
          } else {
            await route.fallback();
          }
        });
        const renewedOn401 = renewed();
        await page.selectOption('#year', String(PRIOR));
        expect((await renewedOn401).status()).toBe(200);
        await page.waitForSelector(`#dashboard[data-year="${PRIOR}"]`);
        await expect.poll(() => readPage(page), { timeout: 10_000 }).toEqual(expectedPage(model, PRIOR));
        expect(forged).toBe(1);
        expect(await page.isVisible('#login')).toBe(false);
        await page.unroute(`${server.url}/graphql`);
        // The forged 401 is what the browser reported; nothing else.
        expect(problems.splice(0)).toEqual([
          'console: Failed to load resource: the server responded with a status of 401 (Unauthorized)',
        ]);

        // 退出登录: the form again, and the session is over on the server too (a reload does not bring it back).
        await page.getByRole('button', { name: '退出登录' }).click();
        await page.waitForSelector('body[data-state="login"]');
        expect(await page.isVisible('#dashboard')).toBe(false);
        expect(await page.getByLabel('登录名').isVisible()).toBe(true);
        await expect.poll(() => context.cookies()).toEqual([]);
        await page.reload();
        await page.waitForSelector('body[data-state="login"]');
        const last = sent.at(-1);
        const answer = await server.graphql('query { me { id } }', undefined, last);
        expect(answer.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');

        expect(problems).toEqual([]);
      } finally {
        await context.close();
      }
    }, 120_000);

    it('takes a leader from an activation code to the figures with nothing else', async () => {
      const login = 'leader-chen';
      const { createAccount } = await gql(
        graphql(
          `mutation CreateLeader($input: CreateAccountInput!) { createAccount(input: $input) { activationCode } }`,
        ),
        { input: { login, displayName: '陈局长', role: 'viewer' } },
      );
      const { context, page, problems } = await openPage();
      try {
        await page.goto(`${server.url}/`);
        await page.waitForSelector('body[data-state="login"]');
        await page.getByRole('button', { name: '首次登录？使用激活码' }).click();
        const activate = async (code: string, password: string) => {
          await page.getByLabel('登录名').fill(login);
          await page.getByLabel('激活码').fill(code);
          await page.getByLabel('密码').fill(password);
          await page.getByRole('button', { name: '激活并登录' }).click();
        };
        await activate('WRONGCODE234', 'chen-2022-spring');
        await expect.poll(() => page.textContent('#login-error')).toBe('激活码不正确、已过期或已使用');
        await activate(createAccount.activationCode, 'short');
        await expect.poll(() => page.textContent('#login-error')).toBe('密码至少 10 个字符，且不能与登录名相同');
        expect(await accessibilityViolations(page)).toEqual([]);
        await activate(createAccount.activationCode, 'chen-2022-spring');
        await page.waitForSelector('body[data-state="ready"]');
        expect(await page.getByRole('button', { name: '退出登录' }).isVisible()).toBe(true);
        // The code is spent: the next time, the leader signs in with the password chosen now.
        await page.getByRole('button', { name: '退出登录' }).click();
        await page.waitForSelector('body[data-state="login"]');
        await signIn(page, login, 'chen-2022-spring');
        await page.waitForSelector('body[data-state="ready"]');
        expect(problems.filter((problem) => !problem.includes('status of 4'))).toEqual([]);
      } finally {
        await context.close();
      }
    }, 60_000);

    it('says so in Chinese when a login is locked after too many failures', async () => {
      const { context, page, problems } = await openPage();
      try {
        await page.goto(`${server.url}/`);
        await page.waitForSelector('body[data-state="login"]');
        for (let attempt = 1; attempt <= 5; attempt += 1) {
          await signIn(page, 'locked-out', `wrong-password-${attempt}`);
          await expect.poll(() => page.textContent('#login-error')).toBe('登录名或密码错误');
        }
        await signIn(page, 'locked-out', 'wrong-password-6');
        await expect.poll(() => page.textContent('#login-error')).toBe('尝试次数过多，请稍后再试');
        // The refusal is HTTP 429, which the browser reports; nothing else went wrong.
        expect(problems).toEqual([
          'console: Failed to load resource: the server responded with a status of 429 (Too Many Requests)',
        ]);
      } finally {
        await context.close();
      }
    }, 60_000);
  },
);
