import { CAMPAIGN_KIND_LABELS } from '@qingmiao/schema/labels';
import type { ChartOption } from './echarts.ts';
import { formatPercent, percentScale } from './percent-scale.ts';
import type { CampaignInfo, ParticipationRow } from './queries.ts';

/**
 * What each chart shows, as a table and as an ECharts option built from the same figures: the table is the chart's
 * text alternative (and what the browser tests read). Pure: the page only renders what these return.
 */

const integer = new Intl.NumberFormat('zh-CN');
export const count = (value: number | null) => (value === null ? '—' : integer.format(value));
/** Figures in tables and labels: one decimal, as in the Excel report. */
export const percent = (share: number | null) => (share === null ? '—' : formatPercent(share, 1));

/**
 * How schools, towns and kinds are compared: by participation rate when the campaigns in view take entries, by
 * lectures delivered and audience when they all take lectures (their entries, and so their rates, are always 0).
 */
export type Measure = 'participation' | 'lectures';

export function measureOf(campaigns: readonly Pick<CampaignInfo, 'takes'>[]): Measure {
  return campaigns.length > 0 && campaigns.every((campaign) => campaign.takes === 'LECTURES')
    ? 'lectures'
    : 'participation';
}

interface Cell {
  readonly field: string;
  readonly value: number | string | null;
  readonly text: string;
}

export interface Figures {
  readonly caption: string;
  readonly columns: ReadonlyArray<{ readonly field: string; readonly header: string }>;
  readonly rows: ReadonlyArray<{ readonly key: string; readonly cells: readonly Cell[] }>;
}

export interface ChartView {
  readonly title: string;
  readonly figures: Figures;
  readonly option: ChartOption;
  /** Said under the title: what is left out, how to read it. */
  readonly note: string;
  /** Pixels; bars per row grow with the rows. */
  readonly height: number;
  readonly empty: string;
}

/** Laid out for a phone (a chart about 350 px wide) or a wider screen. */
export interface Layout {
  readonly narrow: boolean;
}

const FONT =
  "'PingFang SC', 'Hiragino Sans GB', 'Microsoft YaHei', 'Noto Sans CJK SC', 'Source Han Sans SC', 'WenQuanYi Micro Hei', sans-serif";
const COLORS = {
  rate: '#2f7d4f',
  students: '#3b7dd8',
  entries: '#b86e00',
  lectures: '#8e5bd0',
  audience: '#1f8a9e',
  target: '#c0392b',
};

/** Rows of a horizontal bar chart visible at once; more scroll inside the chart. */
const ROWS_VISIBLE = 15;
const ROW_HEIGHT = 30;

/** Axis labels stay inside the chart instead of being cut off at its edge. */
const CONTAIN = { outerBoundsMode: 'same', outerBoundsContain: 'all' } as const;

const BASE: ChartOption = {
  textStyle: { fontFamily: FONT },
  animationDuration: 300,
  animationDurationUpdate: 300,
};

const asNumber = (value: unknown): number | null =>
  typeof value === 'number' && Number.isFinite(value) ? value : null;

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** `2022-03` → `3月` within the selected year, `2023年1月` outside it. */
function monthLabel(key: string, year: number): string {
  const match = /^(\d{4})-(\d{2})$/.exec(key);
  if (!match) return key;
  const month = `${Number(match[2])}月`;
  return Number(match[1]) === year ? month : `${match[1]}年${month}`;
}

/** A value axis of shares with ticks that never repeat. */
function percentAxis(values: ReadonlyArray<number | null>, layout: Layout) {
  const scale = percentScale(Math.max(0, ...values.map((value) => value ?? 0)), layout.narrow ? 3 : 5);
  return {
    type: 'value' as const,
    min: 0,
    max: scale.max,
    interval: scale.interval,
    axisLabel: { formatter: (value: number) => formatPercent(value, scale.decimals), hideOverlap: true },
  };
}

