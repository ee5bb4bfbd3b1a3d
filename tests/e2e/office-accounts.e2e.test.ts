import { graphql } from '@qingmiao/schema/graphql';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { CHROMIUM, HAS_CHROMIUM } from '../support/browser.ts';
import { serverAndChromium } from '../support/browser-suite.ts';
import { dataOf } from '../support/graphql-http.ts';
import {
  checkPage,
  createActiveAccount,
  openAppPage,
  signedInPage,
  VIEWPORTS,
  type ViewportName,
} from '../support/web-app.ts';

/**
 * The office's 账号 section in headless Chromium against a started production server, at a phone's width and a
 * laptop's: an organizer creates a school's account (its mistakes named beside the fields first), reads the one-time
 * code from the page, copies it and prints the slip (only the slip goes to paper); the school's contact activates it
 * at /activate in a second browser and signs in; disabled, the account's sign-in is refused; enabled and reset, the
 * new code activates it again. A school's accounts open from `/office/accounts?school=<id>`. Every state passes
 * axe-core without serious or critical violations and the CSP blocks nothing.
 */

const OFFICE_PASSWORD = 'qingmiao-office-2026';
const SCHOOL_PASSWORD = 'qingmiao-school-2026';

const REGISTER_SCHOOL = graphql(`
  mutation OaSchool($input: RegisterSchoolInput!) { registerSchool(input: $input) { id } }
`);
const ACCOUNTS = graphql(`
  query OaAccounts($schoolId: ID) { accounts(schoolId: $schoolId) { login displayName role schoolId status } }
`);

const running = serverAndChromium();

/** Activates `login` with `code` at /activate in a browser of its own; where the app lands, and its problems. */
async function activate(viewport: ViewportName, login: string, code: string) {
  const { server, browser } = running();
  const app = await openAppPage(browser, viewport);
  try {
    await app.page.goto(`${server.url}/activate`);
    await app.page.getByLabel('登录名').fill(login);
    await app.page.getByLabel('激活码').fill(code);
    await app.page.getByLabel('设置密码').fill(SCHOOL_PASSWORD);
    await app.page.getByLabel('确认密码').fill(SCHOOL_PASSWORD);
    await app.page.getByRole('button', { name: '激活并登录' }).click();
    await app.page.waitForURL((url) => url.pathname === '/school');
    expect(app.problems).toEqual([]);
  } finally {
    await app.close();
  }
}

/** Signs in at /sign-in in a browser of its own: `null` when it got in, else what the page said. */
async function signInAnswer(viewport: ViewportName, login: string): Promise<string | null> {
  const { server, browser } = running();
  const app = await openAppPage(browser, viewport);
  try {
    await app.page.goto(`${server.url}/sign-in`);
    await app.page.getByLabel('登录名').fill(login);
    await app.page.getByLabel('密码', { exact: true }).fill(SCHOOL_PASSWORD);
    await app.page.getByRole('button', { name: '登录', exact: true }).click();
    const alert = app.page.getByRole('alert').first();
    const outcome = await Promise.race([
      app.page.waitForURL((url) => url.pathname === '/school').then(() => null),
      alert.waitFor().then(() => alert.textContent()),
    ]);
    return outcome;
  } finally {
    await app.close();
  }
}

/** The code on the slip shown now, and the slip gone once 完成 is pressed. */
async function readCode(page: Page): Promise<string> {
  const code = (await page.getByTestId('activation-code').textContent())?.trim() ?? '';
  expect(code.length).toBeGreaterThan(8);
  return code;
}

