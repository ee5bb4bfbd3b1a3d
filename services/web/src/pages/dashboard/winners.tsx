import type { Prize } from '@qingmiao/schema';
import { CAMPAIGN_KIND_LABELS, PRIZE_LABELS } from '@qingmiao/schema/labels';
import { Alert, Card, Typography } from 'antd';
import { useEffect } from 'react';
import { useQuery } from 'urql';
import { count } from './figures.ts';
import { type CampaignInfo, WINNERS_QUERY, type WinnerRow } from './queries.ts';

/** Prizes from the highest down, the order of the winners list's columns. */
const PRIZES: readonly Prize[] = ['FIRST', 'SECOND', 'THIRD', 'EXCELLENCE'];

const prizeCount = (row: WinnerRow, prize: Prize) =>
  row.awardsByPrize.find((entry) => entry.prize === prize)?.count ?? 0;

/** Schools awarded, most first prizes first, then second, …, then by name. */
function winnersOrder(rows: readonly WinnerRow[]): WinnerRow[] {
  return rows
    .filter((row) => row.awards > 0)
    .sort((a, b) => {
      for (const prize of PRIZES) {
        const difference = prizeCount(b, prize) - prizeCount(a, prize);
        if (difference !== 0) return difference;
      }
      return a.label.localeCompare(b.label, 'zh-CN');
    });
}

interface WinnersProps {
  readonly year: number;
  /** Counts the page's change notices: each reads the awards again. */
  readonly refresh: number;
}

function CampaignWinners({ year, campaign, refresh }: WinnersProps & { readonly campaign: CampaignInfo }) {
  const [{ data, error }, reexecute] = useQuery({
    query: WINNERS_QUERY,
    variables: { year, campaignId: campaign.id },
  });
  useEffect(() => {
    if (refresh > 0) reexecute({ requestPolicy: 'network-only' });
  }, [refresh, reexecute]);
  const title = `${campaign.title}(${CAMPAIGN_KIND_LABELS[campaign.kind]})`;
  if (error) return <Alert type="error" title={`${title}:获奖名单加载失败`} />;
  if (!data) return null;
  const rows = winnersOrder(data.participation);
  return (
    <table data-winners={campaign.id}>
      <caption>{title} 获奖学校</caption>
      <thead>
        <tr>
          <th scope="col">学校</th>
          {PRIZES.map((prize) => (
            <th key={prize} scope="col" data-field={prize}>
              {PRIZE_LABELS[prize]}
            </th>
          ))}
          <th scope="col" data-field="awards">
            合计
          </th>
        </tr>
      </thead>
      <tbody>
        {rows.length === 0 ? (
          <tr>
            <td colSpan={PRIZES.length + 2}>本活动未评出奖项</td>
          </tr>
        ) : (
          rows.map((row) => (
            <tr key={row.key} data-key={row.key}>
              <th scope="row" data-field="label">
                {row.label}
              </th>
              {PRIZES.map((prize) => (
                <td key={prize} data-field={prize}>
                  {count(prizeCount(row, prize))}
                </td>
              ))}
              <td data-field="awards">{count(row.awards)}</td>
            </tr>
          ))
        )}
      </tbody>
    </table>
  );
}

/** 获奖名单: the awarded schools of every campaign of the year whose results are published. */
export function Winners({ year, campaigns, refresh }: WinnersProps & { readonly campaigns: readonly CampaignInfo[] }) {
  const published = campaigns.filter((campaign) => campaign.status === 'RESULTS_PUBLISHED');
  return (
    <Card className="dashboard-card dashboard-winners">
      <section aria-labelledby="dashboard-winners-title">
        <Typography.Title level={2} id="dashboard-winners-title" className="dashboard-card-title">
          获奖名单
        </Typography.Title>
        {published.length === 0 ? (
          <p className="dashboard-none">本年度尚无公布结果的活动</p>
        ) : (
          <div className="dashboard-winners-list">
            {published.map((campaign) => (
              <CampaignWinners key={campaign.id} year={year} campaign={campaign} refresh={refresh} />
            ))}
          </div>
        )}
      </section>
    </Card>
  );
}