/** Category labels of a horizontal bar chart: as wide as the layout allows, the rest in the tooltip and table. */
const categoryLabels = (layout: Layout) => ({
  width: layout.narrow ? 84 : 160,
  overflow: 'truncate' as const,
});

/** The tooltip of the row under the pointer, from the rows the chart was built from. */
function rowTooltip<T>(rows: readonly T[], text: (row: T) => string) {
  return {
    trigger: 'axis' as const,
    axisPointer: { type: 'shadow' as const },
    confine: true,
    formatter: (params: unknown) => {
      const first = (Array.isArray(params) ? params[0] : params) as { dataIndex?: number } | undefined;
      const row = first?.dataIndex === undefined ? undefined : rows[first.dataIndex];
      return row === undefined ? '' : text(row);
    },
  };
}

/** Scrolls a long list of bars inside the chart, so the page does not grow without bound. */
function scroller(rows: number) {
  if (rows <= ROWS_VISIBLE) return [];
  return [
    {
      type: 'slider' as const,
      yAxisIndex: 0,
      startValue: 0,
      endValue: ROWS_VISIBLE - 1,
      right: 4,
      width: 14,
      zoomLock: true,
      brushSelect: false,
      showDetail: false,
    },
    { type: 'inside' as const, yAxisIndex: 0, zoomOnMouseWheel: false, moveOnMouseWheel: true, moveOnMouseMove: true },
  ];
}

const barsHeight = (rows: number) => 56 + Math.min(Math.max(rows, 3), ROWS_VISIBLE) * ROW_HEIGHT;

const rowCells = (row: ParticipationRow, fields: readonly (keyof ParticipationRow)[], label = row.label): Cell[] =>
  fields.map((field) => {
    if (field === 'label') return { field, value: row.label, text: label };
    const value = row[field] as number | null;
    return { field, value, text: field === 'participationRate' ? percent(value) : count(value) };
  });

const HEADERS: Partial<Record<keyof ParticipationRow, string>> = {
  rank: '名次',
  schools: '参与学校',
  entries: '作品数',
  students: '参与学生',
  enrolled: '在校学生',
  participationRate: '参与率',
  lecturesDelivered: '讲座场次',
  audience: '受众人数',
};

function table(
  caption: string,
  labelHeader: string,
  rows: readonly ParticipationRow[],
  fields: readonly (keyof ParticipationRow)[],
  label?: (row: ParticipationRow) => string,
): Figures {
  return {
    caption,
    columns: [
      { field: 'label', header: labelHeader },
      ...fields.map((field) => ({ field, header: HEADERS[field] ?? field })),
    ],
    rows: rows.map((row) => ({ key: row.key, cells: rowCells(row, ['label', ...fields], label?.(row)) })),
  };
}

/**
 * Groups (schools, kinds) compared as horizontal bars, so that long names read across instead of colliding:
 * by participation rate, or by lectures delivered and audience.
 */
