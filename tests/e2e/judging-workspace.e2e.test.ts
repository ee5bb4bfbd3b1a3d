import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { graphql } from '@qingmiao/schema/graphql';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, HAS_CHROMIUM, launchChromium } from '../support/browser.ts';
import { dataOf, postUpload } from '../support/graphql-http.ts';
import { samplePdf } from '../support/sample-files.ts';
import type { ServerProcess } from '../support/server-process.ts';
import {
  type AppPage,
  chooseOption,
  createActiveAccount,
  seriousAccessibilityViolations,
  signedInPage,
  type ViewportName,
} from '../support/web-app.ts';
import { entryInput, type Organizer, startWithOrganizer, stopAndRemove, submit } from './qingmiao-client.ts';

/**
 * Judging and awards from the browser, in headless Chromium against a server process. Seeded over
 * GraphQL: three schools, a blind ESSAY campaign with a two-criterion rubric and an award quota of one half, four
 * essays with text (one with a PDF), closed. The office assigns two judges (and takes a third off again) on its
 * judging page; one judge scores every entry on a phone, the other steps aside from one and scores the rest on a
 * laptop, both moving to the next unscored entry with the keyboard; the judges' pages never name a school. The office
 * then sees each judge's progress and the leaderboard, awards within the quota, sees the server refuse the award
 * beyond it (QUOTA_EXCEEDED, in Chinese, on screen), revokes one award and publishes. Every page passes axe-core and
 * the console reports no CSP violation.
 */

const SCREENSHOT = fileURLToPath(new URL('../../services/web/screenshots/judge-workspace.png', import.meta.url));
const PASSWORD = 'qingmiao-judging-2026';
const SCHOOLS = [
  { id: 'jw-shiyan', name: '太仓市实验小学' },
  { id: 'jw-shaxi', name: '沙溪镇第一中学' },
  { id: 'jw-liuhe', name: '浏河镇中心小学' },
] as const;
const ADVISOR = '顾秀兰老师';
const PDF_SENTENCE = 'My grandfather and his medal.';
/** Essays and the scores each judge gives them (立意 of 40, 文采 of 60); the order is the leaderboard's. */
const ESSAYS = [
  { title: '爷爷的勋章', school: 0, wang: [36, 54], li: [38, 57] },
  { title: '红领巾心向党', school: 1, wang: [30, 45], li: [28, 42] },
  { title: '我的家乡太仓', school: 2, wang: [24, 36], li: [22, 30] },
  { title: '春天的约定', school: 0, wang: [12, 20], li: undefined },
] as const;
const RECUSAL = '作者是我的学生';
/** How long a figure may take to follow a change (a refetch on a loaded machine). */
const POLL = { timeout: 15_000 };

const UPLOAD = graphql(`mutation JwUpload($file: File!) { uploadFile(file: $file) { id } }`);
const RESULTS = graphql(`
  query JwResults($id: ID!) { campaign(id: $id) { status awardsGranted entries { title prize } } }
`);

let server: ServerProcess | undefined;
let browser: Browser | undefined;
let organizer: Organizer;
let campaignId = '';

const running = () => {
  if (!server || !browser) throw new Error('not started');
  return { server, browser };
};

beforeAll(async () => {
  if (!HAS_CHROMIUM) return;
  ({ server, organizer } = await startWithOrganizer('judging-office'));
  browser = await launchChromium();
  const schoolTokens: string[] = [];
  for (const school of SCHOOLS) {
    await organizer.registerSchool({ ...school, kind: 'PRIMARY', town: '城厢镇' });
    schoolTokens.push(await server.token('school', { sub: `contact-${school.id}`, schoolId: school.id }));
  }
  campaignId = await organizer.openedCampaign({
    title: '《勋章》读书征文',
    awardQuota: 0.5,
    rubric: [
      { name: '立意', weight: 2, maxScore: 40 },
      { name: '文采', weight: 1, maxScore: 60 },
    ],
  });
  for (const [index, essay] of ESSAYS.entries()) {
    const token = schoolTokens[essay.school] ?? '';
    const pdf =
      index === 0
        ? [dataOf(await postUpload(server.url, token, UPLOAD, { name: '征文.pdf', bytes: samplePdf(PDF_SENTENCE) }))]
        : [];
    const school = SCHOOLS[essay.school] ?? SCHOOLS[0];
    dataOf(
      await submit(
        server,
        token,
        entryInput(campaignId, school.id, {
          title: essay.title,
          advisor: ADVISOR,
          body: `${essay.title}\n\n这是一篇参赛征文的正文，第 ${index + 1} 篇。`,
          attachmentIds: pdf.map((file) => file.uploadFile.id),
        }),
      ),
    );
  }
  await organizer.closeCampaign(campaignId);
  const account = (login: string, displayName: string, role: 'organizer' | 'judge') =>
    createActiveAccount(running().server, organizer.token, { login, displayName, role }, PASSWORD);
  await account('jw-office', '关工委办公室', 'organizer');
  await account('judge-wang', '王评委', 'judge');
  await account('judge-li', '李评委', 'judge');
  await account('judge-zhao', '赵评委', 'judge');
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await stopAndRemove(server);
});

