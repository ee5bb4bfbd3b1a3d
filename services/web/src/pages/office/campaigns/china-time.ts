/** Times as the bureau reads and types them: China Standard Time (UTC+8, no daylight saving). */

const OFFSET_MS = 8 * 3_600_000;

/** `2022-03-01T08:30` typed in China time → `2022-03-01T08:30:00+08:00`; blank or malformed text is passed on for zod to refuse. */
export function chinaInputToIso(local: string): string {
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(local) ? `${local}:00+08:00` : local;
}

/** An ISO instant as a `datetime-local` value in China time. */
export function isoToChinaInput(iso: string): string {
  return new Date(Date.parse(iso) + OFFSET_MS).toISOString().slice(0, 16);
}

const DATE_TIME = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/** An instant in China time, for tables: 2022/03/01 08:30. */
export const chinaTime = (iso: string) => DATE_TIME.format(new Date(iso));

/** The year it is in China now. */
export const chinaYear = (now: number) => new Date(now + OFFSET_MS).getUTCFullYear();
