import { graphql } from '@qingmiao/schema/graphql';
import type { Browser } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, HAS_CHROMIUM } from '../support/browser.ts';
import { serverAndChromium } from '../support/browser-suite.ts';
import { dataOf, postUpload } from '../support/graphql-http.ts';
import { samplePdf } from '../support/sample-files.ts';
import type { ServerProcess } from '../support/server-process.ts';
import { createActiveAccount, seriousAccessibilityViolations, signedInPage } from '../support/web-app.ts';
import { entryInput, Organizer, submit, uid } from './qingmiao-client.ts';

/**
 * An erased child in the office's web app (headless Chromium against a started server): the winners list shows
 * 已删除 where the child's name was, the rest of the entry as it was; the reports page says when the year's personal
 * data is deleted (QINGMIAO_PII_RETENTION_YEARS=5: 2022's on 2028-01-01). An entry erased with
 * eraseEntryPersonalData shows on its reading page that its file was deleted with it, without a link or a preview.
 */
const OFFICE = { login: 'erasure-office', password: 'qingmiao-erasure-2026' };
const AWARD = graphql(`mutation BrowserErasureAward($input: AwardEntryInput!) { awardEntry(input: $input) { id } }`);
const ERASE = graphql(`mutation BrowserErase($input: EraseParticipantInput!) {
  eraseParticipant(input: $input) { subject }
}`);
const UPLOAD = graphql(`mutation BrowserErasureUpload($file: File!) { uploadFile(file: $file) { id } }`);
const ERASE_ENTRY = graphql(`mutation BrowserEraseEntry($input: EraseEntryPersonalDataInput!) {
  eraseEntryPersonalData(input: $input) { subject }
}`);

describe.skipIf(!HAS_CHROMIUM)(
  HAS_CHROMIUM ? 'an erased child in the web app (headless Chromium)' : `erasure in the web app — skipped: ${CHROMIUM}`,
  () => {
    let server: ServerProcess;
    let browser: Browser;
    const name = `林${uid('童')}`;
    const classmate = `陈${uid('同学')}`;
    const title = `勋章${uid('作品')}`;
    const fileName = `${name}的作文.pdf`;
    let erasedEntryId = '';

    const running = serverAndChromium({ env: { QINGMIAO_PII_RETENTION_YEARS: '5' } });

    beforeAll(async () => {
      ({ server, browser } = running());
      const token = await server.token('organizer', { sub: 'erasure-office' });
      await createActiveAccount(
        server,
        token,
        { login: OFFICE.login, displayName: '关工委办公室', role: 'organizer' },
        OFFICE.password,
      );
      const organizer = new Organizer(server, token);
      const school = await organizer.schoolWithToken();
      const campaignId = await organizer.openedCampaign({ awardQuota: 1 });
      const key = uid('2022');
      const input = entryInput(campaignId, school.id, {
        title,
        advisor: '周老师',
        participants: [
          { name, role: 'STUDENT', grade: '五年级', key },
          { name: classmate, role: 'STUDENT', grade: '五年级' },
        ],
      });
      const { id } = dataOf(await submit(server, school.token, input)).submitEntry;
      const file = { name: fileName, bytes: samplePdf(`essay of ${name}`) };
      const { id: fileId } = dataOf(await postUpload(server.url, school.token, UPLOAD, file)).uploadFile;
      const withFile = entryInput(campaignId, school.id, { title: `${title}-2`, attachmentIds: [fileId] });
      erasedEntryId = dataOf(await submit(server, school.token, withFile)).submitEntry.id;
      await organizer.closeCampaign(campaignId);
      dataOf(await server.graphql(AWARD, { input: { entryId: id, prize: 'FIRST' } }, token));
      dataOf(await server.graphql(ERASE, { input: { schoolId: school.id, key, reason: '监护人申请' } }, token));
      dataOf(await server.graphql(ERASE_ENTRY, { input: { entryId: erasedEntryId, reason: '监护人申请' } }, token));
    }, 120_000);

    it('shows 已删除 in the winners list, and on the reports page when the year is deleted', async () => {
      const app = await signedInPage(browser, server.url, {
        ...OFFICE,
        viewport: 'desktop',
        path: '/office/reports/winners?year=2022',
      });
      try {
        const { page } = app;
        const row = page.locator('tr', { has: page.getByRole('rowheader', { name: title }) });
        await row.waitFor();
        expect(await row.locator('[data-field="participants"]').textContent()).toBe(`已删除、${classmate}`);
        expect(await row.locator('[data-field="advisor"]').textContent()).toBe('周老师');
        expect(await page.content()).not.toContain(name);
        expect(await seriousAccessibilityViolations(page)).toEqual([]);

        await page.goto(`${server.url}/office/reports?year=2022`);
        const retention = page.locator('[data-retention="2022"]');
        await retention.waitFor();
        expect(await retention.textContent()).toBe(
          '2022年2件作品的个人信息(参赛人员姓名、年级、学号,指导老师,作品正文,文件及文件名)将于2028年1月1日按保留期限删除;作品、获奖和统计数字仍保留。',
        );
        expect(await seriousAccessibilityViolations(page)).toEqual([]);
        expect(app.problems).toEqual([]);
      } finally {
        await app.close();
      }
    }, 120_000);

    it('shows on the reading page that an erased entry’s file was deleted with it', async () => {
      const app = await signedInPage(browser, server.url, {
        ...OFFICE,
        viewport: 'desktop',
        path: `/entries/${encodeURIComponent(erasedEntryId)}/read`,
      });
      try {
        const { page } = app;
        const file = page.locator('#file-1');
        await file.getByText('文件已随作品的个人信息删除').waitFor();
        expect(await file.getByRole('heading').textContent()).toBe('已删除');
        expect(await file.getByRole('link', { name: '下载' }).count()).toBe(0);
        expect(await page.content()).not.toContain(fileName);
        expect(await seriousAccessibilityViolations(page)).toEqual([]);
        expect(app.problems).toEqual([]);
      } finally {
        await app.close();
      }
    }, 120_000);
  },
);
