import type { Prize } from '@qingmiao/schema';
import { PRIZE_LABELS } from '@qingmiao/schema/labels';
import { Button, Typography } from 'antd';
import { useMemo } from 'react';
import { useQuery } from 'urql';
import { Loading, Problem } from '../../../shell/problems.tsx';
import { ChartCard } from '../../dashboard/chart-card.tsx';
import {
  type ChartView,
  campaignsChart,
  count,
  kindsChart,
  type Layout,
  lectureProgressChart,
  measureOf,
  monthsChart,
  percent,
  townsChart,
} from '../../dashboard/figures.ts';
import { DASHBOARD_QUERY } from '../../dashboard/queries.ts';
import '../../dashboard/dashboard.css';
import { INACTIVE_SCHOOLS_QUERY, WINNERS_QUERY, type Winner } from './queries.ts';
import { awardingCampaigns, campaignName } from './winners.tsx';
import { printPage, useReportYear, YearSelect } from './year.tsx';

/** Charts on the sheet are laid out as on a phone: two side by side on A4 are each about a phone's width. */
const SHEET: Layout = { narrow: true };
/** Tallest chart on the sheet, in pixels, so that the page stays one A4 page. */
const CHART_HEIGHT = 190;

const fitted = (view: ChartView): ChartView => ({ ...view, height: Math.min(view.height, CHART_HEIGHT) });

const PRIZES: readonly Prize[] = ['FIRST', 'SECOND', 'THIRD', 'EXCELLENCE'];

/** The awards of one campaign by prize: how many, and which works of which schools. */
function prizeLines(rows: readonly Winner[]) {
  return PRIZES.map((prize) => ({ prize, won: rows.filter((row) => row.prize === prize) })).filter(
    ({ won }) => won.length > 0,
  );
}

/**
 * 年度总结: one A4 page for the bureau's leaders — the year's totals, the dashboard's charts, the winners of each
 * campaign and the lectures delivered against their targets. 打印 / 保存为 PDF opens the browser's print dialog;
 * the print stylesheet leaves only the sheet.
 */