const judgingPath = () => `/office/campaigns/${campaignId}/judging`;

async function open(login: string, viewport: ViewportName, path: string): Promise<AppPage> {
  const { server, browser } = running();
  return signedInPage(browser, server.url, { login, password: PASSWORD, viewport, path });
}

/** No serious or critical accessibility violation, and nothing in the console (CSP violations included). */
async function expectCleanPage(app: AppPage) {
  expect(await seriousAccessibilityViolations(app.page)).toEqual([]);
  expect(app.problems).toEqual([]);
}

/** The page as text never names a school or the advisor: the campaign is judged blind. */
async function expectBlind(page: Page) {
  const text = (await page.locator('body').textContent()) ?? '';
  for (const school of SCHOOLS) expect(text).not.toContain(school.name);
  expect(text).not.toContain(ADVISOR);
}

const statusText = (page: Page) => page.locator('.qm-workspace-bar').textContent();

/** The open entry's title, as the reading pane shows it. */
const openTitle = async (page: Page) => (await page.locator('#entry-title').textContent()) ?? '';

/** Scores the open entry through the rubric form and waits for the server's answer on screen. */
async function score(page: Page, scores: readonly [number, number], comment: string) {
  await page.getByLabel('立意', { exact: true }).fill(String(scores[0]));
  await page.getByLabel('文采', { exact: true }).fill(String(scores[1]));
  await page.getByLabel('评语', { exact: true }).fill(comment);
  await page.getByRole('button', { name: '评分', exact: true }).click();
  await page.getByRole('status').filter({ hasText: '已保存评分' }).waitFor();
}

/** Scores every unscored entry, moving on with `next` (a key press); returns the titles in the order scored. */
async function scoreAll(page: Page, judge: 'wang' | 'li', next: () => Promise<void>, left: number) {
  const scored: string[] = [];
  for (let done = 0; done < left; done += 1) {
    const title = await openTitle(page);
    const essay = ESSAYS.find((candidate) => candidate.title === title);
    const given = essay?.[judge];
    if (!given) throw new Error(`${judge} has no score for ${title}`);
    await expectBlind(page);
    await score(page, given, `${judge} 对《${title}》的评语`);
    scored.push(title);
    await next();
    if (done < left - 1) await page.locator('#entry-title', { hasNotText: title }).waitFor();
  }
  return scored;
}

