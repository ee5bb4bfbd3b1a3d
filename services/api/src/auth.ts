import { createSecretKey, type KeyObject, randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { privateFolder } from '@qingmiao/event-store';
import { Actor, type Role } from '@qingmiao/schema';
import { errors, type JWTPayload, jwtVerify, SignJWT } from 'jose';
import { LRUCache } from 'lru-cache';
import { durationText, type QingmiaoConfig } from './config.ts';

export class Unauthenticated extends Error {
  override readonly name = 'Unauthenticated';
}

/** Where development keeps its generated secret: in the data directory, shared by the server and the CLI. */
export function devSecretFile(config: QingmiaoConfig): string {
  return join(config.dataDir, 'dev-auth-secret');
}

/**
 * The HS256 secret: QINGMIAO_AUTH_SECRET, required in production; in development one is generated once into the
 * data directory so `qingmiao token` and the server agree without setup.
 */
export function resolveAuthSecret(config: QingmiaoConfig): Uint8Array {
  if (config.authSecret) return new TextEncoder().encode(config.authSecret);
  if (config.production) throw new Error('QINGMIAO_AUTH_SECRET is required when NODE_ENV=production');
  const file = devSecretFile(config);
  privateFolder(config.dataDir);
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

/** The token of an `Authorization: Bearer <token>` header (the scheme in any case). */
export const tokenOf = (header: string | null | undefined) => header?.match(/^Bearer\s+(\S+)$/i)?.[1];

/** Who a verified token speaks for: the actor, and the login session (`sid` claim) when the token names one. */
export interface Identity {
  readonly actor: Actor;
  readonly session: string | undefined;
}

/** How many verified tokens are remembered: more than the distinct tokens of a busy day. */
const VERIFIED_TOKENS = 10_000;

/** How far ahead of this server's clock a token's `iat` or `nbf` may be: the issuer's clock may run a little fast. */
const CLOCK_SKEW_SECONDS = 60;

/** Why jose refused a token, in the caller's terms. */
function refusal(error: unknown): Unauthenticated {
  if (error instanceof errors.JWTExpired) return new Unauthenticated('Token has expired');
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.reason === 'missing') return new Unauthenticated(`Token is invalid: it has no "${error.claim}" claim`);
    const ahead = `more than ${CLOCK_SKEW_SECONDS} s ahead of the server's clock`;
    if (error.claim === 'iat') return new Unauthenticated(`Token is invalid: issued in the future ("iat" ${ahead})`);
    if (error.claim === 'nbf') return new Unauthenticated(`Token is not valid yet ("nbf" ${ahead})`);
  }
  return new Unauthenticated('Token is invalid');
}

/**
 * Authenticates `Authorization: Bearer <JWT>` headers. A token that verified once is remembered (until it expires)
 * with its actor: HMAC verification and claim parsing cost more than the rest of a cached query, and a token's
 * verdict cannot change while the process's secret does not. Refusals are not remembered.
 *
 * A token must say when it was issued (`iat`), not claim to be issued or valid from more than CLOCK_SKEW_SECONDS in
 * the future, and live (exp − iat) no longer than `maxLifetime` seconds: a leaked token with `exp` in 9999 would
 * otherwise never stop working. Expiry itself gets no tolerance.
 */
export class Authenticator {
  readonly #key: KeyObject;
  readonly #maxLifetime: number;
  readonly #verified = new LRUCache<string, Identity>({ max: VERIFIED_TOKENS });
  readonly #standing: (identity: Identity) => boolean;
  readonly #byRequest = new WeakMap<object, Promise<Identity>>();

  /**
   * `standing` says whether a verified identity still counts (its account enabled, its session not revoked); it is
   * asked on every request, cached token or not, so a disabled account is refused at once.
   */
  constructor(secret: Uint8Array, maxLifetime: number, standing: (identity: Identity) => boolean = () => true) {
    this.#key = createSecretKey(secret);
    this.#maxLifetime = maxLifetime;
    this.#standing = standing;
  }

  #standingOf(identity: Identity): Identity {
    if (!this.#standing(identity)) throw new Unauthenticated('Session has ended: sign in again');
    return identity;
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
    if (known) return this.#standingOf(known);
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.#key, {
        algorithms: ['HS256'],
        requiredClaims: ['sub', 'exp'],
        // maxTokenAge requires `iat` and refuses one more than the tolerance in the future.
        maxTokenAge: this.#maxLifetime,
        clockTolerance: CLOCK_SKEW_SECONDS,
      }));
    } catch (error) {
      throw refusal(error);
    }
    // jose checked exp with the tolerance meant for iat and nbf: an expired token gets none.
    const exp = payload.exp ?? 0;
    if (exp <= Math.floor(Date.now() / 1000)) throw new Unauthenticated('Token has expired');
    if (exp - (payload.iat ?? 0) > this.#maxLifetime) {
      throw new Unauthenticated(
        `Token lifetime (exp − iat) exceeds the maximum of ${durationText(this.#maxLifetime)} (QINGMIAO_MAX_TOKEN_LIFETIME)`,
      );
    }
    const actor = Actor.safeParse({ sub: payload.sub, role: payload.role, schoolId: payload.schoolId });
    if (!actor.success) throw new Unauthenticated('Token lacks a valid role or schoolId claim');
    const identity = { actor: actor.data, session: typeof payload.sid === 'string' ? payload.sid : undefined };
    // The cache forgets the token the moment it expires.
    const ttl = exp * 1000 - Date.now();
    if (ttl > 0) this.#verified.set(token, identity, { ttl });
    return this.#standingOf(identity);
  }

  /**
   * `identify`, once per HTTP request (the same header): the rate limiter, the response cache and the GraphQL
   * context each ask who sent it, and the standing check reads the account.
   */
  identifyRequest(request: object, header: string | null | undefined): Promise<Identity> {
    let identity = this.#byRequest.get(request);
    if (!identity) {
      identity = this.identify(header);
      this.#byRequest.set(request, identity);
    }
    return identity;
  }

  /** The actor of a token that has already verified, not expired and still stands, without verifying it again. */
  verified(header: string | null | undefined): Actor | undefined {
    const token = tokenOf(header);
    const identity = token ? this.#verified.get(token) : undefined;
    return identity && this.#standing(identity) ? identity.actor : undefined;
  }
}

export async function mintToken(
  secret: Uint8Array,
  claims: {
    readonly sub: string;
    readonly role: Role;
    readonly schoolId?: string | undefined;
    /** The login session, for tokens issued at sign-in; service tokens have none. */
    readonly sid?: string;
  },
  /** A lifetime as jose reads it ('8h') or the expiry in seconds since the epoch. */
  expiresIn: string | number = '30d',
): Promise<string> {
  return new SignJWT({
    role: claims.role,
    ...(claims.schoolId ? { schoolId: claims.schoolId } : {}),
    ...(claims.sid ? { sid: claims.sid } : {}),
  })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(claims.sub)
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(secret);
}
