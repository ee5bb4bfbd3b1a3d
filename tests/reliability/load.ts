import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { graphql } from '@qingmiao/schema/graphql';
import {
  type Checked,
  codeOf,
  type GraphQLResult,
  type Operation,
  type ResultFor,
  readAnswer,
  requestBody,
  type VariablesFor,
} from '../support/graphql-http.ts';
import {
  entryInput,
  GROUPINGS,
  isTransient,
  Organizer,
  SUBMIT,
  type SubmitEntryInput,
  type SubmittedEntry,
} from './client.ts';

/**
 * The load driver: school clients submitting entries (each with its own school token, retrying timeouts and network
 * errors with the same submissionId) while dashboards query participation and follow `participationChanged` over
 * SSE. Bounded in time; talks to whatever URL it is given (127.0.0.1 in the tests).
 */

const DASHBOARD_FIGURES = graphql(`query DashboardFigures($year: Int!, $groupBy: ParticipationGrouping!) {
  participation(year: $year, groupBy: $groupBy) { key label schools entries students participants participationRate }
}`);

interface LoadSchool {
  readonly id: string;
  readonly token: string;
}

export interface LoadSetup {
  readonly year: number;
  readonly schools: readonly LoadSchool[];
  /** Open campaigns without an entry limit; PERFORMANCE ones get a performance with each entry. */
  readonly campaigns: ReadonlyArray<{ readonly id: string; readonly kind: 'ESSAY' | 'PERFORMANCE' }>;
  readonly dashboardTokens: readonly string[];
}

/** Registers the schools (with enrollment), opens the campaigns and mints the tokens a load run needs. */
export async function seedLoad(
  url: string,
  organizerToken: string,
  mint: (role: 'school' | 'viewer', schoolId?: string) => Promise<string>,
  options: { readonly schools: number; readonly dashboards: number; readonly year?: number },
): Promise<LoadSetup> {
  const organizer = new Organizer(url, organizerToken);
  const year = options.year ?? 2022;
  const towns = ['城厢镇', '沙溪镇', '浏河镇', '浮桥镇', '璜泾镇', '双凤镇'];
  const kinds = ['PRIMARY', 'JUNIOR_HIGH', 'NINE_YEAR'];
  const schools: LoadSchool[] = [];
  // 50 at a time: seeding is not what is measured.
  for (let first = 0; first < options.schools; first += 50) {
    const batch = Array.from({ length: Math.min(50, options.schools - first) }, (_, k) => first + k);
    const seeded = await Promise.all(
      batch.map(async (i) => {
        const id = await organizer.registerSchool({
          id: `load-${String(i).padStart(3, '0')}-${randomUUID().slice(0, 4)}`,
          kind: kinds[i % kinds.length],
          town: towns[i % towns.length],
        });
        await organizer.recordEnrollment(id, year, 300 + i);
        return { id, token: await mint('school', id) };
      }),
    );
    schools.push(...seeded);
  }
  const campaigns = [
    { id: await organizer.createCampaign({ kind: 'ESSAY', year, title: '《勋章》读书征文' }), kind: 'ESSAY' as const },
    { id: await organizer.createCampaign({ kind: 'ESSAY', year, title: '童心喜迎二十大' }), kind: 'ESSAY' as const },
    {
      id: await organizer.createCampaign({ kind: 'PERFORMANCE', year, title: '老少同台节目展演' }),
      kind: 'PERFORMANCE' as const,
    },
  ];
  const dashboardTokens: string[] = [];
  for (let i = 0; i < options.dashboards; i++) dashboardTokens.push(await mint('viewer'));
  return { year, schools, campaigns, dashboardTokens };
}

