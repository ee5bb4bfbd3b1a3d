/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * The statistics dashboard (browser code, bundled by esbuild): participation per school, towns compared, the
 * monthly trend and lecture targets, for a year and optionally one campaign. A person signs in with login and
 * password (or single sign-on when the server offers it); figures come from GraphQL with the session's access token;
 * `participationChanged` (GraphQL over SSE) triggers a debounced refetch.
 *
 * Every chart's figures are also written into a visually hidden table (`table[data-chart=…]`) for screen readers
 * and for tests that cannot read canvas pixels.
 */

import {
  type AnyDocument,
  graphql,
  queryText,
  type ResultOf,
  readAnswer,
  requestBody,
  type SchemaChecked,
  type VariablesOf,
} from '@qingmiao/schema/graphql';
import { CAMPAIGN_KIND_LABELS } from '@qingmiao/schema/labels';
import { BarChart, type BarSeriesOption, LineChart, type LineSeriesOption } from 'echarts/charts';
import {
  DataZoomComponent,
  type DataZoomComponentOption,
  GridComponent,
  type GridComponentOption,
  LegendComponent,
  type LegendComponentOption,
  MarkLineComponent,
  type MarkLineComponentOption,
  TooltipComponent,
  type TooltipComponentOption,
} from 'echarts/components';
import { type ComposeOption, type ECharts, init, use } from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { type Client, createClient } from 'graphql-sse';

use([
  BarChart,
  LineChart,
  GridComponent,
  TooltipComponent,
  LegendComponent,
  DataZoomComponent,
  MarkLineComponent,
  CanvasRenderer,
]);

type ChartOption = ComposeOption<
  | BarSeriesOption
  | LineSeriesOption
  | GridComponentOption
  | TooltipComponentOption
  | LegendComponentOption
  | DataZoomComponentOption
  | MarkLineComponentOption
>;

/** An access token is renewed this long before it expires (or halfway through, when it lives shorter than twice that). */
const RENEW_AHEAD_MS = 60_000;
/** After a renewal that failed for want of the network, the next try. */
const RENEW_RETRY_MS = 15_000;
/** Schools visible at once in the rate chart; the rest scroll (dataZoom). */
const SCHOOLS_VISIBLE = 12;
const REFRESH_DEBOUNCE_MS = 300;
const RESUBSCRIBE_MS = 5_000;
const FONT =
  "'PingFang SC', 'Hiragino Sans GB', 'Microsoft YaHei', 'Noto Sans CJK SC', 'Source Han Sans SC', 'WenQuanYi Micro Hei', sans-serif";
const COLORS = { rate: '#2f7d4f', students: '#3b7dd8', entries: '#f0a030', lectures: '#8e5bd0', target: '#c0392b' };

// ---------------------------------------------------------------------------------------------------------------
// Data: every figure shown, totals and rates included, is the server's; the page only lays them out.

const FIGURES = graphql(`
  fragment Figures on ParticipationRow @_unmask {
    key label rank schools entries students enrolled participationRate lecturesDelivered audience
  }
`);

type ParticipationRow = ResultOf<typeof FIGURES>;

const YEARS_QUERY = graphql('query DashboardYears { campaigns { year } }');

const DASHBOARD_QUERY = graphql(
  `query Dashboard($year: Int!, $campaignId: ID) {
    years: campaigns { year }
    campaigns(year: $year) { id title kind takes status targetSessions sessionsDelivered progress }
    schools: participation(year: $year, groupBy: SCHOOL, campaignId: $campaignId, rankBy: participationRate) {
      ...Figures
    }
    towns: participation(year: $year, groupBy: TOWN, campaignId: $campaignId) { ...Figures }
    months: participation(year: $year, groupBy: MONTH, campaignId: $campaignId) { ...Figures }
    totals: participationTotals(year: $year, campaignId: $campaignId) {
      schools entries students participationRate lecturesDelivered audience
    }
  }`,
  [FIGURES],
);

type DashboardData = ResultOf<typeof DASHBOARD_QUERY>;
type CampaignInfo = DashboardData['campaigns'][number];

const CHANGES_SUBSCRIPTION = graphql(`
  subscription DashboardChanges($campaignId: ID) {
    participationChanged(campaignId: $campaignId) { campaignId position at }
  }
`);

/** An error of an answer, over POST or the subscription's stream. */
interface ResponseError {
  readonly message: string;
  readonly extensions?: Readonly<Record<string, unknown>>;
}

const ACTIVATE = graphql(`
  mutation DashboardActivate($input: ActivateAccountInput!) { activateAccount(input: $input) { accessToken expiresAt } }
`);

const SIGN_IN = graphql(`
  mutation DashboardSignIn($input: SignInInput!) { signIn(input: $input) { accessToken expiresAt } }
`);

/** Reads and rotates the httpOnly refresh cookie: after a reload, after single sign-on, and before expiry. */
const REFRESH_SESSION = graphql('mutation DashboardRefresh { refreshSession { accessToken expiresAt } }');

const SIGN_OUT = graphql('mutation DashboardSignOut { signOut }');

