import { createHash, timingSafeEqual } from 'node:crypto';
import { BlockList, isIP } from 'node:net';
import type { RequestHandler } from 'express';
import { tokenOf } from './auth.ts';
import type { QingmiaoConfig } from './config.ts';

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/** Headers a reverse proxy adds when it passes a request on: such a request comes from elsewhere. */
const FORWARDED = ['forwarded', 'x-forwarded-for', 'x-real-ip'];

const digest = (text: string) => createHash('sha256').update(text).digest();

/**
 * Who may read `/metrics`. With QINGMIAO_METRICS_TOKEN: whoever sends it as a bearer token (compared in constant
 * time: the digests have equal length whatever was sent). Without it in production: callers on this host only,
 * i.e. a loopback peer address and no proxy's forwarding header (a reverse proxy on the same host connects from
 * loopback too, on behalf of anyone). Without it in development: anyone, as before.
 */
export function metricsAccess(config: QingmiaoConfig): RequestHandler {
  const { metricsToken, production } = config;
  if (metricsToken !== undefined) {
    const expected = digest(metricsToken);
    return (req, res, next) => {
      const token = tokenOf(req.get('authorization'));
      if (token !== undefined && timingSafeEqual(digest(token), expected)) return next();
      res
        .status(401)
        .set('WWW-Authenticate', 'Bearer')
        .json({
          error: { code: 'UNAUTHENTICATED', message: 'Send the metrics token as Authorization: Bearer <token>' },
        });
    };
  }
  if (!production) return (_req, _res, next) => next();
  return (req, res, next) => {
    const address = req.socket.remoteAddress ?? '';
    const version = isIP(address);
    const local = version !== 0 && LOOPBACK.check(address, version === 6 ? 'ipv6' : 'ipv4');
    if (local && !FORWARDED.some((header) => req.get(header) !== undefined)) return next();
    res.status(403).json({
      error: {
        code: 'FORBIDDEN',
        message:
          'Metrics are served to callers on this host only; set QINGMIAO_METRICS_TOKEN to read them from elsewhere',
      },
    });
  };
}
