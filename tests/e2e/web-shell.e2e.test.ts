import { graphql } from '@qingmiao/schema/graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, HAS_CHROMIUM } from '../support/browser.ts';
import { serverAndChromium } from '../support/browser-suite.ts';
import { dataOf } from '../support/graphql-http.ts';
import {
  type AppPage,
  createAccount,
  createActiveAccount,
  openAppPage,
  seriousAccessibilityViolations,
  signedInPage,
  signInThroughUi,
  signOutThroughUi,
  VIEWPORTS,
  type ViewportName,
} from '../support/web-app.ts';

/**
 * The web app's shell in headless Chromium against a started server, at a phone's width and a laptop's: an account
 * activates with its code, lands on its role's home, signs out and in again; a session that ends returns to the
 * sign-in page and then back to the page it was on; a page of another role reads FORBIDDEN in Chinese. Every page
 * passes axe-core without serious or critical violations, and the console reports no CSP violation.
 */

/** Access tokens live this long, so the page renews its token (at half its life) while a test waits. */
const TOKEN_LIFETIME_SECONDS = 12;
const PASSWORD = 'qingmiao-web-2026';

const running = serverAndChromium({ env: { QINGMIAO_MAX_TOKEN_LIFETIME: `${TOKEN_LIFETIME_SECONDS}s` } });

const office = () => running().server.token('organizer', { sub: 'office' }, `${TOKEN_LIFETIME_SECONDS}s`);

beforeAll(async () => {
  if (!HAS_CHROMIUM) return;
  const { server } = running();
  dataOf(
    await server.graphql(
      graphql(`mutation School($input: RegisterSchoolInput!) { registerSchool(input: $input) { id } }`),
      { input: { id: 'web-shiyan', name: '太仓市实验小学', kind: 'PRIMARY', town: '城厢镇' } },
      await office(),
    ),
  );
});

async function expectAccessible(app: AppPage, where: string) {
  expect({ where, violations: await seriousAccessibilityViolations(app.page) }).toEqual({ where, violations: [] });
}

/** Nothing wider than the screen (no sideways scrolling) at a phone's width. */
async function expectNoSidewaysScroll(app: AppPage) {
  const widths = await app.page.evaluate(() => ({
    content: document.documentElement.scrollWidth,
    screen: document.documentElement.clientWidth,
  }));
  expect(widths.content).toBeLessThanOrEqual(widths.screen);
}

/** Every button and link on the page is at least 44 px tall (tap targets). */
async function expectTapTargets(app: AppPage) {
  const small = await app.page.locator('button:visible, a:visible, input:visible').evaluateAll((elements) =>
    elements
      .map((element) => ({
        text: element.textContent?.trim() || element.getAttribute('aria-label') || element.id,
        height: element.getBoundingClientRect().height,
      }))
      .filter((target) => target.height < 44),
  );
  expect(small).toEqual([]);
}

