/** Longest kept name, in UTF-16 code units as `Attachment.name` (Text(200)) counts them. */
const MAX_NAME = 200;
/** What a file without a usable name is called. */
const UNNAMED = '文件';
/** Controls, format characters (bidi overrides, zero-width), lone surrogates, line and paragraph separators. */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]/gu;
/** An extension worth keeping when a long name is shortened: a dot and up to 10 letters or digits at the end. */
const EXTENSION = /\.[\p{L}\p{N}]{1,10}$/u;

/** The first code points of `text` that fit in `max` UTF-16 code units (never half a surrogate pair). */
function fitted(text: string, max: number): string {
  let kept = '';
  for (const character of text) {
    if (kept.length + character.length > max) break;
    kept += character;
  }
  return kept;
}

/**
 * The name an uploaded file is kept under, from whatever the client sent: NFC, its last path segment only (either
 * slash), nothing invisible, trimmed, at most 200 characters with the extension kept; `文件` when nothing is left.
 * A display name only: files are stored under their hash, so no name ever reaches the file system.
 */
export function sanitisedFileName(sent: string): string {
  const base = sent.normalize('NFC').split(/[/\\]/).at(-1) ?? '';
  const cleaned = base.replace(INVISIBLE, '').trim();
  if (cleaned === '' || cleaned === '.' || cleaned === '..') return UNNAMED;
  if (cleaned.length <= MAX_NAME) return cleaned;
  const extension = EXTENSION.exec(cleaned)?.[0] ?? '';
  return `${fitted(cleaned.slice(0, cleaned.length - extension.length), MAX_NAME - extension.length).trim()}${extension}`;
}