describe.skipIf(!HAS_CHROMIUM)(
  HAS_CHROMIUM ? 'judging and awards (headless Chromium)' : `judging and awards — skipped: ${CHROMIUM} missing`,
  () => {
    it('the office assigns two judges from the judge accounts and takes a third off the panel', async () => {
      const app = await open('jw-office', 'desktop', judgingPath());
      const { page } = app;
      try {
        await page.getByRole('heading', { name: /评审与授奖/ }).waitFor();
        await expectCleanPage(app);
        for (const judge of ['王评委（judge-wang）', '李评委（judge-li）', '赵评委（judge-zhao）']) {
          await chooseOption(page, '选择评委', judge);
          await page.getByRole('button', { name: '分配评委' }).click();
          await page.getByRole('cell', { name: judge, exact: true }).waitFor();
        }
        await page.getByRole('button', { name: '移除评委 赵评委（judge-zhao）' }).click();
        await page.getByRole('dialog').getByRole('button', { name: '确认移除' }).click();
        await page.getByRole('cell', { name: '赵评委（judge-zhao）', exact: true }).waitFor({ state: 'detached' });
        const panel = page.getByRole('region', { name: '评委与进度' });
        expect(await panel.getByRole('row').filter({ hasText: '已评 0 / 应评 4' }).count()).toBe(2);
        await expectCleanPage(app);
      } finally {
        await app.close();
      }
    }, 180_000);

    it('one judge scores every entry on a phone, moving on with J; a refusal stays on screen', async () => {
      const app = await open('judge-wang', 'phone', '/judge');
      const { page } = app;
      try {
        await page.getByText('评了 0 / 共 4').waitFor();
        await expectBlind(page);
        await expectCleanPage(app);
        await page.getByRole('link', { name: '进入评审：《勋章》读书征文' }).click();
        await page.locator('#entry-title').waitFor();
        expect(await statusText(page)).toContain('评了 0 / 共 4');
        await expect.poll(() => page.getByText(PDF_SENTENCE).isVisible(), { timeout: 30_000 }).toBe(true);
        await expectBlind(page);
        await expectCleanPage(app);

        // Above the maximum: the server refuses, and its reason stays on screen in Chinese.
        await page.getByLabel('立意', { exact: true }).fill('45');
        await page.getByLabel('文采', { exact: true }).fill('30');
        await page.getByRole('button', { name: '评分', exact: true }).click();
        await page.getByRole('alert').filter({ hasText: '“评分标准第 1 项的分数”填写有误' }).waitFor();
        expect(await page.getByLabel('立意', { exact: true }).getAttribute('aria-invalid')).toBe('true');
        expect(await statusText(page)).toContain('评了 0 / 共 4');

        // On a phone the text comes first and the form below it, and nothing scrolls sideways.
        const paneBox = await page.locator('.qm-reading-pane').boundingBox();
        const formBox = await page.locator('.qm-rubric-form').boundingBox();
        expect(formBox?.y ?? 0).toBeGreaterThan((paneBox?.y ?? 0) + (paneBox?.height ?? 0) - 1);
        expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);

        const scored = await scoreAll(page, 'wang', () => page.keyboard.press('j'), 4);
        expect(new Set(scored)).toEqual(new Set(ESSAYS.map((essay) => essay.title)));
        await expect.poll(() => statusText(page), POLL).toContain('评了 4 / 共 4');
        await page.getByRole('status').filter({ hasText: '已全部评完' }).waitFor();
        await expectCleanPage(app);
      } finally {
        await app.close();
      }
    }, 180_000);

    it('the other judge steps aside from one entry and scores the rest on a laptop, beside the text', async () => {
      const app = await open('judge-li', 'desktop', `/judge/campaigns/${campaignId}`);
      const { page } = app;
      try {
        await page.locator('#entry-title').waitFor();
        await expectBlind(page);
        // Step aside from the essay this judge has no score for.
        const recused = ESSAYS[3].title;
        await page.getByRole('link', { name: new RegExp(recused) }).click();
        await page.locator('#entry-title', { hasText: recused }).waitFor();
        await page.getByRole('button', { name: '回避此作品' }).click();
        const dialog = page.getByRole('dialog');
        await dialog.getByRole('button', { name: '确认回避' }).click();
        await dialog.getByRole('alert').filter({ hasText: '请填写回避原因' }).waitFor();
        await dialog.getByLabel('回避原因').fill(RECUSAL);
        await dialog.getByRole('button', { name: '确认回避' }).click();
        await page.getByText(`您已回避此作品：${RECUSAL}`).waitFor();
        await expect.poll(() => statusText(page), POLL).toContain('评了 0 / 共 3');
        expect(await page.getByRole('button', { name: '评分', exact: true }).isDisabled()).toBe(true);

        await page.getByRole('button', { name: '下一篇未评' }).click();
        await page.locator('#entry-title', { hasNotText: recused }).waitFor();
        // Side by side: the form to the right of the text.
        const paneBox = await page.locator('.qm-reading-pane').boundingBox();
        const formBox = await page.locator('.qm-rubric-form').boundingBox();
        expect(formBox?.x ?? 0).toBeGreaterThan((paneBox?.x ?? 0) + (paneBox?.width ?? 0) - 1);
        await expectCleanPage(app);

        const scored = await scoreAll(page, 'li', () => page.keyboard.press('Alt+ArrowDown'), 3);
        expect(scored).not.toContain(recused);
        await expect.poll(() => statusText(page), POLL).toContain('评了 3 / 共 3');
        await page.getByRole('link', { name: new RegExp(ESSAYS[0].title) }).click();
        await page.locator('#entry-title', { hasText: ESSAYS[0].title }).waitFor();
        await expect.poll(() => page.getByText(PDF_SENTENCE).isVisible(), { timeout: 30_000 }).toBe(true);
        if (process.env.QINGMIAO_SCREENSHOTS === '1') {
          mkdirSync(dirname(SCREENSHOT), { recursive: true });
          await page.screenshot({ path: SCREENSHOT });
        }
        await expectBlind(page);
        await expectCleanPage(app);
      } finally {
        await app.close();
      }
    }, 180_000);

    it('the office sees progress and the leaderboard, awards within the quota, is refused beyond it, revokes and publishes', async () => {
      const app = await open('jw-office', 'desktop', judgingPath());
      const { page } = app;
      try {
        const panel = page.getByRole('region', { name: '评委与进度' });
        await panel.getByRole('row').filter({ hasText: '王评委' }).filter({ hasText: '已评 4 / 应评 4' }).waitFor();
        await panel.getByRole('row').filter({ hasText: '李评委' }).filter({ hasText: '已评 3 / 应评 3' }).waitFor();

        const awards = page.getByRole('region', { name: '排行与授奖' });
        const rows = awards.getByRole('row');
        // The header, then the essays best first (the server's order).
        await expect.poll(() => rows.count(), POLL).toBe(ESSAYS.length + 1);
        for (const [index, essay] of ESSAYS.entries()) {
          expect(await rows.nth(index + 1).textContent()).toContain(essay.title);
        }
        expect(await rows.nth(1).textContent()).toContain(SCHOOLS[0].name);
        // Beside each mean, the server's standard score (标准分): the best essay lies above the middle (50).
        await awards.getByRole('columnheader', { name: '标准分' }).waitFor();
        expect(Number(await rows.nth(1).locator('td').nth(4).textContent())).toBeGreaterThan(50);
        expect(Number(await rows.nth(4).locator('td').nth(4).textContent())).toBeLessThan(50);
        const meter = () => awards.locator('.qm-quota').textContent();
        expect(await meter()).toBe('可授奖 2 / 已授 0');
        await expectCleanPage(app);

        const grant = async (title: string, prize: string) => {
          const row = rows.filter({ hasText: title });
          await chooseOption(page, `奖项：${title}`, prize);
          await row.getByRole('button', { name: '授奖', exact: true }).click();
        };
        await grant(ESSAYS[0].title, '一等奖');
        await expect.poll(meter, POLL).toBe('可授奖 2 / 已授 1');
        await grant(ESSAYS[1].title, '二等奖');
        await expect.poll(meter, POLL).toBe('可授奖 2 / 已授 2');
        // Beyond the quota: the click goes to the server, whose QUOTA_EXCEEDED is shown in Chinese.
        await grant(ESSAYS[2].title, '三等奖');
        await awards.getByRole('alert').filter({ hasText: '已超过该活动的获奖名额。' }).waitFor();
        expect(await meter()).toBe('可授奖 2 / 已授 2');
        await expectCleanPage(app);

        await rows.filter({ hasText: ESSAYS[1].title }).getByRole('button', { name: '撤销奖项' }).click();
        const dialog = page.getByRole('dialog');
        await dialog.getByLabel('撤销原因').fill('复核发现引用未注明出处');
        await dialog.getByRole('button', { name: '确认撤销' }).click();
        await expect.poll(meter, POLL).toBe('可授奖 2 / 已授 1');
        await grant(ESSAYS[2].title, '三等奖');
        await expect.poll(meter, POLL).toBe('可授奖 2 / 已授 2');

        await page.getByRole('button', { name: '公布结果' }).click();
        await expectCleanPage(app);
        await page.getByRole('dialog').getByRole('button', { name: '确认公布' }).click();
        await page.getByRole('status').filter({ hasText: '结果已公布' }).waitFor();
        await expectCleanPage(app);
      } finally {
        await app.close();
      }
      const results = dataOf(await running().server.graphql(RESULTS, { id: campaignId }, organizer.token)).campaign;
      expect(results?.status).toBe('RESULTS_PUBLISHED');
      expect(results?.entries.map(({ title, prize }) => [title, prize])).toEqual([
        [ESSAYS[0].title, 'FIRST'],
        [ESSAYS[1].title, null],
        [ESSAYS[2].title, 'THIRD'],
        [ESSAYS[3].title, null],
      ]);
    }, 180_000);
  },
);
