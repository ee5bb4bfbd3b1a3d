import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { graphql } from '@qingmiao/schema/graphql';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { CHROMIUM, HAS_CHROMIUM } from '../support/browser.ts';
import { serverAndChromium } from '../support/browser-suite.ts';
import { dataOf } from '../support/graphql-http.ts';
import { checkPage, createActiveAccount, signedInPage, type ViewportName } from '../support/web-app.ts';

/**
 * The office's campaigns in headless Chromium against a server process, at a laptop's width and a
 * phone's: an organizer creates an essay contest with a rubric through the wizard, opens it, sees the entries two
 * schools submitted (over GraphQL with their tokens) by school and the eligible school that has not entered, extends
 * the deadline, closes it and publishes its results; creates a lecture series with a target (after the server refused
 * a taken id beside the field), copies it to next year and cancels the copy with a reason; and edits a draft's
 * settings in the wizard's form (编辑), until someone opens it and the server refuses. Every page passes
 * axe-core without serious or critical violations, the console stays free of CSP violations, and on the phone
 * nothing scrolls sideways.
 */

const SCREENSHOT = fileURLToPath(new URL('../../services/web/screenshots/office-campaign-wizard.png', import.meta.url));
const PASSWORD = 'qingmiao-office-2026';
const YEAR = new Date(Date.now() + 8 * 3_600_000).getUTCFullYear();

const REGISTER_SCHOOL = graphql(`
  mutation OcSchool($input: RegisterSchoolInput!) { registerSchool(input: $input) { id } }
`);
const CREATE = graphql(`mutation OcCreate($input: CreateCampaignInput!) { createCampaign(input: $input) { id } }`);
const OPEN = graphql(`mutation OcOpen($input: OpenCampaignInput!) { openCampaign(input: $input) { id } }`);
const SETTINGS = graphql(`
  query OcSettings($id: ID!) {
    campaign(id: $id) {
      kind year title theme opensAt closesAt eligibleSchoolKinds maxEntriesPerSchool awardQuota blindJudging
      rubric { name weight maxScore }
    }
  }
`);
const SUBMIT = graphql(`mutation OcSubmit($input: SubmitEntryInput!) { submitEntry(input: $input) { id } }`);
const CAMPAIGN = graphql(`
  query OcCampaign($id: ID!) {
    campaign(id: $id) { status closesAt targetSessions rubric { name weight maxScore } awardQuota copiedFrom year }
  }
`);

const running = serverAndChromium();

/** Each run's contest is open to a kind of school of its own, so that the runs' reminder lists stay apart. */
const KINDS = {
  desktop: { kind: 'PRIMARY', label: '小学' },
  phone: { kind: 'NINE_YEAR', label: '九年一贯制学校' },
} as const;

/** Schools of this run: two of its kind that will enter, one that will not, and a junior high (not eligible). */
async function seed(viewport: ViewportName) {
  const { kind } = KINDS[viewport];
  const { server } = running();
  const office = await server.token('organizer', { sub: 'office' });
  const schools = [
    { id: `oc-${viewport}-a`, name: `城厢实验小学${viewport}`, kind, town: '城厢镇' },
    { id: `oc-${viewport}-b`, name: `沙溪第一小学${viewport}`, kind, town: '沙溪镇' },
    { id: `oc-${viewport}-c`, name: `浏河小学${viewport}`, kind, town: '浏河镇' },
    { id: `oc-${viewport}-d`, name: `港区初级中学${viewport}`, kind: 'JUNIOR_HIGH' as const, town: '港区' },
  ];
  for (const school of schools) dataOf(await server.graphql(REGISTER_SCHOOL, { input: school }, office));
  const login = `oc-office-${viewport}`;
  await createActiveAccount(server, office, { login, displayName: '关工委办公室', role: 'organizer' }, PASSWORD);
  return { office, schools, login };
}

/** Confirms the action of the dialog the button opened, and waits for it to close. */
async function confirmAction(
  page: Page,
  button: string,
  fill?: (dialog: ReturnType<Page['getByRole']>) => Promise<void>,
) {
  await page.getByRole('button', { name: button, exact: true }).click();
  const dialog = page.getByRole('dialog');
  await dialog.waitFor();
  if (fill) await fill(dialog);
  await dialog.getByRole('button', { name: button, exact: true }).click();
  await dialog.waitFor({ state: 'hidden' });
}

