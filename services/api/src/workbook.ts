import type ExcelJS from 'exceljs';

/**
 * A new Excel workbook (reports, import templates, reading an uploaded sheet). exceljs and its zip libraries are
 * loaded the first time one is needed: ~1.3 MB of source that V8 would otherwise keep in every server's heap from
 * the start, for files the office asks for a few times a year.
 */
export async function newWorkbook(): Promise<ExcelJS.Workbook> {
  const { default: exceljs } = await import('exceljs');
  return new exceljs.Workbook();
}
