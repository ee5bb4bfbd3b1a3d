import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { graphql } from '@qingmiao/schema/graphql';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { CHROMIUM, HAS_CHROMIUM } from '../support/browser.ts';
import { serverAndChromium } from '../support/browser-suite.ts';
import { dataOf } from '../support/graphql-http.ts';
import { BAD_ROWS, bureauSchools, SCHOOL_COLUMNS, studentsOf, workbookOf } from '../support/school-sheet.ts';
import { checkPage, createAccount, createActiveAccount, signedInPage } from '../support/web-app.ts';

/**
 * The office registers the bureau's 100 schools from a workbook in headless Chromium against a started production
 * server, at a laptop's width and a phone's: the preview reports the three bad rows (unknown kind, duplicate code,
 * bad number) and nothing is written until the office chooses to import the valid rows; the progress counts the
 * rows; the schools and their enrollment then show in the table and in the participation figures (over GraphQL);
 * the same sheet imported again changes nothing. Every page passes axe-core, and on a phone nothing scrolls sideways.
 * QINGMIAO_SCREENSHOTS=1 writes the preview to services/web/screenshots/office-import.png.
 */

const SCREENSHOT = fileURLToPath(new URL('../../services/web/screenshots/office-import.png', import.meta.url));
const PASSWORD = 'qingmiao-office-2026';
const YEAR = new Date().getFullYear();

const REGISTER_SCHOOL = graphql(`
  mutation OfficeSchoolsRegister($input: RegisterSchoolInput!) { registerSchool(input: $input) { id } }
`);
const LECTURERS = graphql(`query OfficeSchoolsLecturers { lecturers { id name topics formerSchoolId } }`);

const FIGURES = graphql(`
  query OfficeImportFigures($year: Int!) {
    schools { id name kind }
    participation(year: $year, groupBy: SCHOOL) { key enrolled }
  }
`);

const running = serverAndChromium();

async function chooseSheet(page: Page, file: Buffer) {
  await page.getByLabel('表格文件').setInputFiles({
    name: '学校名册.xlsx',
    mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    buffer: file,
  });
  await page.getByText('3. 预览（尚未写入）').waitFor();
}

