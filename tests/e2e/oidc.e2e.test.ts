import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { prepareWebApp, type SignInByLogin, type SignInOutcome } from '@qingmiao/api';
import { graphql } from '@qingmiao/schema/graphql';
import Provider, { type FindAccount } from 'oidc-provider';
import type { Browser, BrowserContext, Page, Response } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, HAS_CHROMIUM, launchChromium } from '../support/browser.ts';
import { dataOf } from '../support/graphql-http.ts';
import { startTestServer, type TestServer } from '../support/in-process-server.ts';
import { freePort } from '../support/server-process.ts';

/**
 * Single sign-on end to end: a real OpenID provider (oidc-provider, its development login and consent pages) on a
 * free port, our server configured for it, and headless Chromium going through the whole authorization code flow.
 * `signInByLogin` is a real implementation over a Map of known logins that sets a cookie of its own; the session
 * cookie of accounts replaces it when accounts land.
 */

const CLIENT_ID = 'qingmiao';
const CLIENT_SECRET = 'oidc-test-client-secret-0123456789';

/** The provider's people, by their provider account id; the login claims are in mixed case on purpose. */
const PEOPLE: Readonly<Record<string, { preferred_username: string; email: string; email_verified: boolean }>> = {
  'p-zhang': { preferred_username: 'Zhang.Wei', email: 'Zhang.Wei@Bureau.example', email_verified: true },
  'p-li': { preferred_username: 'li.na', email: 'li.na@bureau.example', email_verified: true },
  'p-wang': { preferred_username: 'wang.fang', email: 'wang.fang@bureau.example', email_verified: true },
  'p-zhao': { preferred_username: 'zhao.lei', email: 'zhao.lei@bureau.example', email_verified: false },
  'p-sun': { preferred_username: 'sun.li', email: 'sun.li@bureau.example', email_verified: true },
};

/** Qingmiao's accounts by login: Zhang is enabled, Li disabled, Wang has none; Sun's sign-in fails half-way. */
const ACCOUNTS: ReadonlyMap<string, 'enabled' | 'disabled'> = new Map([
  ['zhang.wei', 'enabled'],
  ['zhang.wei@bureau.example', 'enabled'],
  ['zhao.lei@bureau.example', 'enabled'],
  ['li.na', 'disabled'],
]);

const SESSION_COOKIE = 'test_session';

/** The in-test sign-in: every call recorded, a session cookie for an enabled account. */
function accountsSignIn(calls: Array<{ login: string; outcome: SignInOutcome }>): SignInByLogin {
  return async (login, _req, res) => {
    if (login === 'sun.li') {
      res.cookie(SESSION_COOKIE, login, { httpOnly: true, sameSite: 'strict', path: '/' });
      throw new Error('the account store failed after the cookie was set');
    }
    const state = ACCOUNTS.get(login);
    const outcome: SignInOutcome = state === undefined ? 'unknown' : state === 'enabled' ? 'signed-in' : 'disabled';
    calls.push({ login, outcome });
    if (outcome === 'signed-in') res.cookie(SESSION_COOKIE, login, { httpOnly: true, sameSite: 'strict', path: '/' });
    return outcome;
  };
}

const findAccount: FindAccount = (_ctx, id) => {
  const person = PEOPLE[id];
  return person ? { accountId: id, claims: () => ({ sub: id, ...person }) } : undefined;
};

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

/** Our server on a port known before it starts (the redirect URI names it); a port taken meanwhile is retried. */
async function startQingmiao(
  issuer: string,
  signInByLogin?: SignInByLogin,
  claim?: string,
  webApp?: string,
): Promise<TestServer> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    try {
      return await startTestServer(
        {
          QINGMIAO_PORT: String(port),
          QINGMIAO_PUBLIC_URL: `http://127.0.0.1:${port}`,
          QINGMIAO_OIDC_ISSUER: issuer,
          QINGMIAO_OIDC_CLIENT_ID: CLIENT_ID,
          QINGMIAO_OIDC_CLIENT_SECRET: CLIENT_SECRET,
          ...(claim ? { QINGMIAO_OIDC_LOGIN_CLAIM: claim } : {}),
        },
        { ...(signInByLogin ? { signInByLogin } : {}), ...(webApp ? { webApp } : {}) },
      );
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt >= 5) throw error;
    }
  }
}

