import { App, Button } from 'antd';
import { useState } from 'react';
import { saveReport } from '../../dashboard/download.ts';

/** Saves the winners list workbook of a year (and campaign) with the session's token. */
export const downloadWinners = (fetchFn: typeof fetch, year: number, campaignId: string | null) => {
  const search = new URLSearchParams({ year: String(year) });
  if (campaignId) search.set('campaignId', campaignId);
  return saveReport(
    fetchFn,
    `/reports/winners.xlsx?${search}`,
    `获奖名单-${year}${campaignId ? `-${campaignId}` : ''}.xlsx`,
  );
};

/** A download button that is busy while it fetches and says what went wrong. */
export function DownloadButton({ label, save }: { readonly label: string; readonly save: () => Promise<void> }) {
  const { message } = App.useApp();
  const [busy, setBusy] = useState(false);
  return (
    <Button
      disabled={busy}
      onClick={async () => {
        setBusy(true);
        try {
          await save();
        } catch (error) {
          void message.error(error instanceof Error ? error.message : String(error));
        } finally {
          setBusy(false);
        }
      }}
    >
      {busy ? '下载中…' : label}
    </Button>
  );
}
