import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { graphql } from '@qingmiao/schema/graphql';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, HAS_CHROMIUM, launchChromium } from '../support/browser.ts';
import { dataOf, postUpload } from '../support/graphql-http.ts';
import { sampleChinesePdf, sampleDocx, sampleMp3, samplePdf, samplePng } from '../support/sample-files.ts';
import type { ServerProcess } from '../support/server-process.ts';
import {
  type AppPage,
  openAppPage,
  seriousAccessibilityViolations,
  signedInPage,
  type ViewportName,
} from '../support/web-app.ts';
import { entryInput, type Organizer, startWithOrganizer, stopAndRemove, submit } from './qingmiao-client.ts';

/**
 * The reading page (/entries/:id/read) in headless Chromium against a started server, through the real path: a
 * school uploads a PDF, a DOCX, a PNG and an MP3 over GraphQL and submits an essay with text and the four files; the
 * organizer, then a judge of the (blind) campaign, sign in and open the page. Each sees the text of the PDF (pdf.js's
 * text layer over its canvas) and of the DOCX (mammoth's HTML, sanitised) on screen, the picture and a player with
 * the recording loaded; the judge sees neither school nor advisor nor people nor the files' names. A hostile DOCX
 * shows its text and nothing of its payload; refused links are renewed by refetching the entry; the sign-in page
 * loads none of the preview code; axe-core finds no serious or critical violation, the console no CSP violation.
 */
/** What the organizer's reading page looks like at a laptop's width (for the README). */
const SCREENSHOT = fileURLToPath(new URL('../test-results/entry-reading.png', import.meta.url));
const PASSWORD = 'qingmiao-reading-2026';
const SCHOOL = { id: 'reading-shiyan', name: '太仓市实验小学' };
const PDF_SENTENCE = 'Grandfather kept his medal in a red cloth.';
const PDF_SECOND_PAGE = 'The second page of the essay.';
const DOCX_SENTENCE = '爷爷的勋章藏在红布包里。';
/** In a font the PDF does not embed, by a predefined character map: shown only with pdf.js's CMaps served. */
const CHINESE_PDF_SENTENCE = '老园丁讲师团进校园';
const BODY = '第一段：爷爷的勋章。\n\n    第二段缩进，换行保留。';

const CREATE_ACCOUNT = graphql(`
  mutation ReadingAccount($input: CreateAccountInput!) {
    createAccount(input: $input) { activationCode account { id } }
  }
`);
const ACTIVATE = graphql(`
  mutation ReadingActivate($input: ActivateAccountInput!) { activateAccount(input: $input) { expiresAt } }
`);
const ASSIGN = graphql(`
  mutation ReadingAssign($input: AssignJudgeInput!) { assignJudge(input: $input) { id } }
`);
const UPLOAD = graphql(`
  mutation ReadingUpload($file: File!) { uploadFile(file: $file) { id name mediaType size } }
`);

let server: ServerProcess | undefined;
let browser: Browser | undefined;
let entryId = '';
let hostileEntryId = '';
let longEntryId = '';
const LONG_PAGES = 30;

const running = () => {
  if (!server || !browser) throw new Error('not started');
  return { server, browser };
};

/** An account made by the office and activated with PASSWORD; its id (a judge is assigned by it). */
async function account(organizer: Organizer, login: string, role: 'organizer' | 'judge') {
  const { server } = running();
  const issued = dataOf(
    await server.graphql(CREATE_ACCOUNT, { input: { login, displayName: login, role } }, organizer.token),
  ).createAccount;
  dataOf(
    await server.graphql(ACTIVATE, { input: { login, activationCode: issued.activationCode, password: PASSWORD } }),
  );
  return issued.account.id;
}

/**
 * A Word document made to attack its reader: markup as text, a javascript: link and a link out (which would tell
 * another server who reads the entry).
 */