export default function YearSummary() {
  const report = useReportYear();
  const { year } = report;
  const variables = { year: year ?? 0 };
  const pause = year === undefined;
  const [figures, refetchFigures] = useQuery({
    query: DASHBOARD_QUERY,
    variables: { ...variables, campaignId: null },
    pause,
  });
  const [winners, refetchWinners] = useQuery({
    query: WINNERS_QUERY,
    variables: { ...variables, campaignId: null },
    pause,
  });
  const [schools, refetchSchools] = useQuery({ query: INACTIVE_SCHOOLS_QUERY, variables, pause });
  const error = figures.error ?? winners.error ?? schools.error;
  const data =
    figures.data && winners.data && schools.data
      ? { figures: figures.data, winners: winners.data, schools: schools.data }
      : undefined;

  const charts = useMemo(() => {
    if (!data) return [];
    const { campaigns, towns, kinds, byCampaign, months } = data.figures;
    const measure = measureOf(campaigns);
    return [
      ['towns', townsChart(towns, measure, SHEET)],
      ['school-kinds', kindsChart(kinds, measure, SHEET)],
      ['campaigns', campaignsChart(byCampaign, campaigns, SHEET)],
      ['months', monthsChart(months, year ?? 0, SHEET)],
    ] as const;
  }, [data, year]);
  const lectures = useMemo(() => (data ? lectureProgressChart(data.figures.campaigns, SHEET) : undefined), [data]);

  const retry = () => {
    refetchFigures({ requestPolicy: 'network-only' });
    refetchWinners({ requestPolicy: 'network-only' });
    refetchSchools({ requestPolicy: 'network-only' });
  };

  const madeAt = new Date();
  const ready = data && !figures.fetching && !winners.fetching && !schools.fetching;
  return (
    <div className="office-report year-summary-page" data-state={ready ? 'ready' : 'loading'}>
      <div className="report-header report-screen-only">
        <div className="report-tools">
          <YearSelect report={report} />
          <Button type="primary" onClick={printPage}>
            打印 / 保存为 PDF
          </Button>
        </div>
      </div>
      {error && <Problem error={error} onRetry={retry} />}
      {!data && !error && <Loading />}
      {data && year !== undefined && (
        <article className="year-summary" aria-labelledby="year-summary-title">
          <header className="year-summary-head">
            <Typography.Title level={1} id="year-summary-title" className="report-title">
              {year}年关工委活动年度总结
            </Typography.Title>
            <p className="report-note">
              制表日期 <time dateTime={madeAt.toISOString()}>{madeAt.toLocaleDateString('zh-CN')}</time>
            </p>
          </header>
          <dl className="dashboard-kpis year-summary-kpis" aria-label="年度总数">
            {[
              { field: 'schools', label: '参与学校', text: count(data.figures.totals.schools) },
              {
                field: 'inactive',
                label: '未参与学校',
                text: count(data.schools.participation.filter((row) => row.schools === 0).length),
              },
              { field: 'entries', label: '作品数', text: count(data.figures.totals.entries) },
              { field: 'students', label: '参与学生', text: count(data.figures.totals.students) },
              { field: 'participationRate', label: '总体参与率', text: percent(data.figures.totals.participationRate) },
              { field: 'awards', label: '获奖作品', text: count(data.winners.winners.length) },
              { field: 'lecturesDelivered', label: '讲座场次', text: count(data.figures.totals.lecturesDelivered) },
              { field: 'audience', label: '受众人数', text: count(data.figures.totals.audience) },
            ].map((kpi) => (
              <div key={kpi.field}>
                <dt>{kpi.label}</dt>
                <dd data-kpi={kpi.field}>{kpi.text}</dd>
              </div>
            ))}
          </dl>
          <div className="year-summary-charts">
            {charts.map(([name, view]) => (
              <ChartCard key={name} name={name} view={fitted(view)} />
            ))}
          </div>
          <div className="year-summary-charts">
            {lectures && <ChartCard name="lecture-progress" view={fitted(lectures)} />}
            <section className="report-section year-summary-winners" aria-labelledby="year-summary-winners">
              <h2 id="year-summary-winners" className="report-section-title">
                各活动获奖
              </h2>
              <table className="report-table" data-summary-winners="">
                <caption className="visually-hidden">各活动获奖作品</caption>
                <thead>
                  <tr>
                    <th scope="col">活动</th>
                    <th scope="col">奖项</th>
                    <th scope="col">获奖作品(学校)</th>
                  </tr>
                </thead>
                <tbody>
                  {awardingCampaigns(data.winners.campaigns).flatMap((campaign) => {
                    const lines = prizeLines(data.winners.winners.filter((row) => row.campaignId === campaign.id));
                    const name = `${campaignName(campaign)}${campaign.status === 'RESULTS_PUBLISHED' ? '' : '(未公布)'}`;
                    if (lines.length === 0) {
                      return [
                        <tr key={campaign.id} data-key={campaign.id}>
                          <th scope="row">{name}</th>
                          <td colSpan={2}>尚未授奖</td>
                        </tr>,
                      ];
                    }
                    return lines.map(({ prize, won }, i) => (
                      <tr key={`${campaign.id}:${prize}`} data-key={`${campaign.id}:${prize}`}>
                        {i === 0 && (
                          <th scope="row" rowSpan={lines.length}>
                            {name}
                          </th>
                        )}
                        <td data-field="prize">
                          {PRIZE_LABELS[prize]} {won.length}
                        </td>
                        <td data-field="works">{won.map((row) => `《${row.title}》(${row.schoolName})`).join(';')}</td>
                      </tr>
                    ));
                  })}
                </tbody>
              </table>
            </section>
          </div>
        </article>
      )}
    </div>
  );
}
