import { graphql } from '@qingmiao/schema/graphql';
import { CAMPAIGN_KIND_LABELS, PRIZE_LABELS } from '@qingmiao/schema/labels';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, HAS_CHROMIUM } from '../support/browser.ts';
import { serverAndChromium } from '../support/browser-suite.ts';
import { dataOf } from '../support/graphql-http.ts';
import { BAD_ROWS, bureauSchools, SCHOOL_COLUMNS, studentsOf, workbookOf } from '../support/school-sheet.ts';
import {
  checkPage,
  chooseOption,
  createActiveAccount,
  downloadedSheet,
  signedInPage,
  type ViewportName,
} from '../support/web-app.ts';
import { entryInput, submit } from './qingmiao-client.ts';

/**
 * A campaign year from the browser, end to end, in headless Chromium against a server process.
 * The office (at 1366 px) imports the bureau's 100 schools from a workbook whose three bad rows the preview reports,
 * imports the valid rows and finds the schools and their enrollment in the participation figures; creates an essay
 * contest with a rubric through the wizard and opens it; three primary schools submit four essays with their own
 * tokens; the office closes it on its page and assigns two judges, who sign in and score every essay in their
 * workspace (one on a phone, one on a laptop); the office awards within the quota, is refused beyond it on screen,
 * publishes, and downloads the winners list, whose rows equal the awards; last it schedules a lecture, records it
 * delivered, and sees the series' progress bar move. Each step is an `it` sharing the year's state, so a failure
 * names its step; every page passes axe-core without serious or critical violations and the CSP blocks nothing.
 */

const PASSWORD = 'qingmiao-year-2026';
const YEAR = new Date(Date.now() + 8 * 3_600_000).getUTCFullYear();
const DAY = 86_400_000;
const PREFIX = 'y';
const POLL = { timeout: 15_000 };

const ESSAY_ID = `year-essay-${YEAR}`;
const ESSAY_TITLE = '《勋章》读书征文（全年演练）';
const LECTURES_ID = `year-lectures-${YEAR}`;
const LECTURES_TITLE = '千场党史报告进校园（全年演练）';
const LECTURER = { id: 'year-zhang', name: '张建国' };

/** The bureau's sheet: primary schools are every sixth row (indexes 0, 6, 12 …), codes `y-001` …. */
const SHEET = bureauSchools(100, PREFIX);
const VALID = SHEET.map((_, index) => index).filter((index) => !Object.values<number>(BAD_ROWS).includes(index));
const codeOf = (index: number) => String(SHEET[index]?.[0]);
const nameOf = (index: number) => String(SHEET[index]?.[1]);

/** Essays by the sheet's row of their school, and the scores each judge gives (立意 of 40, 文采 of 60), best first. */
const ESSAYS = [
  { title: '爷爷的勋章', row: 0, student: '陈思远', wang: [36, 54], li: [38, 57] },
  { title: '红领巾心向党', row: 6, student: '周雨桐', wang: [30, 45], li: [28, 42] },
  { title: '我的家乡太仓', row: 12, student: '吴俊杰', wang: [24, 36], li: [22, 30] },
  { title: '春天的约定', row: 0, student: '郑可欣', wang: [12, 20], li: [10, 18] },
] as const;
const ADVISOR = '顾秀兰老师';
const JUDGES = [
  { login: 'year-wang', name: '王评委', key: 'wang', viewport: 'phone' },
  { login: 'year-li', name: '李评委', key: 'li', viewport: 'desktop' },
] as const;

const FIGURES = graphql(`
  query YearFigures($year: Int!) {
    schools { id name kind }
    participation(year: $year, groupBy: SCHOOL) { key enrolled entries }
  }
`);
const CAMPAIGN = graphql(`
  query YearCampaign($id: ID!) {
    campaign(id: $id) { status rubric { name weight maxScore } awardQuota entries { title prize } }
  }
`);
const REGISTER_LECTURER = graphql(`
  mutation YearLecturer($input: RegisterLecturerInput!) { registerLecturer(input: $input) { id } }
`);
const DELIVERED = graphql(`query YearDelivered($id: ID!) { campaign(id: $id) { sessionsDelivered } }`);

let office = '';

const running = serverAndChromium();

