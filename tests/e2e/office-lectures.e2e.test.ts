import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { graphql } from '@qingmiao/schema/graphql';
import { describe, expect, it } from 'vitest';
import { CHROMIUM, HAS_CHROMIUM } from '../support/browser.ts';
import { serverAndChromium } from '../support/browser-suite.ts';
import { dataOf } from '../support/graphql-http.ts';
import {
  checkPage,
  chooseOption,
  createActiveAccount,
  signedInPage,
  VIEWPORTS,
  type ViewportName,
} from '../support/web-app.ts';

/**
 * The office's 讲座 section in headless Chromium against a started production server, at a phone's width and a
 * laptop's: an organizer schedules a lecture through the form (its mistakes named beside the fields first), records
 * it delivered and sees the campaign's progress bar and the lecturer's count move; reschedules and cancels lectures
 * the office had scheduled; and reads the server's refusal when a lecture was cancelled elsewhere meanwhile. Every
 * state passes axe-core without serious or critical violations and the CSP blocks nothing.
 */

const SCREENSHOT = fileURLToPath(new URL('../../services/web/screenshots/office-lectures.png', import.meta.url));
const PASSWORD = 'qingmiao-office-2026';
const DAY = 86_400_000;
const YEAR = new Date(Date.now() + 8 * 3_600_000).getUTCFullYear();

const REGISTER_SCHOOL = graphql(`
  mutation OlSchool($input: RegisterSchoolInput!) { registerSchool(input: $input) { id } }
`);
const REGISTER_LECTURER = graphql(`
  mutation OlLecturer($input: RegisterLecturerInput!) { registerLecturer(input: $input) { id } }
`);
const CREATE_CAMPAIGN = graphql(`
  mutation OlCampaign($input: CreateCampaignInput!) { createCampaign(input: $input) { id } }
`);
const OPEN_CAMPAIGN = graphql(`mutation OlOpen($input: OpenCampaignInput!) { openCampaign(input: $input) { id } }`);
const SCHEDULE = graphql(`
  mutation OlSchedule($input: ScheduleLectureInput!) { scheduleLecture(input: $input) { id } }
`);
const CANCEL = graphql(`mutation OlCancel($input: CancelLectureInput!) { cancelLecture(input: $input) { id } }`);
const LECTURES = graphql(`
  query OlLectures($id: ID!) {
    campaign(id: $id) {
      sessionsDelivered
      lectures { id topic status scheduledAt audience durationMinutes cancelReason schoolId venue lecturerId }
    }
  }
`);

/** `2026-05-04T09:00`: a China wall-clock time as a datetime-local field takes it, `days` from today. */
function chinaInput(days: number, clock: string): string {
  return `${new Date(Date.now() + 8 * 3_600_000 + days * DAY).toISOString().slice(0, 10)}T${clock}`;
}

const running = serverAndChromium();

/** Each run's campaign, school, lecturer, organizer and two lectures the office scheduled over GraphQL. */
async function seed(viewport: ViewportName) {
  const { server } = running();
  const token = await server.token('organizer', { sub: 'office' });
  const campaignId = `ol-${viewport}`;
  const title = `千场党史报告进校园（${viewport}）`;
  const schoolId = `ol-school-${viewport}`;
  const schoolName = `太仓市第${viewport === 'phone' ? '一' : '二'}中学`;
  const lecturerId = `ol-zhang-${viewport}`;
  const lecturerName = viewport === 'phone' ? '张建国' : '李秀英';
  dataOf(
    await server.graphql(
      REGISTER_SCHOOL,
      { input: { id: schoolId, name: schoolName, kind: 'JUNIOR_HIGH', town: '城厢镇' } },
      token,
    ),
  );
  dataOf(await server.graphql(REGISTER_LECTURER, { input: { id: lecturerId, name: lecturerName } }, token));
  dataOf(
    await server.graphql(
      CREATE_CAMPAIGN,
      {
        input: {
          id: campaignId,
          kind: 'LECTURE',
          title,
          year: YEAR,
          opensAt: new Date(Date.now() - 30 * DAY).toISOString(),
          closesAt: new Date(Date.now() + 60 * DAY).toISOString(),
          targetSessions: 10,
        },
      },
      token,
    ),
  );
  dataOf(await server.graphql(OPEN_CAMPAIGN, { input: { id: campaignId } }, token));
  const scheduled = async (topic: string, days: number) =>
    dataOf(
      await server.graphql(
        SCHEDULE,
        {
          input: {
            campaignId,
            lecturerId,
            venue: '城厢镇东门社区',
            topic,
            scheduledAt: `${chinaInput(days, '14:30')}:00+08:00`,
          },
        },
        token,
      ),
    ).scheduleLecture.id;
  const toMove = await scheduled('家风家训代代传', 2);
  const toCancel = await scheduled('红色故事会', 3);
  const login = `ol-office-${viewport}`;
  await createActiveAccount(server, token, { login, displayName: '关工委办公室', role: 'organizer' }, PASSWORD);
  return { token, campaignId, title, schoolName, lecturerName, login, toMove, toCancel };
}

