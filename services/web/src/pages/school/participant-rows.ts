import type { ParticipantRole } from '@qingmiao/schema';
import { PARTICIPANT_ROLE_LABELS } from '@qingmiao/schema/labels';

/** One row of the participants table as typed: text as entered, a role not yet chosen is ''. */
export interface ParticipantRow {
  /** React's key for the row, stable while rows are added and removed around it. */
  readonly rowId: string;
  readonly name: string;
  readonly role: ParticipantRole | '';
  readonly grade: string;
  readonly key: string;
  /** The school holds this student's guardian's signed consent form (asked when the campaign requires it). */
  readonly guardianConsent: boolean;
}

export const ROLES = Object.keys(PARTICIPANT_ROLE_LABELS) as ParticipantRole[];

export function blankRow(): ParticipantRow {
  return { rowId: crypto.randomUUID(), name: '', role: 'STUDENT', grade: '', key: '', guardianConsent: false };
}

export function isBlank(row: ParticipantRow): boolean {
  return row.name.trim() === '' && row.grade.trim() === '' && row.key.trim() === '';
}

/** A role as a spreadsheet writes it: the Chinese name or the enum value; blank means a student. */
function roleOf(cell: string): ParticipantRole | '' {
  const text = cell.trim();
  if (text === '') return 'STUDENT';
  const byLabel = ROLES.find((role) => PARTICIPANT_ROLE_LABELS[role] === text || role === text.toUpperCase());
  // Unknown text stays unchosen, so validation asks for the role rather than guessing one.
  return byLabel ?? '';
}

/** A header line copied along with the rows (姓名 in its first cell) is not a person. */
const HEADER = /^\s*姓名\s*$/;

/**
 * Rows from text pasted out of a spreadsheet: one line per person, cells separated by tabs in the table's order
 * (姓名, 身份, 年级, 编号). Null when the text is a single cell, which the browser pastes into the field as usual.
 */
export function rowsFromPaste(text: string): ParticipantRow[] | null {
  const lines = text.replaceAll('\r\n', '\n').replaceAll('\r', '\n').split('\n');
  const filled = lines.filter((line) => line.trim() !== '');
  if (!text.includes('\t') && filled.length < 2) return null;
  return filled
    .map((line) => line.split('\t'))
    .filter((cells, index) => !(index === 0 && HEADER.test(cells[0] ?? '')))
    .map(([name = '', role = '', grade = '', key = '']) => ({
      rowId: crypto.randomUUID(),
      name: name.trim(),
      role: roleOf(role),
      grade: grade.trim(),
      key: key.trim(),
      guardianConsent: false,
    }));
}

/** The table after a paste at row `at`: pasted rows take the place of that row and of blank rows after it. */
export function pasteInto(
  rows: readonly ParticipantRow[],
  at: number,
  pasted: readonly ParticipantRow[],
): ParticipantRow[] {
  const before = rows.slice(0, at);
  const current = rows[at];
  const after = rows.slice(at + 1).filter((row) => !isBlank(row));
  const kept = current && !isBlank(current) ? [current] : [];
  return [...before, ...kept, ...pasted, ...after];
}