beforeAll(async () => {
  if (!HAS_CHROMIUM) return;
  const { server } = running();
  office = await server.token('organizer', { sub: 'office' });
  const account = (login: string, displayName: string, role: 'organizer' | 'judge') =>
    createActiveAccount(server, office, { login, displayName, role }, PASSWORD);
  await account('year-office', '关工委办公室', 'organizer');
  for (const judge of JUDGES) await account(judge.login, judge.name, 'judge');
});

function open(login: string, viewport: ViewportName, path: string) {
  const { server, browser } = running();
  return signedInPage(browser, server.url, { login, password: PASSWORD, viewport, path });
}

/** Confirms the action of the dialog the button opened, and waits for it to close. */
async function confirmAction(page: Page, button: string) {
  await page.getByRole('button', { name: button, exact: true }).click();
  const dialog = page.getByRole('dialog');
  await dialog.waitFor();
  await dialog.getByRole('button', { name: button, exact: true }).click();
  await dialog.waitFor({ state: 'hidden' });
}

/** `2026-05-04T09:00`: a China wall-clock time as a datetime-local field takes it, `days` from today. */
function chinaInput(days: number, clock: string): string {
  return `${new Date(Date.now() + 8 * 3_600_000 + days * DAY).toISOString().slice(0, 10)}T${clock}`;
}

