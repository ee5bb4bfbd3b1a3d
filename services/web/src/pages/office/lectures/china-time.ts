/**
 * Times as the bureau reads them: China Standard Time (UTC+8 all year, no daylight saving), whatever the browser's
 * own zone. The server takes and returns ISO 8601; the page shows and reads wall-clock time in China.
 */

const OFFSET_MS = 8 * 3_600_000;

const shifted = (iso: string) => new Date(Date.parse(iso) + OFFSET_MS).toISOString();

/** The day in China (`2026-05-04`), the calendar's key. */
export const chinaDay = (iso: string): string => shifted(iso).slice(0, 10);

/** What a `datetime-local` field shows for the moment (`2026-05-04T09:00`). */
export const chinaLocalInput = (iso: string): string => shifted(iso).slice(0, 16);

/** A `datetime-local` value read as China time, sent as ISO with its offset; blank stays blank for zod to name. */
export const isoFromChinaInput = (value: string): string => (value ? `${value}:00+08:00` : '');

/** 2026-05-04 09:00, for tables and the calendar. */
export const chinaDateTime = (iso: string): string => shifted(iso).slice(0, 16).replace('T', ' ');

/** 09:00 */
export const chinaClock = (iso: string): string => shifted(iso).slice(11, 16);
