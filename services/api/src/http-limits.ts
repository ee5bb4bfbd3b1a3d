import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import type { QingmiaoConfig } from './config.ts';

/**
 * Per-token rate limiting: each bearer token has its own budget, anonymous requests share their address's. A forged
 * token only gets a budget for being refused. The token itself is the key: the in-memory counters never leave the
 * process (hashing it cost more than the rest of a cached query), and draft-7 headers carry no hashed partition key.
 */
export function rateLimitPerToken(config: QingmiaoConfig): RequestHandler {
  return rateLimit({
    windowMs: 60_000,
    limit: config.rateLimitPerMinute,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    keyGenerator: (req) => {
      const token = req.get('authorization');
      return token ? `token:${token}` : ipKeyGenerator(req.ip ?? 'unknown');
    },
    handler: (_req, res) => {
      res
        .status(429)
        .json({ errors: [{ message: 'Too many requests for this token', extensions: { code: 'RATE_LIMITED' } }] });
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