export interface LoadOptions {
  readonly url: string;
  readonly setup: LoadSetup;
  /** How long clients start new submissions and dashboards keep refreshing. */
  readonly durationMs: number;
  /** Per request (AbortSignal.timeout). */
  readonly requestTimeoutMs: number;
  /** After the run, how long a client may keep retrying the submission it has in flight. */
  readonly drainMs: number;
  /**
   * Share of acknowledged submissions sent once more with the same submissionId, as a client does whose answer was
   * lost; the answer must name the same entry.
   */
  readonly resendRate?: number;
  /**
   * Share of submissions whose first attempt is given up after a random 1–100 ms, as an impatient client or a
   * dropped connection does: retried with the same submissionId, the entry must exist once. Their latency is not in
   * the percentiles (those are of answers within the normal timeout at the first attempt).
   */
  readonly impatientRate?: number;
}

interface Percentiles {
  readonly count: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
}

export interface LoadReport {
  readonly durationMs: number;
  /** Entry id → what was acknowledged for it (the first acknowledgement). */
  readonly acknowledged: ReadonlyMap<string, SubmittedEntry>;
  /** Submissions whose outcome the client never learned (still failing when the drain ended). */
  readonly unresolved: readonly string[];
  readonly submissionLatencyMs: Percentiles;
  readonly queryLatencyMs: Percentiles;
  readonly retries: number;
  readonly timeouts: number;
  readonly networkErrors: number;
  readonly resends: number;
  /** First attempts given up by impatient clients (then retried with the same submissionId). */
  readonly cutOffs: number;
  /** Resends whose answer named another entry or failed: must stay empty. */
  readonly resendMismatches: readonly string[];
  /** HTTP status → count, over every request of the run. */
  readonly statuses: ReadonlyMap<number, number>;
  /** Answers that were not a success (status, code, message), at most 50. */
  readonly failures: readonly string[];
  readonly dashboardQueries: number;
  /** participationChanged notices received, per dashboard. */
  readonly subscriptionEvents: readonly number[];
  /** Subscription streams that failed or ended before the run did. */
  readonly subscriptionErrors: readonly string[];
}

function percentiles(values: readonly number[]): Percentiles {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? Number.NaN;
  return { count: sorted.length, p50: at(0.5), p95: at(0.95), p99: at(0.99), max: sorted.at(-1) ?? Number.NaN };
}

class Tally {
  readonly statuses = new Map<number, number>();
  readonly failures: string[] = [];
  retries = 0;
  timeouts = 0;
  networkErrors = 0;

  status(result: GraphQLResult<unknown>): void {
    this.statuses.set(result.status, (this.statuses.get(result.status) ?? 0) + 1);
    if ((result.status !== 200 || result.errors?.length) && this.failures.length < 50) {
      this.failures.push(`HTTP ${result.status} ${codeOf(result)} ${result.errors?.[0]?.message ?? ''}`);
    }
  }

  transient(error: unknown): void {
    if (timedOut(error)) this.timeouts++;
    else this.networkErrors++;
  }
}

/**
 * One client's own keep-alive connection (like a browser tab's), so that a client's requests do not wait for a
 * new connection that a shared pool opened at a peak and let expire afterwards.
 */
class Connection {
  readonly #agent = new Agent({ keepAlive: true, maxSockets: 1 });

  constructor(
    readonly url: string,
    readonly token: string,
  ) {}