describe.skipIf(!HAS_CHROMIUM)(`the office's campaigns (Chromium at ${CHROMIUM})`, () => {
  for (const viewport of ['desktop', 'phone'] as const) {
    it(`runs an essay contest and a lecture series from the browser at ${viewport} width`, async () => {
      const { server, browser } = running();
      const { office, schools, login } = await seed(viewport);
      const essayId = `essay-${viewport}-${YEAR}`;
      const app = await signedInPage(browser, server.url, {
        login,
        password: PASSWORD,
        viewport,
        path: '/office/campaigns',
      });
      const { page } = app;
      try {
        await page.getByRole('heading', { name: '活动', exact: true }).waitFor();
        await checkPage(app, viewport, '活动');

        // 新建活动 → 征文: title, an id of our own, dates in China time, primary schools, a quota and a rubric.
        await page.getByRole('button', { name: '新建活动' }).click();
        await page.getByRole('button', { name: '征文' }).click();
        await page.getByRole('heading', { name: '新建征文活动' }).waitFor();
        expect(await page.getByLabel('活动编号').inputValue()).toMatch(new RegExp(`^${YEAR}-essay-[0-9a-f]{4}$`));
        // Nothing filled in: the wizard says what is missing beside the fields, and creates nothing.
        await page.getByRole('button', { name: '创建活动' }).click();
        await expect.poll(() => page.getByText('请至少选择一种学校类型').count()).toBe(1);
        await page.getByLabel('活动名称').fill('党的光辉照我心,童心喜迎二十大');
        await page.getByLabel('活动编号').fill(essayId);
        await page.getByLabel('截止时间（北京时间）').fill(`${YEAR + 1}-06-30T23:59`);
        await page.getByRole('checkbox', { name: KINDS[viewport].label, exact: true }).check();
        await page.getByLabel('获奖名额（%）').fill('50');
        await page.getByLabel('评分项 1', { exact: true }).fill('立意');
        await page.getByLabel('权重').first().fill('2');
        await page.getByLabel('满分').first().fill('40');
        await page.getByRole('button', { name: '添加评分项' }).click();
        await page.getByLabel('评分项 2', { exact: true }).fill('文采');
        await page.getByLabel('满分').nth(1).fill('30');
        await page.getByRole('button', { name: '添加评分项' }).click();
        await page.getByRole('button', { name: '删除评分项 3' }).click();
        await checkPage(app, viewport, '新建征文活动');
        if (process.env.QINGMIAO_SCREENSHOTS === '1' && viewport === 'desktop') {
          mkdirSync(dirname(SCREENSHOT), { recursive: true });
          await page.screenshot({ path: SCREENSHOT, fullPage: true });
        }
        await page.getByRole('button', { name: '创建活动' }).click();
        await page.waitForURL((url) => url.pathname === `/office/campaigns/${essayId}`);
        await page.getByRole('heading', { name: /党的光辉照我心/ }).waitFor();
        expect(await page.locator('h1').textContent()).toContain('草稿');
        const created = dataOf(await server.graphql(CAMPAIGN, { id: essayId }, office)).campaign;
        expect(created).toMatchObject({
          status: 'DRAFT',
          closesAt: `${YEAR + 1}-06-30T23:59:00+08:00`,
          awardQuota: 0.5,
          rubric: [
            { name: '立意', weight: 2, maxScore: 40 },
            { name: '文采', weight: 1, maxScore: 30 },
          ],
        });

        // 开启活动: confirmed, answered, and the page shows it open.
        await confirmAction(page, '开启活动');
        await expect.poll(() => page.locator('h1').textContent()).toContain('进行中');

        // Two schools submit over GraphQL with their own tokens.
        const entered = schools.slice(0, 2);
        for (const [index, school] of entered.entries()) {
          const token = await server.token('school', { schoolId: school.id, sub: `${school.id}-office` });
          dataOf(
            await server.graphql(
              SUBMIT,
              {
                input: {
                  submissionId: `oc-${viewport}-${index}`,
                  campaignId: essayId,
                  schoolId: school.id,
                  title: `红领巾心向党 ${index + 1}`,
                  participants: [{ name: '李小明', role: 'STUDENT', grade: '五年级' }],
                },
              },
              token,
            ),
          );
        }
        await page.reload();
        const table = page.getByRole('table').first();
        await expect.poll(() => table.textContent()).toContain('红领巾心向党 2');
        for (const school of entered) expect(await table.textContent()).toContain(school.name);
        expect(await page.getByRole('link', { name: '阅读 红领巾心向党 1' }).getAttribute('href')).toMatch(
          new RegExp(`^/entries/${essayId}%3A[0-9a-f-]+/read$`),
        );
        // Of the eligible schools, only the one without an entry is to be reminded; the junior high is not eligible.
        const reminder = await page.getByLabel('未参加学校名单').inputValue();
        expect(reminder).toBe(`${schools[2]?.name}（浏河镇）`);
        await checkPage(app, viewport, '活动页面');

        // 延期: a later deadline in China time, then 截止活动.
        await confirmAction(page, '延期', (dialog) =>
          dialog.getByLabel('新的截止时间（北京时间）').fill(`${YEAR + 1}-07-15T23:59`),
        );
        await expect.poll(() => page.getByRole('list', { name: '时间线' }).textContent()).toContain('截止时间延至');
        expect(dataOf(await server.graphql(CAMPAIGN, { id: essayId }, office)).campaign?.closesAt).toBe(
          `${YEAR + 1}-07-15T23:59:00+08:00`,
        );
        await confirmAction(page, '截止活动');
        await expect.poll(() => page.locator('h1').textContent()).toContain('已截止');
        const timeline = await page.getByRole('list', { name: '时间线' }).textContent();
        for (const step of ['创建活动', '开启活动', '截止时间延至', '截止活动']) expect(timeline).toContain(step);
        expect(timeline).toContain(`关工委办公室（${login}）`);
        // 公布结果 once closed (judging and awards are the judging page's).
        await confirmAction(page, '公布结果');
        await expect.poll(() => page.locator('h1').textContent()).toContain('已公布结果');
        expect(await page.getByRole('button', { name: '取消活动' }).count()).toBe(0);

        // A lecture series with its target.
        await page.goto(`${server.url}/office/campaigns/new?kind=LECTURE`);
        await page.getByRole('heading', { name: '新建讲座活动' }).waitFor();
        const lectureId = await page.getByLabel('活动编号').inputValue();
        await page.getByLabel('活动名称').fill('千场党史报告进校园');
        await page.getByRole('button', { name: '全选' }).click();
        await page.getByLabel('目标场次').fill('1000');
        // An id already taken: the server's CONFLICT is said beside 活动编号, and nothing is created.
        await page.getByLabel('活动编号').fill(essayId);
        await page.getByRole('button', { name: '创建活动' }).click();
        await expect.poll(() => page.getByText('该编号已被其他活动使用，请换一个').count()).toBe(1);
        expect(await page.getByLabel('活动编号').getAttribute('aria-invalid')).toBe('true');
        expect(await page.getByRole('alert').textContent()).toContain('活动编号已被使用，未创建。');
        await page.getByLabel('活动编号').fill(lectureId);
        await checkPage(app, viewport, '新建讲座活动');
        await page.getByRole('button', { name: '创建活动' }).click();
        await page.waitForURL((url) => url.pathname === `/office/campaigns/${lectureId}`);
        await expect.poll(() => page.locator('.campaign-settings').textContent()).toContain('已完成 0 / 目标 1000 场');

        // 复制到下一年: a draft of next year, its dates a year on, linked to where it came from.
        await confirmAction(page, '复制到下一年', async (dialog) => {
          expect(await dialog.getByLabel('新年度').inputValue()).toBe(String(YEAR + 1));
          await dialog.getByLabel('新活动编号').fill(`${lectureId}-next`);
        });
        await page.waitForURL((url) => url.pathname === `/office/campaigns/${lectureId}-next`);
        await expect.poll(() => page.locator('.campaign-settings').textContent()).toContain(`复制自${lectureId}`);
        expect(dataOf(await server.graphql(CAMPAIGN, { id: `${lectureId}-next` }, office)).campaign).toMatchObject({
          status: 'DRAFT',
          year: YEAR + 1,
          targetSessions: 1000,
          copiedFrom: lectureId,
        });
        await checkPage(app, viewport, '复制的活动');

        // 取消活动 asks for a reason: none is refused in the dialog, one given cancels the draft.
        await page.getByRole('button', { name: '取消活动', exact: true }).click();
        const dialog = page.getByRole('dialog');
        await dialog.getByRole('button', { name: '取消活动' }).click();
        await expect.poll(() => dialog.getByRole('alert').textContent()).toBe('取消原因不能为空');
        await dialog.getByLabel('取消原因').fill('与区里的活动合并');
        await dialog.getByRole('button', { name: '取消活动' }).click();
        await dialog.waitFor({ state: 'hidden' });
        await expect.poll(() => page.locator('h1').textContent()).toContain('已取消');
        expect(await page.locator('.campaign-settings').textContent()).toContain('与区里的活动合并');

        // The list: this year's contest with its entries and schools, the series with its progress.
        await page.goto(`${server.url}/office/campaigns?year=${YEAR}`);
        const rowOf = (id: string) => page.locator('tr', { has: page.locator(`a[href="/office/campaigns/${id}"]`) });
        const row = rowOf(essayId);
        await expect.poll(() => row.textContent()).toContain('2 件 / 2 校');
        expect(await row.textContent()).toContain('已公布结果');
        expect(await rowOf(lectureId).textContent()).toContain('0 / 1000 场');
        await checkPage(app, viewport, '活动列表');
      } finally {
        await app.close();
      }
    }, 240_000);
  }

  for (const viewport of ['desktop', 'phone'] as const) {
    it(`edits a draft's settings in the wizard's form at ${viewport} width, until it opens`, async () => {
      const { server, browser } = running();
      const office = await server.token('organizer', { sub: 'office' });
      const login = `oc-edit-${viewport}`;
      await createActiveAccount(server, office, { login, displayName: '关工委办公室', role: 'organizer' }, PASSWORD);
      const id = `edit-${viewport}-${YEAR}`;
      dataOf(
        await server.graphql(
          CREATE,
          {
            input: {
              id,
              kind: 'ESSAY',
              title: '《勋章》读书征文',
              year: YEAR,
              opensAt: `${YEAR}-03-01T00:00:00+08:00`,
              closesAt: `${YEAR + 1}-06-30T23:59:00+08:00`,
              eligibleSchoolKinds: ['PRIMARY'],
              maxEntriesPerSchool: 3,
              awardQuota: 0.15,
              rubric: [{ name: '内容', weight: 1, maxScore: 100 }],
            },
          },
          office,
        ),
      );
      const app = await signedInPage(browser, server.url, {
        login,
        password: PASSWORD,
        viewport,
        path: `/office/campaigns/${id}`,
      });
      const { page } = app;
      const form = page.getByRole('form', { name: '编辑活动' });
      try {
        await page.getByRole('button', { name: '编辑', exact: true }).click();
        await page.waitForURL((url) => url.pathname === `/office/campaigns/${id}/edit`);
        await page.getByRole('heading', { name: '编辑征文活动：《勋章》读书征文' }).waitFor();
        // The form holds the settings in force; kind, year and id stay as they are.
        expect(await form.getByLabel('活动名称').inputValue()).toBe('《勋章》读书征文');
        expect(await form.getByLabel('截止时间（北京时间）').inputValue()).toBe(`${YEAR + 1}-06-30T23:59`);
        expect(await form.getByLabel('获奖名额（%）').inputValue()).toBe('15');
        expect(await form.getByLabel('每校作品数上限').inputValue()).toBe('3');
        expect(await form.getByLabel('评分项 1', { exact: true }).inputValue()).toBe('内容');
        expect(await form.getByRole('checkbox', { name: '小学', exact: true }).isChecked()).toBe(true);
        expect(await form.getByLabel('年度').isDisabled()).toBe(true);
        expect(await form.getByLabel('活动编号').isDisabled()).toBe(true);
        await checkPage(app, viewport, '编辑活动');

        // A problem is said beside its field, and nothing is sent.
        await form.getByLabel('活动名称').fill('');
        await form.getByRole('button', { name: '保存修改' }).click();
        await form.getByRole('alert').getByText('请按提示修改后再保存').waitFor();
        expect(await form.getByLabel('活动名称').getAttribute('aria-invalid')).toBe('true');
        await checkPage(app, viewport, '编辑活动（有误）');

        await form.getByLabel('活动名称').fill('童心喜迎二十大 征文');
        await form.getByLabel('主题').fill('讲好身边的故事');
        await form.getByLabel('截止时间（北京时间）').fill(`${YEAR + 1}-07-31T23:59`);
        await form.getByRole('checkbox', { name: '初中', exact: true }).check();
        await form.getByLabel('每校作品数上限').fill('');
        await form.getByLabel('获奖名额（%）').fill('20');
        await form.getByLabel('评分项 1', { exact: true }).fill('立意');
        await form.getByLabel('权重').first().fill('2');
        await form.getByLabel('满分').first().fill('40');
        await form.getByRole('button', { name: '添加评分项' }).click();
        await form.getByLabel('评分项 2', { exact: true }).fill('文采');
        await form.getByLabel('满分').nth(1).fill('60');
        await form.getByRole('switch', { name: '匿名评审' }).click();
        await form.getByRole('button', { name: '保存修改' }).click();
        await page.waitForURL((url) => url.pathname === `/office/campaigns/${id}`);
        await expect.poll(() => page.locator('h1').textContent()).toContain('童心喜迎二十大 征文');
        const settings = page.locator('.campaign-settings');
        await expect.poll(() => settings.textContent()).toContain('立意（权重 2，满分 40）；文采（权重 1，满分 60）');
        expect(await settings.textContent()).toContain('20%');
        await expect.poll(() => page.getByRole('list', { name: '时间线' }).textContent()).toContain('修改活动设置');
        expect(dataOf(await server.graphql(SETTINGS, { id }, office)).campaign).toEqual({
          kind: 'ESSAY',
          year: YEAR,
          title: '童心喜迎二十大 征文',
          theme: '讲好身边的故事',
          opensAt: `${YEAR}-03-01T00:00:00+08:00`,
          closesAt: `${YEAR + 1}-07-31T23:59:00+08:00`,
          eligibleSchoolKinds: ['PRIMARY', 'JUNIOR_HIGH'],
          maxEntriesPerSchool: null,
          awardQuota: 0.2,
          blindJudging: false,
          rubric: [
            { name: '立意', weight: 2, maxScore: 40 },
            { name: '文采', weight: 1, maxScore: 60 },
          ],
        });
        await checkPage(app, viewport, '活动页面（已修改）');

        // Opened by someone else while the form is open: the server refuses, and the page says why.
        await page.getByRole('button', { name: '编辑', exact: true }).click();
        await form.getByLabel('主题').fill('另一个主题');
        dataOf(await server.graphql(OPEN, { input: { id } }, office));
        await form.getByRole('button', { name: '保存修改' }).click();
        await form
          .getByRole('alert')
          .getByText('活动已不是草稿（已开启或已取消），设置不能再修改。请返回活动页刷新。')
          .waitFor();
        await checkPage(app, viewport, '编辑活动（已开启）');
        expect(dataOf(await server.graphql(SETTINGS, { id }, office)).campaign?.theme).toBe('讲好身边的故事');

        // An open campaign offers no 编辑, and its form says it cannot change.
        await page.goto(`${server.url}/office/campaigns/${id}`);
        await expect.poll(() => page.locator('h1').textContent()).toContain('进行中');
        expect(await page.getByRole('button', { name: '编辑', exact: true }).count()).toBe(0);
        await page.goto(`${server.url}/office/campaigns/${id}/edit`);
        await page.getByText('只有草稿活动可以修改设置').waitFor();
        expect(await page.getByRole('form', { name: '编辑活动' }).count()).toBe(0);
      } finally {
        await app.close();
      }
    }, 240_000);
  }
});