describe.skipIf(!HAS_CHROMIUM)(`a campaign year in the browser (Chromium at ${CHROMIUM})`, () => {
  it('imports the 100 schools of the workbook: the preview names the three bad rows, the valid ones are written', async () => {
    const app = await open('year-office', 'desktop', '/office/schools');
    const { page } = app;
    try {
      await page.getByRole('heading', { name: '学校与在校生数' }).waitFor();
      await checkPage(app, 'desktop', '学校列表');
      await page.getByRole('button', { name: '从表格导入' }).click();
      await page.getByRole('heading', { name: '导入学校与在校生数' }).waitFor();
      await page.getByLabel('表格文件').setInputFiles({
        name: '学校名册.xlsx',
        mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        buffer: await workbookOf(SCHOOL_COLUMNS, SHEET),
      });
      await page.getByText('3. 预览（尚未写入）').waitFor();
      await expect
        .poll(() => page.getByText(/^共 100 行/).textContent())
        .toBe('共 100 行：97 行将写入，0 行无变化，3 行有误。');
      const preview = page.getByRole('region', { name: '预览结果' });
      for (const error of [
        '学校类型：“大学”不是可识别的学校类型',
        `学校代码：“${PREFIX}-005”在表中重复`,
        '在校学生数：“三百”不是有效的数字',
      ]) {
        await preview.getByText(error).waitFor();
      }
      expect(dataOf(await running().server.graphql(FIGURES, { year: YEAR }, office)).schools).toEqual([]);
      await checkPage(app, 'desktop', '导入预览');

      await page.getByRole('checkbox', { name: '只导入无误的 97 行（有误的 3 行不导入）' }).check();
      await page.getByRole('button', { name: '导入', exact: true }).click();
      await page.getByText('写入 97 行，无变化 0 行，失败 0 行，未导入 3 行').waitFor({ timeout: 60_000 });
      await checkPage(app, 'desktop', '导入完成');
    } finally {
      await app.close();
    }
    const figures = dataOf(await running().server.graphql(FIGURES, { year: YEAR }, office));
    expect(figures.schools).toHaveLength(97);
    const enrolled = new Map(figures.participation.map((row) => [row.key, row.enrolled]));
    expect(VALID.map((index) => [codeOf(index), enrolled.get(codeOf(index))])).toEqual(
      VALID.map((index) => [codeOf(index), studentsOf(index)]),
    );
  }, 240_000);

  it('creates the essay contest with its rubric through the wizard and opens it', async () => {
    const app = await open('year-office', 'desktop', '/office/campaigns');
    const { page } = app;
    try {
      await page.getByRole('heading', { name: '活动', exact: true }).waitFor();
      await page.getByRole('button', { name: '新建活动' }).click();
      await page.getByRole('button', { name: '征文' }).click();
      await page.getByRole('heading', { name: '新建征文活动' }).waitFor();
      await page.getByLabel('活动名称').fill(ESSAY_TITLE);
      await page.getByLabel('活动编号').fill(ESSAY_ID);
      await page.getByLabel('截止时间（北京时间）').fill(`${YEAR + 1}-06-30T23:59`);
      await page.getByRole('checkbox', { name: '小学', exact: true }).check();
      await page.getByLabel('获奖名额（%）').fill('50');
      await page.getByLabel('评分项 1', { exact: true }).fill('立意');
      await page.getByLabel('权重').first().fill('2');
      await page.getByLabel('满分').first().fill('40');
      await page.getByRole('button', { name: '添加评分项' }).click();
      await page.getByLabel('评分项 2', { exact: true }).fill('文采');
      await page.getByLabel('满分').nth(1).fill('60');
      await checkPage(app, 'desktop', '新建征文活动');
      await page.getByRole('button', { name: '创建活动' }).click();
      await page.waitForURL((url) => url.pathname === `/office/campaigns/${ESSAY_ID}`);
      await expect.poll(() => page.locator('h1').textContent()).toContain('草稿');
      await confirmAction(page, '开启活动');
      await expect.poll(() => page.locator('h1').textContent()).toContain('进行中');
      await checkPage(app, 'desktop', '活动页面（进行中）');
    } finally {
      await app.close();
    }
    expect(dataOf(await running().server.graphql(CAMPAIGN, { id: ESSAY_ID }, office)).campaign).toMatchObject({
      status: 'OPEN',
      awardQuota: 0.5,
      rubric: [
        { name: '立意', weight: 2, maxScore: 40 },
        { name: '文采', weight: 1, maxScore: 60 },
      ],
    });
  }, 180_000);

  it('three schools submit four essays with their own tokens; the office sees them and closes the contest', async () => {
    const { server } = running();
    for (const essay of ESSAYS) {
      const schoolId = codeOf(essay.row);
      const token = await server.token('school', { sub: `contact-${schoolId}`, schoolId });
      dataOf(
        await submit(
          server,
          token,
          entryInput(ESSAY_ID, schoolId, {
            title: essay.title,
            advisor: ADVISOR,
            body: `${essay.title}\n\n这是一篇参赛征文的正文。`,
            participants: [{ name: essay.student, role: 'STUDENT', grade: '五年级' }],
          }),
        ),
      );
    }
    const app = await open('year-office', 'desktop', `/office/campaigns/${ESSAY_ID}`);
    const { page } = app;
    try {
      const table = page.getByRole('table').first();
      await expect.poll(() => table.textContent(), POLL).toContain(ESSAYS[3].title);
      for (const essay of ESSAYS) expect(await table.textContent()).toContain(nameOf(essay.row));
      await checkPage(app, 'desktop', '活动页面（已有作品）');
      await confirmAction(page, '截止活动');
      await expect.poll(() => page.locator('h1').textContent()).toContain('已截止');
      await checkPage(app, 'desktop', '活动页面（已截止）');
    } finally {
      await app.close();
    }
    const figures = dataOf(await server.graphql(FIGURES, { year: YEAR }, office));
    const entries = new Map(figures.participation.map((row) => [row.key, row.entries]));
    expect([0, 6, 12].map((row) => entries.get(codeOf(row)))).toEqual([2, 1, 1]);
  }, 180_000);

  it('the office assigns two judges on the judging page', async () => {
    const app = await open('year-office', 'desktop', `/office/campaigns/${ESSAY_ID}/judging`);
    const { page } = app;
    try {
      await page.getByRole('heading', { name: /评审与授奖/ }).waitFor();
      await checkPage(app, 'desktop', '评审与授奖');
      for (const judge of JUDGES) {
        const label = `${judge.name}（${judge.login}）`;
        await chooseOption(page, '选择评委', label);
        await page.getByRole('button', { name: '分配评委' }).click();
        await page.getByRole('cell', { name: label, exact: true }).waitFor();
      }
      const panel = page.getByRole('region', { name: '评委与进度' });
      await expect.poll(() => panel.getByRole('row').filter({ hasText: '已评 0 / 应评 4' }).count(), POLL).toBe(2);
      await checkPage(app, 'desktop', '评审与授奖（已分配评委）');
    } finally {
      await app.close();
    }
  }, 180_000);

  for (const judge of JUDGES) {
    it(`${judge.name} signs in and scores every essay at ${judge.viewport} width`, async () => {
      const app = await open(judge.login, judge.viewport, '/judge');
      const { page } = app;
      try {
        await page.getByText('评了 0 / 共 4').waitFor();
        await checkPage(app, judge.viewport, '评委首页');
        await page.getByRole('link', { name: `进入评审：${ESSAY_TITLE}` }).click();
        await page.locator('#entry-title').waitFor();
        await checkPage(app, judge.viewport, '评审工作台');
        const scored: string[] = [];
        for (let done = 0; done < ESSAYS.length; done += 1) {
          const title = (await page.locator('#entry-title').textContent()) ?? '';
          const essay = ESSAYS.find((candidate) => candidate.title === title);
          if (!essay) throw new Error(`no essay titled ${title}`);
          const [立意, 文采] = essay[judge.key];
          await page.getByLabel('立意', { exact: true }).fill(String(立意));
          await page.getByLabel('文采', { exact: true }).fill(String(文采));
          await page.getByLabel('评语', { exact: true }).fill(`${judge.name}对《${title}》的评语`);
          await page.getByRole('button', { name: '评分', exact: true }).click();
          await page.getByRole('status').filter({ hasText: '已保存评分' }).waitFor();
          scored.push(title);
          await page.keyboard.press('j');
          if (done < ESSAYS.length - 1) await page.locator('#entry-title', { hasNotText: title }).waitFor();
        }
        expect(new Set(scored)).toEqual(new Set(ESSAYS.map((essay) => essay.title)));
        await expect.poll(() => page.locator('.qm-workspace-bar').textContent(), POLL).toContain('评了 4 / 共 4');
        await checkPage(app, judge.viewport, '评审工作台（已评完）');
      } finally {
        await app.close();
      }
    }, 180_000);
  }

  it('the office awards within the quota, is refused beyond it on screen, and publishes', async () => {
    const app = await open('year-office', 'desktop', `/office/campaigns/${ESSAY_ID}/judging`);
    const { page } = app;
    try {
      const panel = page.getByRole('region', { name: '评委与进度' });
      for (const judge of JUDGES) {
        await panel.getByRole('row').filter({ hasText: judge.name }).filter({ hasText: '已评 4 / 应评 4' }).waitFor();
      }
      const awards = page.getByRole('region', { name: '排行与授奖' });
      const rows = awards.getByRole('row');
      await expect.poll(() => rows.count(), POLL).toBe(ESSAYS.length + 1);
      for (const [index, essay] of ESSAYS.entries()) {
        expect(await rows.nth(index + 1).textContent()).toContain(essay.title);
      }
      const meter = () => awards.locator('.qm-quota').textContent();
      expect(await meter()).toBe('可授奖 2 / 已授 0');
      await checkPage(app, 'desktop', '排行与授奖');
      const grant = async (title: string, prize: string) => {
        await chooseOption(page, `奖项：${title}`, prize);
        await rows.filter({ hasText: title }).getByRole('button', { name: '授奖', exact: true }).click();
      };
      await grant(ESSAYS[0].title, '一等奖');
      await expect.poll(meter, POLL).toBe('可授奖 2 / 已授 1');
      await grant(ESSAYS[1].title, '二等奖');
      await expect.poll(meter, POLL).toBe('可授奖 2 / 已授 2');
      await grant(ESSAYS[2].title, '三等奖');
      await awards.getByRole('alert').filter({ hasText: '已超过该活动的获奖名额。' }).waitFor();
      expect(await meter()).toBe('可授奖 2 / 已授 2');
      await checkPage(app, 'desktop', '排行与授奖（超出名额）');
      await page.getByRole('button', { name: '公布结果' }).click();
      await page.getByRole('dialog').getByRole('button', { name: '确认公布' }).click();
      await page.getByRole('status').filter({ hasText: '结果已公布' }).waitFor();
      await checkPage(app, 'desktop', '排行与授奖（已公布）');
    } finally {
      await app.close();
    }
    const campaign = dataOf(await running().server.graphql(CAMPAIGN, { id: ESSAY_ID }, office)).campaign;
    expect(campaign?.status).toBe('RESULTS_PUBLISHED');
    expect(campaign?.entries.map(({ title, prize }) => [title, prize])).toEqual(
      ESSAYS.map((essay, index) => [essay.title, ['FIRST', 'SECOND'][index] ?? null]),
    );
  }, 180_000);

  it('downloads the winners list from the reports page, its rows the awards made', async () => {
    const app = await open('year-office', 'desktop', `/office/reports/winners?year=${YEAR}`);
    const { page } = app;
    try {
      await page.waitForSelector('.office-report[data-state="ready"]');
      await checkPage(app, 'desktop', '获奖名单');
      const { fileName, rows } = await downloadedSheet(page, '下载 Excel', '获奖名单');
      expect(fileName).toBe(`获奖名单-${YEAR}.xlsx`);
      const won = (index: 0 | 1, prize: 'FIRST' | 'SECOND') => [
        `${ESSAY_TITLE}(${CAMPAIGN_KIND_LABELS.ESSAY})`,
        PRIZE_LABELS[prize],
        ESSAYS[index].title,
        nameOf(ESSAYS[index].row),
        ADVISOR,
        ESSAYS[index].student,
      ];
      expect(rows).toEqual([
        ['活动', '奖项', '作品标题', '学校', '指导老师', '参赛人员'],
        won(0, 'FIRST'),
        won(1, 'SECOND'),
      ]);
    } finally {
      await app.close();
    }
  }, 120_000);

  it('schedules a lecture, records it delivered, and the progress bar moves', async () => {
    const { server } = running();
    dataOf(await server.graphql(REGISTER_LECTURER, { input: LECTURER }, office));
    const app = await open('year-office', 'desktop', '/office/campaigns/new?kind=LECTURE');
    const { page } = app;
    try {
      // The series through the wizard: begun a month ago, with a target of ten lectures; then opened.
      await page.getByRole('heading', { name: '新建讲座活动' }).waitFor();
      await page.getByLabel('活动名称').fill(LECTURES_TITLE);
      await page.getByLabel('活动编号').fill(LECTURES_ID);
      await page.getByLabel('开始时间（北京时间）').fill(chinaInput(-30, '00:00'));
      await page.getByLabel('截止时间（北京时间）').fill(chinaInput(60, '23:59'));
      await page.getByRole('button', { name: '全选' }).click();
      await page.getByLabel('目标场次').fill('10');
      await checkPage(app, 'desktop', '新建讲座活动');
      await page.getByRole('button', { name: '创建活动' }).click();
      await page.waitForURL((url) => url.pathname === `/office/campaigns/${LECTURES_ID}`);
      await confirmAction(page, '开启活动');
      await expect.poll(() => page.locator('h1').textContent()).toContain('进行中');

      await page.goto(`${server.url}/office/lectures`);
      await page.getByRole('heading', { name: '讲座', exact: true }).waitFor();
      const bar = page.getByRole('progressbar', { name: LECTURES_TITLE });
      expect(await bar.getAttribute('aria-valuenow')).toBe('0');
      await checkPage(app, 'desktop', '讲座');
      await page.getByRole('button', { name: '安排讲座' }).click();
      const form = page.getByRole('form', { name: '安排讲座' });
      await chooseOption(page, '活动', LECTURES_TITLE, form);
      await chooseOption(page, '讲师', LECTURER.name, form);
      await form.getByLabel('地点', { exact: true }).fill('城厢镇东门社区');
      await form.getByLabel('题目').fill('百年党史中的太仓故事');
      await form.getByLabel('时间（北京时间）').fill(chinaInput(0, '09:00'));
      await checkPage(app, 'desktop', '安排讲座');
      await form.getByRole('button', { name: '安排', exact: true }).click();
      await form.waitFor({ state: 'detached' });
      const today = page.locator('.lecture-day li', { hasText: '百年党史中的太仓故事' });
      await today.getByRole('button', { name: '记录完成' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByLabel('听众人数').fill('150');
      await dialog.getByLabel('时长（分钟）').fill('60');
      await checkPage(app, 'desktop', '记录完成');
      await dialog.getByRole('button', { name: '保存' }).click();
      await dialog.waitFor({ state: 'detached' });
      await expect.poll(() => bar.getAttribute('aria-valuenow'), POLL).toBe('10');
      await checkPage(app, 'desktop', '讲座（已完成一场）');
    } finally {
      await app.close();
    }
    expect(dataOf(await server.graphql(DELIVERED, { id: LECTURES_ID }, office)).campaign?.sessionsDelivered).toBe(1);
  }, 180_000);
});
