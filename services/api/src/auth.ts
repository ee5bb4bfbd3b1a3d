import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Actor, type Role } from '@qingmiao/schema';
import { errors, jwtVerify, SignJWT } from 'jose';
import type { QingmiaoConfig } from './config.ts';

export class Unauthenticated extends Error {
  override readonly name = 'Unauthenticated';
}

/**
 * The HS256 secret: QINGMIAO_AUTH_SECRET, required in production; in development one is generated once into the
 * data directory so `qingmiao token` and the server agree without setup.
 */
export function resolveAuthSecret(config: QingmiaoConfig): Uint8Array {
  if (config.authSecret) return new TextEncoder().encode(config.authSecret);
  if (config.production) throw new Error('QINGMIAO_AUTH_SECRET is required when NODE_ENV=production');
  const file = join(config.dataDir, 'dev-auth-secret');
  mkdirSync(config.dataDir, { recursive: true });
  try {
    return new TextEncoder().encode(readFileSync(file, 'utf8').trim());
  } catch {
    const secret = randomBytes(32).toString('base64url');
    // `wx` keeps a concurrently generated secret rather than overwriting it.
    try {
      writeFileSync(file, secret, { flag: 'wx', mode: 0o600 });
    } catch {
      return new TextEncoder().encode(readFileSync(file, 'utf8').trim());
    }
    return new TextEncoder().encode(secret);
  }
}

/** The actor behind an `Authorization: Bearer <JWT>` header, or Unauthenticated saying why not. */
export async function authenticate(header: string | null | undefined, secret: Uint8Array): Promise<Actor> {
  const token = header?.match(/^Bearer\s+(\S+)$/i)?.[1];
  if (!token) throw new Unauthenticated('Missing Authorization: Bearer <token> header');
  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtVerify(token, secret, { algorithms: ['HS256'], requiredClaims: ['sub', 'exp'] }));
  } catch (error) {
    if (error instanceof errors.JWTExpired) throw new Unauthenticated('Token has expired');
    throw new Unauthenticated('Token is invalid');
  }
  const actor = Actor.safeParse({ sub: payload.sub, role: payload.role, schoolId: payload.schoolId });
  if (!actor.success) throw new Unauthenticated('Token lacks a valid role or schoolId claim');
  return actor.data;
}

export async function mintToken(
  secret: Uint8Array,
  claims: { readonly sub: string; readonly role: Role; readonly schoolId?: string | undefined },
  expiresIn = '30d',
): Promise<string> {
  return new SignJWT({ role: claims.role, ...(claims.schoolId ? { schoolId: claims.schoolId } : {}) })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(claims.sub)
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(secret);
}
