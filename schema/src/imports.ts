// What `/imports/{schools,lecturers}` answers, shared by the server and the web app (types only: nothing reaches the
// browser bundle).

/** The kinds of sheet the office imports. */
export type ImportKind = 'schools' | 'lecturers';

/** Why a row cannot be imported; the web app words each code in Chinese. */
export type ImportRowErrorCode =
  | 'MISSING'
  | 'UNKNOWN_KIND'
  | 'DUPLICATE'
  | 'BAD_NUMBER'
  | 'BAD_VALUE'
  | 'DIFFERS'
  | 'UNKNOWN_SCHOOL';

export interface ImportRowError {
  readonly code: ImportRowErrorCode;
  readonly field: string;
  /** The sheet's column the field is read from; null when the field has no column (a missing year). */
  readonly column: string | null;
  readonly value: string;
  readonly message: string;
}

/** The commands an import runs for a row. */
export type ImportCommand = 'registerSchool' | 'renameSchool' | 'recordEnrollment' | 'registerLecturer';

/** What importing one row does: the commands it runs (none when nothing changes), or why it cannot run. */
export interface PlannedImportRow<Action extends { readonly command: ImportCommand } = { command: ImportCommand }> {
  /** The row number the spreadsheet shows. */
  readonly row: number;
  /** The school code or lecturer name the row is about, when it has one. */
  readonly key: string | null;
  readonly actions: readonly Action[];
  readonly errors: readonly ImportRowError[];
}

/** `POST /imports/{kind}/preview`. */
export interface ImportPreview {
  readonly columns: readonly string[];
  /** The column of each field: the one asked for, else suggested by header name. */
  readonly mapping: Readonly<Partial<Record<string, string>>>;
  /** Required fields without a column, columns the sheet lacks; rows are planned only without these. */
  readonly mappingProblems: readonly { readonly field: string; readonly message: string }[];
  readonly rows: readonly PlannedImportRow[];
}

/** One line of `POST /imports/{kind}`'s NDJSON answer. */
export type ImportLine =
  | { readonly type: 'start'; readonly total: number; readonly valid: number }
  | {
      readonly type: 'row';
      readonly row: number;
      readonly key: string | null;
      readonly outcome: 'applied' | 'unchanged';
      readonly commands: readonly ImportCommand[];
    }
  | {
      readonly type: 'row';
      readonly row: number;
      readonly key: string | null;
      readonly outcome: 'failed';
      readonly code: string;
      readonly message: string;
    }
  | {
      readonly type: 'done';
      readonly applied: number;
      readonly unchanged: number;
      readonly failed: number;
      readonly skipped: number;
    };
