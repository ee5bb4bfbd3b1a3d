import type { Browser, Locator } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, HAS_CHROMIUM } from '../support/browser.ts';
import { serverAndChromium } from '../support/browser-suite.ts';
import { dataOf } from '../support/graphql-http.ts';
import type { ServerProcess } from '../support/server-process.ts';

/**
 * GraphiQL at /graphql in headless Chromium with no network beyond 127.0.0.1, as on a bureau intranet: the page
 * must bring its scripts and styles with it rather than load them from a CDN.
 */

/** An editor's text: it shows spaces as no-break spaces. */
const textOf = async (editor: Locator) => ((await editor.textContent()) ?? '').replace(/\u00a0/g, ' ');

describe.skipIf(!HAS_CHROMIUM)(
  HAS_CHROMIUM ? 'GraphiQL offline (headless Chromium)' : `GraphiQL offline — skipped: ${CHROMIUM} is missing`,
  () => {
    let server: ServerProcess;
    let browser: Browser;
    let organizer: string;

    const running = serverAndChromium({});

    beforeAll(async () => {
      ({ server, browser } = running());
      organizer = await server.token('organizer', { sub: 'office' });
      dataOf(
        await server.graphql(
          'mutation($i: RegisterSchoolInput!) { registerSchool(input: $i) { id } }',
          { i: { id: 'graphiql-shiyan', name: '太仓市实验小学', kind: 'PRIMARY', town: '城厢镇' } },
          organizer,
        ),
      );
    }, 120_000);

    it('renders its editor and runs a query with every request outside 127.0.0.1 refused', async () => {
      const context = await browser.newContext();
      const external: string[] = [];
      await context.route('**/*', (route) => {
        const url = new URL(route.request().url());
        if (url.hostname === '127.0.0.1') return route.continue();
        external.push(url.href);
        return route.abort();
      });
      try {
        const page = await context.newPage();
        const query = '{ schools { id name } }';
        const response = await page.goto(`${server.url}/graphql?query=${encodeURIComponent(query)}`);
        expect(response?.status()).toBe(200);
        await page.waitForSelector('.graphiql-query-editor .monaco-editor', { timeout: 20_000 });
        expect(await page.title()).toBe('Qingmiao 青苗');
        expect(await page.content()).not.toContain('__TITLE__');

        // The Authorization header comes prefilled with a placeholder; put a real token in its place. The editor
        // closes brackets and quotes by itself: what it added after the cursor goes.
        const headers = page.locator('.graphiql-editor-tool .graphiql-editor:not(.hidden) .monaco-editor');
        await expect.poll(() => textOf(headers)).toContain('Bearer <token>');
        await headers.click();
        await page.keyboard.press('Control+A');
        await page.keyboard.insertText(JSON.stringify({ Authorization: `Bearer ${organizer}` }));
        await page.keyboard.press('Shift+Control+End');
        await page.keyboard.press('Delete');
        await page.getByRole('button', { name: /Execute query/ }).click();

        const result = page.locator('.graphiql-response');
        await expect.poll(() => textOf(result), { timeout: 15_000 }).toContain('"data"');
        expect(JSON.parse(await textOf(result))).toEqual({
          data: { schools: [{ id: 'graphiql-shiyan', name: '太仓市实验小学' }] },
        });
        expect(external).toEqual([]);
      } finally {
        await context.close();
      }
    });
  },
);
