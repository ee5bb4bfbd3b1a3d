import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { graphql } from '@qingmiao/schema/graphql';
import type Axe from 'axe-core';
import ExcelJS from 'exceljs';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { expect, vi } from 'vitest';
import { dataOf, type GraphQLEndpoint } from './graphql-http.ts';

/**
 * The web app in a browser, as every browser test drives it: a page at a viewport that records what the console
 * says (CSP violations among it), accounts made by the office and used through the sign-in page, and axe-core.
 */

/** The two widths the app is tested at: a phone (schools' contacts) and a laptop. */
export const VIEWPORTS = {
  phone: { width: 390, height: 844 },
  desktop: { width: 1366, height: 768 },
} as const;
export type ViewportName = keyof typeof VIEWPORTS;

export interface AppPage {
  readonly context: BrowserContext;
  readonly page: Page;
  /** Console errors and CSP violations so far (should stay empty). */
  readonly problems: string[];
  close(): Promise<void>;
}

/** A fresh browser context (no cookies) at a viewport; phones get touch and a phone's pixel ratio. */
export async function openAppPage(browser: Browser, viewport: ViewportName): Promise<AppPage> {
  const phone = viewport === 'phone';
  const context = await browser.newContext({
    viewport: VIEWPORTS[viewport],
    locale: 'zh-CN',
    ...(phone ? { isMobile: true, hasTouch: true, deviceScaleFactor: 3 } : {}),
  });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  // Violations are also reported as events, which survive a console that says nothing.
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      console.error(`CSP violation: ${event.violatedDirective} ${event.blockedURI}`);
    });
  });
  return { context, page, problems, close: () => context.close() };
}

const CREATE_ACCOUNT = graphql(`
  mutation WebCreateAccount($input: CreateAccountInput!) { createAccount(input: $input) { activationCode } }
`);
const ACTIVATE = graphql(`
  mutation WebActivate($input: ActivateAccountInput!) { activateAccount(input: $input) { expiresAt } }
`);

export interface AccountSeed {
  readonly login: string;
  readonly displayName: string;
  readonly role: 'school' | 'organizer' | 'viewer' | 'judge';
  readonly schoolId?: string;
}

/** The office creates an account (with an organizer token of the server); its one-time activation code. */
export async function createAccount(server: GraphQLEndpoint, officeToken: string, account: AccountSeed) {
  return dataOf(await server.graphql(CREATE_ACCOUNT, { input: account }, officeToken)).createAccount.activationCode;
}

/** An account ready to sign in with `password`: created and activated over GraphQL. */
export async function createActiveAccount(
  server: GraphQLEndpoint,
  officeToken: string,
  account: AccountSeed,
  password: string,
): Promise<void> {
  const activationCode = await createAccount(server, officeToken, account);
  dataOf(await server.graphql(ACTIVATE, { input: { login: account.login, activationCode, password } }));
}

/** Fills the sign-in page (already open) and waits until the app has left it. */
export async function signInThroughUi(page: Page, login: string, password: string): Promise<void> {
  await page.getByLabel('登录名').fill(login);
  await page.getByLabel('密码', { exact: true }).fill(password);
  await page.getByRole('button', { name: '登录', exact: true }).click();
  await page.waitForURL((url) => url.pathname !== '/sign-in');
}

/**
 * Opens `path` of the app in a new context at `viewport`, signs in through the sign-in page it is sent to, and
 * waits until the app has brought it back (to `path`, or the role's home for `/`).
 */
export async function signedInPage(
  browser: Browser,
  url: string,
  options: {
    readonly login: string;
    readonly password: string;
    readonly viewport: ViewportName;
    readonly path?: string;
  },
): Promise<AppPage> {
  const app = await openAppPage(browser, options.viewport);
  await app.page.goto(`${url}${options.path ?? '/'}`);
  await app.page.waitForURL((current) => current.pathname === '/sign-in');
  await signInThroughUi(app.page, options.login, options.password);
  return app;
}

/** Signs out through the header's 退出登录 and waits for the sign-in page. */
export async function signOutThroughUi(page: Page): Promise<void> {
  await page.getByRole('button', { name: '退出登录' }).click();
  await page.waitForURL((url) => url.pathname === '/sign-in');
}

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface AxeHook {
  readonly axe: typeof Axe;
}

