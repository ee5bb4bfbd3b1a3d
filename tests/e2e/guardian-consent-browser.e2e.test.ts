import { graphql } from '@qingmiao/schema/graphql';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { CHROMIUM, HAS_CHROMIUM } from '../support/browser.ts';
import { serverAndChromium } from '../support/browser-suite.ts';
import { dataOf } from '../support/graphql-http.ts';
import { checkPage, createActiveAccount, signedInPage, type ViewportName } from '../support/web-app.ts';

/**
 * Guardian consent in the school portal, in headless Chromium against a production server: in a campaign that
 * requires it, each student row of 参赛人员 has a 监护人同意 box (teachers have none); sending without it is
 * refused beside the box — by the form, and by the server when the form is bypassed — and the consent sent is
 * recorded with the contact who attested it. The page passes axe-core (no serious or critical violation) with the
 * refusals shown.
 */

const PASSWORD = 'qingmiao-consent-2026';
const YEAR = new Date(Date.now() + 8 * 3_600_000).getUTCFullYear();
const DAY = 86_400_000;

const running = serverAndChromium();

const SEED = {
  school: graphql(`mutation GcSchool($input: RegisterSchoolInput!) { registerSchool(input: $input) { id } }`),
  campaign: graphql(`mutation GcCampaign($input: CreateCampaignInput!) { createCampaign(input: $input) { id } }`),
  open: graphql(`mutation GcOpen($input: OpenCampaignInput!) { openCampaign(input: $input) { id } }`),
};
const ENTRIES = graphql(`
  query GcEntries($id: ID!) {
    campaign(id: $id) { entries { title participants { name role guardianConsent { attestedBy } } } }
  }
`);
const ACCOUNTS = graphql(`query GcAccounts($schoolId: ID!) { accounts(schoolId: $schoolId) { id login } }`);

async function seed(viewport: ViewportName) {
  const { server } = running();
  const office = await server.token('organizer', { sub: 'gc-office' });
  const schoolId = `gc-${viewport}`;
  const campaignId = `gc-essay-${viewport}`;
  dataOf(
    await server.graphql(
      SEED.school,
      { input: { id: schoolId, name: '太仓市实验小学', kind: 'PRIMARY', town: '城厢镇' } },
      office,
    ),
  );
  const input = {
    id: campaignId,
    kind: 'ESSAY' as const,
    title: '童心喜迎二十大征文',
    year: YEAR,
    opensAt: new Date(Date.now() - DAY).toISOString(),
    closesAt: new Date(Date.now() + 4 * DAY).toISOString(),
    eligibleSchoolKinds: ['PRIMARY' as const],
    requireGuardianConsent: true,
  };
  dataOf(await server.graphql(SEED.campaign, { input }, office));
  dataOf(await server.graphql(SEED.open, { input: { id: campaignId } }, office));
  const login = `gc-contact-${viewport}`;
  await createActiveAccount(
    server,
    office,
    { login, displayName: '实验小学关工委', role: 'school', schoolId },
    PASSWORD,
  );
  const accounts = dataOf(await server.graphql(ACCOUNTS, { schoolId }, office)).accounts;
  const accountId = accounts.find((account) => account.login === login)?.id;
  return { campaignId, login, office, accountId };
}

const consentBox = (page: Page, row: number) => page.getByRole('checkbox', { name: `第 ${row} 行 监护人已签字同意` });

/** The problem shown beside an input: the text of the element its aria-describedby names. */
const problemBeside = (page: Page, row: number) =>
  consentBox(page, row).evaluate((box) => {
    const id = box.getAttribute('aria-describedby');
    return id ? (document.getElementById(id)?.textContent ?? null) : null;
  });

describe.skipIf(!HAS_CHROMIUM)(`guardian consent in the school portal (Chromium at ${CHROMIUM})`, () => {
  for (const viewport of ['phone', 'desktop'] as const) {
    it(`asks for each student's consent and shows refusals beside the box at ${viewport} width`, async () => {
      const { server, browser } = running();
      const { campaignId, login, office, accountId } = await seed(viewport);
      const app = await signedInPage(browser, server.url, {
        login,
        password: PASSWORD,
        viewport,
        path: `/school/campaigns/${campaignId}/submit`,
      });
      const { page } = app;
      try {
        await page.getByRole('heading', { name: '提交作品' }).waitFor();
        await page.getByLabel('作品标题').fill('我眼中的新时代');
        await page.getByRole('textbox', { name: '第 1 行 姓名' }).fill('王小明');
        await page.getByRole('button', { name: '添加一行' }).click();
        await page.getByRole('textbox', { name: '第 2 行 姓名' }).fill('陈老师');
        await page.getByRole('combobox', { name: '第 2 行 身份' }).selectOption('TEACHER');
        expect(await consentBox(page, 2).count()).toBe(0);
        // The box is tapped through its label, a thumb's height.
        const target = await page.locator('.participants-consent label').first().boundingBox();
        expect(target?.height).toBeGreaterThanOrEqual(44);

        // The form refuses first, beside the box.
        await page.getByRole('button', { name: '提交', exact: true }).click();
        await expect.poll(() => problemBeside(page, 1)).toBe('请确认已收到监护人签字的同意书');
        expect(await consentBox(page, 1).getAttribute('aria-invalid')).toBe('true');
        await checkPage(app, viewport, '提交作品，未确认监护人同意');

        // A request that bypasses the form (the consent taken out on the way) is refused by the server, shown there.
        await page.route('**/graphql', async (route) => {
          const body = route.request().postData() ?? '';
          if (!body.includes('SubmitEntry')) return route.fallback();
          await route.fallback({ postData: body.replaceAll('"guardianConsent":true', '"guardianConsent":false') });
        });
        await consentBox(page, 1).check();
        await page.getByRole('button', { name: '提交', exact: true }).click();
        await expect.poll(() => problemBeside(page, 1)).toBe('服务器未接受此项，请检查');
        await checkPage(app, viewport, '提交作品，服务器拒绝');
        await page.unroute('**/graphql');

        // The refused form stays as it was and is sent again as it is (same submissionId): 提交 is back, enabled,
        // and the entry is recorded as attested by the contact's account.
        const submit = page.getByRole('button', { name: '提交', exact: true });
        expect(await submit.isEnabled()).toBe(true);
        expect(await page.getByLabel('作品标题').inputValue()).toBe('我眼中的新时代');
        expect(await consentBox(page, 1).isChecked()).toBe(true);
        await submit.click();
        await page.waitForURL((url) => url.pathname === '/school/entries');
        const entries = dataOf(await server.graphql(ENTRIES, { id: campaignId }, office)).campaign?.entries ?? [];
        expect(entries).toHaveLength(1);
        expect(entries[0]?.participants).toEqual([
          { name: '王小明', role: 'STUDENT', guardianConsent: { attestedBy: accountId } },
          { name: '陈老师', role: 'TEACHER', guardianConsent: null },
        ]);
      } finally {
        await app.close();
      }
    }, 120_000);
  }
});