function groupBars(
  what: { readonly title: string; readonly noun: string; readonly empty: string },
  rows: readonly ParticipationRow[],
  measure: Measure,
  layout: Layout,
): ChartView {
  if (measure === 'lectures') {
    const held = [...rows]
      .filter((row) => row.lecturesDelivered > 0)
      .sort((a, b) => b.lecturesDelivered - a.lecturesDelivered || b.audience - a.audience);
    return {
      title: `${what.title}讲座场次与受众`,
      figures: table(`${what.title}讲座场次与受众人数,从多到少`, what.noun, held, ['lecturesDelivered', 'audience']),
      note: held.length ? `共 ${held.length} 个${what.noun}举办过讲座` : '',
      empty: '暂无已举办的讲座',
      height: barsHeight(held.length),
      option: {
        ...BASE,
        legend: { top: 0 },
        grid: { ...CONTAIN, left: 8, right: held.length > ROWS_VISIBLE ? 28 : 16, top: 32, bottom: 8 },
        tooltip: rowTooltip(
          held,
          (row) =>
            `${escapeHtml(row.label)}<br/>讲座 ${count(row.lecturesDelivered)} 场<br/>受众 ${count(row.audience)} 人`,
        ),
        xAxis: [
          { type: 'value', name: '场次', minInterval: 1, position: 'top', axisLabel: { hideOverlap: true } },
          {
            type: 'value',
            name: '人数',
            minInterval: 1,
            position: 'bottom',
            splitLine: { show: false },
            axisLabel: { hideOverlap: true },
          },
        ],
        yAxis: {
          type: 'category',
          inverse: true,
          data: held.map((row) => row.label),
          axisLabel: categoryLabels(layout),
        },
        dataZoom: scroller(held.length),
        series: [
          {
            type: 'bar',
            name: '讲座场次',
            xAxisIndex: 0,
            data: held.map((row) => row.lecturesDelivered),
            itemStyle: { color: COLORS.lectures },
            barMaxWidth: 14,
            label: { show: true, position: 'right' },
          },
          {
            type: 'bar',
            name: '受众人数',
            xAxisIndex: 1,
            data: held.map((row) => row.audience),
            itemStyle: { color: COLORS.audience },
            barMaxWidth: 14,
            label: { show: true, position: 'right' },
          },
        ],
      },
    };
  }
  const rated = rows.filter((row) => row.participationRate !== null);
  const unrated = rows.length - rated.length;
  const rates = rated.map((row) => row.participationRate);
  return {
    title: `${what.title}参与率`,
    figures: table(`${what.title}参与率(参与学生 / 在校学生),从高到低`, what.noun, rated, [
      ...(rated.some((row) => row.rank !== null) ? (['rank'] as const) : []),
      'participationRate',
      'students',
      'enrolled',
      'entries',
    ]),
    note: [
      rated.length > ROWS_VISIBLE ? `共 ${rated.length} 个${what.noun},在图中滚动查看更多` : '',
      unrated ? `另有 ${unrated} 个${what.noun}未录入在校学生数` : '',
    ]
      .filter(Boolean)
      .join(';'),
    empty: what.empty,
    height: barsHeight(rated.length),
    option: {
      ...BASE,
      grid: { ...CONTAIN, left: 8, right: rated.length > ROWS_VISIBLE ? 72 : 56, top: 8, bottom: 8 },
      tooltip: rowTooltip(
        rated,
        (row) =>
          `${escapeHtml(row.label)}<br/>参与率 <b>${percent(row.participationRate)}</b><br/>参与学生 ${count(
            row.students,
          )} / 在校学生 ${count(row.enrolled)}<br/>作品 ${count(row.entries)} 件`,
      ),
      xAxis: percentAxis(rates, layout),
      yAxis: {
        type: 'category',
        inverse: true,
        data: rated.map((row) => row.label),
        axisLabel: categoryLabels(layout),
      },
      dataZoom: scroller(rated.length),
      series: [
        {
          type: 'bar',
          name: '参与率',
          data: rates,
          itemStyle: { color: COLORS.rate, borderRadius: [0, 3, 3, 0] },
          barMaxWidth: 22,
          label: { show: true, position: 'right', formatter: (p) => percent(asNumber(p.value)) },
        },
      ],
    },
  };
}

/** Schools, highest rate (or most lectures) first. */
export const schoolsChart = (rows: readonly ParticipationRow[], measure: Measure, layout: Layout) =>
  groupBars({ title: '各校', noun: '学校', empty: '暂无录入在校学生数的学校' }, rows, measure, layout);

/** School kinds (小学, 初中, …). */
export const kindsChart = (rows: readonly ParticipationRow[], measure: Measure, layout: Layout) =>
  groupBars({ title: '各类学校', noun: '学校类型', empty: '暂无数据' }, rows, measure, layout);

