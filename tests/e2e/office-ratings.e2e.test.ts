import { graphql } from '@qingmiao/schema/graphql';
import { describe, expect, it } from 'vitest';
import { CHROMIUM, HAS_CHROMIUM } from '../support/browser.ts';
import { serverAndChromium } from '../support/browser-suite.ts';
import { dataOf } from '../support/graphql-http.ts';
import { checkPage, chooseOption, createActiveAccount, signedInPage, type ViewportName } from '../support/web-app.ts';

/**
 * 评星 on the office's judging page, in headless Chromium against a server process, at a laptop's
 * width and a phone's: in an EVALUATION campaign (星级家长学校复评) each application gets 1–5 stars. Before closing
 * and after publishing the server refuses, and the page shows its refusal; once closed, the stars chosen are
 * recorded (read back over GraphQL) and shown, and can be changed until publication. An essay contest's page has no
 * stars. Every page passes axe-core without serious or critical violations, the console stays free of CSP
 * violations, and on the phone nothing scrolls sideways.
 */

const PASSWORD = 'qingmiao-office-2026';
const REFUSED = '内容已被他人修改或状态已变化，请刷新后重试。';

const REGISTER_SCHOOL = graphql(`
  mutation OrSchool($input: RegisterSchoolInput!) { registerSchool(input: $input) { id } }
`);
const CREATE = graphql(`mutation OrCreate($input: CreateCampaignInput!) { createCampaign(input: $input) { id } }`);
const OPEN = graphql(`mutation OrOpen($input: OpenCampaignInput!) { openCampaign(input: $input) { id } }`);
const CLOSE = graphql(`mutation OrClose($input: CloseCampaignInput!) { closeCampaign(input: $input) { id } }`);
const PUBLISH = graphql(`mutation OrPublish($input: PublishResultsInput!) { publishResults(input: $input) { id } }`);
const SUBMIT = graphql(`mutation OrSubmit($input: SubmitEntryInput!) { submitEntry(input: $input) { id } }`);
const STARS = graphql(`query OrStars($id: ID!) { entry(id: $id) { stars } }`);

const running = serverAndChromium();

/** An open evaluation with two schools' applications, and an open essay contest; the office's sign-in. */
async function seed(viewport: ViewportName) {
  const { server } = running();
  const office = await server.token('organizer', { sub: 'office' });
  const schools = [
    { id: `or-${viewport}-a`, name: `城厢实验小学${viewport}`, kind: 'PRIMARY' as const, town: '城厢镇' },
    { id: `or-${viewport}-b`, name: `沙溪第一小学${viewport}`, kind: 'PRIMARY' as const, town: '沙溪镇' },
  ];
  for (const school of schools) dataOf(await server.graphql(REGISTER_SCHOOL, { input: school }, office));
  const dates = { year: 2026, opensAt: '2026-01-01T00:00:00+08:00', closesAt: '2099-12-31T23:59:00+08:00' };
  const evaluation = `xingji-${viewport}`;
  const essay = `essay-${viewport}`;
  dataOf(
    await server.graphql(
      CREATE,
      { input: { id: evaluation, kind: 'EVALUATION', title: `星级家长学校复评${viewport}`, ...dates } },
      office,
    ),
  );
  dataOf(
    await server.graphql(
      CREATE,
      { input: { id: essay, kind: 'ESSAY', title: `读书征文${viewport}`, ...dates } },
      office,
    ),
  );
  for (const id of [evaluation, essay]) dataOf(await server.graphql(OPEN, { input: { id } }, office));
  const applications: string[] = [];
  for (const school of schools) {
    const token = await server.token('school', { schoolId: school.id });
    const input = {
      submissionId: `apply-${school.id}`,
      campaignId: evaluation,
      schoolId: school.id,
      title: `${school.name}家长学校申报`,
    };
    applications.push(dataOf(await server.graphql(SUBMIT, { input }, token)).submitEntry.id);
  }
  const [author] = schools;
  if (!author) throw new Error('no school');
  const essayInput = {
    submissionId: `essay-${author.id}`,
    campaignId: essay,
    schoolId: author.id,
    title: `我读《勋章》${viewport}`,
    participants: [{ name: '李小明', role: 'STUDENT' as const, grade: '五年级' }],
  };
  dataOf(await server.graphql(SUBMIT, { input: essayInput }, await server.token('school', { schoolId: author.id })));
  const login = `or-office-${viewport}`;
  await createActiveAccount(server, office, { login, displayName: '关工委办公室', role: 'organizer' }, PASSWORD);
  return { office, schools, evaluation, essay, applications, login };
}