type SessionAnswer = ResultOf<typeof REFRESH_SESSION>['refreshSession'];

/** The token or the credentials were refused (UNAUTHENTICATED, or HTTP 401). */
class AuthError extends Error {
  override readonly name = 'AuthError';
}

/** Too many failed sign-ins for this login or from this address (TOO_MANY_ATTEMPTS). */
class ThrottledError extends Error {
  override readonly name = 'ThrottledError';
}

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

/** Input the server refused (BAD_USER_INPUT), with the field it names. */
class InputError extends Error {
  override readonly name = 'InputError';
  constructor(
    message: string,
    readonly field: string | undefined,
  ) {
    super(message);
  }
}

function failure(errors: readonly ResponseError[]): Error {
  if (errors.some((error) => error.extensions?.code === 'UNAUTHENTICATED')) return new AuthError(errors[0]?.message);
  if (errors.some((error) => error.extensions?.code === 'TOO_MANY_ATTEMPTS'))
    return new ThrottledError(errors[0]?.message);
  const invalid = errors.find((error) => error.extensions?.code === 'BAD_USER_INPUT');
  if (invalid) return new InputError(invalid.message, String(invalid.extensions?.field ?? ''));
  return new Error(errors.map((error) => error.message).join('; '));
}

/** One GraphQL request; without a token for the public session mutations (they read the refresh cookie). */
async function request<D extends AnyDocument>(
  token: string | undefined,
  document: D & SchemaChecked<D>,
  variables: VariablesOf<D>,
): Promise<ResultOf<D>> {
  const response = await fetch('/graphql', {
    method: 'POST',
    headers: {
      ...(token === undefined ? {} : bearer(token)),
      'Content-Type': 'application/json',
      Accept: 'application/graphql-response+json, application/json',
    },
    body: requestBody(document, variables),
  });
  if (response.status === 401) throw new AuthError('令牌无效或已过期');
  const answer = readAnswer<ResultOf<D>>(response.status, await response.text());
  if (answer.errors?.length) throw failure(answer.errors);
  if (!answer.data) throw new Error(`服务器没有返回数据(HTTP ${response.status})`);
  return answer.data;
}

/**
 * Runs a request that presents the refresh cookie. Tabs of one browser share that cookie, and presenting an
 * already-rotated one revokes the whole session (theft detection), so tabs take turns (Web Locks, where the page's
 * origin offers them).
 */
async function withRefreshCookie<T>(call: () => Promise<T>): Promise<T> {
  return navigator.locks ? await navigator.locks.request('qingmiao.refresh-cookie', call) : call();
}

const refreshSession = () =>
  withRefreshCookie(async () => (await request(undefined, REFRESH_SESSION, {})).refreshSession);

/**
 * A signed-in person on this page. The access token is kept in memory only — the httpOnly refresh cookie is what
 * survives a reload — and renewed silently ahead of its expiry, and once more when a request is refused with it.
 */
class Session {
  #token = '';
  #timer: ReturnType<typeof setTimeout> | undefined;
  #renewing: Promise<void> | undefined;
  #ended = false;
  readonly #onExpired: () => void;

  constructor(answer: SessionAnswer, onExpired: () => void) {
    this.#onExpired = onExpired;
    this.#use(answer);
  }

  get token(): string {
    return this.#token;
  }