describe.skipIf(!HAS_CHROMIUM)(`the office's school import (Chromium at ${CHROMIUM})`, () => {
  for (const viewport of ['desktop', 'phone'] as const) {
    it(`registers 100 schools from a workbook at ${viewport} width`, async () => {
      const { server, browser } = running();
      const token = await server.token('organizer', { sub: 'office' });
      const login = `office-${viewport}`;
      await createActiveAccount(server, token, { login, displayName: '关工委办公室', role: 'organizer' }, PASSWORD);
      const prefix = viewport === 'desktop' ? 'd' : 'p';
      const rows = bureauSchools(100, prefix);
      const codes = rows.map(([code]) => String(code));
      const workbook = await workbookOf(SCHOOL_COLUMNS, rows);
      const valid = rows.map((_, index) => index).filter((index) => !Object.values<number>(BAD_ROWS).includes(index));
      const schoolsBefore = dataOf(await server.graphql(FIGURES, { year: YEAR }, token)).schools.length;

      const app = await signedInPage(browser, server.url, {
        login,
        password: PASSWORD,
        viewport,
        path: '/office/schools',
      });
      const { page } = app;
      try {
        await page.getByRole('heading', { name: '学校与在校生数' }).waitFor();
        await checkPage(app, viewport, '学校列表');

        // The preview: a mapping by header, the three bad rows named with their column and value, nothing written.
        await page.getByRole('button', { name: '从表格导入' }).click();
        await page.getByRole('heading', { name: '导入学校与在校生数' }).waitFor();
        await chooseSheet(page, workbook);
        await expect
          .poll(() => page.getByText(/^共 100 行/).textContent())
          .toBe('共 100 行：97 行将写入，0 行无变化，3 行有误。');
        const preview = page.getByRole('region', { name: '预览结果' });
        for (const error of [
          '学校类型：“大学”不是可识别的学校类型',
          `学校代码：“${prefix}-005”在表中重复`,
          '在校学生数：“三百”不是有效的数字',
        ]) {
          await preview.getByText(error).waitFor();
        }
        for (const index of Object.values(BAD_ROWS)) {
          await preview.getByRole('cell', { name: String(index + 2), exact: true }).waitFor();
        }
        expect(await page.getByRole('button', { name: '导入', exact: true }).isDisabled()).toBe(true);
        expect(dataOf(await server.graphql(FIGURES, { year: YEAR }, token)).schools).toHaveLength(schoolsBefore);
        await checkPage(app, viewport, '导入预览');
        if (process.env.QINGMIAO_SCREENSHOTS === '1' && viewport === 'desktop') {
          mkdirSync(dirname(SCREENSHOT), { recursive: true });
          await page.screenshot({ path: SCREENSHOT, fullPage: true, clip: { x: 0, y: 0, width: 1366, height: 1300 } });
        }

        // Only the valid rows, as chosen; the progress counts them.
        await page.getByRole('checkbox', { name: '只导入无误的 97 行（有误的 3 行不导入）' }).check();
        await page.getByRole('button', { name: '导入', exact: true }).click();
        await page.getByText('写入 97 行，无变化 0 行，失败 0 行，未导入 3 行').waitFor({ timeout: 60_000 });
        expect(await page.getByText(/^已处理/).textContent()).toContain('已处理 97 / 97 行');
        await checkPage(app, viewport, '导入完成');

        const figures = dataOf(await server.graphql(FIGURES, { year: YEAR }, token));
        const enrolled = new Map(figures.participation.map((row) => [row.key, row.enrolled]));
        for (const index of valid)
          expect({ code: codes[index], enrolled: enrolled.get(codes[index] ?? '') }).toEqual({
            code: codes[index],
            enrolled: studentsOf(index),
          });
        expect(figures.schools).toHaveLength(schoolsBefore + 97);

        // The table: found by code, its kind in Chinese and this year's enrollment; filtered by kind.
        await page.getByRole('link', { name: '← 返回列表' }).click();
        await page.getByRole('heading', { name: '学校与在校生数' }).waitFor();
        await page.getByLabel('搜索学校名称或代码').fill(`${prefix}-002`);
        const table = page.locator('.office-schools-table');
        const row = table.locator('tr', { hasText: `${prefix}-002` });
        await row.waitFor();
        expect(await row.textContent()).toContain('太仓市第2学校');
        expect(await row.textContent()).toContain('初中');
        expect(await row.textContent()).toContain(String(studentsOf(1)));
        await page.getByLabel('搜索学校名称或代码').fill(`${prefix}-`);
        await page.getByText('共 97 所学校').waitFor();
        await page.getByLabel('按学校类型筛选').click();
        await page.locator('.ant-select-item-option', { hasText: /^幼儿园$/ }).click();
        // Every sixth row is a kindergarten (indexes 2, 8, … 98): 17, less the duplicate code's row (index 20).
        await page.getByText(/^共 16 所学校/).waitFor();
        await checkPage(app, viewport, '学校列表（已导入）');

        // By hand, filters reset: a school renamed and its enrollment corrected, another registered.
        if (viewport === 'desktop') {
          await page.reload();
          await page.getByRole('heading', { name: '学校与在校生数' }).waitFor();
          await page.getByLabel('搜索学校名称或代码').fill(`${prefix}-003`);
          await page.getByRole('button', { name: '修改 太仓市第3学校' }).click();
          const edit = page.locator('.ant-card', { hasText: `修改 太仓市第3学校（${prefix}-003）` });
          await edit.getByLabel('学校名称').fill('太仓市第三实验幼儿园');
          await edit.getByLabel(`${YEAR} 年在校生数`).fill('321');
          await edit.getByRole('button', { name: '保存' }).click();
          await table.locator('tr', { hasText: '太仓市第三实验幼儿园' }).getByText('321').waitFor();
          await page.getByRole('button', { name: '登记学校' }).click();
          const register = page.locator('.ant-card', { hasText: '登记学校' });
          await register.getByLabel('学校代码').fill(`${prefix}-new`);
          await register.getByLabel('学校名称').fill('太仓市新区幼儿园');
          // The first kind of the list, 幼儿园, chosen by keyboard.
          await register.getByLabel('学校类型').focus();
          await page.keyboard.press('ArrowDown');
          await page.keyboard.press('Enter');
          await register.getByTitle('幼儿园').waitFor();
          await register.getByLabel('镇区').fill('城厢镇');
          await register.getByRole('button', { name: '登记', exact: true }).click();
          await page.getByLabel('搜索学校名称或代码').fill('新区');
          await table.locator('tr', { hasText: '太仓市新区幼儿园' }).waitFor();
          await page.getByLabel('搜索学校名称或代码').fill('');
          const byHand = dataOf(await server.graphql(FIGURES, { year: YEAR }, token));
          expect(byHand.schools.find((school) => school.id === `${prefix}-003`)?.name).toBe('太仓市第三实验幼儿园');
          expect(byHand.participation.find((row) => row.key === `${prefix}-003`)?.enrolled).toBe(321);
          expect(byHand.schools.find((school) => school.id === `${prefix}-new`)?.kind).toBe('KINDERGARTEN');
        }

        // The same sheet again: every valid row unchanged, and nothing written.
        await page.getByRole('button', { name: '从表格导入' }).click();
        await chooseSheet(page, workbook);
        if (viewport === 'desktop') {
          // The sheet undoes the hand-made rename and enrollment: one row to write, the rename and the count.
          await expect
            .poll(() => page.getByText(/^共 100 行/).textContent())
            .toBe('共 100 行：1 行将写入，96 行无变化，3 行有误。');
          await page.getByRole('checkbox', { name: /只导入无误的 97 行/ }).check();
          await page.getByRole('button', { name: '导入', exact: true }).click();
          await page.getByText('写入 1 行，无变化 96 行，失败 0 行，未导入 3 行').waitFor({ timeout: 60_000 });
          await chooseSheet(page, workbook);
        }
        await expect
          .poll(() => page.getByText(/^共 100 行/).textContent())
          .toBe('共 100 行：0 行将写入，97 行无变化，3 行有误。');
        await page.getByRole('checkbox', { name: /只导入无误的 97 行/ }).check();
        await page.getByRole('button', { name: '导入', exact: true }).click();
        await page.getByText('写入 0 行，无变化 97 行，失败 0 行，未导入 3 行').waitFor({ timeout: 60_000 });
        const again = dataOf(await server.graphql(FIGURES, { year: YEAR }, token));
        const imported = <T extends { id?: string; key?: string }>(rows: T[]) =>
          rows.filter((row) => (row.id ?? row.key) !== `${prefix}-new`);
        expect(imported(again.participation)).toEqual(figures.participation);
        expect(imported(again.schools)).toEqual(figures.schools);

        // The lecturers' page of the section.
        await page.getByText('讲师', { exact: true }).click();
        await page.getByRole('heading', { name: '讲师' }).waitFor();
        await checkPage(app, viewport, '讲师');
      } finally {
        await app.close();
      }
    }, 240_000);
  }
});