function hostileDocx() {
  const run = (text: string) => `<w:r><w:t xml:space="preserve">${text}</w:t></w:r>`;
  return sampleDocx('正常的段落', {
    bodyXml:
      `<w:p>${run('&lt;img src=x onerror="window.hacked=1"&gt;&lt;script&gt;window.hacked=2&lt;/script&gt;')}</w:p>` +
      `<w:p><w:hyperlink r:id="rScript">${run('点我')}</w:hyperlink></w:p>` +
      `<w:p><w:hyperlink r:id="rOut">${run('外部网站')}</w:hyperlink></w:p>`,
    externalLinks: { rScript: 'javascript:window.hacked=3', rOut: 'https://tracker.example/leak?who=judge' },
  });
}

async function upload(token: string, name: string, bytes: Uint8Array) {
  return dataOf(await postUpload(running().server.url, token, UPLOAD, { name, bytes })).uploadFile.id;
}

beforeAll(async () => {
  if (!HAS_CHROMIUM) return;
  let organizer: Organizer;
  ({ server, organizer } = await startWithOrganizer('reading-office'));
  browser = await launchChromium();
  await organizer.registerSchool(SCHOOL);
  const school = {
    id: SCHOOL.id,
    token: await server.token('school', { sub: 'reading-contact', schoolId: SCHOOL.id }),
  };
  const campaignId = await organizer.openedCampaign();
  const pdf = await upload(school.token, '王小明的征文.pdf', samplePdf([PDF_SENTENCE, PDF_SECOND_PAGE]));
  const docx = await upload(school.token, '王小明的征文.docx', await sampleDocx(DOCX_SENTENCE));
  const png = await upload(school.token, '王小明的插图.png', samplePng());
  const mp3 = await upload(school.token, '王小明的朗诵.mp3', sampleMp3());
  const chinese = await upload(school.token, '王小明的中文稿.pdf', sampleChinesePdf(CHINESE_PDF_SENTENCE));
  entryId = dataOf(
    await submit(
      server,
      school.token,
      entryInput(campaignId, school.id, {
        advisor: '李老师',
        body: BODY,
        attachmentIds: [pdf, docx, png, mp3, chinese],
      }),
    ),
  ).submitEntry.id;
  const hostile = await upload(school.token, 'hostile.docx', await hostileDocx());
  hostileEntryId = dataOf(
    await submit(
      server,
      school.token,
      entryInput(campaignId, school.id, { title: '有害文档', attachmentIds: [hostile] }),
    ),
  ).submitEntry.id;
  const long = await upload(
    school.token,
    '长篇.pdf',
    samplePdf(Array.from({ length: LONG_PAGES }, (_, index) => `Page ${index + 1} of the long essay.`)),
  );
  const broken = await upload(school.token, '损坏.pdf', Buffer.from('%PDF-1.4\nthis is no PDF at all\n%%EOF\n'));
  longEntryId = dataOf(
    await submit(
      server,
      school.token,
      entryInput(campaignId, school.id, { title: '长篇', attachmentIds: [long, broken] }),
    ),
  ).submitEntry.id;
  await account(organizer, 'reading-organizer', 'organizer');
  const judge = await account(organizer, 'reading-judge', 'judge');
  dataOf(await server.graphql(ASSIGN, { input: { campaignId, judge } }, organizer.token));
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await stopAndRemove(server);
});

async function openReading(login: string, viewport: ViewportName, id = entryId): Promise<AppPage> {
  const { server, browser } = running();
  return signedInPage(browser, server.url, { login, password: PASSWORD, viewport, path: `/entries/${id}/read` });
}

