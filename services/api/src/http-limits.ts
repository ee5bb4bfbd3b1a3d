import express, { type ErrorRequestHandler, type Request, type RequestHandler } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import { type Authenticator, Unauthenticated } from './auth.ts';
import type { QingmiaoConfig } from './config.ts';
import { isReceivedUpload } from './files/multipart-upload.ts';

/**
 * A refusal in the shape of the endpoint's other answers: GraphQL's `errors` list on /graphql, the `error` object
 * of the report downloads.
 */
function refusalBody(req: Request, code: string, message: string): object {
  return req.originalUrl.startsWith('/reports')
    ? { error: { code, message } }
    : { errors: [{ message, extensions: { code } }] };
}

/**
 * Rate limiting per caller, shared by every endpoint it is mounted on (GraphQL and the report downloads): each
 * verified identity (role, subject and login session) has its own budget however its token is spelled; requests
 * without a valid token (none, refused, expired) share their address's smaller budget, so neither junk tokens nor
 * header spellings open new budgets. Verification is the Authenticator's, which remembers verified tokens.
 */
export function rateLimitPerCaller(config: QingmiaoConfig, authenticator: Authenticator): RequestHandler {
  const identified = new WeakSet<Request>();
  return rateLimit({
    windowMs: 60_000,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    keyGenerator: async (req) => {
      try {
        const { actor, session } = await authenticator.identifyRequest(req, req.get('authorization'));
        identified.add(req);
        return JSON.stringify(['identity', actor.role, actor.sub, session ?? null]);
      } catch (error) {
        if (!(error instanceof Unauthenticated)) throw error;
        return `address:${ipKeyGenerator(req.ip ?? 'unknown')}`;
      }
    },
    limit: (req) => (identified.has(req) ? config.rateLimitPerMinute : config.anonymousRateLimitPerMinute),
    handler: (req, res) => {
      res.status(429).json(refusalBody(req, 'RATE_LIMITED', 'Too many requests; retry later'));
    },
  });
}

/**
 * Cuts off a request whose body has not fully arrived `ms` after it came in (a client trickling its body): 408, then
 * the connection closed, as Node's requestTimeout would. Node's own bound is raised to the upload timeout, so this
 * is what holds every request but an upload (a multipart POST, which `multipartUploads` reads or refuses at once,
 * closing the connection of a refused one) to QINGMIAO_REQUEST_TIMEOUT_MS.
 */
export function requestDeadline(ms: number, isUpload: (req: Request) => boolean): RequestHandler {
  return (req, res, next) => {
    if (req.complete || isUpload(req)) return next();
    const timer = setTimeout(() => {
      if (req.complete) return;
      if (res.headersSent) return void req.socket.destroy();
      res.writeHead(408, { Connection: 'close', 'Content-Type': 'text/plain' });
      res.end('Request Timeout', () => req.socket.destroy());
    }, ms);
    // The request, not the answer: a body still trickling in after a quick refusal is cut off too.
    req.once('close', () => clearTimeout(timer));
    next();
  };
}

/** Paths a stopping server still answers: liveness, and the scrape that may watch the stop. */
const ANSWERED_WHILE_DRAINING = new Set(['/healthz', '/metrics']);

/**
 * Once a stop has begun, a request that arrives (on a kept-alive connection, or a new one while the requests in
 * flight finish) is refused at once with 503 and the connection closed, so that a proxy or client retries elsewhere
 * or later instead of waiting on a process about to exit. /readyz answers its own 503.
 */
export function refuseWhileDraining(draining: AbortSignal): RequestHandler {
  return (req, res, next) => {
    if (!draining.aborted || ANSWERED_WHILE_DRAINING.has(req.path) || req.path === '/readyz') return next();
    res.set({ Connection: 'close', 'Retry-After': '5' });
    res.status(503).json(refusalBody(req, 'SHUTTING_DOWN', 'The server is restarting; retry in a few seconds'));
  };
}

