import { createSecretKey, type KeyObject, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Actor, type Role } from '@qingmiao/schema';
import { errors, type JWTPayload, jwtVerify, SignJWT } from 'jose';
import { LRUCache } from 'lru-cache';
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

const tokenOf = (header: string | null | undefined) => header?.match(/^Bearer\s+(\S+)$/i)?.[1];

/** Who a verified token speaks for: the actor, and the login session (`sid` claim) when the token names one. */
export interface Identity {
  readonly actor: Actor;
  readonly session: string | undefined;
}

/** How many verified tokens are remembered: more than the distinct tokens of a busy day. */
const VERIFIED_TOKENS = 10_000;

/**
 * Authenticates `Authorization: Bearer <JWT>` headers. A token that verified once is remembered (until it expires)
 * with its actor: HMAC verification and claim parsing cost more than the rest of a cached query, and a token's
 * verdict cannot change while the process's secret does not. Refusals are not remembered.
 */
export class Authenticator {
  readonly #key: KeyObject;
  readonly #verified = new LRUCache<string, Identity>({ max: VERIFIED_TOKENS });

  constructor(secret: Uint8Array) {
    this.#key = createSecretKey(secret);
  }

  /** The actor behind the header, or Unauthenticated saying why not. */
  async authenticate(header: string | null | undefined): Promise<Actor> {
    return (await this.identify(header)).actor;
  }

  /** The identity behind the header, or Unauthenticated saying why not. */
  async identify(header: string | null | undefined): Promise<Identity> {
    const token = tokenOf(header);
    if (!token) throw new Unauthenticated('Missing Authorization: Bearer <token> header');
    const known = this.#verified.get(token);
    if (known) return known;
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.#key, { algorithms: ['HS256'], requiredClaims: ['sub', 'exp'] }));
    } catch (error) {
      if (error instanceof errors.JWTExpired) throw new Unauthenticated('Token has expired');
      throw new Unauthenticated('Token is invalid');
    }
    const actor = Actor.safeParse({ sub: payload.sub, role: payload.role, schoolId: payload.schoolId });
    if (!actor.success) throw new Unauthenticated('Token lacks a valid role or schoolId claim');
    // requiredClaims guarantees exp; the cache forgets the token the moment it expires.
    const identity = { actor: actor.data, session: typeof payload.sid === 'string' ? payload.sid : undefined };
    const ttl = (payload.exp ?? 0) * 1000 - Date.now();
    if (ttl > 0) this.#verified.set(token, identity, { ttl });
    return identity;
  }

  /** The actor of a token that has already verified and not expired, without verifying anything now. */
  verified(header: string | null | undefined): Actor | undefined {
    const token = tokenOf(header);
    return token ? this.#verified.get(token)?.actor : undefined;
  }
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
