import { fireEvent, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { describe, expect, it } from 'vitest';
import { blankRow, type ParticipantRow } from '../src/pages/school/participant-rows.ts';
import { ParticipantsTable } from '../src/pages/school/participants-table.tsx';

function Harness({ initial }: { readonly initial: ParticipantRow[] }) {
  const [rows, setRows] = useState(initial);
  return <ParticipantsTable rows={rows} onChange={setRows} errors={{}} />;
}

const table = () => screen.getByRole('table', { name: '参赛人员' });
const bodyRows = () => within(table()).getAllByRole('row').slice(1);
const cell = (row: number, column: string) =>
  screen.getByRole(column === '身份' ? 'combobox' : 'textbox', { name: `第 ${row} 行 ${column}` }) as
    | HTMLInputElement
    | HTMLSelectElement;

describe('参赛人员', () => {
  it('adds and removes rows, keeping what the other rows hold', async () => {
    render(<Harness initial={[blankRow()]} />);
    const user = userEvent.setup();
    await user.type(cell(1, '姓名'), '王小明');
    await user.click(screen.getByRole('button', { name: '添加一行' }));
    await user.click(screen.getByRole('button', { name: '添加一行' }));
    expect(bodyRows()).toHaveLength(3);
    await user.type(cell(2, '姓名'), '李华');
    await user.type(cell(3, '姓名'), '张丽');
    await user.click(screen.getByRole('button', { name: '删除第 2 行' }));
    expect(bodyRows()).toHaveLength(2);
    expect(cell(1, '姓名').value).toBe('王小明');
    expect(cell(2, '姓名').value).toBe('张丽');
    await user.click(screen.getByRole('button', { name: '删除第 1 行' }));
    await user.click(screen.getByRole('button', { name: '删除第 1 行' }));
    expect(bodyRows()).toHaveLength(0);
  });

  it('turns three tab-separated lines pasted from a spreadsheet into three rows', () => {
    render(<Harness initial={[blankRow()]} />);
    const pasted = ['王小明\t学生\t三年级\t2019001', '李华\t教师\t\t', '张老\t退休教师\t\tT-07'].join('\r\n');
    fireEvent.paste(cell(1, '姓名'), { clipboardData: { getData: () => `${pasted}\r\n` } });
    expect(bodyRows()).toHaveLength(3);
    expect([1, 2, 3].map((row) => cell(row, '姓名').value)).toEqual(['王小明', '李华', '张老']);
    expect([1, 2, 3].map((row) => cell(row, '身份').value)).toEqual(['STUDENT', 'TEACHER', 'RETIRED_TEACHER']);
    expect([1, 2, 3].map((row) => cell(row, '年级').value)).toEqual(['三年级', '', '']);
    expect([1, 2, 3].map((row) => cell(row, '编号').value)).toEqual(['2019001', '', 'T-07']);
  });

  it('pastes after the rows already filled, skipping a copied header line', async () => {
    render(<Harness initial={[blankRow()]} />);
    const user = userEvent.setup();
    await user.type(cell(1, '姓名'), '赵一');
    await user.click(screen.getByRole('button', { name: '添加一行' }));
    fireEvent.paste(cell(2, '姓名'), {
      clipboardData: { getData: () => '姓名\t身份\t年级\t编号\n钱二\t家长\t\t\n孙三\t未知身份\t五年级\t' },
    });
    expect(bodyRows()).toHaveLength(3);
    expect([1, 2, 3].map((row) => cell(row, '姓名').value)).toEqual(['赵一', '钱二', '孙三']);
    // A role the table does not know stays unchosen, for the form to ask about.
    expect(cell(3, '身份').value).toBe('');
  });

  it('leaves a single pasted value to the field', () => {
    render(<Harness initial={[blankRow()]} />);
    const event = fireEvent.paste(cell(1, '姓名'), { clipboardData: { getData: () => '王小明' } });
    expect(event).toBe(true);
    expect(bodyRows()).toHaveLength(1);
  });
});
