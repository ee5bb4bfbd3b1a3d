import { randomUUID } from 'node:crypto';
import type { SettledCommand } from '@qingmiao/domain';
import type { EventStore } from '@qingmiao/event-store';
import type { ReadSide } from '@qingmiao/projections';
import type { Request, RequestHandler } from 'express';
import { type DestinationStream, type Logger, pino } from 'pino';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

export interface Metrics {
  readonly registry: Registry;
  readonly onCommandSettled: (settled: SettledCommand) => void;
  readonly onUnknownEvent: (type: string) => void;
  readonly onReadModelsBuilt: (peakRssBytes: number) => void;
}

/** Prometheus metrics of the process, its commands and its projections (GraphQL ones come from Yoga's plugin). */
export function createMetrics(store: EventStore, readSide: () => ReadSide): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'qingmiao_process_' });
  const appended = new Counter({
    name: 'qingmiao_events_appended_total',
    help: 'Events appended by commands of this process',
    labelNames: ['aggregate', 'type'] as const,
    registers: [registry],
  });
  const commands = new Histogram({
    name: 'qingmiao_command_duration_seconds',
    help: 'Time from receiving a command to its outcome (validation, load, decide, append)',
    labelNames: ['type', 'outcome'] as const,
    buckets: [0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  new Gauge({
    name: 'qingmiao_projection_lag',
    help: 'Log positions not yet applied to the serving read models (events on the embedded store, bytes on KurrentDB)',
    registers: [registry],
    async collect() {
      const head = await store.headPosition();
      const lag = head.commit - readSide().position.commit;
      this.set(Number(lag > 0n ? lag : 0n));
    },
  });
  new Gauge({
    name: 'qingmiao_projection_position',
    help: 'Global log position the serving read models have reached',
    registers: [registry],
    collect() {
      this.set(Number(readSide().position.commit));
    },
  });
  const unknownEvents = new Counter({
    name: 'qingmiao_unknown_events_total',
    help: 'Events of types this version does not know (written by a newer one), skipped by the projections',
    labelNames: ['type'] as const,
    registers: [registry],
  });
  const buildPeak = new Gauge({
    name: 'qingmiao_read_model_build_peak_rss_bytes',
    help: "Peak resident memory of the last start-up build of the read models, in its own process (this process's is qingmiao_process_process_resident_memory_bytes)",
    registers: [registry],
  });
  return {
    registry,
    onUnknownEvent: (type) => unknownEvents.inc({ type }),
    onReadModelsBuilt: (peakRssBytes) => buildPeak.set(peakRssBytes),
    onCommandSettled({ aggregate, type, outcome, appended: count, durationMs }) {
      if (count > 0) appended.inc({ aggregate, type }, count);
      commands.observe({ type, outcome }, durationMs / 1000);
    },
  };
}

/** How much the log may hold in memory while its destination does not keep up, before lines are dropped. */
const LOG_BUFFER_LIMIT = 16 * 1024 * 1024;

/**
 * Standard output, written asynchronously: a log line costs the request a copy into a buffer, not a `write` system
 * call, and lines logged while a write is under way go out together with the next one. pino flushes what is left
 * synchronously when the process exits (`process.exit`, a signal handled by the CLI, an uncaught exception).
 */
function asynchronousStdout(): DestinationStream {
  const stream = pino.destination({ dest: 1, sync: false, maxLength: LOG_BUFFER_LIMIT });
  // The limit is only reached when nobody reads stdout: say so once, on stderr, rather than grow without bound.
  stream.once('drop', () =>
    process.stderr.write(`log lines dropped: more than ${LOG_BUFFER_LIMIT} bytes waiting for stdout\n`),
  );
  return stream;
}

/** The process logger: JSON lines at the configured level, with credentials redacted. */
export function createLogger(level: string, service = 'qingmiao'): Logger {
  return pino(
    {
      level,
      base: { service },
      // Request logs carry the request headers: bearer tokens (valid for days) must not end up in log storage.
      redact: { paths: ['req.headers.authorization', 'req.headers.cookie'], censor: '[redacted]' },
    },
    level === 'silent' ? undefined : asynchronousStdout(),
  );
}

const CORRELATION_HEADER = 'x-correlation-id';

/**
 * A URL fit for logs: query strings are the caller's (a refused `GET /graphql?query=mutation{…}` carries children's
 * names, report URLs their parameters), so only whether there was one is kept.
 */
function withoutQuery(url: string): string {
  const query = url.indexOf('?');
  return query < 0 ? url : `${url.slice(0, query)}?[redacted]`;
}

/**
 * Headers worth a log line. Any other header is the caller's free text (a custom header may carry anything, a
 * child's name included), so it is left out rather than redacted one by one; credentials are never among these.
 */
const LOGGED_HEADERS = ['host', 'user-agent', 'content-type', 'content-length', 'accept', 'referer'] as const;

/**
 * The request as logged: method, path, the headers above (the referer without its query), the peer (`remoteAddress`,
 * a reverse proxy's own when there is one) and the client's address (`address`, express's `req.ip`: from
 * X-Forwarded-For only when the peer is a proxy QINGMIAO_TRUST_PROXY trusts); no query. The URL is the one asked
 * for (`originalUrl`): a route mounted on a path sees only the rest of it.
 */
function requestForLog(req: Request, id: string) {
  const logged: Record<string, string> = {};
  for (const name of LOGGED_HEADERS) {
    const value = req.headers[name];
    if (typeof value === 'string') logged[name] = name === 'referer' ? withoutQuery(value) : value.slice(0, 256);
  }
  const { remoteAddress, remotePort } = req.socket;
  return {
    id,
    method: req.method,
    url: withoutQuery(req.originalUrl),
    headers: logged,
    remoteAddress,
    remotePort,
    address: req.ip ?? remoteAddress,
  };
}

/** Requests logged by neither probes nor scrapes: they come every few seconds. */
const UNLOGGED = new Set(['/healthz', '/readyz', '/metrics']);

/**
 * Structured request logs with a correlation id: taken from `X-Correlation-Id` or made up, echoed in the response,
 * and left on the request so GraphQL stores it in the metadata of every event the request causes. One line per
 * request once its response has closed: the request (above), the response by its status only (its headers hold what
 * the answer sets, a refresh token's `Set-Cookie` among them), the time taken, and the error of a failed one.
 * pino-http did this with a child logger per request whose bindings were serialized as the request came in, and
 * three listeners; here the line is built once, at the end.
 */
export function requestLogging(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const given = req.headers[CORRELATION_HEADER];
    const id = typeof given === 'string' && /^[\w.:-]{1,100}$/.test(given) ? given : randomUUID();
    req.headers[CORRELATION_HEADER] = id;
    res.setHeader('X-Correlation-Id', id);
    if (UNLOGGED.has(req.url)) return next();
    const began = Date.now();
    let failure: Error | undefined;
    // Listened to so that the line names it, as a request's failure is logged rather than thrown.
    res.once('error', (error) => {
      failure = error;
    });
    res.once('close', () => {
      const responseTime = Date.now() - began;
      const logged = { req: requestForLog(req, id), res: { statusCode: res.statusCode }, responseTime };
      if (failure || res.statusCode >= 500) {
        const err = failure ?? new Error(`failed with status code ${res.statusCode}`);
        logger.error({ ...logged, err }, 'request errored');
        return;
      }
      const completed = !req.readableAborted && res.writableEnded;
      logger[res.statusCode >= 400 ? 'warn' : 'info'](logged, completed ? 'request completed' : 'request aborted');
    });
    next();
  };
}
