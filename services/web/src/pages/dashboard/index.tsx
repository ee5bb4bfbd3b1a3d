import { CAMPAIGN_KIND_LABELS } from '@qingmiao/schema/labels';
import { Alert, App, Badge, Button, Select, Typography } from 'antd';
import { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import { useSearchParams } from 'react-router';
import { useQuery } from 'urql';
import { useSession } from '../../session/context.tsx';
import { ChartCard } from './chart-card.tsx';
import { downloadReport } from './download.ts';
import {
  campaignsChart,
  count,
  kindsChart,
  type Layout,
  lectureProgressChart,
  measureOf,
  monthsChart,
  percent,
  schoolsChart,
  townsChart,
} from './figures.ts';
import { type LiveState, useParticipationChanges } from './live.ts';
import { DASHBOARD_QUERY, type DashboardData, YEARS_QUERY } from './queries.ts';
import { Winners } from './winners.tsx';
import { defaultYear } from './years.ts';
import './dashboard.css';

const NARROW = '(max-width: 575px)';

/** Whether the screen is phone-wide, followed as it turns. */
function useNarrow(): boolean {
  return useSyncExternalStore(
    (onChange) => {
      const query = window.matchMedia?.(NARROW);
      query?.addEventListener('change', onChange);
      return () => query?.removeEventListener('change', onChange);
    },
    () => window.matchMedia?.(NARROW).matches ?? false,
  );
}

const LIVE: Record<LiveState, { text: string; status: 'processing' | 'success' | 'error' }> = {
  connecting: { text: '连接中…', status: 'processing' },
  live: { text: '实时', status: 'success' },
  offline: { text: '已断开,正在重连', status: 'error' },
};

const KPIS = [
  { field: 'schools', label: '参与学校', text: count },
  { field: 'entries', label: '作品数', text: count },
  { field: 'students', label: '参与学生', text: count },
  { field: 'participationRate', label: '总体参与率', text: percent },
  { field: 'lecturesDelivered', label: '讲座场次', text: count },
  { field: 'audience', label: '受众人数', text: count },
] as const;

function Charts({ data, year, campaignId }: { data: DashboardData; year: number; campaignId: string | null }) {
  const narrow = useNarrow();
  const views = useMemo(() => {
    const layout: Layout = { narrow };
    const inView = campaignId ? data.campaigns.filter((campaign) => campaign.id === campaignId) : data.campaigns;
    const measure = measureOf(inView);
    return [
      ['schools', schoolsChart(data.schools, measure, layout)],
      ['towns', townsChart(data.towns, measure, layout)],
      ['school-kinds', kindsChart(data.kinds, measure, layout)],
      ['campaigns', campaignsChart(data.byCampaign, data.campaigns, layout)],
      ['months', monthsChart(data.months, year, layout)],
      ['lecture-progress', lectureProgressChart(inView, layout)],
    ] as const;
  }, [data, year, campaignId, narrow]);
  return (
    <div className="dashboard-grid">
      {views.map(([name, view]) => (
        <ChartCard key={name} name={name} view={view} />
      ))}
    </div>
  );
}

/**
 * The leaders' dashboard (viewers and organizers): the year's participation at a glance, by school, town, kind of
 * school, campaign and month, lecture targets, and the published winners; filtered by year and campaign (kept in
 * the address, so a link keeps them), followed live, and downloadable as the Excel workbook.
 */
export default function Dashboard() {
  const session = useSession();
  const { message } = App.useApp();
  const [search, setSearch] = useSearchParams();
  const [{ data: yearsData }] = useQuery({ query: YEARS_QUERY });
  const requested = Number(search.get('year'));
  const year =
    Number.isInteger(requested) && requested >= 2000
      ? requested
      : yearsData
        ? defaultYear(yearsData.campaigns.map((campaign) => campaign.year))
        : undefined;
  const campaignId = search.get('campaign') || null;

  const [result, reexecute] = useQuery({
    query: DASHBOARD_QUERY,
    variables: { year: year ?? 0, campaignId },
    pause: year === undefined,
  });
  // The figures on screen stay until the next ones arrive, and say which filters they are for.
  const shown = useRef<{ data: DashboardData; year: number; campaignId: string | null } | undefined>(undefined);
  const variables = result.operation?.variables;
  if (result.data && variables) {
    shown.current = { data: result.data, year: variables.year, campaignId: variables.campaignId ?? null };
  }
  const current = shown.current;

  const [refresh, setRefresh] = useState(0);
  const [updated, setUpdated] = useState<Date | undefined>(undefined);
  useEffect(() => {
    if (result.data) setUpdated(new Date());
  }, [result.data]);

  const onChange = useCallback(() => {
    reexecute({ requestPolicy: 'network-only' });
    setRefresh((n) => n + 1);
  }, [reexecute]);
  const live = useParticipationChanges(campaignId, session.fetch, onChange);

  const setFilters = (next: { year: number; campaign: string | null }) => {
    const params = new URLSearchParams({ year: String(next.year) });
    if (next.campaign) params.set('campaign', next.campaign);
    setSearch(params, { replace: true });
  };

  const years = useMemo(() => {
    const all = new Set(yearsData?.campaigns.map((campaign) => campaign.year));
    if (year !== undefined) all.add(year);
    return [...all].sort((a, b) => b - a);
  }, [yearsData, year]);

  const [downloading, setDownloading] = useState(false);
  const download = async () => {
    if (year === undefined) return;
    setDownloading(true);
    try {
      await downloadReport(session.fetch, year, campaignId);
    } catch (error) {
      void message.error(error instanceof Error ? error.message : String(error));
    } finally {
      setDownloading(false);
    }
  };

  const state = current && !result.fetching ? 'ready' : 'loading';
  return (
    <div className="dashboard" data-state={state} data-year={current?.year} data-campaign={current?.campaignId ?? ''}>
      <div className="dashboard-header">
        <Typography.Title level={1} className="dashboard-title">
          关工委活动统计
        </Typography.Title>
        <div className="dashboard-tools">
          <Select
            aria-label="年度"
            data-filter="year"
            className="dashboard-year"
            value={year}
            options={years.map((y) => ({ value: y, label: `${y}年` }))}
            onChange={(value: number) => setFilters({ year: value, campaign: null })}
          />
          <Select
            aria-label="活动"
            data-filter="campaign"
            className="dashboard-campaign"
            value={campaignId ?? ''}
            popupMatchSelectWidth={false}
            options={[
              { value: '', label: '全部活动' },
              ...(current && current.year === year ? current.data.campaigns : []).map((campaign) => ({
                value: campaign.id,
                label: `${campaign.title}(${CAMPAIGN_KIND_LABELS[campaign.kind]})`,
              })),
            ]}
            onChange={(value: string) => year !== undefined && setFilters({ year, campaign: value || null })}
          />
          <Button onClick={download} loading={downloading} disabled={year === undefined}>
            下载 Excel 报表
          </Button>
          <span role="status" aria-live="polite" className="dashboard-live" data-live={live}>
            <Badge status={LIVE[live].status} text={LIVE[live].text} />
          </span>
        </div>
      </div>

      {result.error && <Alert type="error" showIcon title={`数据加载失败:${result.error.message}`} />}

      {current && (
        <>
          <dl className="dashboard-kpis" aria-label="总体概况">
            {KPIS.map((kpi) => {
              const value = current.data.totals[kpi.field];
              return (
                <div key={kpi.field}>
                  <dt>{kpi.label}</dt>
                  <dd data-kpi={kpi.field} data-value={value ?? undefined}>
                    {kpi.text(value)}
                  </dd>
                </div>
              );
            })}
          </dl>
          <Charts data={current.data} year={current.year} campaignId={current.campaignId} />
          <Winners year={current.year} campaigns={current.data.campaigns} refresh={refresh} />
          {updated && (
            <p className="dashboard-updated">
              数据更新于{' '}
              <time dateTime={updated.toISOString()}>{updated.toLocaleString('zh-CN', { hour12: false })}</time>
            </p>
          )}
        </>
      )}
    </div>
  );
}
