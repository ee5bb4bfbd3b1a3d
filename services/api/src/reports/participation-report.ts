import type { ParticipationRow } from '@qingmiao/projections';
import { GROUPING_LABELS, type ParticipationGrouping, PRIZE_LABELS, Prize } from '@qingmiao/schema';
import { stringify } from 'csv-stringify/sync';
import { newWorkbook } from '../workbook.ts';
import { spreadsheetText } from './spreadsheet-text.ts';

/** The key column's header per grouping, as the bureau writes it (sheets are named by GROUPING_LABELS). */
const KEY_HEADERS: Record<ParticipationGrouping, string> = {
  SCHOOL: '学校代码',
  TOWN: '镇/区',
  SCHOOL_KIND: '学校类型',
  CAMPAIGN: '活动编号',
  MONTH: '月份',
};

interface Column {
  readonly header: string;
  readonly value: (row: ParticipationRow) => string | number | null;
  readonly width: number;
  readonly format?: string;
}

/** A row's cells as both writers put them: names and towns typed by schools are neutralised, figures kept as numbers. */
const cells = (cols: readonly Column[], row: ParticipationRow) =>
  cols.map((column) => {
    const value = column.value(row);
    return typeof value === 'string' ? spreadsheetText(value) : value;
  });

function columns(grouping: ParticipationGrouping): Column[] {
  const count = (header: string, value: (row: ParticipationRow) => number | null): Column => ({
    header,
    value,
    width: 12,
    format: '#,##0',
  });
  return [
    { header: KEY_HEADERS[grouping], value: (r) => r.key, width: 24 },
    { header: '名称', value: (r) => r.label, width: 32 },
    count('参与学校数', (r) => r.schools),
    count('作品数', (r) => r.entries),
    count('参与学生数', (r) => r.students),
    count('参与人数', (r) => r.participants),
    count('退休教师数', (r) => r.retiredTeachers),
    count('在校学生数', (r) => r.enrolled),
    { header: '参与率', value: (r) => r.participationRate, width: 10, format: '0.0%' },
    count('获奖数', (r) => r.awards),
    ...Prize.options.map((prize) => count(PRIZE_LABELS[prize], (r) => r.awardsByPrize[prize])),
    count('讲座场次', (r) => r.lecturesDelivered),
    count('受众人数', (r) => r.audience),
  ];
}

/** The year-end workbook: one sheet per grouping, Chinese headers, number formats, frozen header row. */
export async function participationWorkbook(
  title: string,
  sheets: ReadonlyArray<{ grouping: ParticipationGrouping; rows: readonly ParticipationRow[] }>,
): Promise<Buffer> {
  const workbook = await newWorkbook();
  workbook.creator = 'Qingmiao 青苗';
  workbook.title = title;
  for (const { grouping, rows } of sheets) {
    const sheet = workbook.addWorksheet(GROUPING_LABELS[grouping], { views: [{ state: 'frozen', ySplit: 1 }] });
    const cols = columns(grouping);
    sheet.columns = cols.map((column) => ({
      header: column.header,
      width: column.width,
      ...(column.format ? { style: { numFmt: column.format } } : {}),
    }));
    sheet.getRow(1).font = { bold: true };
    for (const row of rows) sheet.addRow(cells(cols, row));
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** CSV for Excel: UTF-8 with a byte order mark, or Excel shows the Chinese headers as mojibake. */
export function participationCsv(grouping: ParticipationGrouping, rows: readonly ParticipationRow[]): string {
  const cols = columns(grouping);
  return stringify(
    rows.map((row) => cells(cols, row)),
    { header: true, columns: cols.map((column) => column.header), bom: true },
  );
}
