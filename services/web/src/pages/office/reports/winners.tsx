import { CAMPAIGN_KIND_LABELS, PRIZE_LABELS } from '@qingmiao/schema/labels';
import { Button, Select, Tag, Typography } from 'antd';
import { useQuery } from 'urql';
import { useSession } from '../../../session/context.tsx';
import { Loading, Problem } from '../../../shell/problems.tsx';
import { DownloadButton, downloadWinners } from './downloads.tsx';
import { type CampaignItem, WINNERS_QUERY, type Winner } from './queries.ts';
import { printPage, useReportYear, YearSelect } from './year.tsx';

export const campaignName = (campaign: Pick<CampaignItem, 'title' | 'kind'>) =>
  `${campaign.title}(${CAMPAIGN_KIND_LABELS[campaign.kind]})`;

/** The campaigns a winners list is about: those that take entries and were not cancelled, in the year's order. */
export const awardingCampaigns = (campaigns: readonly CampaignItem[]) =>
  campaigns.filter((campaign) => campaign.takes === 'ENTRIES' && campaign.status !== 'CANCELLED');

function CampaignWinners({ campaign, rows }: { readonly campaign: CampaignItem; readonly rows: readonly Winner[] }) {
  const published = campaign.status === 'RESULTS_PUBLISHED';
  return (
    <section className="report-section" aria-labelledby={`winners-${campaign.id}`}>
      <h2 id={`winners-${campaign.id}`} className="report-section-title">
        {campaignName(campaign)}
        {!published && <Tag className="report-tag">结果未公布</Tag>}
      </h2>
      <div className="report-table-frame">
        <table className="report-table" data-winners={campaign.id}>
          <caption className="visually-hidden">{campaignName(campaign)} 获奖名单</caption>
          <thead>
            <tr>
              <th scope="col">奖项</th>
              <th scope="col">作品标题</th>
              <th scope="col">学校</th>
              <th scope="col">指导老师</th>
              <th scope="col">参赛人员</th>
            </tr>
          </thead>
          <tbody>
            {rows.length === 0 ? (
              <tr>
                <td colSpan={5}>尚未授奖</td>
              </tr>
            ) : (
              rows.map((row) => (
                <tr key={row.entryId} data-key={row.entryId}>
                  <td data-field="prize">{PRIZE_LABELS[row.prize]}</td>
                  <th scope="row" data-field="title">
                    {row.title}
                  </th>
                  <td data-field="school">{row.schoolName}</td>
                  <td data-field="advisor">{row.advisor ?? ''}</td>
                  <td data-field="participants">{row.participants?.map((person) => person.name).join('、')}</td>
                </tr>
              ))
            )}
          </tbody>
        </table>
      </div>
    </section>
  );
}

/**
 * 获奖名单: the awarded entries of each campaign of the year (or one), as the office prints and hands them out;
 * campaigns whose results are not yet published are marked so. The same rows as the Excel download.
 */
export default function WinnersList() {
  const session = useSession();
  const report = useReportYear();
  const { year, search, setSearch } = report;
  const campaignId = search.get('campaign') || null;
  const [{ data, error, fetching }, reexecute] = useQuery({
    query: WINNERS_QUERY,
    variables: { year: year ?? 0, campaignId },
    pause: year === undefined,
  });
  const campaigns = data ? awardingCampaigns(data.campaigns) : [];
  const shown = campaignId ? campaigns.filter((campaign) => campaign.id === campaignId) : campaigns;
  const setCampaign = (value: string) => {
    const params = new URLSearchParams({ year: String(year) });
    if (value) params.set('campaign', value);
    setSearch(params, { replace: true });
  };
  return (
    <div className="office-report" data-state={data && !fetching ? 'ready' : 'loading'}>
      <div className="report-header">
        <Typography.Title level={1} className="report-title">
          {year === undefined ? '' : `${year}年`}获奖名单
        </Typography.Title>
        <div className="report-tools">
          <YearSelect report={report} />
          <Select
            aria-label="活动"
            className="report-campaign"
            value={campaignId ?? ''}
            popupMatchSelectWidth={false}
            options={[
              { value: '', label: '全部活动' },
              ...campaigns.map((campaign) => ({ value: campaign.id, label: campaignName(campaign) })),
            ]}
            onChange={setCampaign}
          />
          {year !== undefined && (
            <DownloadButton label="下载 Excel" save={() => downloadWinners(session.fetch, year, campaignId)} />
          )}
          <Button onClick={printPage}>打印</Button>
        </div>
      </div>
      {error && <Problem error={error} onRetry={() => reexecute({ requestPolicy: 'network-only' })} />}
      {!data && !error && <Loading />}
      {data && shown.length === 0 && <p className="report-none">本年度没有评奖的活动</p>}
      {data &&
        shown.map((campaign) => (
          <CampaignWinners
            key={campaign.id}
            campaign={campaign}
            rows={data.winners.filter((row) => row.campaignId === campaign.id)}
          />
        ))}
    </div>
  );
}