  /** POST /graphql; rejects on network errors and on the timeout (an AbortError caused by a TimeoutError). */
  graphql<O extends Operation>(operation: O & Checked<O>, variables: VariablesFor<O> | undefined, timeoutMs: number) {
    const body = requestBody(operation, variables);
    return new Promise<GraphQLResult<ResultFor<O>>>((resolve, reject) => {
      const req = request(
        `${this.url}/graphql`,
        {
          method: 'POST',
          agent: this.#agent,
          signal: AbortSignal.timeout(timeoutMs),
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
            accept: 'application/graphql-response+json, application/json',
            authorization: `Bearer ${this.token}`,
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', reject);
          res.on('end', () => {
            resolve(readAnswer(res.statusCode ?? 0, Buffer.concat(chunks).toString('utf8')));
          });
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  close(): void {
    this.#agent.destroy();
  }
}

const timedOut = (error: unknown) =>
  error instanceof Error &&
  (error.name === 'TimeoutError' || (error.cause instanceof Error && error.cause.name === 'TimeoutError'));

/**
 * Runs the load until `durationMs` has passed, lets in-flight submissions settle, and reports. Connections are made
 * before the clock starts (the subscription streams, and one small query per client), as long-lived clients have
 * them: a Node server accepts one new connection per turn of its event loop, so a cold burst of 140 connections
 * would measure the accept queue rather than the API.
 */
export async function runLoad(options: LoadOptions): Promise<LoadReport> {
  const { url, setup, durationMs, requestTimeoutMs, drainMs } = options;
  const resendRate = options.resendRate ?? 0.05;
  const impatientRate = options.impatientRate ?? 0.03;
  const tally = new Tally();
  const acknowledged = new Map<string, SubmittedEntry>();
  const unresolved: string[] = [];
  const submissionLatencies: number[] = [];
  const queryLatencies: number[] = [];
  const resendMismatches: string[] = [];
  let resends = 0;
  let cutOffs = 0;

  const subscriptionEvents: number[] = setup.dashboardTokens.map(() => 0);
  const subscriptionErrors: string[] = [];
  const notifiers: Array<(() => void) | undefined> = setup.dashboardTokens.map(() => undefined);
  let dashboardQueries = 0;
  const streams = setup.dashboardTokens.map((token, index) => {
    const stop = new AbortController();
    let connected: () => void = () => {};
    const answered = new Promise<void>((resolve) => {
      connected = resolve;
    });
    const done = followSubscription(
      url,
      token,
      stop.signal,
      () => {
        subscriptionEvents[index] = (subscriptionEvents[index] ?? 0) + 1;
        notifiers[index]?.();
      },
      connected,
    ).then(
      () => {
        if (!stop.signal.aborted) subscriptionErrors.push(`dashboard ${index}: stream ended early`);
      },
      (error: unknown) => {
        if (!stop.signal.aborted) subscriptionErrors.push(`dashboard ${index}: ${String(error)}`);
      },
    );
    // A stream that fails before answering must not hold up the start.
    return { stop, done, answered: Promise.race([answered, done]) };
  });
  await Promise.all(streams.map((stream) => stream.answered));
  const schoolConnections = setup.schools.map((client) => new Connection(url, client.token));
  const dashboardConnections = setup.dashboardTokens.map((token) => new Connection(url, token));
  await Promise.all(
    [...schoolConnections, ...dashboardConnections].map((connection) =>
      connection.graphql('{ __typename }', undefined, 30_000),
    ),
  );

  const started = performance.now();
  const endAt = started + durationMs;
  const drainUntil = endAt + drainMs;

  /** Sends one submission until it is answered; undefined when the drain ended first. */
  async function submitUntilAnswered(
    connection: Connection,
    input: SubmitEntryInput,
    impatient = false,
  ): Promise<GraphQLResult<{ submitEntry: SubmittedEntry }> | undefined> {
    for (let attempt = 1; ; attempt++) {
      const sent = performance.now();
      const cutOff = impatient && attempt === 1;
      try {
        const result = await connection.graphql(
          SUBMIT,
          { i: input },
          cutOff ? 1 + Math.floor(Math.random() * 100) : requestTimeoutMs,
        );
        tally.status(result);
        if (result.status === 200 && !result.errors && attempt === 1 && !impatient) {
          submissionLatencies.push(performance.now() - sent);
        }
        return result;
      } catch (error) {
        if (!isTransient(error)) throw error;
        if (cutOff) cutOffs++;
        else tally.transient(error);
        if (performance.now() > drainUntil) return undefined;
        tally.retries++;
        // The same submissionId again: if the first attempt was written, this one appends nothing.
      }
    }
  }

  async function school(client: LoadSchool, index: number): Promise<void> {
    const connection = schoolConnections[index];
    if (!connection) return;
    let n = 0;
    while (performance.now() < endAt) {
      const campaign = setup.campaigns[(index + n) % setup.campaigns.length];
      if (!campaign) return;
      const submissionId = `${client.id}-${n++}-${randomUUID().slice(0, 8)}`;
      const input = entryInput(campaign.id, client.id, submissionId, {
        participants: [
          { name: `学生${n}`, role: 'STUDENT', grade: '五年级', key: `${client.id}-student-${n % 40}` },
          ...(n % 3 === 0 ? [{ name: '顾老师', role: 'RETIRED_TEACHER' as const, key: `${client.id}-rt` }] : []),
        ],
        ...(campaign.kind === 'PERFORMANCE' ? { performance: { genre: '合唱', durationMinutes: 5 } } : {}),
      });
      const result = await submitUntilAnswered(connection, input, Math.random() < impatientRate);
      if (!result) {
        unresolved.push(submissionId);
        return;
      }
      const entry = result.data?.submitEntry;
      if (!entry || result.errors) continue;
      if (!acknowledged.has(entry.id)) acknowledged.set(entry.id, entry);
      if (Math.random() < resendRate) {
        resends++;
        const again = await submitUntilAnswered(connection, input);
        if (again && again.data?.submitEntry.id !== entry.id) {
          resendMismatches.push(`${submissionId}: ${codeOf(again)} ${again.data?.submitEntry.id ?? ''}`);
        }
      }
    }
  }

  async function dashboard(index: number): Promise<void> {
    const connection = dashboardConnections[index];
    if (!connection) return;
    let n = index;
    while (performance.now() < endAt) {
      const groupBy = GROUPINGS[n++ % GROUPINGS.length] ?? 'SCHOOL';
      const sent = performance.now();
      try {
        const result = await connection.graphql(DASHBOARD_FIGURES, { year: setup.year, groupBy }, requestTimeoutMs);
        tally.status(result);
        if (result.status === 200 && !result.errors) queryLatencies.push(performance.now() - sent);
        dashboardQueries++;
      } catch (error) {
        if (!isTransient(error)) throw error;
        tally.transient(error);
      }
      // Refresh on the next notice, or after a second without one.
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(0, Math.min(1000, endAt - performance.now())));
        notifiers[index] = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      notifiers[index] = undefined;
    }
  }

  await Promise.all([
    ...setup.schools.map((client, i) => school(client, i)),
    ...setup.dashboardTokens.map((_token, i) => dashboard(i)),
  ]);
  for (const connection of [...schoolConnections, ...dashboardConnections]) connection.close();
  const durationMsMeasured = performance.now() - started;
  for (const stream of streams) stream.stop.abort();
  await Promise.all(streams.map((stream) => stream.done));

  return {
    durationMs: durationMsMeasured,
    acknowledged,
    unresolved,
    submissionLatencyMs: percentiles(submissionLatencies),
    queryLatencyMs: percentiles(queryLatencies),
    retries: tally.retries,
    timeouts: tally.timeouts,
    networkErrors: tally.networkErrors,
    resends,
    cutOffs,
    resendMismatches,
    statuses: tally.statuses,
    failures: tally.failures,
    dashboardQueries,
    subscriptionEvents,
    subscriptionErrors,
  };
}

/**
 * Follows `participationChanged` over SSE (GraphQL over SSE, distinct connections: POST with
 * `Accept: text/event-stream`), calling `onEvent` for each `next` event, until `signal` aborts; resolves to how the
 * stream ended: the server's `complete` event, the body's end without it, or the abort.
 */
export async function followSubscription(
  url: string,
  token: string,
  signal: AbortSignal,
  onEvent: (payload: unknown) => void,
  onConnected?: () => void,
): Promise<'complete' | 'ended' | 'aborted'> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'text/event-stream',
      authorization: `Bearer ${token}`,
    },
    body: JSON.stringify({ query: 'subscription { participationChanged { campaignId position at } }' }),
    signal,
  });
  if (response.status !== 200 || !response.body) throw new Error(`subscription answered HTTP ${response.status}`);
  onConnected?.();
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    const reader = response.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return 'ended';
      buffer += decoder.decode(value, { stream: true });
      for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
        const message = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const lines = message.split('\n');
        const event = lines
          .find((line) => line.startsWith('event:'))
          ?.slice(6)
          .trim();
        const data = lines
          .filter((line) => line.startsWith('data:'))
          .map((line) => line.slice(5).trimStart())
          .join('\n');
        if (event === 'next') {
          const payload = JSON.parse(data) as { errors?: unknown };
          if (payload.errors) throw new Error(`subscription error: ${data}`);
          onEvent(payload);
        }
        if (event === 'complete') return 'complete';
      }
    }
  } catch (error) {
    if (signal.aborted) return 'aborted';
    throw error;
  }
}