describe.skipIf(!HAS_CHROMIUM)(`lecturers by hand and a school's accounts (Chromium at ${CHROMIUM})`, () => {
  for (const viewport of ['desktop', 'phone'] as const) {
    it(`registers a lecturer through the form and opens a school's accounts at ${viewport} width`, async () => {
      const { server, browser } = running();
      const token = await server.token('organizer', { sub: 'office' });
      const login = `office-hand-${viewport}`;
      await createActiveAccount(server, token, { login, displayName: '关工委办公室', role: 'organizer' }, PASSWORD);
      const school = {
        id: `hand-${viewport}`,
        name: `太仓市实验小学${viewport}`,
        kind: 'PRIMARY' as const,
        town: '城厢镇',
      };
      const other = {
        id: `hand-${viewport}-2`,
        name: `沙溪镇中心小学${viewport}`,
        kind: 'PRIMARY' as const,
        town: '沙溪镇',
      };
      for (const input of [school, other]) dataOf(await server.graphql(REGISTER_SCHOOL, { input }, token));
      const contact = `hand-contact-${viewport}`;
      const otherContact = `hand-other-${viewport}`;
      await createAccount(server, token, {
        login: contact,
        displayName: '实验小学联络员',
        role: 'school',
        schoolId: school.id,
      });
      await createAccount(server, token, {
        login: otherContact,
        displayName: '沙溪联络员',
        role: 'school',
        schoolId: other.id,
      });
      const lecturerId = `zhang-${viewport}`;

      const app = await signedInPage(browser, server.url, {
        login,
        password: PASSWORD,
        viewport,
        path: '/office/schools/lecturers',
      });
      const { page } = app;
      try {
        await page.getByRole('heading', { name: '讲师', exact: true }).waitFor();
        await page.getByRole('button', { name: '登记讲师' }).click();
        const form = page.getByRole('form', { name: '登记讲师' });

        // Nothing typed: the server's own schema finds the problem, said beside the field, and nothing is sent.
        await form.getByRole('button', { name: '登记', exact: true }).click();
        await form.getByRole('alert').getByText('请按提示修改后再登记。').waitFor();
        await form.getByText('不能为空').waitFor();
        expect(await form.getByLabel('讲师姓名').getAttribute('aria-invalid')).toBe('true');
        await checkPage(app, viewport, '登记讲师（有误）');

        await form.getByLabel('讲师姓名').fill('张建国');
        await form.getByLabel('讲题/专长').fill('党史、家风家训');
        // Searched by name: with the imported schools the list is long, and only what is in view is rendered.
        const formerSchool = page.getByRole('combobox', { name: '原任教学校' });
        await formerSchool.click();
        await formerSchool.fill(school.name);
        const list = page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden)');
        await list.getByTitle(school.name, { exact: true }).click();
        await expect.poll(() => list.count(), { timeout: 10_000 }).toBe(0);
        await form.getByLabel('讲师编号').fill(lecturerId);
        await form.getByRole('button', { name: '登记', exact: true }).click();
        await form.waitFor({ state: 'detached' });
        // Each run's lecturer is of its own school: the rows of both runs share the server.
        const row = page.locator('tr', { hasText: school.name });
        await row.waitFor();
        expect(await row.textContent()).toContain('张建国');
        expect(await row.textContent()).toContain('党史、家风家训');
        const registered = dataOf(await server.graphql(LECTURERS, {}, token)).lecturers;
        expect(registered.find((lecturer) => lecturer.id === lecturerId)).toEqual({
          id: lecturerId,
          name: '张建国',
          topics: ['党史', '家风家训'],
          formerSchoolId: school.id,
        });
        await checkPage(app, viewport, '讲师（已登记）');

        // The same number for someone else: the server refuses, and the page says so beside 讲师编号.
        await page.getByRole('button', { name: '登记讲师' }).click();
        await form.getByLabel('讲师姓名').fill('李秀英');
        await form.getByLabel('讲师编号').fill(lecturerId);
        await form.getByRole('button', { name: '登记', exact: true }).click();
        await form.getByRole('alert').getByText('内容已被他人修改或状态已变化，请刷新后重试。').waitFor();
        await form.getByText('该编号已有讲师，请换一个').waitFor();
        await checkPage(app, viewport, '登记讲师（被拒绝）');
        const after = dataOf(await server.graphql(LECTURERS, {}, token)).lecturers;
        expect(after.filter((lecturer) => lecturer.id === lecturerId).map((lecturer) => lecturer.name)).toEqual([
          '张建国',
        ]);
        expect(after.some((lecturer) => lecturer.name === '李秀英')).toBe(false);

        // 账号 in the schools table opens that school's accounts, and only theirs.
        await page.goto(`${server.url}/office/schools`);
        await page.getByRole('heading', { name: '学校与在校生数' }).waitFor();
        await page.getByLabel('搜索学校名称或代码').fill(school.id);
        await page.getByRole('link', { name: `${school.name} 的账号` }).click();
        await page.waitForURL((url) => url.pathname === '/office/accounts');
        expect(new URL(page.url()).searchParams.get('school')).toBe(school.id);
        await page.getByRole('heading', { name: '账号', exact: true }).waitFor();
        await page.getByRole('cell', { name: contact, exact: true }).waitFor();
        expect(await page.getByRole('cell', { name: otherContact, exact: true }).count()).toBe(0);
        await checkPage(app, viewport, '学校的账号');
      } finally {
        await app.close();
      }
    }, 180_000);
  }
});