/** How deep a request's variables or extensions may nest: far beyond any input type of the schema. */
export const MAX_NESTING = 64;

/**
 * The first member of a GraphQL request (`variables`, `extensions`, …) whose value nests deeper than `limit` levels.
 * Walked with a stack of its own, not recursion: 50,000 levels would overflow JSON.stringify or any recursive walk.
 */
export function tooDeeplyNested(request: object, limit = MAX_NESTING): string | undefined {
  for (const [member, value] of Object.entries(request)) {
    const pending: Array<{ node: unknown; depth: number }> = [{ node: value, depth: 1 }];
    for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
      if (typeof next.node !== 'object' || next.node === null) continue;
      if (next.depth > limit) return member;
      for (const child of Object.values(next.node)) pending.push({ node: child, depth: next.depth + 1 });
    }
  }
  return undefined;
}

/** A GET request's JSON parameters as Yoga will read them; V8's JSON.parse itself does not recurse. */
function jsonParameters(query: express.Request['query']): Record<string, unknown> {
  const parameters: Record<string, unknown> = {};
  for (const name of ['variables', 'extensions']) {
    const text = query[name];
    if (typeof text !== 'string') continue;
    try {
      parameters[name] = JSON.parse(text);
    } catch {
      // Malformed JSON is Yoga's to refuse.
    }
  }
  return parameters;
}

/** Refuses requests nested too deeply for the recursive code behind them (response cache keys, Yoga, graphql-js). */
const boundedNesting: RequestHandler = (req, res, next) => {
  // A POST body may be a batch: an array of requests.
  const requests: unknown[] = req.method === 'GET' ? [jsonParameters(req.query)] : [req.body].flat();
  for (const request of requests) {
    if (typeof request !== 'object' || request === null) continue;
    const field = tooDeeplyNested(request);
    if (field === undefined) continue;
    res.status(400).json({
      errors: [
        {
          message: `"${field}" is nested too deeply (more than ${MAX_NESTING} levels)`,
          extensions: { code: 'BAD_REQUEST', field },
        },
      ],
    });
    return;
  }
  next();
};

/** The body types GraphQL is sent here: the JSON ones, which pass through the size and nesting limits. */
const JSON_TYPES = ['application/json', 'application/graphql+json'];

/**
 * Refuses any other body (form-encoded, `application/graphql`, multipart): Yoga would read it itself, past the size
 * and nesting limits. A request without a body goes on (a GET, or a POST Yoga answers with 400), and so does an
 * upload `multipartUploads` has already received within its own limits.
 */
const jsonOnly: RequestHandler = (req, res, next) => {
  // The spelling nearly every client sends is one `is` accepts without parsing it.
  if (req.headers['content-type'] === 'application/json') return next();
  if (req.is(JSON_TYPES) !== false || isReceivedUpload(req)) return next();
  res.status(415).json({
    errors: [{ message: 'Request body must be application/json', extensions: { code: 'BAD_REQUEST' } }],
  });
};

/** JSON bodies only, up to the configured size and nesting; GraphQL reads the parsed body. */
export function jsonBody(config: QingmiaoConfig): RequestHandler[] {
  return [jsonOnly, express.json({ limit: config.bodyLimit, type: JSON_TYPES }), boundedNesting];
}

/** Malformed or oversized bodies get a clear 4xx answer in GraphQL's error shape instead of an HTML page. */
export const bodyErrors: ErrorRequestHandler = (error: unknown, _req, res, next) => {
  const status = typeof error === 'object' && error !== null && 'status' in error ? Number(error.status) : 500;
  if (status < 400 || status >= 500) return next(error);
  const type = typeof error === 'object' && error !== null && 'type' in error ? String(error.type) : '';
  const message =
    type === 'entity.too.large'
      ? 'Request body is too large'
      : type === 'entity.parse.failed'
        ? 'Request body is not valid JSON'
        : 'Request body cannot be read';
  res.status(status).json({ errors: [{ message, extensions: { code: 'BAD_REQUEST' } }] });
};
