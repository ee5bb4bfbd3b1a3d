/**
 * What a spreadsheet may read as the start of a formula: OWASP's CSV injection list (`= + - @`, tab, CR), with every
 * other control character too, since a spreadsheet may skip them before looking for the `=`.
 */
const FORMULA_START = /^[=+\-@\p{Cc}]/u;

/**
 * Text for a spreadsheet cell that Excel, LibreOffice or WPS show rather than run as a formula: a school named
 * `=HYPERLINK(…)` is shown as written, prefixed with a single quote (OWASP's rule). Numbers never pass through here,
 * so negative figures stay numbers.
 */
export function spreadsheetText(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}