/** Towns compared: counts as grouped bars, the rate (or the audience) on a second axis. */
export function townsChart(rows: readonly ParticipationRow[], measure: Measure, layout: Layout): ChartView {
  const lectures = measure === 'lectures';
  const bars = lectures
    ? ([{ field: 'lecturesDelivered', name: '讲座场次', color: COLORS.lectures }] as const)
    : ([
        { field: 'students', name: '参与学生', color: COLORS.students },
        { field: 'entries', name: '作品数', color: COLORS.entries },
      ] as const);
  const line = lectures
    ? { field: 'audience' as const, name: '受众人数', color: COLORS.audience }
    : { field: 'participationRate' as const, name: '参与率', color: COLORS.rate };
  const lineValues = rows.map((row) => row[line.field]);
  return {
    title: lectures ? '各镇区讲座场次与受众' : '各镇区对比',
    figures: table(
      lectures ? '各镇区讲座场次与受众人数' : '各镇区参与学生、作品数与参与率',
      '镇/区',
      rows,
      lectures
        ? ['schools', 'lecturesDelivered', 'audience']
        : ['schools', 'entries', 'students', 'enrolled', 'participationRate'],
    ),
    note: '',
    empty: '暂无数据',
    height: 340,
    option: {
      ...BASE,
      grid: { ...CONTAIN, left: 8, right: 8, top: 56, bottom: 8 },
      legend: { top: 0 },
      tooltip: rowTooltip(rows, (row) =>
        lectures
          ? `${escapeHtml(row.label)}<br/>讲座 ${count(row.lecturesDelivered)} 场 · 受众 ${count(row.audience)} 人`
          : `${escapeHtml(row.label)}<br/>参与学生 ${count(row.students)} / 在校学生 ${count(row.enrolled)}<br/>作品 ${count(
              row.entries,
            )} 件 · 参与学校 ${count(row.schools)} 所<br/>参与率 <b>${percent(row.participationRate)}</b>`,
      ),
      xAxis: {
        type: 'category',
        data: rows.map((row) => row.label),
        // Every town named; turned, and cut short with the full name in the tooltip, when they would collide.
        axisLabel: {
          interval: 0,
          rotate: layout.narrow || rows.length > 8 ? 40 : 0,
          width: layout.narrow ? 64 : 96,
          overflow: 'truncate',
        },
      },
      yAxis: [
        { type: 'value', name: lectures ? '场次' : '人数 / 件数', minInterval: 1, axisLabel: { hideOverlap: true } },
        lectures
          ? {
              type: 'value',
              name: '人数',
              minInterval: 1,
              splitLine: { show: false },
              axisLabel: { hideOverlap: true },
            }
          : { ...percentAxis(lineValues, layout), name: '参与率', splitLine: { show: false } },
      ],
      series: [
        ...bars.map((bar): ChartOption['series'] => ({
          type: 'bar',
          name: bar.name,
          data: rows.map((row) => row[bar.field]),
          itemStyle: { color: bar.color },
          barMaxWidth: 28,
          label: { show: !layout.narrow, position: 'top' },
        })),
        {
          type: 'line',
          name: line.name,
          yAxisIndex: 1,
          data: lineValues,
          itemStyle: { color: line.color },
          symbolSize: 8,
          z: 3,
          label: {
            show: true,
            position: 'top',
            distance: 8,
            backgroundColor: 'rgba(255, 255, 255, 0.85)',
            padding: [1, 3],
            color: line.color,
            formatter: (p) => (lectures ? count(asNumber(p.value)) : percent(asNumber(p.value))),
          },
        },
      ] as ChartOption['series'],
    },
  };
}

/**
 * Campaigns of the year side by side: entries for those that take entries, lectures for those that take lectures
 * (a lecture campaign has no entries, so no rate to compare).
 */
