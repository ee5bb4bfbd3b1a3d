/**
 * HTTP load from the benchmark process with autocannon, to 127.0.0.1 only, bounded in time. Latencies are taken
 * from every response (not autocannon's whole-millisecond histogram), so percentiles are exact.
 */
import autocannon from 'autocannon';
import { percentile } from './harness.ts';

export interface LoadOptions {
  readonly url: string;
  readonly connections: number;
  readonly seconds: number;
  readonly body?: string;
  readonly headers?: Record<string, string>;
  /** A fresh body (and headers) per request, e.g. a unique submissionId. */
  readonly next?: () => { body: string; headers?: Record<string, string> };
  /** Requests per second across all connections (autocannon `overallRate`). */
  readonly overallRate?: number;
}

export interface LoadResult {
  readonly requests: number;
  readonly ok: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly timeouts: number;
  readonly seconds: number;
  /** 2xx responses per second. */
  readonly perSecond: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
  /** Status codes other than 2xx, with counts. */
  readonly statuses: Readonly<Record<string, number>>;
}

export async function load(options: LoadOptions): Promise<LoadResult> {
  if (!/^http:\/\/127\.0\.0\.1:\d+/.test(options.url)) throw new Error(`load only goes to 127.0.0.1: ${options.url}`);
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let ok = 0;
  const headers = { 'content-type': 'application/json', accept: 'application/json', ...options.headers };
  const next = options.next;
  // Without a callback autocannon returns its instance (an event emitter) made thenable.
  const instance = autocannon({
    url: options.url,
    connections: options.connections,
    duration: options.seconds,
    timeout: 30,
    method: 'POST',
    headers,
    ...(options.body === undefined ? {} : { body: options.body }),
    ...(options.overallRate === undefined ? {} : { overallRate: options.overallRate }),
    ...(next
      ? {
          requests: [
            {
              setupRequest: (request: autocannon.Request) => {
                const made = next();
                return { ...request, body: made.body, headers: { ...headers, ...made.headers } };
              },
            },
          ],
        }
      : {}),
  }) as unknown as autocannon.Instance & PromiseLike<autocannon.Result>;
  instance.on('response', (_client, statusCode, _bytes, responseTime) => {
    latencies.push(responseTime);
    if (statusCode >= 200 && statusCode < 300) ok++;
    else statuses[String(statusCode)] = (statuses[String(statusCode)] ?? 0) + 1;
  });
  const result = await instance;
  const seconds = result.duration;
  return {
    requests: latencies.length,
    ok,
    non2xx: latencies.length - ok,
    errors: result.errors,
    timeouts: result.timeouts,
    seconds,
    perSecond: ok / seconds,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    max: latencies.reduce((a, b) => Math.max(a, b), 0),
    statuses,
  };
}

export interface GraphQLAnswer<T> {
  readonly status: number;
  readonly data?: T;
  readonly errors?: ReadonlyArray<{ message: string; extensions?: { code?: string } }>;
  readonly raw: string;
}

/** One GraphQL request (setup, checks and latency samples), failing loudly on transport errors. */
export async function graphql<T = Record<string, unknown>>(
  url: string,
  token: string,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<GraphQLAnswer<T>> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const raw = await response.text();
  const parsed = JSON.parse(raw) as { data?: T; errors?: GraphQLAnswer<T>['errors'] };
  return { status: response.status, ...parsed, raw };
}

/** Like `graphql`, but any error is fatal. */
export async function mustGraphql<T = Record<string, unknown>>(
  url: string,
  token: string,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<T> {
  const answer = await graphql<T>(url, token, query, variables);
  if (answer.status !== 200 || answer.errors?.length || answer.data === undefined) {
    throw new Error(`GraphQL failed (${answer.status}): ${answer.raw.slice(0, 500)}`);
  }
  return answer.data;
}
