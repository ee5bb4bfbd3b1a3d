/**
 * Fetches the participation workbook with the session's token and saves it: a bare link would carry no token and
 * get 401.
 */
export async function downloadReport(fetchFn: typeof fetch, year: number, campaignId: string | null): Promise<void> {
  const search = new URLSearchParams({ year: String(year) });
  if (campaignId) search.set('campaignId', campaignId);
  const response = await fetchFn(`/reports/participation.xlsx?${search}`);
  if (!response.ok) throw new Error(`报表下载失败(HTTP ${response.status})`);
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = `关工委活动参与情况-${year}.xlsx`;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