describe.skipIf(!HAS_CHROMIUM)(`the office's accounts (Chromium at ${CHROMIUM})`, () => {
  for (const viewport of ['phone', 'desktop'] as const) {
    it(`creates, disables, enables and resets a school's account at ${VIEWPORTS[viewport].width} px`, async () => {
      const { server, browser } = running();
      const token = await server.token('organizer', { sub: 'office' });
      const schoolId = `oa-${viewport}`;
      const schoolName = `太仓市沙溪${viewport === 'phone' ? '第一' : '第二'}小学`;
      dataOf(
        await server.graphql(
          REGISTER_SCHOOL,
          { input: { id: schoolId, name: schoolName, kind: 'PRIMARY', town: '沙溪镇' } },
          token,
        ),
      );
      const officeLogin = `oa-office-${viewport}`;
      await createActiveAccount(
        server,
        token,
        { login: officeLogin, displayName: '关工委办公室', role: 'organizer' },
        OFFICE_PASSWORD,
      );
      const app = await signedInPage(browser, server.url, {
        login: officeLogin,
        password: OFFICE_PASSWORD,
        viewport,
        path: `/office/accounts?school=${schoolId}`,
      });
      const { page } = app;
      await app.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
      const login = `oa-contact-${viewport}`;
      try {
        // The school's page links here: the list is the school's accounts (none yet).
        await page.getByRole('heading', { name: '账号', exact: true }).waitFor();
        await page.getByText('没有符合条件的账号').waitFor();
        await checkPage(app, viewport, '账号');

        // 新建账号: sent with a bad login and no name, each mistake beside its field; then right.
        await page.getByRole('button', { name: '新建账号' }).click();
        const form = page.getByRole('form', { name: '新建账号' });
        expect(await form.getByLabel('学校', { exact: true }).count()).toBe(1);
        // Every field of a school's account is needed, and marked so.
        expect(await form.locator('label.ant-form-item-required').allTextContents()).toEqual([
          '登录名',
          '显示名称',
          '角色',
          '学校',
        ]);
        await form.getByLabel('登录名').fill('王 老师');
        await form.getByRole('button', { name: '创建' }).click();
        await form.getByText('须为 2–63 位小写字母、数字、点、横线或下划线，或一个邮箱地址').waitFor();
        expect(await form.getByText('不能为空').count()).toBe(1);
        await checkPage(app, viewport, '新建账号（有误）');
        await form.getByLabel('登录名').fill(login);
        await form.getByLabel('显示名称').fill(`${schoolName}关工委`);
        await form.getByRole('button', { name: '创建' }).click();
        await form.waitFor({ state: 'detached' });

        // The code, once: copied to the clipboard, and the slip alone printed.
        const slip = page.getByRole('region', { name: '账号激活单' });
        await slip.waitFor();
        expect(await slip.getByTestId('slip-login').textContent()).toBe(login);
        expect(await slip.textContent()).toContain(`${server.url}/activate`);
        expect(await slip.textContent()).toContain('7 天内有效');
        const firstCode = await readCode(page);
        await slip.getByRole('button', { name: '复制激活码' }).click();
        await slip.getByText('已复制激活码').waitFor();
        expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(firstCode);
        await page.evaluate(() => {
          window.print = () => document.body.setAttribute('data-printed', 'yes');
        });
        await slip.getByRole('button', { name: '打印激活单' }).click();
        expect(await page.locator('body').getAttribute('data-printed')).toBe('yes');
        await page.emulateMedia({ media: 'print' });
        expect(await page.getByRole('heading', { name: '账号', exact: true }).isVisible()).toBe(false);
        expect(await page.getByTestId('activation-code').isVisible()).toBe(true);
        expect(await slip.getByRole('button', { name: '复制激活码' }).isVisible()).toBe(false);
        await page.emulateMedia({ media: 'screen' });
        await checkPage(app, viewport, '账号激活单');
        await slip.getByRole('button', { name: '完成' }).click();
        await slip.waitFor({ state: 'detached' });
        expect(await page.getByText(firstCode).count()).toBe(0);
        const row = page.locator('.account-list tbody tr', { hasText: login });
        await expect.poll(() => row.textContent()).toContain('待激活');
        expect(await row.textContent()).toContain(schoolName);

        // The same login again is refused by the server, beside 登录名.
        await page.getByRole('button', { name: '新建账号' }).click();
        await form.getByLabel('登录名').fill(login);
        await form.getByLabel('显示名称').fill('重复的账号');
        await form.getByRole('button', { name: '创建' }).click();
        expect(await form.getByRole('alert').textContent()).toContain('该登录名已被使用，请换一个。');
        const loginField = form.getByLabel('登录名');
        expect(await loginField.getAttribute('aria-invalid')).toBe('true');
        await form.getByText('该登录名已被使用', { exact: true }).waitFor();
        await form.getByRole('button', { name: '关闭' }).click();

        // The contact activates it in a browser of their own and is signed in.
        await activate(viewport, login, firstCode);
        await page.reload();
        await expect.poll(() => row.textContent()).toContain('已激活');

        // 停用: the sign-in is refused.
        await row.getByRole('button', { name: '停用' }).click();
        await page.getByRole('tooltip').getByRole('button', { name: '停用', exact: true }).click();
        await expect.poll(() => row.textContent()).toContain('已停用');
        await checkPage(app, viewport, '账号（已停用）');
        expect(await signInAnswer(viewport, login)).toBe('登录名或密码错误。');

        // 启用, then 重置: the new code activates it again.
        await row.getByRole('button', { name: '启用' }).click();
        await expect.poll(() => row.textContent()).toContain('已激活');
        expect(await signInAnswer(viewport, login)).toBeNull();
        await row.getByRole('button', { name: '重置' }).click();
        await page.getByRole('tooltip').getByRole('button', { name: '重置', exact: true }).click();
        await slip.waitFor();
        const secondCode = await readCode(page);
        expect(secondCode).not.toBe(firstCode);
        await slip.getByRole('button', { name: '完成' }).click();
        await expect.poll(() => row.textContent()).toContain('待激活');
        expect(await signInAnswer(viewport, login)).toBe('登录名或密码错误。');
        await activate(viewport, login, secondCode);
        expect(await signInAnswer(viewport, login)).toBeNull();

        const accounts = dataOf(await server.graphql(ACCOUNTS, { schoolId }, token)).accounts;
        expect(accounts).toEqual([
          { login, displayName: `${schoolName}关工委`, role: 'school', schoolId, status: 'ACTIVE' },
        ]);
        expect(app.problems).toEqual([]);
      } finally {
        await app.close();
      }
    }, 180_000);
  }
});
