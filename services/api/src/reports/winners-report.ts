import type { WinnerRow } from '@qingmiao/projections';
import { CAMPAIGN_KIND_LABELS, PRIZE_LABELS } from '@qingmiao/schema';
import { newWorkbook } from '../workbook.ts';
import { spreadsheetText } from './spreadsheet-text.ts';

interface Column {
  readonly header: string;
  readonly value: (row: WinnerRow) => string;
  readonly width: number;
}

const COLUMNS: readonly Column[] = [
  { header: '活动', value: (row) => `${row.campaignTitle}(${CAMPAIGN_KIND_LABELS[row.campaignKind]})`, width: 36 },
  { header: '奖项', value: (row) => PRIZE_LABELS[row.prize], width: 10 },
  { header: '作品标题', value: (row) => row.title, width: 36 },
  { header: '学校', value: (row) => row.schoolName, width: 28 },
  { header: '指导老师', value: (row) => row.advisor ?? '', width: 14 },
];

/** Children's names: the column only organizers' lists carry. */
const PARTICIPANTS: Column = {
  header: '参赛人员',
  value: (row) => row.participants.map((person) => person.name).join('、'),
  width: 40,
};

/**
 * The winners list as a workbook: one row per awarded entry, Chinese headers, frozen header row. Every cell is text
 * typed by a school or the office, so every cell is neutralised against formulas.
 */
export async function winnersWorkbook(
  title: string,
  rows: readonly WinnerRow[],
  options: { readonly participants: boolean },
): Promise<Buffer> {
  const workbook = await newWorkbook();
  workbook.creator = 'Qingmiao 青苗';
  workbook.title = title;
  const sheet = workbook.addWorksheet('获奖名单', { views: [{ state: 'frozen', ySplit: 1 }] });
  const columns = options.participants ? [...COLUMNS, PARTICIPANTS] : COLUMNS;
  sheet.columns = columns.map((column) => ({ header: column.header, width: column.width }));
  sheet.getRow(1).font = { bold: true };
  for (const row of rows) sheet.addRow(columns.map((column) => spreadsheetText(column.value(row))));
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