/** The PDF's pages are text on screen (the text layer), over a canvas pdf.js drew. */
async function expectPdfShown(page: Page) {
  await expect.poll(() => page.getByText(PDF_SENTENCE).isVisible(), { timeout: 30_000 }).toBe(true);
  const firstPage = page.getByRole('region', { name: '第 1 页，共 2 页' });
  expect(await firstPage.locator('canvas').evaluate((canvas: HTMLCanvasElement) => canvas.width)).toBeGreaterThan(0);
  // The text lies where the page draws it: 72 pt from the left, its 24 pt line ending 72 pt below the top.
  const pageBox = await firstPage.boundingBox();
  const textBox = await page.getByText(PDF_SENTENCE).boundingBox();
  if (!pageBox || !textBox) throw new Error('the first page or its text has no box');
  const scale = pageBox.width / 612;
  expect(Math.abs(textBox.x - (pageBox.x + 72 * scale))).toBeLessThan(3);
  expect(textBox.y).toBeGreaterThan(pageBox.y + (72 - 24) * scale - 3);
  expect(textBox.y + textBox.height).toBeLessThan(pageBox.y + (72 + 12) * scale);
  await page.getByRole('region', { name: '第 2 页，共 2 页' }).scrollIntoViewIfNeeded();
  await expect.poll(() => page.getByText(PDF_SECOND_PAGE).isVisible(), { timeout: 30_000 }).toBe(true);
}

/** The picture drawn from its signed link (alt = its name) and the recording loaded into a player with controls. */
async function expectPictureAndSound(page: Page, picture: string, recording: string) {
  const image = page.getByRole('img', { name: picture });
  await image.scrollIntoViewIfNeeded();
  await expect
    .poll(() => image.evaluate((element: HTMLImageElement) => element.complete && element.naturalWidth), {
      timeout: 30_000,
    })
    .toBe(1);
  const player = page.locator(`audio[aria-label="${recording}"]`);
  // A player that never gets its metadata fails with what the page showed instead (CI once timed out here).
  const state = async () =>
    (await player.count()) === 0
      ? `no player; the page says: ${(await page.locator('body').textContent())?.slice(0, 2000)}`
      : player.evaluate((element: HTMLAudioElement) =>
          JSON.stringify({
            readyState: element.readyState,
            networkState: element.networkState,
            error: element.error?.code,
          }),
        );
  await expect.poll(state, { timeout: 30_000 }).toMatch(/"readyState":[1-4]/);
  expect(await player.evaluate((element: HTMLAudioElement) => element.controls)).toBe(true);
  expect(await player.evaluate((element: HTMLAudioElement) => element.duration)).toBeGreaterThan(0.5);
}

