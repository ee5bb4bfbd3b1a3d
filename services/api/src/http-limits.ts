import express, { type ErrorRequestHandler, type Request, type RequestHandler } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import { type Authenticator, Unauthenticated } from './auth.ts';
import type { QingmiaoConfig } from './config.ts';

/**
 * A refusal in the shape of the endpoint's other answers: GraphQL's `errors` list on /graphql, the `error` object
 * of the report downloads.
 */
function refusalBody(req: Request, code: string, message: string): object {
  return req.baseUrl === '/reports' ? { error: { code, message } } : { errors: [{ message, extensions: { code } }] };
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
        const { actor, session } = await authenticator.identify(req.get('authorization'));
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

/** JSON bodies up to the configured size; GraphQL reads the parsed body. */
export function jsonBody(config: QingmiaoConfig): RequestHandler {
  return express.json({ limit: config.bodyLimit });
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
