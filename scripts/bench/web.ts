/**
 * 8. The web app in headless Chromium against the production server (`npm run start:prod`'s bundle, with the app
 * built beside it): the JavaScript a browser loads to show the sign-in page and the school portal (gzip, as
 * compressed by zlib at level 9, since the server itself does not compress), the sign-in page's first contentful
 * paint, and when the school home is interactive (its page shown, the main thread idle). Issue 15's budgets.
 */
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { mintToken } from '@qingmiao/api';
import { graphql } from '@qingmiao/schema/graphql';
import { type Browser, chromium, type Page } from 'playwright-core';
import { bytes, type Context, median, ms, runsOf, type Section, table, yesNo } from './harness.ts';
import { mustGraphql } from './load.ts';
import { AUTH_SECRET, startQingmiao } from './processes.ts';

const BUDGET_JS_GZIP = 350 * 1024;
const BUDGET_FCP_MS = 1_000;
const BUDGET_TTI_MS = 2_000;
const REGISTER_SCHOOL = graphql(
  'mutation WebBenchSchool($input: RegisterSchoolInput!) { registerSchool(input: $input) { id } }',
);
const CREATE_ACCOUNT = graphql(
  'mutation WebBenchAccount($input: CreateAccountInput!) { createAccount(input: $input) { activationCode } }',
);
const ACTIVATE = graphql(
  'mutation WebBenchActivate($input: ActivateAccountInput!) { activateAccount(input: $input) { expiresAt } }',
);
const LOGIN = 'bench-school';
const PASSWORD = 'bench-school-2026';

/** Debian's Chromium with the flags every browser test uses (tests/support/browser.ts). */
function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

/**
 * The gzip size of every JavaScript file the page loads, by URL, each counted in the step (`step.name`) during which
 * the browser asked for it; `settled()` waits for the bodies still being read.
 */
function recordScripts(page: Page) {
  const step = { name: 'sign-in' };
  const files = new Map<string, { readonly step: string; readonly size: Promise<number> }>();
  page.on('response', (response) => {
    const path = new URL(response.url()).pathname;
    if (!path.endsWith('.js') || !response.ok() || files.has(path)) return;
    const size = response.body().then((body) => gzipSync(body, { level: 9 }).length);
    files.set(path, { step: step.name, size });
  });
  const sizes = async (name?: string) => {
    const wanted = [...files.values()].filter((file) => name === undefined || file.step === name);
    const all = await Promise.all(wanted.map((file) => file.size));
    return { bytes: all.reduce((sum, size) => sum + size, 0), files: all.length };
  };
  return { step, sizes };
}

async function signIn(page: Page): Promise<void> {
  await page.getByLabel('登录名').fill(LOGIN);
  await page.getByLabel('密码', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: '登录', exact: true }).click();
  await page.waitForURL((url) => url.pathname === '/school');
  await page.getByRole('button', { name: '退出登录' }).waitFor();
}

/** Milliseconds from navigation start to the first contentful paint. */
async function firstContentfulPaint(page: Page): Promise<number> {
  return page.evaluate(
    () =>
      new Promise<number>((resolve) => {
        new PerformanceObserver((list, observer) => {
          const entry = list.getEntriesByName('first-contentful-paint')[0];
          if (entry) {
            observer.disconnect();
            resolve(entry.startTime);
          }
        }).observe({ type: 'paint', buffered: true });
      }),
  );
}

/** Milliseconds from navigation start until the page is shown and the main thread had an idle moment. */
async function interactiveAt(page: Page): Promise<number> {
  return page.evaluate(
    () => new Promise<number>((resolve) => requestIdleCallback(() => resolve(performance.now()), { timeout: 10_000 })),
  );
}