async function lecturesOf(campaignId: string, token: string) {
  const campaign = dataOf(await running().server.graphql(LECTURES, { id: campaignId }, token)).campaign;
  if (!campaign) throw new Error(`no campaign ${campaignId}`);
  return campaign;
}

describe.skipIf(!HAS_CHROMIUM)(`the office's lectures (Chromium at ${CHROMIUM})`, () => {
  for (const viewport of ['phone', 'desktop'] as const) {
    it(`schedules, delivers, reschedules and cancels lectures at ${VIEWPORTS[viewport].width} px`, async () => {
      const { server, browser } = running();
      const seeded = await seed(viewport);
      const app = await signedInPage(browser, server.url, {
        login: seeded.login,
        password: PASSWORD,
        viewport,
        path: '/office/lectures',
      });
      const { page } = app;
      try {
        await page.getByRole('heading', { name: '讲座', exact: true }).waitFor();
        const bar = page.getByRole('progressbar', { name: seeded.title });
        expect(await bar.getAttribute('aria-valuenow')).toBe('0');
        await checkPage(app, viewport, '讲座');

        // 安排讲座: sent empty, each mistake is named beside its field; then filled in and sent.
        await page.getByRole('button', { name: '安排讲座' }).click();
        const form = page.getByRole('form', { name: '安排讲座' });
        await form.getByRole('button', { name: '安排', exact: true }).click();
        await form.getByText('请选择活动').waitFor();
        expect(await form.getByText('请选择讲师').count()).toBe(1);
        expect(await form.getByText('不能为空').count()).toBe(1);
        expect(await form.getByText('请选择日期和时间').count()).toBe(1);
        expect(await form.getByText('不在学校举办时须填写地点（如社区、村）').count()).toBe(1);
        await checkPage(app, viewport, '安排讲座（有误）');
        await chooseOption(page, '活动', seeded.title, form);
        await chooseOption(page, '讲师', seeded.lecturerName, form);
        await chooseOption(page, '学校', seeded.schoolName, form);
        await form.getByLabel('题目').fill('百年党史中的太仓故事');
        await form.getByLabel('时间（北京时间）').fill(chinaInput(0, '09:00'));
        await form.getByRole('button', { name: '安排', exact: true }).click();
        await form.waitFor({ state: 'detached' });
        let lectures = (await lecturesOf(seeded.campaignId, seeded.token)).lectures;
        const given = lectures.find((lecture) => lecture.topic === '百年党史中的太仓故事');
        expect(given).toMatchObject({ status: 'SCHEDULED', venue: null, scheduledAt: expect.any(String) });
        expect(new Date(given?.scheduledAt ?? '').toISOString()).toBe(
          new Date(`${chinaInput(0, '09:00')}:00+08:00`).toISOString(),
        );

        // The calendar shows today's lecture; 记录完成 from there, the empty dialog refused first.
        const today = page
          .locator('.lecture-day li', { hasText: '百年党史中的太仓故事' })
          .filter({ hasText: seeded.lecturerName });
        await today.waitFor();
        expect(await today.textContent()).toContain('09:00');
        await today.getByRole('button', { name: '记录完成' }).click();
        let dialog = page.getByRole('dialog');
        await dialog.getByRole('button', { name: '保存' }).click();
        expect(await dialog.getByText('请填写数字').count()).toBe(2);
        await dialog.getByLabel('听众人数').fill('150');
        await dialog.getByLabel('时长（分钟）').fill('601');
        await dialog.getByRole('button', { name: '保存' }).click();
        await dialog.getByText('不能大于 600').waitFor();
        await checkPage(app, viewport, '记录完成（有误）');
        await dialog.getByLabel('时长（分钟）').fill('60');
        await dialog.getByRole('button', { name: '保存' }).click();
        await dialog.waitFor({ state: 'detached' });
        await expect.poll(() => bar.getAttribute('aria-valuenow')).toBe('10');
        expect(await page.locator('.lecturer-progress tr', { hasText: seeded.lecturerName }).textContent()).toMatch(
          new RegExp(`^${seeded.lecturerName}12150$`),
        );
        await checkPage(app, viewport, '讲座（已完成一场）');
        if (process.env.QINGMIAO_SCREENSHOTS === '1' && viewport === 'desktop') {
          mkdirSync(dirname(SCREENSHOT), { recursive: true });
          await page.locator('.ant-message-notice').waitFor({ state: 'detached' });
          await page.screenshot({ path: SCREENSHOT, fullPage: true });
        }

        // The list, filtered to the lectures still to come: 改期 one of them.
        await page.getByRole('tab', { name: '列表' }).click();
        await chooseOption(page, '活动', seeded.title, page.locator('.lecture-filters'));
        await chooseOption(page, '状态', '待举办', page.locator('.lecture-filters'));
        const rows = page.locator('.lecture-list tbody tr', { has: page.locator('td:nth-child(2)') });
        await expect.poll(() => rows.count()).toBe(2);
        await rows.filter({ hasText: '家风家训代代传' }).getByRole('button', { name: '改期' }).click();
        dialog = page.getByRole('dialog');
        await dialog.getByLabel('新的时间（北京时间）').fill(chinaInput(5, '10:15'));
        await checkPage(app, viewport, '改期');
        await dialog.getByRole('button', { name: '保存' }).click();
        await dialog.waitFor({ state: 'detached' });
        await expect
          .poll(() => rows.filter({ hasText: '家风家训代代传' }).textContent())
          .toContain(chinaInput(5, '10:15').replace('T', ' '));

        // 取消 with a reason (none refused first).
        await rows.filter({ hasText: '红色故事会' }).getByRole('button', { name: '取消' }).click();
        dialog = page.getByRole('dialog');
        await dialog.getByRole('button', { name: '确认取消' }).click();
        await dialog.getByText('不能为空').waitFor();
        await dialog.getByLabel('取消原因').fill('讲师身体不适');
        await dialog.getByRole('button', { name: '确认取消' }).click();
        await dialog.waitFor({ state: 'detached' });
        await expect.poll(() => rows.count()).toBe(1);

        // Cancelled elsewhere while the dialog is open: the server's refusal is shown, nothing is recorded.
        await rows.filter({ hasText: '家风家训代代传' }).getByRole('button', { name: '记录完成' }).click();
        dialog = page.getByRole('dialog');
        dataOf(await server.graphql(CANCEL, { input: { lectureId: seeded.toMove, reason: '场地冲突' } }, seeded.token));
        await dialog.getByLabel('听众人数').fill('80');
        await dialog.getByLabel('时长（分钟）').fill('45');
        await dialog.getByRole('button', { name: '保存' }).click();
        await dialog.getByRole('alert').getByText('内容已被他人修改或状态已变化，请刷新后重试。').waitFor();
        await dialog.getByRole('button', { name: '关闭' }).click();
        await dialog.waitFor({ state: 'detached' });

        const campaign = await lecturesOf(seeded.campaignId, seeded.token);
        expect(campaign.sessionsDelivered).toBe(1);
        lectures = campaign.lectures;
        expect(
          Object.fromEntries(
            lectures.map((lecture) => [lecture.topic, [lecture.status, lecture.audience, lecture.cancelReason]]),
          ),
        ).toEqual({
          百年党史中的太仓故事: ['DELIVERED', 150, null],
          家风家训代代传: ['CANCELLED', null, '场地冲突'],
          红色故事会: ['CANCELLED', null, '讲师身体不适'],
        });
        const moved = lectures.find((lecture) => lecture.id === seeded.toMove);
        expect(new Date(moved?.scheduledAt ?? '').toISOString()).toBe(
          new Date(`${chinaInput(5, '10:15')}:00+08:00`).toISOString(),
        );
        expect(app.problems).toEqual([]);
      } finally {
        await app.close();
      }
    }, 180_000);
  }
});