/**
 * axe-core's WCAG 2.1 A and AA rules over the page as shown: the serious and critical violations, each with its
 * rule and the elements it names. The engine goes in over the DevTools protocol, which the page's CSP (no inline
 * script) does not govern.
 */
export async function seriousAccessibilityViolations(page: Page) {
  // Colours are judged as they end up, not half-way through a fade-in. Endless animations (a spinner) and the 2 s
  // ripple Ant Design draws around a clicked button (an overlay of its own, holding no text) are not waited for.
  await page.waitForFunction(() =>
    document.getAnimations().every((animation) => {
      const { effect } = animation;
      const target = effect instanceof KeyframeEffect ? effect.target : null;
      return (
        animation.playState !== 'running' ||
        effect?.getTiming().iterations === Infinity ||
        target?.closest('.ant-wave') !== null
      );
    }),
  );
  await page.evaluate(AXE_SOURCE);
  return page.evaluate(async () => {
    const { axe } = globalThis as unknown as AxeHook;
    const { violations } = await axe.run('html', { runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] });
    return violations
      .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
      .map((violation) => ({ rule: violation.id, targets: violation.nodes.map((node) => node.target) }));
  });
}

/** What axe-core's `new Function` (its message templates) makes the page's CSP report: the engine's, not the app's. */
const AXE_EVAL = 'CSP violation: script-src eval';

/**
 * A page once it has settled: nothing on the console, no serious or critical axe-core violation, and on a phone
 * nothing wider than the screen. `where` names the page in a failure.
 */
export async function checkPage(app: AppPage, viewport: ViewportName, where: string): Promise<void> {
  expect({ where, problems: app.problems }).toEqual({ where, problems: [] });
  expect({ where, violations: await seriousAccessibilityViolations(app.page) }).toEqual({ where, violations: [] });
  app.problems.splice(0, app.problems.length, ...app.problems.filter((problem) => problem !== AXE_EVAL));
  if (viewport !== 'phone') return;
  const widths = await app.page.evaluate(() => ({
    scroll: document.scrollingElement?.scrollWidth ?? 0,
    inner: window.innerWidth,
  }));
  expect({ where, fits: widths.scroll <= widths.inner, ...widths }).toMatchObject({ where, fits: true });
}

/**
 * Picks `option` in the Ant Design select named `name` (in `within`, where the page has two of that name), and waits
 * until its list has closed: a pick made while the previous list is still fading out would see two lists. A click
 * that lands while the list is still settling can leave it open on a loaded machine (seen once in CI): then the
 * option is clicked again, which for a single select only closes the list; what was chosen is for the caller's
 * assertions to check.
 */
export async function chooseOption(
  page: Page,
  name: string,
  option: string,
  within: Page | Locator = page,
): Promise<void> {
  const shown = page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden)');
  const choice = shown.getByTitle(option, { exact: true });
  const closed = async () => {
    if ((await shown.count()) > 0) throw new Error(`the list of ${name} is still open after picking ${option}`);
  };
  await within.getByRole('combobox', { name }).click();
  await choice.click();
  const fadedOut = await vi.waitFor(closed, { timeout: 2_000, interval: 50 }).then(
    () => true,
    () => false,
  );
  if (fadedOut) return;
  await vi.waitFor(
    async () => {
      await choice.click({ timeout: 2_000 }).catch(() => undefined);
      await closed();
    },
    { timeout: 10_000, interval: 1_000 },
  );
}

/**
 * Clicks the button named `button` and reads the workbook the browser downloads: its file name, and the rows of its
 * sheet `sheet`, header first, each cell as ExcelJS reads it.
 */
export async function downloadedSheet(page: Page, button: string, sheet: string) {
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: button }).click(),
  ]);
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.readFile(await download.path());
  const worksheet = workbook.getWorksheet(sheet);
  if (!worksheet) throw new Error(`no sheet ${sheet} in ${download.suggestedFilename()}`);
  const rows: unknown[][] = [];
  worksheet.eachRow((row) => {
    rows.push((row.values as unknown[]).slice(1));
  });
  return { fileName: download.suggestedFilename(), rows };
}
