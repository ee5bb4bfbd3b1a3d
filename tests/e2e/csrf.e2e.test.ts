import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { graphql } from '@qingmiao/schema/graphql';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, HAS_CHROMIUM, launchChromium } from '../support/browser.ts';
import { dataOf } from '../support/graphql-http.ts';
import { startTestServer, type TestServer } from '../support/in-process-server.ts';

/**
 * The refresh cookie carries authority, so a page of another origin must not spend it. Another port of 127.0.0.1 is
 * the same *site* to the browser, so the SameSite=Strict cookie does go along with its form posts: what stops them is
 * the server's rule that GraphQL takes JSON only (a content type no form can send, and which needs a CORS preflight
 * from another origin, which only QINGMIAO_CORS_ORIGINS may pass).
 */
const CREATE = graphql(`
  mutation Create($input: CreateAccountInput!) { createAccount(input: $input) { activationCode } }
`);
/** Sent by the page itself, as text. */
const ACTIVATE = 'mutation Activate($input: ActivateAccountInput!) { activateAccount(input: $input) { accessToken } }';
const PASSWORD = 'qingmiao-2022-spring';

/** A page that posts `mutation` to the API as soon as it loads, as a hostile site's form would. */
const formPage = (api: string, enctype: string, mutation: string) => `<!doctype html><meta charset="utf-8">
<form method="post" action="${api}/graphql" enctype="${enctype}">
  <input type="hidden" name='{"query":"${mutation}","x":"' value='"}'>
</form>
<script>document.forms[0].submit()</script>`;

describe.skipIf(!HAS_CHROMIUM)(
  HAS_CHROMIUM ? 'cross-site form posts (headless Chromium)' : `cross-site form posts — skipped: ${CHROMIUM} missing`,
  () => {
    let api: TestServer;
    let hostile: Server;
    let hostileUrl: string;
    let browser: Browser;
    let page = '';

    beforeAll(async () => {
      api = await startTestServer();
      hostile = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(page));
      await new Promise<void>((resolve) => hostile.listen(0, '127.0.0.1', resolve));
      hostileUrl = `http://127.0.0.1:${(hostile.address() as AddressInfo).port}`;
      browser = await launchChromium();
    }, 60_000);

    afterAll(async () => {
      await browser?.close();
      hostile?.close();
      await api?.stop();
    });

    it.each([
      ['text/plain', 'mutation { signOut }'],
      ['application/x-www-form-urlencoded', 'mutation { signOut }'],
      ['multipart/form-data', 'mutation { refreshSession { accessToken } }'],
    ])('refuses a %s form post of %s with 415; the session lives on', async (enctype, mutation) => {
      const office = await api.token('organizer', { sub: 'office' });
      const login = `csrf-${enctype.replace(/\W/g, '-')}`;
      const { activationCode } = dataOf(
        await api.graphql(CREATE, { input: { login, displayName: '测试', role: 'viewer' } }, office),
      ).createAccount;

      const context = await browser.newContext();
      const tab = await context.newPage();
      await tab.goto(`${api.url}/healthz`);
      // Signed in on the API's own origin: the browser now holds the refresh cookie.
      const activated = await tab.evaluate(
        async ({ query, input }) => {
          const response = await fetch('/graphql', {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ query, variables: { input } }),
          });
          return response.json();
        },
        { query: ACTIVATE, input: { login, activationCode, password: PASSWORD } },
      );
      expect(activated).toEqual({ data: { activateAccount: { accessToken: expect.any(String) } } });
      expect((await context.cookies()).map((cookie) => cookie.name)).toEqual(['qingmiao_refresh']);

      page = formPage(api.url, enctype, mutation);
      const answered = tab.waitForResponse((response) => response.url() === `${api.url}/graphql`);
      await tab.goto(hostileUrl);
      const response = await answered;
      expect(response.status()).toBe(415);
      expect((await response.request().allHeaders()).cookie).toContain('qingmiao_refresh=');

      // Back on the API's origin the session still refreshes: nothing was signed out or rotated.
      await tab.goto(`${api.url}/healthz`);
      const refreshed = await tab.evaluate(async () => {
        const answer = await fetch('/graphql', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query: 'mutation { refreshSession { account { login } } }' }),
        });
        return answer.json();
      });
      expect(refreshed).toEqual({ data: { refreshSession: { account: { login } } } });
      await context.close();
    });
  },
);