export function campaignsChart(
  rows: readonly ParticipationRow[],
  campaigns: readonly CampaignInfo[],
  layout: Layout,
): ChartView {
  const takes = new Map(campaigns.map((campaign) => [campaign.id, campaign]));
  const kindOf = (row: ParticipationRow) => {
    const campaign = takes.get(row.key);
    return campaign ? `${row.label}(${CAMPAIGN_KIND_LABELS[campaign.kind]})` : row.label;
  };
  const lecture = (row: ParticipationRow) => takes.get(row.key)?.takes === 'LECTURES';
  return {
    title: '各活动参与',
    figures: table(
      '各活动作品数、参与学生、讲座场次与受众人数',
      '活动',
      rows,
      ['schools', 'entries', 'students', 'lecturesDelivered', 'audience'],
      kindOf,
    ),
    note: '征文、展演、评比按作品数;讲座按已举办场次',
    empty: '暂无活动',
    height: barsHeight(rows.length),
    option: {
      ...BASE,
      legend: { top: 0 },
      grid: { ...CONTAIN, left: 8, right: 40, top: 32, bottom: 8 },
      tooltip: rowTooltip(rows, (row) =>
        lecture(row)
          ? `${escapeHtml(kindOf(row))}<br/>讲座 ${count(row.lecturesDelivered)} 场 · 受众 ${count(row.audience)} 人`
          : `${escapeHtml(kindOf(row))}<br/>作品 ${count(row.entries)} 件 · 参与学生 ${count(row.students)} 人<br/>参与学校 ${count(row.schools)} 所`,
      ),
      xAxis: { type: 'value', minInterval: 1, axisLabel: { hideOverlap: true } },
      yAxis: {
        type: 'category',
        inverse: true,
        data: rows.map((row) => row.label),
        axisLabel: categoryLabels(layout),
      },
      dataZoom: scroller(rows.length),
      series: [
        {
          type: 'bar',
          name: '作品数',
          stack: 'count',
          data: rows.map((row) => (lecture(row) ? null : row.entries)),
          itemStyle: { color: COLORS.entries },
          barMaxWidth: 22,
          label: { show: true, position: 'right' },
        },
        {
          type: 'bar',
          name: '讲座场次',
          stack: 'count',
          data: rows.map((row) => (lecture(row) ? row.lecturesDelivered : null)),
          itemStyle: { color: COLORS.lectures },
          barMaxWidth: 22,
          label: { show: true, position: 'right' },
        },
      ],
    },
  };
}

/** The monthly trend: entries submitted and lectures delivered per (China) month. */
export function monthsChart(rows: readonly ParticipationRow[], year: number, layout: Layout): ChartView {
  const label = (row: ParticipationRow) => monthLabel(row.key, year);
  const countLabel = (position: 'top' | 'bottom') => ({
    show: !layout.narrow,
    position,
    formatter: (p: { value?: unknown }) => (asNumber(p.value) ? String(p.value) : ''),
  });
  return {
    title: '月度趋势',
    figures: table('每月作品数与讲座场次', '月份', rows, ['entries', 'lecturesDelivered', 'audience'], label),
    note: '按提交/讲座月份(北京时间)统计',
    empty: '暂无数据',
    height: 320,
    option: {
      ...BASE,
      grid: { ...CONTAIN, left: 8, right: 16, top: 40, bottom: 8 },
      legend: { top: 0 },
      tooltip: {
        ...rowTooltip(
          rows,
          (row) =>
            `${escapeHtml(label(row))}<br/>作品 ${count(row.entries)} 件<br/>讲座 ${count(
              row.lecturesDelivered,
            )} 场 · 受众 ${count(row.audience)} 人`,
        ),
        axisPointer: { type: 'line' },
      },
      // ECharts' automatic interval skips month labels that would collide on a narrow screen.
      xAxis: { type: 'category', boundaryGap: false, data: rows.map(label), axisLabel: { hideOverlap: true } },
      yAxis: { type: 'value', minInterval: 1, axisLabel: { hideOverlap: true } },
      series: [
        {
          type: 'line',
          name: '作品数',
          data: rows.map((row) => row.entries),
          itemStyle: { color: COLORS.entries },
          symbolSize: 7,
          label: countLabel('top'),
        },
        {
          type: 'line',
          name: '讲座场次',
          data: rows.map((row) => row.lecturesDelivered),
          itemStyle: { color: COLORS.lectures },
          symbolSize: 7,
          label: countLabel('bottom'),
        },
      ],
    },
  };
}

