import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { graphql } from '@qingmiao/schema/graphql';
import { describe, expect, it } from 'vitest';
import { CHROMIUM, HAS_CHROMIUM } from '../support/browser.ts';
import { serverAndChromium } from '../support/browser-suite.ts';
import { dataOf } from '../support/graphql-http.ts';
import { type AppPage, checkPage, createAccount, openAppPage, type ViewportName } from '../support/web-app.ts';

/**
 * The school portal in headless Chromium against a started production server, at a phone's width and a laptop's: a
 * school's contact activates the account the office made, signs in, submits an entry with two students, its text
 * and a PDF (double-clicking 提交, which must make one entry), revises it, withdraws another with a reason, and
 * reads the prize once the office (over GraphQL here) has awarded it and published the results. Every page of the
 * flow passes axe-core without serious or critical violations and, on the phone, never scrolls sideways.
 */

const SCREENSHOT = fileURLToPath(new URL('../../services/web/screenshots/school-portal.png', import.meta.url));
const PASSWORD = 'qingmiao-school-2026';
const YEAR = new Date(Date.now() + 8 * 3_600_000).getUTCFullYear();
const DAY = 86_400_000;

const running = serverAndChromium();

const office = () => running().server.token('organizer', { sub: 'office' });

const REGISTER_SCHOOL = graphql(`
  mutation SpSchool($input: RegisterSchoolInput!) { registerSchool(input: $input) { id } }
`);
const CREATE_CAMPAIGN = graphql(`
  mutation SpCampaign($input: CreateCampaignInput!) { createCampaign(input: $input) { id } }
`);
const OPEN_CAMPAIGN = graphql(`mutation SpOpen($input: OpenCampaignInput!) { openCampaign(input: $input) { id } }`);
const CLOSE_CAMPAIGN = graphql(`mutation SpClose($input: CloseCampaignInput!) { closeCampaign(input: $input) { id } }`);
const AWARD = graphql(`mutation SpAward($input: AwardEntryInput!) { awardEntry(input: $input) { id prize } }`);
const PUBLISH = graphql(`mutation SpPublish($input: PublishResultsInput!) { publishResults(input: $input) { id } }`);
const ENTRIES = graphql(`
  query SpEntries($id: ID!) {
    campaign(id: $id) {
      entries {
        id
        title
        status
        withdrawReason
        body
        participants { name role grade }
        attachments { name mediaType }
      }
    }
  }
`);

/** A small valid PDF (one empty page), its cross-reference offsets counted. */
function smallPdf(): Buffer {
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>',
  ];
  let text = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((object, index) => {
    offsets.push(Buffer.byteLength(text));
    text += `${index + 1} 0 obj\n${object}\nendobj\n`;
  });
  const xref = Buffer.byteLength(text);
  text += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) text += `${String(offset).padStart(10, '0')} 00000 n \n`;
  text += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(text, 'latin1');
}

/**
 * Each page of the flow once it has settled (`checkPage`), and on a phone every button, link and field of the portal
 * at least 44 px tall.
 */
async function checkPortalPage(app: AppPage, viewport: ViewportName, where: string) {
  await checkPage(app, viewport, where);
  if (viewport !== 'phone') return;
  const small = await app.page
    // The file input is drawn as its label (the visible 上传附件 button), which is what is tapped.
    .locator('.school-portal :is(button, a, input:not(.visually-hidden), select, label.file-button):visible')
    .evaluateAll((elements) =>
      elements
        .map((element) => ({
          name: element.textContent?.trim() || element.getAttribute('aria-label') || element.id,
          height: Math.round(element.getBoundingClientRect().height),
        }))
        .filter((target) => target.height < 44),
    );
  expect({ where, small }).toEqual({ where, small: [] });
}

/** Each run's school is of its own kind, and sees only the contest open to that kind. */
const KINDS = { phone: 'PRIMARY', desktop: 'JUNIOR_HIGH' } as const;

/** The school, its open essay contest (closing in four days) and its contact's account, made by the office. */
async function seed(viewport: ViewportName) {
  const kind = KINDS[viewport];
  const { server } = running();
  const token = await office();
  const schoolId = `sp-${viewport}`;
  const campaignId = `sp-essay-${viewport}`;
  dataOf(
    await server.graphql(
      REGISTER_SCHOOL,
      { input: { id: schoolId, name: '太仓市实验学校', kind, town: '城厢镇' } },
      token,
    ),
  );
  dataOf(
    await server.graphql(
      CREATE_CAMPAIGN,
      {
        input: {
          id: campaignId,
          kind: 'ESSAY',
          title: '《勋章》读书征文',
          year: YEAR,
          opensAt: new Date(Date.now() - DAY).toISOString(),
          closesAt: new Date(Date.now() + 4 * DAY + 3_600_000).toISOString(),
          eligibleSchoolKinds: [kind],
          maxEntriesPerSchool: 3,
          awardQuota: 1,
        },
      },
      token,
    ),
  );
  dataOf(await server.graphql(OPEN_CAMPAIGN, { input: { id: campaignId } }, token));
  const login = `sp-contact-${viewport}`;
  const activationCode = await createAccount(server, token, {
    login,
    displayName: '实验小学关工委',
    role: 'school',
    schoolId,
  });
  return { schoolId, campaignId, login, activationCode };
}

