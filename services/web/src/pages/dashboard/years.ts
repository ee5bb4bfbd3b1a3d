/** The current year in China: campaigns are dated in China time. */
function chinaYear(): number {
  return new Date(Date.now() + 8 * 3_600_000).getUTCFullYear();
}

/** The latest year with campaigns that has begun (next year's copied drafts wait), else the current year. */
export function defaultYear(years: readonly number[], current = chinaYear()): number {
  const sorted = [...new Set(years)].sort((a, b) => b - a);
  return sorted.find((year) => year <= current) ?? sorted.at(-1) ?? current;
}