describe.skipIf(!HAS_CHROMIUM)(
  HAS_CHROMIUM ? 'the reading page (headless Chromium)' : `the reading page — skipped: ${CHROMIUM} missing`,
  () => {
    it('loads no preview code on the sign-in page: pdf.js and mammoth come with the reading page only', async () => {
      const { server, browser } = running();
      const app = await openAppPage(browser, 'phone');
      try {
        const scripts: string[] = [];
        app.page.on('request', (request) => {
          if (request.resourceType() === 'script') scripts.push(new URL(request.url()).pathname);
        });
        await app.page.goto(`${server.url}/sign-in`);
        await app.page.getByLabel('登录名').waitFor();
        await app.page.waitForLoadState('networkidle');
        expect(scripts.length).toBeGreaterThan(0);
        // Chunks are named after their module (pdf-preview-<hash>.js, pdf.worker.min-<hash>.mjs …).
        expect(scripts.filter((path) => /^\/assets\/(pdf|docx|mammoth|attachment-preview)[-.]/.test(path))).toEqual([]);
      } finally {
        await app.close();
      }
    }, 60_000);

    it('shows the organizer the title, the text as written and the PDF and DOCX as text on screen', async () => {
      const app = await openReading('reading-organizer', 'desktop');
      const cmaps: string[] = [];
      // The worker's fetches too (a context sees every request of its pages and their workers).
      app.context.on('request', (request) => cmaps.push(new URL(request.url()).pathname));
      try {
        const { page } = app;
        await expect.poll(() => page.getByRole('heading', { level: 1, name: '我心中的勋章' }).isVisible()).toBe(true);
        const body = page.locator('.qm-entry-body');
        expect(await body.textContent()).toBe(BODY);
        expect(await body.evaluate((element) => getComputedStyle(element).whiteSpace)).toBe('pre-wrap');
        await expectPdfShown(page);
        await expect.poll(() => page.getByText(DOCX_SENTENCE).isVisible(), { timeout: 30_000 }).toBe(true);
        await expectPictureAndSound(page, '王小明的插图.png', '王小明的朗诵.mp3');
        await page.getByRole('heading', { level: 3, name: '王小明的中文稿.pdf' }).scrollIntoViewIfNeeded();
        await expect.poll(() => page.getByText(CHINESE_PDF_SENTENCE).isVisible(), { timeout: 30_000 }).toBe(true);
        expect(cmaps.filter((path) => /^\/assets\/pdfjs-[\d.]+\/cmaps\/UniGB-UCS2-H\.bcmap$/.test(path))).toHaveLength(
          1,
        );
        const facts = page.getByRole('complementary', { name: '作品信息' });
        expect(await facts.textContent()).toContain('李老师');
        expect(await facts.textContent()).toContain('王小明');
        expect(await page.getByRole('heading', { level: 3, name: '王小明的征文.pdf' }).isVisible()).toBe(true);
        mkdirSync(new URL('../test-results/', import.meta.url), { recursive: true });
        await page.evaluate(() => window.scrollTo(0, 0));
        await page.screenshot({ path: SCREENSHOT });
        expect(await seriousAccessibilityViolations(page)).toEqual([]);
        expect(app.problems).toEqual([]);
      } finally {
        await app.close();
      }
    }, 120_000);

    it('shows a judge of the blind campaign the work without school, advisor, people or file names', async () => {
      const app = await openReading('reading-judge', 'phone');
      try {
        const { page } = app;
        await expectPdfShown(page);
        await expect.poll(() => page.getByText(DOCX_SENTENCE).isVisible(), { timeout: 30_000 }).toBe(true);
        const text = await page.locator('body').textContent();
        for (const hidden of ['李老师', '王小明', SCHOOL.name, SCHOOL.id]) expect(text).not.toContain(hidden);
        expect(await page.getByRole('heading', { level: 3, name: '作品-1.pdf' }).isVisible()).toBe(true);
        expect(await page.getByRole('heading', { level: 3, name: '作品-2.docx' }).isVisible()).toBe(true);
        await expectPictureAndSound(page, '作品-3.png', '作品-4.mp3');
        const widths = await page.evaluate(() => [document.documentElement.scrollWidth, innerWidth]);
        expect(widths[0]).toBeLessThanOrEqual(widths[1] ?? 0);
        expect(await seriousAccessibilityViolations(page)).toEqual([]);
        expect(app.problems).toEqual([]);
      } finally {
        await app.close();
      }
    }, 120_000);

    it('asks for fresh links when the server refuses one, and shows the file then', async () => {
      const app = await openReading('reading-organizer', 'desktop');
      try {
        const { page } = app;
        const refused = new Set<string>();
        const entryQueries: string[] = [];
        page.on('request', (request) => {
          // urql sends queries as GET when they fit in a URL.
          const sent = `${request.url()} ${request.postData() ?? ''}`;
          if (new URL(request.url()).pathname === '/graphql' && /\bEntryReading\b/.test(decodeURIComponent(sent))) {
            entryQueries.push(request.url());
          }
        });
        // Every file's first link is refused, as the server refuses an expired one.
        await page.route('**/files/**', (route) => {
          const file = new URL(route.request().url()).pathname;
          if (refused.has(file)) return route.continue();
          refused.add(file);
          return route.fulfill({ status: 403, body: '' });
        });
        await page.reload();
        await expect.poll(() => page.getByText(PDF_SENTENCE).isVisible(), { timeout: 30_000 }).toBe(true);
        await expect.poll(() => page.getByText(DOCX_SENTENCE).isVisible(), { timeout: 30_000 }).toBe(true);
        await expectPictureAndSound(page, '王小明的插图.png', '王小明的朗诵.mp3');
        expect(refused.size).toBe(5); // every file of the entry
        expect(entryQueries.length).toBeGreaterThanOrEqual(2);
        // The refusals the route forced, reported by the browser as failed loads: nothing else.
        expect(app.problems.filter((problem) => !problem.includes('403'))).toEqual([]);
      } finally {
        await app.close();
      }
    }, 120_000);

    it('draws a long PDF page by page as the reader scrolls, and says in Chinese when a PDF cannot be read', async () => {
      const app = await openReading('reading-organizer', 'desktop', longEntryId);
      try {
        const { page } = app;
        const pdfPage = (n: number) => page.getByRole('region', { name: `第 ${n} 页，共 ${LONG_PAGES} 页` });
        const drawn = (n: number) =>
          pdfPage(n)
            .locator('canvas')
            .evaluate((canvas: HTMLCanvasElement) => canvas.width > 0);
        await expect
          .poll(() => page.getByText('Page 1 of the long essay.').isVisible(), { timeout: 30_000 })
          .toBe(true);
        expect(await page.getByRole('region', { name: /^第 \d+ 页/ }).count()).toBe(LONG_PAGES);
        expect(await drawn(LONG_PAGES)).toBe(false);
        expect(await page.getByText(`Page ${LONG_PAGES} of the long essay.`).count()).toBe(0);
        await pdfPage(LONG_PAGES).scrollIntoViewIfNeeded();
        await expect
          .poll(() => page.getByText(`Page ${LONG_PAGES} of the long essay.`).isVisible(), { timeout: 30_000 })
          .toBe(true);
        expect(await drawn(LONG_PAGES)).toBe(true);
        // Far behind the reader now: its pixels are let go, its text stays.
        await expect.poll(() => drawn(1)).toBe(false);
        expect(await page.getByText('Page 1 of the long essay.').count()).toBe(1);
        expect(await page.getByRole('alert').filter({ hasText: '文件已损坏或格式无法识别，无法预览。' }).count()).toBe(
          1,
        );
        expect(app.problems).toEqual([]);
      } finally {
        await app.close();
      }
    }, 120_000);

    it('shows a hostile DOCX as its text only: no script runs, no handler, no outside link or picture', async () => {
      const app = await openReading('reading-organizer', 'desktop', hostileEntryId);
      try {
        const { page } = app;
        const outside: string[] = [];
        page.on('request', (request) => {
          if (!request.url().startsWith(running().server.url)) outside.push(request.url());
        });
        await expect.poll(() => page.getByText('正常的段落').isVisible(), { timeout: 30_000 }).toBe(true);
        const docx = page.locator('.qm-docx');
        // The markup is shown as what it is, text; no element of it exists.
        expect(await docx.textContent()).toContain('<img src=x onerror="window.hacked=1"><script>');
        expect(await docx.locator('script, img, iframe, [style]').count()).toBe(0);
        const attributes = await docx
          .locator('*')
          .evaluateAll((elements) => elements.flatMap((element) => element.getAttributeNames()));
        expect(attributes.filter((name) => name.startsWith('on'))).toEqual([]);
        // Links keep their text but lead nowhere: clicking them runs nothing and leaves the page.
        expect(await docx.locator('a').evaluateAll((links) => links.map((a) => a.getAttribute('href')))).toEqual([
          null,
          null,
        ]);
        const before = page.url();
        await page.getByText('点我').click();
        await page.getByText('外部网站').click();
        expect(page.url()).toBe(before);
        expect(await page.evaluate(() => (globalThis as { hacked?: unknown }).hacked)).toBeUndefined();
        expect(outside).toEqual([]);
        expect(app.problems).toEqual([]);
      } finally {
        await app.close();
      }
    }, 120_000);
  },
);