async function entriesOf(campaignId: string) {
  const { server } = running();
  return dataOf(await server.graphql(ENTRIES, { id: campaignId }, await office())).campaign?.entries ?? [];
}

describe.skipIf(!HAS_CHROMIUM)(`the school portal (Chromium at ${CHROMIUM})`, () => {
  for (const viewport of ['phone', 'desktop'] as const) {
    it(`takes a school through the year at ${viewport} width`, async () => {
      const { server, browser } = running();
      const { campaignId, login, activationCode } = await seed(viewport);
      const app = await openAppPage(browser, viewport);
      const { page } = app;
      try {
        // Activation: the one-time code from the office and a password of the contact's own.
        await page.goto(`${server.url}/activate`);
        await page.getByLabel('登录名').fill(login);
        await page.getByLabel('激活码').fill(activationCode);
        await page.getByLabel('设置密码').fill(PASSWORD);
        await page.getByLabel('确认密码').fill(PASSWORD);
        await page.getByRole('button', { name: '激活并登录' }).click();
        await page.waitForURL((url) => url.pathname === '/school');

        // 本校活动: the open contest, its deadline counted down, the entries used and allowed, the award quota.
        await page.getByRole('heading', { name: '本校活动' }).waitFor();
        const card = page.locator('.campaign-card', { hasText: '《勋章》读书征文' });
        await expect.poll(() => card.textContent()).toContain('还剩 4 天');
        expect(await card.textContent()).toContain('已提交 0 件，最多 3 件');
        expect(await card.textContent()).toContain('100%');
        await checkPortalPage(app, viewport, '本校活动');
        if (process.env.QINGMIAO_SCREENSHOTS === '1' && viewport === 'phone') {
          mkdirSync(dirname(SCREENSHOT), { recursive: true });
          await page.screenshot({ path: SCREENSHOT, fullPage: true });
        }

        // 提交作品: two students pasted from a spreadsheet, the text, a PDF; 提交 double-clicked.
        await card.getByRole('link', { name: '提交作品' }).click();
        await page.getByRole('heading', { name: '提交作品' }).waitFor();
        await page.getByLabel('作品标题').fill('读《勋章》有感');
        await page.getByRole('textbox', { name: '第 1 行 姓名' }).focus();
        await page.evaluate(() => {
          const data = new DataTransfer();
          data.setData('text/plain', '王小明\t学生\t三年级\t2019001\n李小红\t学生\t四年级\t2018007\n');
          document.activeElement?.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true }));
        });
        await expect.poll(() => page.getByRole('textbox', { name: '第 2 行 姓名' }).inputValue()).toBe('李小红');
        await page.getByLabel('指导老师').fill('陈老师');
        await page.getByLabel('正文', { exact: true }).fill('勋章背后，是一代人的青春。\n我们要记住他们。');
        // The first try of the upload is cut off (the network drops it): the file says so, and 重试 sends it again.
        let cut = false;
        await page.route('**/graphql', async (route) => {
          const multipart = route.request().headers()['content-type']?.startsWith('multipart/form-data');
          if (multipart && !cut) {
            cut = true;
            await route.abort('connectionreset');
          } else {
            await route.fallback();
          }
        });
        await page.getByLabel('上传附件').setInputFiles({
          name: '读后感.pdf',
          mimeType: 'application/pdf',
          buffer: smallPdf(),
        });
        const file = page.locator('.attachment-item', { hasText: '读后感.pdf' });
        await file.getByText('上传失败', { exact: true }).waitFor();
        expect(await file.getByRole('alert').textContent()).toBe('上传失败（网络中断），请重试');
        expect(cut).toBe(true);
        // Chromium reports the dropped request on the console; it was the test's doing.
        app.problems.splice(
          0,
          app.problems.length,
          ...app.problems.filter((problem) => !/ERR_CONNECTION_RESET|Failed to load resource/.test(problem)),
        );
        await page.getByRole('button', { name: '提交', exact: true }).click();
        await page.getByText('有文件上传失败：请重试或移除').first().waitFor();
        await file.getByRole('button', { name: '重试' }).click();
        await file.getByText('已上传', { exact: true }).waitFor();
        await checkPortalPage(app, viewport, '提交作品');
        await page.getByRole('button', { name: '提交', exact: true }).dblclick();
        await page.waitForURL((url) => url.pathname === '/school/entries');
        await page.getByRole('heading', { name: '我的作品' }).waitFor();
        let entries = await entriesOf(campaignId);
        expect(entries).toHaveLength(1);
        expect(entries[0]).toMatchObject({
          title: '读《勋章》有感',
          status: 'LIVE',
          body: '勋章背后，是一代人的青春。\n我们要记住他们。',
          participants: [
            { name: '王小明', role: 'STUDENT', grade: '三年级' },
            { name: '李小红', role: 'STUDENT', grade: '四年级' },
          ],
          attachments: [{ name: '读后感.pdf', mediaType: 'application/pdf' }],
        });
        await checkPortalPage(app, viewport, '我的作品');

        // 修改: a new title, the rest kept.
        const first = page.locator('.entry-card', { hasText: '读《勋章》有感' });
        await first.getByRole('link', { name: '修改' }).click();
        await page.getByRole('heading', { name: '修改作品' }).waitFor();
        expect(await page.getByRole('textbox', { name: '第 2 行 姓名' }).inputValue()).toBe('李小红');
        await page.getByLabel('作品标题').fill('读《勋章》有感（修改稿）');
        await checkPortalPage(app, viewport, '修改作品');
        await page.getByRole('button', { name: '提交', exact: true }).click();
        await page.waitForURL((url) => url.pathname === '/school/entries');
        await page.locator('.entry-card', { hasText: '（修改稿）' }).waitFor();

        // A second entry, then 撤回 with a reason.
        await page.getByRole('link', { name: '本校活动' }).click();
        await card.getByRole('link', { name: '提交作品' }).click();
        await page.getByLabel('作品标题').fill('家乡的英雄');
        await page.getByRole('textbox', { name: '第 1 行 姓名' }).fill('张小华');
        await page.getByRole('button', { name: '提交', exact: true }).click();
        await page.waitForURL((url) => url.pathname === '/school/entries');
        const second = page.locator('.entry-card', { hasText: '家乡的英雄' });
        await second.getByRole('button', { name: '撤回', exact: true }).click();
        const dialog = page.getByRole('dialog');
        await dialog.getByRole('button', { name: '撤回', exact: true }).click();
        await dialog.getByText('不能为空').waitFor();
        await dialog.getByLabel('撤回原因').fill('学生转学');
        await checkPortalPage(app, viewport, '撤回');
        await dialog.getByRole('button', { name: '撤回', exact: true }).click();
        await dialog.waitFor({ state: 'detached' });
        await expect.poll(() => second.textContent()).toContain('已撤回');
        entries = await entriesOf(campaignId);
        expect(entries.map((entry) => [entry.title, entry.status, entry.withdrawReason])).toEqual([
          ['读《勋章》有感（修改稿）', 'LIVE', null],
          ['家乡的英雄', 'WITHDRAWN', '学生转学'],
        ]);
        // The revision changed the title and kept the rest: the two students, the text, the PDF.
        expect(entries[0]).toMatchObject({
          body: '勋章背后，是一代人的青春。\n我们要记住他们。',
          participants: [{ name: '王小明' }, { name: '李小红' }],
          attachments: [{ name: '读后感.pdf' }],
        });

        // History: submitted, then revised.
        await first.getByRole('button', { name: '查看记录' }).click();
        await expect.poll(() => first.locator('.history').textContent()).toMatch(/提交.*附件：添加 读后感\.pdf.*修改/);
        await second.getByRole('button', { name: '查看记录' }).click();
        await expect.poll(() => second.locator('.history').textContent()).toMatch(/撤回.*原因：学生转学/);
        await checkPortalPage(app, viewport, '作品记录');

        // The office closes, awards and publishes; the school reads its prize.
        const token = await office();
        const kept = entries.find((entry) => entry.status === 'LIVE');
        if (!kept) throw new Error('no live entry');
        dataOf(await server.graphql(CLOSE_CAMPAIGN, { input: { id: campaignId } }, token));
        dataOf(await server.graphql(AWARD, { input: { entryId: kept.id, prize: 'FIRST' } }, token));
        await page.reload();
        await page.getByRole('heading', { name: '我的作品' }).waitFor();
        await expect.poll(() => first.textContent()).toContain('评审中');
        expect(await first.textContent()).not.toContain('一等奖');
        dataOf(await server.graphql(PUBLISH, { input: { id: campaignId } }, token));
        await page.reload();
        await expect.poll(() => first.textContent()).toContain('一等奖');
        await checkPortalPage(app, viewport, '我的作品（结果已公布）');
        await page.getByRole('link', { name: '本校活动' }).click();
        const results = page.locator('.campaign-card', { hasText: '《勋章》读书征文' });
        await expect.poll(() => results.textContent()).toContain('结果已公布');
        expect(await results.textContent()).toContain('一等奖');
        await checkPortalPage(app, viewport, '本校活动（已结束）');
        expect(app.problems).toEqual([]);
      } finally {
        await app.close();
      }
    }, 180_000);
  }
});
