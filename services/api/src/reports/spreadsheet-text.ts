/** What a spreadsheet may read as the start of a formula (or, for tab and CR, shift a cell): OWASP's CSV injection list. */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * Text for a spreadsheet cell that Excel, LibreOffice or WPS will never run as a formula: a school named
 * `=HYPERLINK(…)` is shown as written, prefixed with a single quote (OWASP's rule). Numbers never pass through here,
 * so negative figures stay numbers.
 */
export function spreadsheetText(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}