describe.skipIf(!HAS_CHROMIUM)(`评星 in EVALUATION campaigns (Chromium at ${CHROMIUM})`, () => {
  for (const viewport of ['desktop', 'phone'] as const) {
    it(`rates applications on the judging page, showing the server's refusals, at ${viewport} width`, async () => {
      const { server, browser } = running();
      const { office, schools, evaluation, essay, applications, login } = await seed(viewport);
      const [first, second] = schools.map((school) => `${school.name}家长学校申报`) as [string, string];
      const [firstId = '', secondId = ''] = applications;
      const stars = async (id: string) => dataOf(await server.graphql(STARS, { id }, office)).entry?.stars;
      const app = await signedInPage(browser, server.url, {
        login,
        password: PASSWORD,
        viewport,
        path: `/office/campaigns/${evaluation}/judging`,
      });
      const { page } = app;
      const answer = page.locator('[aria-live="polite"]').getByRole('alert');
      const rate = async (title: string, count: number) => {
        await chooseOption(page, `星级：${title}`, `${count} 星`);
        await page.locator('tr', { hasText: title }).getByRole('button', { name: '评星' }).click();
      };
      try {
        await page.getByRole('heading', { name: /评审与授奖/ }).waitFor();
        await page.getByRole('columnheader', { name: '星级' }).waitFor();
        await page.getByText('活动截止后才能授奖和评星。').waitFor();
        expect(await page.locator('tr', { hasText: first }).textContent()).toContain('未评星');
        await checkPage(app, viewport, '评审与授奖（进行中）');

        // Open still: the server refuses, and the page says so; nothing is recorded.
        await rate(first, 4);
        await answer.getByText(`《${first}》评星未成功：${REFUSED}`).waitFor();
        expect(await stars(firstId)).toBeNull();
        await checkPage(app, viewport, '评星被拒绝');

        // Closed: the stars are recorded and shown; a second rating replaces the first.
        dataOf(await server.graphql(CLOSE, { input: { id: evaluation } }, office));
        await page.reload();
        await page.getByRole('columnheader', { name: '星级' }).waitFor();
        await rate(first, 4);
        await page.getByRole('status').getByText(`已评星：《${first}》★★★★☆（4 星）`).waitFor();
        await page.locator('tr', { hasText: first }).getByText('★★★★☆（4 星）', { exact: true }).waitFor();
        expect(await stars(firstId)).toBe(4);
        await rate(second, 2);
        await page.locator('tr', { hasText: second }).getByText('★★☆☆☆（2 星）', { exact: true }).waitFor();
        await rate(second, 5);
        await page.locator('tr', { hasText: second }).getByText('★★★★★（5 星）', { exact: true }).waitFor();
        expect(await stars(secondId)).toBe(5);
        await checkPage(app, viewport, '评星');

        // Published: the ratings are frozen, and the refusal is shown.
        dataOf(await server.graphql(PUBLISH, { input: { id: evaluation } }, office));
        await page.reload();
        await page.locator('tr', { hasText: first }).getByText('★★★★☆（4 星）', { exact: true }).waitFor();
        await rate(first, 1);
        await answer.getByText(`《${first}》评星未成功：${REFUSED}`).waitFor();
        expect(await stars(firstId)).toBe(4);
        await checkPage(app, viewport, '评星（已公布）');

        // An essay contest is scored and awarded, not rated.
        await page.goto(`${server.url}/office/campaigns/${essay}/judging`);
        await page.getByRole('heading', { name: /评审与授奖/ }).waitFor();
        await page.getByText('活动截止后才能授奖。', { exact: true }).waitFor();
        await page.getByRole('cell', { name: `我读《勋章》${viewport}` }).waitFor();
        expect(await page.getByRole('columnheader', { name: '星级' }).count()).toBe(0);
      } finally {
        await app.close();
      }
    }, 240_000);
  }
});
