import { newWorkbook } from '../workbook.ts';
import type { ImportFields } from './columns.ts';

/** A workbook with the header row of an import and one example row, for the office to fill in. */
export async function templateWorkbook<Field extends string>(
  title: string,
  spec: ImportFields<Field>,
  example: Readonly<Record<Field, string | number>>,
): Promise<Buffer> {
  const workbook = await newWorkbook();
  const sheet = workbook.addWorksheet(title);
  const fields = Object.keys(spec.fields) as Field[];
  sheet.columns = fields.map((field) => ({ header: spec.fields[field].headers[0], key: field, width: 18 }));
  sheet.getRow(1).font = { bold: true };
  sheet.addRow(example);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
