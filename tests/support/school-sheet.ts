import ExcelJS from 'exceljs';

export const SCHOOL_COLUMNS = ['学校代码', '学校名称', '学校类型', '镇区', '是否民办', '在校学生数'] as const;

type Cell = string | number;

const KINDS = ['小学', '初中', '幼儿园', '九年一贯制', 'SENIOR_HIGH', '职业学校'];
const TOWNS = ['城厢镇', '沙溪镇', '浏河镇', '璜泾镇', '双凤镇'];

/** Where the bureau's sheet of `count` schools has its three bad rows (indexes into the data rows). */
export const BAD_ROWS = { unknownKind: 10, duplicateCode: 20, badNumber: 30 } as const;

/**
 * The bureau's sheet of `count` schools (codes `sch-001` … with the default prefix, enrollment 300 + 7·i), with three
 * bad rows: an unknown kind (大学), a code already on an earlier row and a student count that is not a number.
 */
export function bureauSchools(count: number, prefix = 'sch'): Cell[][] {
  return Array.from({ length: count }, (_, i) => {
    const n = i + 1;
    const code = `${prefix}-${String(i === BAD_ROWS.duplicateCode ? 5 : n).padStart(3, '0')}`;
    const kind = i === BAD_ROWS.unknownKind ? '大学' : (KINDS[i % KINDS.length] ?? '小学');
    const students = i === BAD_ROWS.badNumber ? '三百' : 300 + 7 * i;
    return [code, `太仓市第${n}学校`, kind, TOWNS[i % TOWNS.length] ?? '城厢镇', i % 9 === 0 ? '是' : '否', students];
  });
}

/** The enrollment the sheet gives a valid row. */
export const studentsOf = (index: number) => 300 + 7 * index;

/** An .xlsx with a header row and data rows, as the bureau's office would save it. */
export async function workbookOf(columns: readonly string[], rows: readonly (readonly Cell[])[]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('学校');
  sheet.addRow([...columns]);
  for (const row of rows) sheet.addRow([...row]);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