export async function webBenchmark(ctx: Context): Promise<Section> {
  const server = await startQingmiao(join(ctx.work, 'web'));
  const browser = await launch();
  try {
    const office = await mintToken(
      new TextEncoder().encode(AUTH_SECRET),
      { sub: 'bench-office', role: 'organizer' },
      '1h',
    );
    await mustGraphql(server.url, office, REGISTER_SCHOOL, {
      input: { id: 'bench-web-school', name: '基准测试小学', kind: 'PRIMARY', town: '城厢镇' },
    });
    const { createAccount } = await mustGraphql(server.url, office, CREATE_ACCOUNT, {
      input: { login: LOGIN, displayName: '基准测试学校', role: 'school', schoolId: 'bench-web-school' },
    });
    await mustGraphql(server.url, office, ACTIVATE, {
      input: { login: LOGIN, activationCode: createAccount.activationCode, password: PASSWORD },
    });

    // JavaScript: a cold browser opens the sign-in page, then signs in and lands on the school home.
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    const scripts = recordScripts(page);
    await page.goto(`${server.url}/sign-in`, { waitUntil: 'networkidle' });
    scripts.step.name = 'school';
    await signIn(page);
    await page.waitForLoadState('networkidle');
    const signInJs = await scripts.sizes('sign-in');
    const schoolJs = await scripts.sizes('school');
    const bothJs = await scripts.sizes();
    const state = await context.storageState();
    await context.close();

    const fcps: number[] = [];
    const ttis: number[] = [];
    for (let run = 0; run < ctx.mode.runs; run += 1) {
      const cold = await browser.newContext({ viewport: { width: 390, height: 844 } });
      const fresh = await cold.newPage();
      await fresh.goto(`${server.url}/sign-in`);
      await fresh.getByRole('button', { name: '登录', exact: true }).waitFor();
      fcps.push(await firstContentfulPaint(fresh));
      await cold.close();

      // Signed in (the refresh cookie of the earlier sign-in), cache empty: the school home from scratch.
      const signedIn = await browser.newContext({ viewport: { width: 390, height: 844 }, storageState: state });
      const home = await signedIn.newPage();
      await home.goto(`${server.url}/school`);
      await home.getByRole('button', { name: '退出登录' }).waitFor();
      ttis.push(await interactiveAt(home));
      // Each refresh rotates the cookie: the next run starts from the one this run was given.
      Object.assign(state, await signedIn.storageState());
      await signedIn.close();
    }
    const fcp = median(fcps);
    const tti = median(ttis);
    const markdown = [
      `Headless Chromium (${browser.version()}) at 390 × 844 against the production server; JavaScript sizes are the files the browser loaded, gzipped here (level 9). First contentful paint from a cold context; the school home opened signed in with an empty cache, "interactive" when its page is shown and the main thread has had an idle moment (\`requestIdleCallback\`).`,
      '',
      table(
        ['figure', 'value', 'files'],
        [
          ['JS of the sign-in page (gzip)', bytes(signInJs.bytes), String(signInJs.files)],
          ['JS added by the school home (gzip)', bytes(schoolJs.bytes), String(schoolJs.files)],
          ['JS of sign-in + school portal (gzip)', bytes(bothJs.bytes), String(bothJs.files)],
          ['first contentful paint, sign-in', `${ms(fcp)} (runs: ${runsOf(fcps, ms)})`, ''],
          ['school home interactive', `${ms(tti)} (runs: ${runsOf(ttis, ms)})`, ''],
        ],
      ),
      '',
      table(
        ['goal', 'figure', 'result'],
        [
          ['sign-in + school portal JS ≤ 350 KB gzip', bytes(bothJs.bytes), yesNo(bothJs.bytes <= BUDGET_JS_GZIP)],
          ['sign-in first contentful paint ≤ 1 s', ms(fcp), yesNo(fcp <= BUDGET_FCP_MS)],
          ['school home interactive ≤ 2 s', ms(tti), yesNo(tti <= BUDGET_TTI_MS)],
        ],
      ),
    ].join('\n');
    return {
      title: '8. The web app in the browser',
      markdown,
      headlines: [
        {
          benchmark: '8. web: sign-in + school JS (gzip)',
          figure: bytes(bothJs.bytes),
          goal: '≤ 350 KB',
          met: bothJs.bytes <= BUDGET_JS_GZIP,
        },
        {
          benchmark: '8. web: sign-in first contentful paint',
          figure: ms(fcp),
          goal: '≤ 1 s',
          met: fcp <= BUDGET_FCP_MS,
        },
        { benchmark: '8. web: school home interactive', figure: ms(tti), goal: '≤ 2 s', met: tti <= BUDGET_TTI_MS },
      ],
    };
  } finally {
    await browser.close();
    await server.stop();
  }
}
