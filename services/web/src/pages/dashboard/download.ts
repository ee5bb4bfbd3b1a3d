/**
 * Fetches a report with the session's token and saves it under `filename`: a bare link would carry no token and
 * get 401.
 */
export async function saveReport(fetchFn: typeof fetch, path: string, filename: string): Promise<void> {
  const response = await fetchFn(path);
  if (!response.ok) throw new Error(`报表下载失败(HTTP ${response.status})`);
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** The participation workbook of a year (and campaign). */
export function downloadReport(fetchFn: typeof fetch, year: number, campaignId: string | null): Promise<void> {
  const search = new URLSearchParams({ year: String(year) });
  if (campaignId) search.set('campaignId', campaignId);
  return saveReport(fetchFn, `/reports/participation.xlsx?${search}`, `关工委活动参与情况-${year}.xlsx`);
}