describe.skipIf(!HAS_CHROMIUM)(
  HAS_CHROMIUM
    ? 'single sign-on against oidc-provider (headless Chromium)'
    : `single sign-on — skipped: ${CHROMIUM} is missing`,
  () => {
    const calls: Array<{ login: string; outcome: SignInOutcome }> = [];
    const emailCalls: Array<{ login: string; outcome: SignInOutcome }> = [];
    let providerUp = false;
    let provider: Provider;
    let providerServer: Server;
    let issuer: string;
    let server: TestServer;
    let byEmail: TestServer;
    let withAccounts: TestServer;
    let browser: Browser;
    const contexts: BrowserContext[] = [];

    beforeAll(async () => {
      // The provider's port first (the issuer names it); it answers 503 until a test says it is up.
      let handle: (req: IncomingMessage, res: ServerResponse) => void = () => undefined;
      providerServer = createServer((req, res) => {
        if (providerUp) handle(req, res);
        else res.writeHead(503).end('down');
      });
      issuer = `http://127.0.0.1:${await listen(providerServer)}`;
      server = await startQingmiao(issuer, accountsSignIn(calls));
      byEmail = await startQingmiao(issuer, accountsSignIn(emailCalls), 'email');
      // The web app too: its sign-in page offers single sign-on.
      withAccounts = await startQingmiao(issuer, undefined, undefined, prepareWebApp());
      provider = new Provider(issuer, {
        clients: [
          {
            client_id: CLIENT_ID,
            client_secret: CLIENT_SECRET,
            redirect_uris: [server, byEmail, withAccounts].map(({ url }) => `${url}/auth/oidc/callback`),
            grant_types: ['authorization_code'],
            response_types: ['code'],
            token_endpoint_auth_method: 'client_secret_basic',
          },
        ],
        pkce: { required: () => true },
        findAccount,
        claims: { openid: ['sub'], profile: ['preferred_username'], email: ['email', 'email_verified'] },
        cookies: { keys: ['oidc-test-provider-cookie-key'] },
        // Lifetimes of its own (the defaults print a notice each).
        ttl: { AccessToken: 600, AuthorizationCode: 60, Grant: 3600, IdToken: 600, Interaction: 600, Session: 3600 },
        features: { devInteractions: { enabled: true } },
      });
      handle = provider.callback();
      browser = await launchChromium();
    }, 120_000);

    afterAll(async () => {
      for (const context of contexts) await context.close();
      await browser?.close();
      await server?.stop();
      await byEmail?.stop();
      await withAccounts?.stop();
      await new Promise((resolve) => providerServer?.close(resolve));
    });

    /** A fresh browser (no provider session, no cookies) per case. */
    async function newPage(): Promise<Page> {
      const context = await browser.newContext();
      contexts.push(context);
      return context.newPage();
    }

    /**
     * Starts at our /auth/oidc/start (or at the web app's sign-in page, by its link), signs in at the provider's
     * login page as `person` and consents; resolves with the answer to the navigation that reached our callback (its
     * redirects followed).
     */
    async function signIn(
      page: Page,
      person: string,
      options: { base?: string; returnTo?: string; fromApp?: boolean } = {},
    ) {
      const base = options.base ?? server.url;
      const query = options.returnTo === undefined ? '' : `?returnTo=${encodeURIComponent(options.returnTo)}`;
      if (options.fromApp) {
        await page.goto(`${base}/`);
        await page.waitForURL((url) => url.pathname === '/sign-in');
        await page.getByRole('link', { name: '使用统一身份认证登录' }).click();
        await page.waitForURL(`${issuer}/**`);
      } else {
        await page.goto(`${base}/auth/oidc/start${query}`);
      }
      expect(page.url().startsWith(`${issuer}/`)).toBe(true);
      await page.fill('input[name=login]', person);
      await page.fill('input[name=password]', 'anything');
      await page.click('button[type=submit]');
      await page.waitForSelector('button:has-text("Continue")');
      const callback = page.waitForResponse((response) => response.url().startsWith(`${base}/auth/oidc/callback`));
      await page.click('button:has-text("Continue")');
      const answer = await callback;
      await page.waitForLoadState();
      return answer;
    }

    async function expectRefusal(page: Page, answer: Response, status: number, title: string) {
      expect(answer.status()).toBe(status);
      const csp = (await answer.allHeaders())['content-security-policy'] ?? '';
      expect(csp).toContain("default-src 'none'");
      expect(csp).not.toContain('script-src');
      expect(await page.locator('h1').textContent()).toBe(title);
      const html = await page.content();
      expect(html).not.toContain('<script');
      for (const person of Object.values(PEOPLE)) expect(html.toLowerCase()).not.toContain(person.preferred_username);
    }

    const sessionOf = async (page: Page) =>
      (await page.context().cookies()).find((cookie) => cookie.name === SESSION_COOKIE)?.value;

    // First: discovery has not happened yet, so this is the provider being down at the first sign-in.
    it('starts and stays ready while the provider is down, refuses sign-in with 502, and discovers once it is up', async () => {
      expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
      const down = await fetch(`${server.url}/auth/oidc/start`, { redirect: 'manual' });
      expect(down.status).toBe(502);
      expect(await down.text()).toContain('统一身份认证暂时不可用');
      expect(down.headers.get('set-cookie')).toBeNull();

      providerUp = true;
      const up = await fetch(`${server.url}/auth/oidc/start?returnTo=/healthz`, { redirect: 'manual' });
      expect(up.status).toBe(303);
      const authorization = new URL(up.headers.get('location') ?? '');
      expect(authorization.origin).toBe(issuer);
      expect(Object.fromEntries(authorization.searchParams)).toMatchObject({
        client_id: CLIENT_ID,
        redirect_uri: `${server.url}/auth/oidc/callback`,
        response_type: 'code',
        code_challenge_method: 'S256',
      });
      for (const parameter of ['state', 'nonce', 'code_challenge']) {
        expect(authorization.searchParams.get(parameter)?.length).toBeGreaterThanOrEqual(22);
      }
      const cookie = up.headers.get('set-cookie') ?? '';
      expect(cookie).toMatch(/^qingmiao_oidc=[\w-]+\.\.[\w-]+\.[\w-]+\.[\w-]+;/);
      expect(cookie).toMatch(/; Path=\/auth\/oidc(;|$)/);
      expect(cookie).toMatch(/; HttpOnly(;|$)/);
      expect(cookie).toMatch(/; SameSite=Lax(;|$)/);
      // The flow travels sealed: not even its state can be read from the cookie.
      expect(cookie).not.toContain(authorization.searchParams.get('state'));
    });

    it('signs a known, enabled login in and lands on /', async () => {
      const page = await newPage();
      const before = calls.length;
      await signIn(page, 'p-zhang');
      await page.waitForURL(`${server.url}/`);
      // The provider's "Zhang.Wei", lowercased, passed once to signInByLogin, whose cookie the browser now holds.
      expect(calls.slice(before)).toEqual([{ login: 'zhang.wei', outcome: 'signed-in' }]);
      expect(await sessionOf(page)).toBe('zhang.wei');
      // The flow cookie is spent.
      expect((await page.context().cookies()).map((cookie) => cookie.name)).not.toContain('qingmiao_oidc');
    });

    it('refuses a login without an account with a 403 page in Chinese that names nobody', async () => {
      const page = await newPage();
      const before = calls.length;
      await expectRefusal(page, await signIn(page, 'p-wang'), 403, '无法登录');
      expect(calls.slice(before)).toEqual([{ login: 'wang.fang', outcome: 'unknown' }]);
      expect(await sessionOf(page)).toBeUndefined();
    });

    it('refuses a disabled account with the same 403 page', async () => {
      const page = await newPage();
      const before = calls.length;
      await expectRefusal(page, await signIn(page, 'p-li'), 403, '无法登录');
      expect(calls.slice(before)).toEqual([{ login: 'li.na', outcome: 'disabled' }]);
      expect(await sessionOf(page)).toBeUndefined();
    });

    /**
     * Like signIn up to the consent page, then consents through the browser context's own HTTP client (same cookies)
     * and follows the provider's redirects by hand, stopping short of our callback: its URL, not yet seen by us.
     */
    async function signInUpToCallback(page: Page, person: string): Promise<string> {
      await page.goto(`${server.url}/auth/oidc/start`);
      await page.fill('input[name=login]', person);
      await page.fill('input[name=password]', 'anything');
      await page.click('button[type=submit]');
      const consent = await page.locator('form').getAttribute('action');
      let answer = await page.request.post(new URL(consent ?? '', page.url()).href, {
        form: { prompt: 'consent' },
        maxRedirects: 0,
      });
      for (let hop = 0; hop < 5; hop++) {
        const location = new URL(answer.headers().location ?? '', issuer).href;
        if (location.startsWith(`${server.url}/auth/oidc/callback`)) return location;
        answer = await page.request.get(location, { maxRedirects: 0 });
      }
      throw new Error('the provider did not redirect to the callback');
    }

    const flowCookieOf = async (page: Page) =>
      (await page.context().cookies()).find((cookie) => cookie.name === 'qingmiao_oidc');

    async function visit(page: Page, url: string): Promise<Response> {
      const answer = await page.goto(url);
      if (!answer) throw new Error(`no answer from ${url}`);
      return answer;
    }

    it('refuses a callback whose state was altered (400) and never exchanges its code', async () => {
      const page = await newPage();
      const before = calls.length;
      const callback = new URL(await signInUpToCallback(page, 'p-zhang'));
      expect(await flowCookieOf(page)).toBeDefined();
      const tampered = new URL(callback);
      tampered.searchParams.set('state', `${callback.searchParams.get('state')}x`);
      await expectRefusal(page, await visit(page, tampered.href), 400, '登录请求无效或已过期');
      // The attempt is spent: the untouched callback, now without the flow cookie, is refused too.
      expect(await flowCookieOf(page)).toBeUndefined();
      await expectRefusal(page, await visit(page, callback.href), 400, '登录请求无效或已过期');
      expect(calls.length).toBe(before);
      expect(await sessionOf(page)).toBeUndefined();
    });

    it('refuses a replayed callback, with or without the flow cookie it was sent with', async () => {
      const page = await newPage();
      const callback = await signInUpToCallback(page, 'p-zhang');
      const flowCookie = await flowCookieOf(page);
      if (!flowCookie) throw new Error('the flow cookie was not set');
      await visit(page, callback);
      await page.waitForURL(`${server.url}/`);
      const before = calls.length;

      await expectRefusal(page, await visit(page, callback), 400, '登录请求无效或已过期');
      await page.context().addCookies([flowCookie]);
      await expectRefusal(page, await visit(page, callback), 400, '登录请求无效或已过期');
      expect(calls.length).toBe(before);
    });

    it('refuses when the person cancels at the provider (403) without asking for an account', async () => {
      const page = await newPage();
      const before = calls.length;
      await page.goto(`${server.url}/auth/oidc/start`);
      const callback = page.waitForResponse((response) =>
        response.url().startsWith(`${server.url}/auth/oidc/callback`),
      );
      await page.click('text=[ Cancel ]');
      const answer = await callback;
      await page.waitForLoadState();
      await expectRefusal(page, answer, 403, '统一身份认证未通过');
      expect(calls.length).toBe(before);
    });

    it('returns to a path of this site after signing in, and ignores a returnTo that leaves it', async () => {
      const inside = await newPage();
      await signIn(inside, 'p-zhang', { returnTo: '/healthz?from=sso' });
      await inside.waitForURL(`${server.url}/healthz?from=sso`);

      for (const returnTo of ['https://evil.example/', '//evil.example/', '/\\evil.example', '/.//evil.example']) {
        const page = await newPage();
        await signIn(page, 'p-zhang', { returnTo });
        await page.waitForURL(`${server.url}/`);
        expect(new URL(page.url()).origin).toBe(server.url);
      }
    }, 90_000);

    it('reads the login from another claim when configured (email, lowercased; an unverified one is refused)', async () => {
      const page = await newPage();
      await signIn(page, 'p-zhang', { base: byEmail.url });
      await page.waitForURL(`${byEmail.url}/`);
      expect(emailCalls).toEqual([{ login: 'zhang.wei@bureau.example', outcome: 'signed-in' }]);

      const unverified = await newPage();
      await expectRefusal(unverified, await signIn(unverified, 'p-zhao', { base: byEmail.url }), 403, '无法识别登录名');
      expect(emailCalls).toHaveLength(1);
    });

    it('answers a sign-in that fails half-way with a 500 page and without the half-made session', async () => {
      const page = await newPage();
      await expectRefusal(page, await signIn(page, 'p-sun'), 500, '登录没有完成');
      expect(await sessionOf(page)).toBeUndefined();
    });

    it('signs in to a real, active account by default, from the web app, which refreshes it into an access token', async () => {
      const office = await withAccounts.token('organizer', { sub: 'office' });
      const CREATE = graphql(
        `mutation Create($input: CreateAccountInput!) { createAccount(input: $input) { activationCode } }`,
      );
      const ACTIVATE = graphql(
        `mutation Activate($input: ActivateAccountInput!) { activateAccount(input: $input) { accessToken } }`,
      );
      const created = dataOf(
        await withAccounts.graphql(
          CREATE,
          { input: { login: 'zhang.wei', displayName: '张伟', role: 'viewer' } },
          office,
        ),
      ).createAccount;
      // Li's account exists but was never activated: refused like a disabled one.
      dataOf(
        await withAccounts.graphql(CREATE, { input: { login: 'li.na', displayName: '李娜', role: 'viewer' } }, office),
      );
      const input = { login: 'zhang.wei', activationCode: created.activationCode, password: 'qingmiao-2022-spring' };
      dataOf(await withAccounts.graphql(ACTIVATE, { input }));

      const page = await newPage();
      const refreshes: Response[] = [];
      page.on('response', (response) => {
        if (response.request().postData()?.includes('RefreshSession')) refreshes.push(response);
      });
      // The app's sign-in page offers single sign-on, as it is configured here.
      await signIn(page, 'p-zhang', { base: withAccounts.url, fromApp: true });
      // Back at /, the app turns the session's cookie into an access token by itself and opens the viewer's home.
      await page.waitForURL(`${withAccounts.url}/dashboard`);
      const refresh = (await page.context().cookies()).find((cookie) => cookie.name === 'qingmiao_refresh');
      expect(refresh).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/graphql' });
      await page.getByRole('button', { name: '退出登录' }).waitFor();
      // The first refresh (before single sign-on, without a cookie) was refused; the last one gave the token.
      expect(refreshes.length).toBe(2);
      const refreshed = refreshes.at(-1);
      if (!refreshed) throw new Error('the page never refreshed its session');
      const answer = (await refreshed.json()) as { data?: { refreshSession?: { accessToken?: string } } };
      const token = answer.data?.refreshSession?.accessToken;
      const me = await withAccounts.graphql('query { me { login } }', undefined, token);
      expect(me.data).toEqual({ me: { login: 'zhang.wei' } });

      for (const person of ['p-li', 'p-wang']) {
        const refused = await newPage();
        await expectRefusal(refused, await signIn(refused, person, { base: withAccounts.url }), 403, '无法登录');
        expect((await refused.context().cookies()).some((cookie) => cookie.name === 'qingmiao_refresh')).toBe(false);
      }
    });
  },
);