  /** Runs `call` with the access token; refused, it renews the token once and runs it again. */
  async authorized<T>(call: (token: string) => Promise<T>): Promise<T> {
    const token = this.#token;
    try {
      return await call(token);
    } catch (error) {
      if (!(error instanceof AuthError) || this.#ended) throw error;
      // Another request may have renewed it meanwhile.
      if (token === this.#token) await this.renew();
      return call(this.#token);
    }
  }

  /** One renewal at a time; a refused refresh ends the session (signed out elsewhere, revoked, idle too long). */
  renew(): Promise<void> {
    this.#renewing ??= refreshSession()
      .then(
        (answer) => {
          if (!this.#ended) this.#use(answer);
        },
        (error: unknown) => {
          if (this.#ended) throw error;
          if (error instanceof AuthError) {
            this.end();
            this.#onExpired();
          } else {
            this.#schedule(RENEW_RETRY_MS);
          }
          throw error;
        },
      )
      .finally(() => {
        this.#renewing = undefined;
      });
    return this.#renewing;
  }

  /** Forgets the token here; `signOut` ends it on the server. */
  end(): void {
    this.#ended = true;
    this.#token = '';
    clearTimeout(this.#timer);
  }

  #use(answer: SessionAnswer): void {
    this.#token = answer.accessToken;
    const lifetime = Date.parse(answer.expiresAt) - Date.now();
    this.#schedule(Math.max(lifetime - RENEW_AHEAD_MS, lifetime / 2));
  }

  #schedule(delay: number): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      // A failure is handled in renew(): the form, or another try.
      this.renew().catch(() => undefined);
    }, delay);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Formatting

const integer = new Intl.NumberFormat('zh-CN');
const count = (value: number | null) => (value === null ? '—' : integer.format(value));
const percent = (share: number | null) => (share === null ? '—' : `${(share * 100).toFixed(1)}%`);
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

function chinaYear(): number {
  return new Date(Date.now() + 8 * 3_600_000).getUTCFullYear();
}

// ---------------------------------------------------------------------------------------------------------------
// What each chart shows, as a table: the chart options and the accessible tables are built from the same figures.

interface Cell {
  readonly field: string;
  readonly value: number | string | null;
  readonly text: string;
}

interface Figures {
  readonly caption: string;
  readonly columns: ReadonlyArray<{ readonly field: string; readonly header: string }>;
  readonly rows: ReadonlyArray<{ readonly key: string; readonly cells: readonly Cell[] }>;
}

function renderTable(table: HTMLTableElement, figures: Figures): void {
  const caption = document.createElement('caption');
  caption.textContent = figures.caption;
  const head = document.createElement('thead');
  const headRow = head.insertRow();
  for (const column of figures.columns) {
    const th = document.createElement('th');
    th.scope = 'col';
    th.textContent = column.header;
    th.dataset.field = column.field;
    headRow.append(th);
  }
  const body = document.createElement('tbody');
  for (const row of figures.rows) {
    const tr = body.insertRow();
    tr.dataset.key = row.key;
    row.cells.forEach((cell, index) => {
      const element = document.createElement(index === 0 ? 'th' : 'td');
      if (element instanceof HTMLTableCellElement && index === 0) element.scope = 'row';
      element.dataset.field = cell.field;
      if (cell.value !== null) element.dataset.value = String(cell.value);
      element.textContent = cell.text;
      tr.append(element);
    });
  }
  table.replaceChildren(caption, head, body);
}

/** Axis labels stay inside the grid's box instead of being cut off at the container's edge. */
const CONTAIN = { outerBoundsMode: 'same', outerBoundsContain: 'axisLabel' } as const;

const BASE: ChartOption = {
  textStyle: { fontFamily: FONT },
  animationDuration: 300,
  animationDurationUpdate: 300,
};

/** (a) Participation rate per school, highest first; schools without enrollment have no rate to show. */
function schoolRate(rows: readonly ParticipationRow[]): { figures: Figures; option: ChartOption; note: string } {
  const rated = rows.filter((row) => row.participationRate !== null);
  const unrated = rows.length - rated.length;
  const figures: Figures = {
    caption: '各校参与率(参与学生 / 在校学生),从高到低',
    columns: [
      { field: 'label', header: '学校' },
      { field: 'rank', header: '名次' },
      { field: 'participationRate', header: '参与率' },
      { field: 'students', header: '参与学生' },
      { field: 'enrolled', header: '在校学生' },
      { field: 'entries', header: '作品数' },
    ],
    rows: rated.map((row) => ({
      key: row.key,
      cells: [
        { field: 'label', value: row.label, text: row.label },
        { field: 'rank', value: row.rank, text: count(row.rank) },
        { field: 'participationRate', value: row.participationRate, text: percent(row.participationRate) },
        { field: 'students', value: row.students, text: count(row.students) },
        { field: 'enrolled', value: row.enrolled, text: count(row.enrolled) },
        { field: 'entries', value: row.entries, text: count(row.entries) },
      ],
    })),
  };
  const scroll = rated.length > SCHOOLS_VISIBLE;
  const option: ChartOption = {
    ...BASE,
    grid: { ...CONTAIN, left: 8, right: scroll ? 72 : 56, top: 8, bottom: 8 },
    tooltip: {
      trigger: 'axis',
      axisPointer: { type: 'shadow' },
      formatter: (params) => {
        const first = Array.isArray(params) ? params[0] : params;
        const row = first ? rated[first.dataIndex] : undefined;
        if (!row) return '';
        return `${escapeHtml(row.label)}<br/>参与率 <b>${percent(row.participationRate)}</b><br/>参与学生 ${count(
          row.students,
        )} / 在校学生 ${count(row.enrolled)}<br/>作品 ${count(row.entries)} 件`;
      },
    },
    xAxis: {
      type: 'value',
      min: 0,
      axisLabel: { formatter: (value: number) => `${Math.round(value * 100)}%` },
    },
    yAxis: {
      type: 'category',
      inverse: true,
      data: rated.map((row) => row.label),
      axisLabel: { width: 150, overflow: 'truncate' },
    },
    dataZoom: scroll
      ? [
          {
            type: 'slider',
            yAxisIndex: 0,
            startValue: 0,
            endValue: SCHOOLS_VISIBLE - 1,
            right: 8,
            width: 16,
            zoomLock: true,
            brushSelect: false,
            showDetail: false,
          },
          { type: 'inside', yAxisIndex: 0, zoomOnMouseWheel: false, moveOnMouseWheel: true, moveOnMouseMove: true },
        ]
      : [],
    series: [
      {
        type: 'bar',
        name: '参与率',
        data: rated.map((row) => row.participationRate),
        itemStyle: { color: COLORS.rate, borderRadius: [0, 3, 3, 0] },
        barMaxWidth: 22,
        label: { show: true, position: 'right', formatter: (p) => percent(asNumber(p.value)) },
      },
    ],
  };
  const note = [
    rated.length ? `共 ${rated.length} 所学校${scroll ? ',滚动查看更多' : ''}` : '',
    unrated ? `另有 ${unrated} 所学校未录入在校学生数` : '',
  ]
    .filter(Boolean)
    .join(';');
  return { figures, option, note };
}

/** (b) Towns compared: students and entries as grouped bars, the participation rate as a line. */
function towns(rows: readonly ParticipationRow[]): { figures: Figures; option: ChartOption } {
  const figures: Figures = {
    caption: '各镇区参与学生、作品数与参与率',
    columns: [
      { field: 'label', header: '镇/区' },
      { field: 'schools', header: '参与学校' },
      { field: 'entries', header: '作品数' },
      { field: 'students', header: '参与学生' },
      { field: 'enrolled', header: '在校学生' },
      { field: 'participationRate', header: '参与率' },
    ],
    rows: rows.map((row) => ({
      key: row.key,
      cells: [
        { field: 'label', value: row.label, text: row.label },
        { field: 'schools', value: row.schools, text: count(row.schools) },
        { field: 'entries', value: row.entries, text: count(row.entries) },
        { field: 'students', value: row.students, text: count(row.students) },
        { field: 'enrolled', value: row.enrolled, text: count(row.enrolled) },
        { field: 'participationRate', value: row.participationRate, text: percent(row.participationRate) },
      ],
    })),
  };
  const option: ChartOption = {
    ...BASE,
    grid: { ...CONTAIN, left: 8, right: 8, top: 48, bottom: 8 },
    legend: { top: 0 },
    tooltip: {
      trigger: 'axis',
      axisPointer: { type: 'shadow' },
      formatter: (params) => {
        const first = Array.isArray(params) ? params[0] : params;
        const row = first ? rows[first.dataIndex] : undefined;
        if (!row) return '';
        return `${escapeHtml(row.label)}<br/>参与学生 ${count(row.students)} / 在校学生 ${count(row.enrolled)}<br/>作品 ${count(
          row.entries,
        )} 件 · 参与学校 ${count(row.schools)} 所<br/>参与率 <b>${percent(row.participationRate)}</b>`;
      },
    },
    xAxis: {
      type: 'category',
      data: rows.map((row) => row.label),
      axisLabel: { interval: 0, rotate: rows.length > 8 ? 30 : 0 },
    },
    yAxis: [
      { type: 'value', name: '人数 / 件数', minInterval: 1 },
      {
        type: 'value',
        name: '参与率',
        min: 0,
        splitLine: { show: false },
        axisLabel: { formatter: (value: number) => `${Math.round(value * 100)}%` },
      },
    ],
    series: [
      {
        type: 'bar',
        name: '参与学生',
        data: rows.map((row) => row.students),
        itemStyle: { color: COLORS.students },
        barMaxWidth: 28,
        label: { show: true, position: 'top' },
      },
      {
        type: 'bar',
        name: '作品数',
        data: rows.map((row) => row.entries),
        itemStyle: { color: COLORS.entries },
        barMaxWidth: 28,
        label: { show: true, position: 'top' },
      },
      {
        type: 'line',
        name: '参与率',
        yAxisIndex: 1,
        data: rows.map((row) => row.participationRate),
        itemStyle: { color: COLORS.rate },
        symbolSize: 8,
        z: 3,
        label: {
          show: true,
          position: 'top',
          distance: 8,
          backgroundColor: 'rgba(255, 255, 255, 0.85)',
          padding: [1, 3],
          color: COLORS.rate,
          formatter: (p) => percent(asNumber(p.value)),
        },
      },
    ],
  };
  return { figures, option };
}

/** (c) The monthly trend: entries submitted and lectures delivered per (China) month. */
function monthly(rows: readonly ParticipationRow[], year: number): { figures: Figures; option: ChartOption } {
  const figures: Figures = {
    caption: '每月作品数与讲座场次',
    columns: [
      { field: 'label', header: '月份' },
      { field: 'entries', header: '作品数' },
      { field: 'lecturesDelivered', header: '讲座场次' },
      { field: 'audience', header: '受众人数' },
    ],
    rows: rows.map((row) => ({
      key: row.key,
      cells: [
        { field: 'label', value: row.key, text: monthLabel(row.key, year) },
        { field: 'entries', value: row.entries, text: count(row.entries) },
        { field: 'lecturesDelivered', value: row.lecturesDelivered, text: count(row.lecturesDelivered) },
        { field: 'audience', value: row.audience, text: count(row.audience) },
      ],
    })),
  };
  const option: ChartOption = {
    ...BASE,
    grid: { ...CONTAIN, left: 8, right: 16, top: 40, bottom: 8 },
    legend: { top: 0 },
    tooltip: {
      trigger: 'axis',
      formatter: (params) => {
        const first = Array.isArray(params) ? params[0] : params;
        const row = first ? rows[first.dataIndex] : undefined;
        if (!row) return '';
        return `${escapeHtml(monthLabel(row.key, year))}<br/>作品 ${count(row.entries)} 件<br/>讲座 ${count(
          row.lecturesDelivered,
        )} 场 · 受众 ${count(row.audience)} 人`;
      },
    },
    xAxis: { type: 'category', boundaryGap: false, data: rows.map((row) => monthLabel(row.key, year)) },
    yAxis: { type: 'value', minInterval: 1 },
    series: [
      {
        type: 'line',
        name: '作品数',
        data: rows.map((row) => row.entries),
        itemStyle: { color: COLORS.entries },
        symbolSize: 7,
        label: { show: true, position: 'top', formatter: (p) => (asNumber(p.value) ? String(p.value) : '') },
      },
      {
        type: 'line',
        name: '讲座场次',
        data: rows.map((row) => row.lecturesDelivered),
        itemStyle: { color: COLORS.lectures },
        symbolSize: 7,
        label: { show: true, position: 'bottom', formatter: (p) => (asNumber(p.value) ? String(p.value) : '') },
      },
    ],
  };
  return { figures, option };
}

/** (d) Lecture campaigns toward their target sessions (sessionsDelivered / targetSessions). */
function lectureProgress(campaigns: readonly CampaignInfo[]): { figures: Figures; option: ChartOption; note: string } {
  const lectures = campaigns.filter((campaign) => campaign.takes === 'LECTURES');
  const targeted = lectures.filter((campaign) => campaign.targetSessions);
  const figures: Figures = {
    caption: '讲座活动完成场次与目标场次',
    columns: [
      { field: 'label', header: '活动' },
      { field: 'sessionsDelivered', header: '已完成场次' },
      { field: 'targetSessions', header: '目标场次' },
      { field: 'progress', header: '完成率' },
    ],
    rows: targeted.map((campaign) => ({
      key: campaign.id,
      cells: [
        { field: 'label', value: campaign.title, text: campaign.title },
        { field: 'sessionsDelivered', value: campaign.sessionsDelivered, text: count(campaign.sessionsDelivered) },
        { field: 'targetSessions', value: campaign.targetSessions, text: count(campaign.targetSessions) },
        { field: 'progress', value: campaign.progress, text: percent(campaign.progress) },
      ],
    })),
  };
  const most = Math.max(1, ...targeted.map((campaign) => campaign.progress ?? 0));
  const option: ChartOption = {
    ...BASE,
    grid: { ...CONTAIN, left: 8, right: 150, top: 24, bottom: 8 },
    tooltip: {
      trigger: 'axis',
      axisPointer: { type: 'shadow' },
      formatter: (params) => {
        const first = Array.isArray(params) ? params[0] : params;
        const campaign = first ? targeted[first.dataIndex] : undefined;
        if (!campaign) return '';
        return `${escapeHtml(campaign.title)}<br/>已完成 ${count(campaign.sessionsDelivered)} / 目标 ${count(
          campaign.targetSessions,
        )} 场<br/>完成率 <b>${percent(campaign.progress)}</b>`;
      },
    },
    xAxis: {
      type: 'value',
      min: 0,
      max: Math.ceil(most * 10) / 10,
      axisLabel: { formatter: (value: number) => `${Math.round(value * 100)}%` },
    },
    yAxis: {
      type: 'category',
      inverse: true,
      data: targeted.map((campaign) => campaign.title),
      axisLabel: { width: 150, overflow: 'truncate' },
    },
    series: [
      {
        type: 'bar',
        name: '完成率',
        data: targeted.map((campaign) => campaign.progress),
        itemStyle: { color: COLORS.lectures, borderRadius: [0, 3, 3, 0] },
        barMaxWidth: 28,
        label: {
          show: true,
          position: 'right',
          formatter: (p) => {
            const campaign = targeted[p.dataIndex];
            return campaign
              ? `${count(campaign.sessionsDelivered)} / ${count(campaign.targetSessions)} 场 · ${percent(campaign.progress)}`
              : '';
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
  };
  const untargeted = lectures.length - targeted.length;
  const note = untargeted ? `另有 ${untargeted} 个讲座活动未设场次目标` : '';
  return { figures, option, note };
}

// ---------------------------------------------------------------------------------------------------------------
// The page

const CHART_NAMES = ['school-rate', 'towns', 'monthly', 'lecture-progress'] as const;
type ChartName = (typeof CHART_NAMES)[number];

interface QingmiaoHook {
  readonly charts: Readonly<Record<ChartName, ECharts>>;
}

declare global {
  interface Window {
    /** The chart instances, for inspection (figures are also in `table[data-chart]`). */
    __qingmiao?: QingmiaoHook;
  }
}

function element<T extends HTMLElement>(id: string, type: new () => T): T {
  const found = document.getElementById(id);
  if (!(found instanceof type)) throw new Error(`#${id} is missing from the page`);
  return found;
}

const page = {
  filters: element('filters', HTMLFormElement),
  year: element('year', HTMLSelectElement),
  campaign: element('campaign', HTMLSelectElement),
  live: element('live', HTMLSpanElement),
  download: element('download', HTMLAnchorElement),
  logout: element('logout', HTMLButtonElement),
  login: element('login', HTMLElement),
  signInForm: element('sign-in-form', HTMLFormElement),
  loginName: element('login-name', HTMLInputElement),
  password: element('password', HTMLInputElement),
  signInButton: element('sign-in', HTMLButtonElement),
  activation: element('activation', HTMLDivElement),
  activationCode: element('activation-code', HTMLInputElement),
  withCode: element('with-code', HTMLButtonElement),
  sso: element('sso', HTMLParagraphElement),
  loginError: element('login-error', HTMLParagraphElement),
  dashboard: element('dashboard', HTMLElement),
  message: element('message', HTMLParagraphElement),
  updated: element('updated', HTMLTimeElement),
};

function chartParts(name: ChartName) {
  const table = document.querySelector(`table[data-chart="${name}"]`);
  if (!(table instanceof HTMLTableElement)) throw new Error(`table[data-chart=${name}] is missing from the page`);
  return {
    container: element(`chart-${name}`, HTMLDivElement),
    empty: element(`empty-${name}`, HTMLParagraphElement),
    note: element(`note-${name}`, HTMLParagraphElement),
    table,
  };
}

let charts: Record<ChartName, ECharts> | undefined;

/** The ECharts instances, created once and resized with their containers. */
function ensureCharts(): Record<ChartName, ECharts> {
  if (charts) return charts;
  const created = {} as Record<ChartName, ECharts>;
  for (const name of CHART_NAMES) {
    const { container } = chartParts(name);
    const chart = init(container, undefined, { renderer: 'canvas', locale: 'ZH' });
    new ResizeObserver(() => chart.resize()).observe(container);
    created[name] = chart;
  }
  charts = created;
  window.__qingmiao = { charts: created };
  return created;
}

type LiveState = 'connecting' | 'live' | 'offline';
const LIVE_TEXT: Record<LiveState, string> = { connecting: '连接中…', live: '实时', offline: '已断开,正在重连' };

function setLive(state: LiveState): void {
  page.live.dataset.state = state;
  page.live.textContent = LIVE_TEXT[state];
  page.live.title = state === 'live' ? '数据变化时自动刷新' : '';
}

function showMessage(text: string | null): void {
  page.message.hidden = text === null;
  page.message.textContent = text ?? '';
}

/** One signed-in session of the dashboard: filters, figures, the live subscription. */
class Dashboard {
  readonly #session: Session;
  readonly #sse: Client;
  readonly #charts: Record<ChartName, ECharts>;
  readonly #cleanup: Array<() => void> = [];
  readonly #onAuthFailure: (message: string) => void;
  #year = chinaYear();
  #campaignId = '';
  #generation = 0;
  #renders = 0;
  #stopped = false;
  #refreshTimer: ReturnType<typeof setTimeout> | undefined;
  #resubscribeTimer: ReturnType<typeof setTimeout> | undefined;
  #unsubscribe: (() => void) | undefined;

  constructor(session: Session, onAuthFailure: (message: string) => void) {
    this.#session = session;
    this.#onAuthFailure = onAuthFailure;
    this.#charts = ensureCharts();
    this.#sse = createClient({
      url: '/graphql',
      // Asked on every (re)connect: always the current access token.
      headers: () => bearer(this.#session.token),
      retryAttempts: Number.POSITIVE_INFINITY,
      retry: (retries) => new Promise((resolve) => setTimeout(resolve, Math.min(30_000, 1_000 * 2 ** retries))),
    });
  }

  async start(): Promise<void> {
    page.dashboard.hidden = false;
    page.filters.hidden = false;
    page.live.hidden = false;
    page.download.hidden = false;
    page.logout.hidden = false;
    document.body.dataset.state = 'loading';
    this.#listen(page.year, 'change', () => {
      const hadCampaign = this.#campaignId !== '';
      this.#year = Number(page.year.value);
      // Campaigns belong to a year.
      this.#campaignId = '';
      this.#filtersChanged();
      if (hadCampaign) this.#subscribe();
    });
    this.#listen(page.campaign, 'change', () => {
      this.#campaignId = page.campaign.value;
      this.#filtersChanged();
      this.#subscribe();
    });
    this.#listen(page.download, 'click', (event) => {
      event.preventDefault();
      void this.#download();
    });

    try {
      const params = new URLSearchParams(location.search);
      const { campaigns } = await this.#session.authorized((token) => request(token, YEARS_QUERY, {}));
      const years = [...new Set(campaigns.map((campaign) => campaign.year))].sort((a, b) => b - a);
      const requested = Number(params.get('year'));
      const current = chinaYear();
      // The latest year with campaigns that has begun (next year's copied drafts wait), else the current year.
      this.#year =
        Number.isInteger(requested) && requested >= 2000
          ? requested
          : (years.find((y) => y <= current) ?? years.at(-1) ?? current);
      this.#campaignId = params.get('campaign') ?? '';
    } catch (error) {
      this.#failed(error);
      if (this.#stopped) return;
    }
    await this.#refresh();
    this.#subscribe();
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#refreshTimer);
    clearTimeout(this.#resubscribeTimer);
    this.#unsubscribe?.();
    this.#sse.dispose();
    for (const undo of this.#cleanup) undo();
    for (const chart of Object.values(this.#charts)) chart.clear();
    page.dashboard.hidden = true;
    page.filters.hidden = true;
    page.live.hidden = true;
    page.download.hidden = true;
    page.logout.hidden = true;
  }

  #listen<K extends keyof HTMLElementEventMap>(
    target: HTMLElement,
    type: K,
    listener: (event: HTMLElementEventMap[K]) => void,
  ): void {
    target.addEventListener(type, listener);
    this.#cleanup.push(() => target.removeEventListener(type, listener));
  }

  #filtersChanged(): void {
    const search = new URLSearchParams({ year: String(this.#year) });
    if (this.#campaignId) search.set('campaign', this.#campaignId);
    history.replaceState(history.state, '', `${location.pathname}?${search}${location.hash}`);
    clearTimeout(this.#refreshTimer);
    void this.#refresh();
  }

  /** Refetch soon; a burst of notices becomes one request. */
  #requestRefresh(delay = REFRESH_DEBOUNCE_MS): void {
    clearTimeout(this.#refreshTimer);
    this.#refreshTimer = setTimeout(() => void this.#refresh(), delay);
  }

  async #refresh(): Promise<void> {
    const generation = ++this.#generation;
    const year = this.#year;
    try {
      const variables = { year, campaignId: this.#campaignId || null };
      const data = await this.#session.authorized((token) => request(token, DASHBOARD_QUERY, variables));
      // A newer request (other filters, a later change) has been sent meanwhile: its answer wins.
      if (this.#stopped || generation !== this.#generation) return;
      this.#render(data, year);
      showMessage(null);
    } catch (error) {
      if (generation === this.#generation) this.#failed(error);
    }
  }

  #failed(error: unknown): void {
    if (this.#stopped) return;
    if (error instanceof AuthError) {
      this.#onAuthFailure(SESSION_EXPIRED);
      return;
    }
    showMessage(`数据加载失败:${error instanceof Error ? error.message : String(error)}`);
  }

  #render(data: DashboardData, year: number): void {
    this.#renderFilters(data, year);

    const school = schoolRate(data.schools);
    this.#renderChart('school-rate', school.figures, school.option, school.note);
    const town = towns(data.towns);
    this.#renderChart('towns', town.figures, town.option, '');
    const month = monthly(data.months, year);
    this.#renderChart('monthly', month.figures, month.option, '按提交/讲座月份(北京时间)统计');
    const selected = this.#campaignId
      ? data.campaigns.filter((campaign) => campaign.id === this.#campaignId)
      : data.campaigns;
    const lecture = lectureProgress(selected);
    this.#renderChart('lecture-progress', lecture.figures, lecture.option, lecture.note);

    const total = data.totals;
    for (const [field, text] of [
      ['schools', count(total.schools)],
      ['entries', count(total.entries)],
      ['students', count(total.students)],
      ['participationRate', percent(total.participationRate)],
      ['lecturesDelivered', count(total.lecturesDelivered)],
      ['audience', count(total.audience)],
    ] as const) {
      const dd = document.querySelector(`[data-kpi="${field}"]`);
      if (dd instanceof HTMLElement) {
        dd.textContent = text;
        const value = total[field];
        if (value === null) delete dd.dataset.value;
        else dd.dataset.value = String(value);
      }
    }

    const now = new Date();
    page.updated.dateTime = now.toISOString();
    page.updated.textContent = now.toLocaleString('zh-CN', { hour12: false });
    this.#renders += 1;
    page.dashboard.dataset.renders = String(this.#renders);
    page.dashboard.dataset.year = String(year);
    page.dashboard.dataset.campaign = this.#campaignId;
    document.body.dataset.state = 'ready';
  }

  #renderFilters(data: DashboardData, year: number): void {
    const years = new Set(data.years.map((entry) => entry.year));
    years.add(year);
    page.year.replaceChildren(
      ...[...years].sort((a, b) => b - a).map((y) => new Option(`${y}年`, String(y), y === year, y === year)),
    );
    const options = [new Option('全部', '', !this.#campaignId, !this.#campaignId)];
    for (const campaign of data.campaigns) {
      const chosen = campaign.id === this.#campaignId;
      options.push(
        new Option(`${campaign.title}(${CAMPAIGN_KIND_LABELS[campaign.kind]})`, campaign.id, chosen, chosen),
      );
    }
    page.campaign.replaceChildren(...options);
    const search = new URLSearchParams({ year: String(year) });
    if (this.#campaignId) search.set('campaignId', this.#campaignId);
    page.download.href = `/reports/participation.xlsx?${search}`;
  }

  #renderChart(name: ChartName, figures: Figures, option: ChartOption, note: string): void {
    const parts = chartParts(name);
    const chart = this.#charts[name];
    chart.setOption(option, { notMerge: true });
    parts.empty.hidden = figures.rows.length > 0;
    parts.note.textContent = note;
    renderTable(parts.table, figures);
  }

  #subscribe(): void {
    if (this.#stopped) return;
    clearTimeout(this.#resubscribeTimer);
    this.#unsubscribe?.();
    setLive('connecting');
    const retry = () => {
      setLive('offline');
      this.#resubscribeTimer = setTimeout(() => this.#subscribe(), RESUBSCRIBE_MS);
    };
    const variables: VariablesOf<typeof CHANGES_SUBSCRIPTION> = { campaignId: this.#campaignId || null };
    this.#unsubscribe = this.#sse.subscribe<ResultOf<typeof CHANGES_SUBSCRIPTION>>(
      { query: queryText(CHANGES_SUBSCRIPTION), variables },
      {
        next: (result) => {
          if (result.errors?.length) {
            this.#failed(failure(result.errors));
            return;
          }
          this.#requestRefresh();
        },
        error: (error) => {
          if (this.#stopped) return;
          this.#failed(error);
          retry();
        },
        complete: () => {
          if (!this.#stopped) retry();
        },
      },
      {
        connecting: () => setLive('connecting'),
        // Changes between the last fetch and this moment sent no notice to us: fetch once more.
        connected: () => {
          setLive('live');
          this.#requestRefresh(0);
        },
      },
    );
  }

  async #download(): Promise<void> {
    try {
      const href = page.download.href;
      const response = await this.#session.authorized(async (token) => {
        const answer = await fetch(href, { headers: bearer(token) });
        if (answer.status === 401) throw new AuthError('令牌无效或已过期');
        return answer;
      });
      if (!response.ok) throw new Error(`报表下载失败(HTTP ${response.status})`);
      const url = URL.createObjectURL(await response.blob());
      const link = document.createElement('a');
      link.href = url;
      link.download = `关工委活动参与情况-${this.#year}.xlsx`;
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    } catch (error) {
      this.#failed(error);
    }
  }
}

const SESSION_EXPIRED = '登录已过期，请重新登录。';

let current: { session: Session; dashboard: Dashboard } | undefined;

function forget(): void {
  current?.session.end();
  current?.dashboard.stop();
  current = undefined;
}

/** The sign-in form; the dashboard and its session are gone. */
function showLogin(error = ''): void {
  forget();
  page.login.hidden = false;
  page.loginError.textContent = error;
  document.body.dataset.state = 'login';
  page.loginName.focus();
}

function open(answer: SessionAnswer): void {
  forget();
  page.login.hidden = true;
  page.loginError.textContent = '';
  const session = new Session(answer, () => showLogin(SESSION_EXPIRED));
  const dashboard = new Dashboard(session, showLogin);
  current = { session, dashboard };
  void dashboard.start();
}

/** What a refused sign-in or activation says: one message for an unknown login and a wrong password. */
function signInError(error: unknown): string {
  if (error instanceof AuthError) return '登录名或密码错误';
  if (error instanceof ThrottledError) return '尝试次数过多，请稍后再试';
  if (error instanceof InputError && error.field === 'activationCode') return '激活码不正确、已过期或已使用';
  if (error instanceof InputError && error.field === 'password') return '密码至少 10 个字符，且不能与登录名相同';
  if (error instanceof InputError && error.field === 'login') return '登录名格式不正确';
  return `登录失败:${error instanceof Error ? error.message : String(error)}`;
}

/** First sign-in: the one-time code from the office, and the password chosen now. */
function showActivation(on: boolean): void {
  page.activation.hidden = !on;
  page.activationCode.required = on;
  page.withCode.setAttribute('aria-expanded', String(on));
  page.password.autocomplete = on ? 'new-password' : 'current-password';
  page.signInButton.textContent = on ? '激活并登录' : '登录';
  if (on) page.activationCode.focus();
}

page.withCode.addEventListener('click', () => showActivation(page.activation.hidden));

page.signInForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  page.signInButton.disabled = true;
  page.loginError.textContent = '';
  try {
    const login = page.loginName.value.trim();
    const password = page.password.value;
    const session = page.activation.hidden
      ? (await request(undefined, SIGN_IN, { input: { login, password } })).signIn
      : (await request(undefined, ACTIVATE, { input: { login, password, activationCode: page.activationCode.value } }))
          .activateAccount;
    page.signInForm.reset();
    showActivation(false);
    open(session);
  } catch (error) {
    page.password.value = '';
    page.loginError.textContent = signInError(error);
    page.password.focus();
  } finally {
    page.signInButton.disabled = false;
  }
});

page.logout.addEventListener('click', async () => {
  showLogin();
  try {
    await withRefreshCookie(() => request(undefined, SIGN_OUT, {}));
  } catch (error) {
    // Forgotten here all the same; the server's session then ends at its idle limit.
    page.loginError.textContent = `退出时未能通知服务器:${error instanceof Error ? error.message : String(error)}`;
  }
});

page.sso.hidden = document.body.dataset.sso !== 'true';

// A session from an earlier sign-in in this browser, or from single sign-on: no form needed.
try {
  open(await refreshSession());
} catch (error) {
  showLogin(
    error instanceof AuthError ? '' : `无法连接服务器:${error instanceof Error ? error.message : String(error)}`,
  );
}