const fixed = (ms: number) => (Number.isFinite(ms) ? ms.toFixed(1) : '–');

/** A Markdown table laid out as the formatter (Biome) would: first column left, the others right-aligned. */
function table(rows: readonly (readonly string[])[]): string[] {
  const widths = (rows[0] ?? []).map((_, c) => Math.max(3, ...rows.map((row) => (row[c] ?? '').length)));
  const line = (cells: readonly string[]) =>
    `| ${cells.map((cell, c) => (c === 0 ? cell.padEnd(widths[c] ?? 0) : cell.padStart(widths[c] ?? 0))).join(' | ')} |`;
  const rule = `| ${widths.map((width, c) => (c === 0 ? '-'.repeat(width) : `${'-'.repeat(width - 1)}:`)).join(' | ')} |`;
  const [header, ...body] = rows;
  return [line(header ?? []), rule, ...body.map(line)];
}

/** The figures of a run as printed and as written into BENCHMARKS.md. */
export function describeLoad(report: LoadReport, setup: LoadSetup): string {
  const seconds = report.durationMs / 1000;
  const s = report.submissionLatencyMs;
  const q = report.queryLatencyMs;
  const statuses = [...report.statuses].map(([status, count]) => `${status}×${count}`).join(', ');
  const events = report.subscriptionEvents;
  const rows = [
    ['', 'count', 'per second', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms'],
    ...(
      [
        ['submitEntry (school clients)', s],
        ['participation (dashboards)', q],
      ] as const
    ).map(([name, p]) => [
      name,
      String(p.count),
      (p.count / seconds).toFixed(0),
      fixed(p.p50),
      fixed(p.p95),
      fixed(p.p99),
      fixed(p.max),
    ]),
  ];
  return [
    ...table(rows),
    '',
    `- ${setup.schools.length} school clients, ${setup.dashboardTokens.length} dashboards, ` +
      `${setup.campaigns.length} campaigns, ${seconds.toFixed(1)} s.`,
    `- Acknowledged entries: ${report.acknowledged.size}, each found exactly once in the log (EntrySubmitted events ` +
      'counted in events.db after the stop) and in the read models.',
    `- Retries with the same submissionId: ${report.retries}, of which ${report.cutOffs} after a first attempt cut ` +
      `off on purpose within 100 ms, the rest after ${report.timeouts} timeouts and ${report.networkErrors} network ` +
      `errors. Acknowledged submissions sent again as if the answer had been lost: ${report.resends}, each answered ` +
      'with the same entry.',
    `- HTTP statuses: ${statuses}.`,
    `- participationChanged notices per dashboard: min ${Math.min(...events)}, max ${Math.max(...events)}.`,
  ].join('\n');
}

const SECTION = '## Load (reliability)';

/**
 * Puts `body` under "## Load (reliability)" in BENCHMARKS.md, replacing that section if present and leaving every
 * other section as it is (the file is read right before writing: others write their own sections).
 */
export function writeBenchmarkSection(path: string, body: string): void {
  let text = '';
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    text = '# Benchmarks\n';
  }
  const section = `${SECTION}\n\n${body.trim()}\n`;
  const start = text.indexOf(`${SECTION}\n`);
  if (start < 0) {
    writeFileSync(path, `${text.trimEnd()}\n\n${section}`);
    return;
  }
  const next = text.slice(start + SECTION.length).search(/\n## /);
  const end = next < 0 ? text.length : start + SECTION.length + next + 1;
  const rest = text.slice(end);
  writeFileSync(path, `${text.slice(0, start)}${section}${rest ? `\n${rest}` : ''}`);
}