describe.skipIf(!HAS_CHROMIUM)(`the web app's shell (Chromium at ${CHROMIUM})`, { timeout: 120_000 }, () => {
  for (const viewport of Object.keys(VIEWPORTS) as ViewportName[]) {
    it(`takes a school account from its activation code to its home and out again (${viewport})`, async () => {
      const { server, browser } = running();
      const login = `contact-${viewport}`;
      const code = await createAccount(server, await office(), {
        login,
        displayName: '实验小学联络员',
        role: 'school',
        schoolId: 'web-shiyan',
      });
      const app = await openAppPage(browser, viewport);
      try {
        const { page } = app;
        await page.goto(server.url);
        await page.waitForURL((url) => url.pathname === '/sign-in');
        await page.getByRole('heading', { name: '登录' }).waitFor();
        // Single sign-on is not configured here, so not offered.
        expect(await page.getByRole('link', { name: '使用统一身份认证登录' }).count()).toBe(0);
        expect(await page.getByLabel('登录名').getAttribute('autocomplete')).toBe('username');
        expect(await page.getByLabel('密码', { exact: true }).getAttribute('type')).toBe('password');
        await expectAccessible(app, 'sign-in');
        if (viewport === 'phone') {
          await expectNoSidewaysScroll(app);
          await expectTapTargets(app);
        }

        await page.getByRole('link', { name: /激活账号/ }).click();
        await page.getByRole('heading', { name: '激活账号' }).waitFor();
        await page.getByLabel('登录名').fill(login);
        await page.getByLabel('激活码').fill(code);
        await page.getByLabel('激活码').fill('WRONGCODE234');
        await page.getByLabel('设置密码').fill(PASSWORD);
        await page.getByLabel('确认密码').fill(PASSWORD);
        await page.getByRole('button', { name: '激活并登录' }).click();
        await page.getByRole('alert').getByText('激活码不正确、已过期或已使用。').waitFor();
        await page.getByLabel('激活码').fill(code);
        await page.getByLabel('设置密码').fill('short');
        await page.getByLabel('确认密码').fill('short');
        await page.getByRole('button', { name: '激活并登录' }).click();
        await page.getByText('密码至少 10 个字符').waitFor();
        await expectAccessible(app, 'activation with an error');
        await page.getByLabel('设置密码').fill(PASSWORD);
        await page.getByLabel('确认密码').fill(PASSWORD);
        await page.getByRole('button', { name: '激活并登录' }).click();
        await page.waitForURL((url) => url.pathname === '/school');
        await page.getByRole('button', { name: '退出登录' }).waitFor();
        await expectAccessible(app, 'school home');
        if (viewport === 'phone') {
          await expectNoSidewaysScroll(app);
          await expectTapTargets(app);
        }

        // A reload keeps the session (the refresh cookie), without the sign-in page.
        await page.reload();
        await page.getByRole('button', { name: '退出登录' }).waitFor();
        expect(new URL(page.url()).pathname).toBe('/school');

        await signOutThroughUi(page);
        await expectAccessible(app, 'sign-in after signing out');
        await page.goto(`${server.url}/school`);
        await page.waitForURL((url) => url.pathname === '/sign-in');

        await page.getByLabel('登录名').fill(login);
        await page.getByLabel('密码', { exact: true }).fill('not-the-password');
        await page.getByRole('button', { name: '登录', exact: true }).click();
        await page.getByRole('alert').getByText('登录名或密码错误').waitFor();
        await expectAccessible(app, 'sign-in refused');
        await signInThroughUi(page, login, PASSWORD);
        expect(new URL(page.url()).pathname).toBe('/school');
        expect(app.problems).toEqual([]);
      } finally {
        await app.close();
      }
    });
  }

  it('sends each role to its home', async () => {
    const { server, browser } = running();
    for (const [role, home] of [
      ['viewer', '/dashboard'],
      ['organizer', '/office/campaigns'],
      ['judge', '/judge'],
    ] as const) {
      const login = `home-${role}`;
      await createActiveAccount(server, await office(), { login, displayName: `${role} 测试`, role }, PASSWORD);
      const app = await signedInPage(browser, server.url, { login, password: PASSWORD, viewport: 'desktop' });
      try {
        await app.page.waitForURL((url) => url.pathname === home);
        await app.page.getByRole('button', { name: '退出登录' }).waitFor();
        if (role === 'judge') {
          await app.page.getByText('暂无分配给您的活动').waitFor();
          await expectAccessible(app, 'judge home');
        }
        expect(app.problems).toEqual([]);
      } finally {
        await app.close();
      }
    }
  });

  it('answers a page of another role with FORBIDDEN in Chinese', async () => {
    const { server, browser } = running();
    await createActiveAccount(
      server,
      await office(),
      { login: 'forbidden-school', displayName: '学校', role: 'school', schoolId: 'web-shiyan' },
      PASSWORD,
    );
    const app = await signedInPage(browser, server.url, {
      login: 'forbidden-school',
      password: PASSWORD,
      viewport: 'phone',
      path: '/dashboard',
    });
    try {
      expect(new URL(app.page.url()).pathname).toBe('/dashboard');
      await app.page.getByText('您的账号没有权限查看或进行此操作。').waitFor();
      await expectAccessible(app, 'forbidden');
      expect(app.problems).toEqual([]);
    } finally {
      await app.close();
    }
  });

  it('offers to try again when the server cannot be reached', async () => {
    const { server, browser } = running();
    await createActiveAccount(
      server,
      await office(),
      { login: 'offline-school', displayName: '学校', role: 'school', schoolId: 'web-shiyan' },
      PASSWORD,
    );
    const app = await signedInPage(browser, server.url, {
      login: 'offline-school',
      password: PASSWORD,
      viewport: 'phone',
    });
    try {
      const { page } = app;
      await page.waitForURL((url) => url.pathname === '/school');
      // The network drops: the page reloads, and cannot ask the server for its session.
      await page.route(`${server.url}/graphql`, (route) => route.abort('internetdisconnected'));
      await page.reload();
      await page.getByText('网络连接失败').waitFor();
      await page.getByText('无法连接服务器，请检查网络后重试。').waitFor();
      await expectAccessible(app, 'offline');
      // Back online: 重试 resumes the session where it was, without signing in again.
      await page.unroute(`${server.url}/graphql`);
      await page.getByRole('button', { name: '重试' }).click();
      await page.getByRole('button', { name: '退出登录' }).waitFor();
      expect(new URL(page.url()).pathname).toBe('/school');
      expect(app.problems.filter((problem) => !problem.includes('net::ERR_INTERNET_DISCONNECTED'))).toEqual([]);
    } finally {
      await app.close();
    }
  });

  for (const viewport of Object.keys(VIEWPORTS) as ViewportName[]) {
    it(`returns an expired session to sign-in and then to the page it was on (${viewport})`, async () => {
      const { server, browser } = running();
      const login = `expiring-${viewport}`;
      await createActiveAccount(server, await office(), { login, displayName: '评委', role: 'judge' }, PASSWORD);
      const app = await signedInPage(browser, server.url, {
        login,
        password: PASSWORD,
        viewport,
        path: '/account/password?from=test',
      });
      try {
        const { page } = app;
        expect(new URL(page.url()).pathname + new URL(page.url()).search).toBe('/account/password?from=test');
        // The session ends on the server's side for this browser (its refresh cookie is gone, as after the idle
        // limit): the renewal the page makes before the token expires is refused.
        await app.context.clearCookies();
        await page.waitForURL((url) => url.pathname === '/sign-in', { timeout: TOKEN_LIFETIME_SECONDS * 1000 + 5_000 });
        await page.getByText('登录已过期，请重新登录。').waitFor();
        await expectAccessible(app, 'sign-in after expiry');
        await signInThroughUi(page, login, PASSWORD);
        expect(new URL(page.url()).pathname + new URL(page.url()).search).toBe('/account/password?from=test');
        await page.getByRole('heading', { name: '修改密码' }).or(page.getByText('修改密码').first()).first().waitFor();
        expect(app.problems).toEqual([]);
      } finally {
        await app.close();
      }
    });
  }

  it('keeps the token in memory, renews it before it expires and once on a 401, and ends the session on the server', async () => {
    const { server, browser } = running();
    const login = 'renewing-judge';
    await createActiveAccount(server, await office(), { login, displayName: '评委甲', role: 'judge' }, PASSWORD);
    const app = await signedInPage(browser, server.url, { login, password: PASSWORD, viewport: 'desktop' });
    const { page, context } = app;
    /** Every bearer token the page sent to /graphql, in order. */
    const sent: string[] = [];
    page.on('request', (request) => {
      const token = request.headers().authorization?.replace(/^Bearer /, '');
      if (request.url().endsWith('/graphql') && token && sent.at(-1) !== token) sent.push(token);
    });
    const refreshes: string[] = [];
    page.on('request', (request) => {
      if (request.postData()?.includes('RefreshSession')) refreshes.push(request.url());
    });
    const renewed = () =>
      page.waitForResponse((answer) => answer.request().postData()?.includes('RefreshSession') === true, {
        timeout: TOKEN_LIFETIME_SECONDS * 1000,
      });
    const reopenHome = async () => {
      const listed = page.waitForResponse((answer) => answer.request().postData()?.includes('JudgeCampaigns') === true);
      await page.getByRole('link', { name: '修改密码' }).click();
      await page.getByRole('link', { name: '青苗' }).click();
      return listed;
    };
    try {
      await page.getByText('暂无分配给您的活动').waitFor();
      // The access token is held in memory only; the httpOnly refresh cookie is what survives a reload.
      const stored = await page.evaluate(() => [sessionStorage.length, localStorage.length, document.cookie]);
      expect(stored).toEqual([0, 0, '']);
      expect(await context.cookies()).toEqual([
        expect.objectContaining({ name: 'qingmiao_refresh', httpOnly: true, sameSite: 'Strict', path: '/graphql' }),
      ]);

      // Before the access token expires the page fetches the next one, and uses it.
      const renewal = await renewed();
      const { data } = (await renewal.json()) as { data?: { refreshSession?: { accessToken?: string } } };
      const next = data?.refreshSession?.accessToken;
      expect(next).toBeTruthy();
      expect((await reopenHome()).status()).toBe(200);
      expect(sent.at(-1)).toBe(next);
      // Still signed in once the first access token has expired.
      await renewed();
      expect((await reopenHome()).status()).toBe(200);

      // A request refused with 401 (as when the server's clock runs ahead): one renewal, the request sent again.
      let forged = 0;
      await page.route(`${server.url}/graphql`, async (route) => {
        if (forged === 0 && route.request().postData()?.includes('JudgeCampaigns')) {
          forged += 1;
          await route.fulfill({ status: 401, contentType: 'application/json', body: '{"errors":[]}' });
        } else {
          await route.fallback();
        }
      });
      const before = refreshes.length;
      const renewedOn401 = renewed();
      await reopenHome();
      expect((await renewedOn401).status()).toBe(200);
      await page.getByText('暂无分配给您的活动').waitFor();
      expect(forged).toBe(1);
      expect(refreshes.length - before).toBe(1);
      expect(new URL(page.url()).pathname).toBe('/judge');
      await page.unroute(`${server.url}/graphql`);
      // The forged 401 is what the browser reported; nothing else.
      expect(app.problems.splice(0)).toEqual([
        'Failed to load resource: the server responded with a status of 401 (Unauthorized)',
      ]);

      // 退出登录: the session is over on the server too (a reload does not bring it back).
      await signOutThroughUi(page);
      await expect.poll(() => context.cookies()).toEqual([]);
      await page.goto(`${server.url}/judge`);
      await page.waitForURL((url) => url.pathname === '/sign-in');
      const answer = await server.graphql('query { me { id } }', undefined, sent.at(-1));
      expect(answer.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      expect(app.problems).toEqual([]);
    } finally {
      await app.close();
    }
  });

  it('says so in Chinese when a login is locked after too many failures', async () => {
    const { server, browser } = running();
    const app = await openAppPage(browser, 'phone');
    try {
      const { page } = app;
      await page.goto(`${server.url}/sign-in`);
      const attempt = async (password: string) => {
        await page.getByLabel('登录名').fill('locked-out');
        await page.getByLabel('密码', { exact: true }).fill(password);
        await page.getByRole('button', { name: '登录', exact: true }).click();
      };
      for (let failure = 1; failure <= 5; failure += 1) {
        await attempt(`wrong-password-${failure}`);
        await expect.poll(() => page.getByRole('alert').textContent()).toBe('登录名或密码错误。');
        // The password field is emptied after a refusal.
        expect(await page.getByLabel('密码', { exact: true }).inputValue()).toBe('');
      }
      await attempt('wrong-password-6');
      await expect.poll(() => page.getByRole('alert').textContent()).toBe('尝试次数过多，请 15 分钟后再试。');
      await expectAccessible(app, 'sign-in locked');
      // The refusal is HTTP 429, which the browser reports; nothing else went wrong.
      expect(app.problems).toEqual([
        'Failed to load resource: the server responded with a status of 429 (Too Many Requests)',
      ]);
    } finally {
      await app.close();
    }
  });
});
