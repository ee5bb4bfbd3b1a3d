import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { readSheet, UnreadableSheet } from '../src/imports/sheet.ts';

describe('readSheet', () => {
  it('reads the first worksheet of an .xlsx, skipping blank rows, with the row numbers Excel shows', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('学校');
    sheet.addRow(['学校代码', '学校名称', '在校学生数']);
    sheet.addRow(['tc-a', ' 甲小学 ', 1200]);
    sheet.addRow([]);
    sheet.addRow(['tc-b', '乙小学']);
    const read = await readSheet(Buffer.from(await workbook.xlsx.writeBuffer()));
    expect(read).toEqual({
      columns: ['学校代码', '学校名称', '在校学生数'],
      rows: [
        { row: 2, cells: { 学校代码: 'tc-a', 学校名称: '甲小学', 在校学生数: '1200' } },
        { row: 4, cells: { 学校代码: 'tc-b', 学校名称: '乙小学', 在校学生数: '' } },
      ],
    });
  });

  it('reads CSV in UTF-8 with a BOM and in GB18030, as Excel saves it on Chinese Windows', async () => {
    const utf8 = Buffer.from('\uFEFF学校代码,学校名称\n"tc-a","甲小学"\n', 'utf8');
    const gb18030 = Buffer.from('d1a7d0a3b4fac2eb2cd1a7d0a3c3fbb3c60a74632d612cbcd7d0a1d1a70a', 'hex');
    for (const file of [utf8, gb18030]) {
      expect(await readSheet(file)).toEqual({
        columns: ['学校代码', '学校名称'],
        rows: [{ row: 2, cells: { 学校代码: 'tc-a', 学校名称: '甲小学' } }],
      });
    }
  });

  it('refuses an empty sheet, a header naming a column twice and a broken workbook', async () => {
    await expect(readSheet(Buffer.from('\n\n'))).rejects.toThrow(new UnreadableSheet('the sheet is empty'));
    await expect(readSheet(Buffer.from('名称,名称\na,b\n'))).rejects.toThrow('names column 名称 twice');
    await expect(readSheet(Buffer.from('PK\u0003\u0004 not a zip'))).rejects.toThrow('not a readable .xlsx');
    await expect(readSheet(Buffer.from('a,"b\n1,2'))).rejects.toThrow('not readable CSV');
  });
});