/** Lecture campaigns toward their target sessions (sessionsDelivered / targetSessions). */
export function lectureProgressChart(campaigns: readonly CampaignInfo[], layout: Layout): ChartView {
  const lectures = campaigns.filter((campaign) => campaign.takes === 'LECTURES');
  const targeted = lectures.filter((campaign) => campaign.targetSessions);
  const progress = targeted.map((campaign) => campaign.progress);
  const axis = percentAxis([...progress, 1], layout);
  const untargeted = lectures.length - targeted.length;
  return {
    title: '讲座目标进度',
    figures: {
      caption: '讲座活动完成场次、目标场次与受众人数',
      columns: [
        { field: 'label', header: '活动' },
        { field: 'sessionsDelivered', header: '已完成场次' },
        { field: 'targetSessions', header: '目标场次' },
        { field: 'progress', header: '完成率' },
        { field: 'audience', header: '受众人数' },
      ],
      rows: targeted.map((campaign) => ({
        key: campaign.id,
        cells: [
          { field: 'label', value: campaign.title, text: campaign.title },
          { field: 'sessionsDelivered', value: campaign.sessionsDelivered, text: count(campaign.sessionsDelivered) },
          { field: 'targetSessions', value: campaign.targetSessions, text: count(campaign.targetSessions) },
          { field: 'progress', value: campaign.progress, text: percent(campaign.progress) },
          { field: 'audience', value: campaign.audience, text: count(campaign.audience) },
        ],
      })),
    },
    note: untargeted ? `另有 ${untargeted} 个讲座活动未设场次目标` : '',
    empty: '暂无设有场次目标的讲座活动',
    height: barsHeight(targeted.length),
    option: {
      ...BASE,
      grid: { ...CONTAIN, left: 8, right: layout.narrow ? 16 : 150, top: 24, bottom: 8 },
      tooltip: rowTooltip(
        targeted,
        (campaign) =>
          `${escapeHtml(campaign.title)}<br/>已完成 ${count(campaign.sessionsDelivered)} / 目标 ${count(
            campaign.targetSessions,
          )} 场<br/>完成率 <b>${percent(campaign.progress)}</b><br/>受众 ${count(campaign.audience)} 人`,
      ),
      xAxis: axis,
      yAxis: {
        type: 'category',
        inverse: true,
        data: targeted.map((campaign) => campaign.title),
        axisLabel: categoryLabels(layout),
      },
      series: [
        {
          type: 'bar',
          name: '完成率',
          data: progress,
          itemStyle: { color: COLORS.lectures, borderRadius: [0, 3, 3, 0] },
          barMaxWidth: 28,
          label: {
            show: true,
            position: layout.narrow ? 'insideLeft' : 'right',
            color: layout.narrow ? '#fff' : undefined,
            formatter: (p) => {
              const campaign = targeted[p.dataIndex];
              if (!campaign) return '';
              const sessions = `${count(campaign.sessionsDelivered)}/${count(campaign.targetSessions)} 场`;
              return layout.narrow ? sessions : `${sessions} · ${percent(campaign.progress)}`;
            },
          },
          markLine: {
            silent: true,
            symbol: 'none',
            lineStyle: { color: COLORS.target, type: 'dashed' },
            label: { formatter: '目标', position: 'start' },
            data: [{ xAxis: 1 }],
          },
        },
      ],
    },
  };
}
