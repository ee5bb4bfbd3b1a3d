/**
 * HTTP load from the benchmark process with autocannon, to 127.0.0.1 only, bounded in time. Latencies are taken
 * from every response (not autocannon's whole-millisecond histogram), so percentiles are exact.
 */
import {
  type Checked,
  type GraphQLResult,
  type Operation,
  type ResultFor,
  readAnswer,
  requestBody,
  type VariablesFor,
} from '@qingmiao/schema/graphql';
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

/** An answer with the text it came as (the benchmarks keep it, and show it when something fails). */
export type GraphQLAnswer<T> = GraphQLResult<T> & { readonly raw: string };

/** One GraphQL request (setup, checks and latency samples), failing loudly on transport errors. */
export async function graphql<O extends Operation>(
  url: string,
  token: string,
  operation: O & Checked<O>,
  variables?: VariablesFor<O>,
): Promise<GraphQLAnswer<ResultFor<O>>> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', authorization: `Bearer ${token}` },
    body: requestBody(operation, variables),
  });
  const raw = await response.text();
  return { ...readAnswer<ResultFor<O>>(response.status, raw), raw };
}

/** Like `graphql`, but any error is fatal. */
export async function mustGraphql<O extends Operation>(
  url: string,
  token: string,
  operation: O & Checked<O>,
  variables?: VariablesFor<O>,
): Promise<ResultFor<O>> {
  const answer = await graphql<O>(url, token, operation, variables);
  if (answer.status !== 200 || answer.errors?.length || !answer.data) {
    throw new Error(`GraphQL failed (${answer.status}): ${answer.raw.slice(0, 500)}`);
  }
  return answer.data;
}
