import { parse as parseCsv } from 'csv-parse/sync';
import type ExcelJS from 'exceljs';
import { newWorkbook } from '../workbook.ts';

/** One data row of a sheet: its row number as the spreadsheet shows it, and its cells by column header. */
export interface SheetRow {
  readonly row: number;
  readonly cells: Readonly<Record<string, string>>;
}

export interface Sheet {
  readonly columns: readonly string[];
  readonly rows: readonly SheetRow[];
}

/** A file that is not a sheet this module can read: the message says why, for the person who chose it. */
export class UnreadableSheet extends Error {}

/** The most data rows one import takes (the bureau has a few hundred schools). */
const MAX_ROWS = 5000;

/** An .xlsx is a zip: it starts with "PK". Anything else is read as CSV. */
const isXlsx = (file: Buffer) => file.length >= 2 && file[0] === 0x50 && file[1] === 0x4b;

/**
 * The header row and the data rows of the bureau's .xlsx (first worksheet) or .csv (UTF-8, with or without BOM, or
 * GB18030 as Excel saves it on Chinese Windows). Blank rows are skipped; cells are the text the spreadsheet shows.
 */
export async function readSheet(file: Buffer): Promise<Sheet> {
  const table = isXlsx(file) ? await xlsxTable(file) : csvTable(file);
  const filled = table.filter(({ values }) => values.some((value) => value !== ''));
  const [header, ...data] = filled;
  if (!header) throw new UnreadableSheet('the sheet is empty');
  if (data.length > MAX_ROWS) throw new UnreadableSheet(`the sheet has ${data.length} rows; at most ${MAX_ROWS}`);
  const columns = header.values.map((value, i) => value || `列${i + 1}`);
  const seen = new Set<string>();
  for (const column of columns) {
    if (seen.has(column)) throw new UnreadableSheet(`the header row names column ${column} twice`);
    seen.add(column);
  }
  return {
    columns,
    rows: data.map(({ row, values }) => ({
      row,
      cells: Object.fromEntries(columns.map((column, i) => [column, values[i] ?? ''])),
    })),
  };
}

interface TableRow {
  readonly row: number;
  readonly values: readonly string[];
}

async function xlsxTable(file: Buffer): Promise<TableRow[]> {
  const workbook = await newWorkbook();
  try {
    // exceljs's declared Buffer type predates Node's generic Buffer.
    await workbook.xlsx.load(file as unknown as ExcelJS.Buffer);
  } catch {
    throw new UnreadableSheet('the file is not a readable .xlsx workbook');
  }
  const sheet = workbook.worksheets[0];
  if (!sheet) throw new UnreadableSheet('the workbook has no worksheet');
  const rows: TableRow[] = [];
  sheet.eachRow({ includeEmpty: false }, (row, number) => {
    const values: string[] = [];
    for (let column = 1; column <= sheet.columnCount; column++) values.push(row.getCell(column).text.trim());
    rows.push({ row: number, values });
  });
  return rows;
}

function decodeText(file: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(file);
  } catch {
    return new TextDecoder('gb18030').decode(file);
  }
}

function csvTable(file: Buffer): TableRow[] {
  let records: string[][];
  try {
    records = parseCsv(decodeText(file), { bom: true, relax_column_count: true, skip_empty_lines: false, trim: true });
  } catch (error) {
    throw new UnreadableSheet(`the file is not readable CSV: ${error instanceof Error ? error.message : error}`);
  }
  return records.map((values, i) => ({ row: i + 1, values }));
}
