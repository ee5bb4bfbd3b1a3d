import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { join } from 'node:path';
import { SignInRefused } from '@qingmiao/domain';
import { privateDatabaseFile } from '@qingmiao/event-store';
import type { AccountRow } from '@qingmiao/projections';
import Database from 'better-sqlite3';
import { parse, serialize } from 'cookie';
import { type Identity, mintToken } from './auth.ts';
import type { QingmiaoConfig } from './config.ts';

/** Access tokens live 15 minutes (or less when QINGMIAO_MAX_TOKEN_LIFETIME says so); refresh keeps a session going. */
const ACCESS_SECONDS = 15 * 60;
/** A session ends after two weeks without a refresh, and after 30 days whatever happens. */
const IDLE_MS = 14 * 24 * 60 * 60 * 1000;
const SESSION_MS = 30 * 24 * 60 * 60 * 1000;

const REFRESH_COOKIE = 'qingmiao_refresh';

const sha256 = (token: string) => createHash('sha256').update(token).digest('hex');

/** What signIn, activateAccount and refreshSession answer (GraphQL `Session`). */
export interface Session {
  readonly accessToken: string;
  readonly expiresAt: string;
  readonly account: AccountRow;
}

/** A session's row: whose it is and when it started (to compare with the account's last disable or reset). */
export interface SessionRecord {
  readonly id: string;
  readonly accountId: string;
  readonly createdAt: string;
}

export type Rotation =
  | { readonly kind: 'rotated'; readonly session: SessionRecord; readonly refreshToken: string }
  /** The token had already been rotated: someone holds a copy. The whole session has been revoked. */
  | { readonly kind: 'reused'; readonly session: SessionRecord }
  | { readonly kind: 'unknown' };

/**
 * Login sessions in SQLite in the data directory (not events, like the access log): sessions, and every refresh
 * token each has had, stored as SHA-256 only. A refresh token works once; presenting one that was already rotated
 * revokes its session (theft detection). Every lookup is by primary key, cheap enough for each request.
 */
export class SessionStore {
  readonly #db: Database.Database;
  readonly #statements;

  constructor(file: string) {
    privateDatabaseFile(file);
    this.#db = new Database(file);
    this.#db.pragma('journal_mode = WAL');
    this.#db.pragma('busy_timeout = 5000');
    this.#db.exec(`CREATE TABLE IF NOT EXISTS sessions (
        id TEXT PRIMARY KEY,
        account_id TEXT NOT NULL,
        created_at TEXT NOT NULL,
        ends_at TEXT NOT NULL,
        revoked_at TEXT
      );
      CREATE TABLE IF NOT EXISTS refresh_tokens (
        hash TEXT PRIMARY KEY,
        session_id TEXT NOT NULL REFERENCES sessions (id),
        expires_at TEXT NOT NULL,
        rotated INTEGER NOT NULL DEFAULT 0
      );
      CREATE INDEX IF NOT EXISTS sessions_by_account ON sessions (account_id)`);
    const db = this.#db;
    this.#statements = {
      insertSession: db.prepare(
        'INSERT INTO sessions (id, account_id, created_at, ends_at) VALUES (@id, @accountId, @createdAt, @endsAt)',
      ),
      insertToken: db.prepare(
        'INSERT INTO refresh_tokens (hash, session_id, expires_at) VALUES (@hash, @sessionId, @expiresAt)',
      ),
      token: db.prepare<[string], { sessionId: string; expiresAt: string; rotated: number }>(
        'SELECT session_id AS sessionId, expires_at AS expiresAt, rotated FROM refresh_tokens WHERE hash = ?',
      ),
      rotate: db.prepare('UPDATE refresh_tokens SET rotated = 1 WHERE hash = ?'),
      live: db.prepare<[string, string], SessionRecord>(
        `SELECT id, account_id AS accountId, created_at AS createdAt FROM sessions
          WHERE id = ? AND revoked_at IS NULL AND ends_at > ?`,
      ),
      session: db.prepare<[string], SessionRecord>(
        'SELECT id, account_id AS accountId, created_at AS createdAt FROM sessions WHERE id = ?',
      ),
      revoke: db.prepare('UPDATE sessions SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL'),
      revokeOthers: db.prepare(
        'UPDATE sessions SET revoked_at = ? WHERE account_id = ? AND id IS NOT ? AND revoked_at IS NULL',
      ),
    };
  }

  /** A new session for the account and its first refresh token. */
  start(accountId: string, now = new Date()): { session: SessionRecord; refreshToken: string } {
    const session = { id: randomUUID(), accountId, createdAt: now.toISOString() };
    const endsAt = new Date(now.getTime() + SESSION_MS).toISOString();
    return this.#db.transaction(() => {
      this.#statements.insertSession.run({ ...session, endsAt });
      return { session, refreshToken: this.#issue(session.id, now) };
    })();
  }

  #issue(sessionId: string, now: Date): string {
    const refreshToken = randomBytes(32).toString('base64url');
    const expiresAt = new Date(now.getTime() + IDLE_MS).toISOString();
    this.#statements.insertToken.run({ hash: sha256(refreshToken), sessionId, expiresAt });
    return refreshToken;
  }

  /** Trades a refresh token for the next one; immediate, so two processes on one data dir cannot both rotate it. */
  rotate(refreshToken: string, now = new Date()): Rotation {
    return this.#db
      .transaction((): Rotation => {
        const hash = sha256(refreshToken);
        const token = this.#statements.token.get(hash);
        if (!token) return { kind: 'unknown' };
        if (token.rotated === 1) {
          this.#statements.revoke.run(now.toISOString(), token.sessionId);
          const session = this.#statements.session.get(token.sessionId);
          return session ? { kind: 'reused', session } : { kind: 'unknown' };
        }
        const session = this.#statements.live.get(token.sessionId, now.toISOString());
        if (!session || token.expiresAt <= now.toISOString()) return { kind: 'unknown' };
        this.#statements.rotate.run(hash);
        return { kind: 'rotated', session, refreshToken: this.#issue(session.id, now) };
      })
      .immediate();
  }

  /** The session, while it is neither revoked nor over. */
  live(sessionId: string, now = new Date()): SessionRecord | undefined {
    return this.#statements.live.get(sessionId, now.toISOString());
  }

  revoke(sessionId: string, now = new Date()): void {
    this.#statements.revoke.run(now.toISOString(), sessionId);
  }

  /** Ends every session of the account but `keep` (the one asking, if any); returns how many ended. */
  revokeOthers(accountId: string, keep: string | undefined, now = new Date()): number {
    return this.#statements.revokeOthers.run(now.toISOString(), accountId, keep ?? null).changes;
  }

  /** The session a refresh token belongs to, rotated or not (for signing out). */
  sessionOf(refreshToken: string): string | undefined {
    return this.#statements.token.get(sha256(refreshToken))?.sessionId;
  }

  close(): void {
    this.#db.close();
  }
}

export const sessionStoreFile = (config: QingmiaoConfig) => join(config.dataDir, 'sessions.db');

/** Whether a session still speaks for its account: the account active, the session begun after its last disable or reset. */
function sessionValid(session: SessionRecord, account: AccountRow | undefined): account is AccountRow {
  return (
    account !== undefined &&
    account.status === 'ACTIVE' &&
    (account.sessionsSince === null || session.createdAt > account.sessionsSince)
  );
}

/** What issuing a session needs: the session store, the signing secret and the cookie's settings. */
export interface SessionIssuer {
  readonly store: SessionStore;
  readonly secret: Uint8Array;
  /** Seconds; the lower of 15 minutes and QINGMIAO_MAX_TOKEN_LIFETIME. */
  readonly accessSeconds: number;
  /** The cookie's Path: the GraphQL endpoint, the only place that reads it. */
  readonly cookiePath: string;
  /** The cookie is Secure always (production), not only when the request came over HTTPS. */
  readonly secureCookie: boolean;
}

export function sessionIssuer(config: QingmiaoConfig, store: SessionStore, secret: Uint8Array, cookiePath: string) {
  return {
    store,
    secret,
    accessSeconds: Math.min(ACCESS_SECONDS, config.maxTokenLifetime),
    cookiePath,
    secureCookie: config.production,
  } satisfies SessionIssuer;
}

/**
 * Whether the browser reached us over HTTPS: express's `req.secure`, true for TLS here and for `X-Forwarded-Proto:
 * https` from a proxy QINGMIAO_TRUST_PROXY trusts (a request outside express has no such flag).
 */
function overHttps(response: ServerResponse): boolean {
  const request = response.req;
  return 'secure' in request && request.secure === true;
}

function setRefreshCookie(issuer: SessionIssuer, response: ServerResponse, refreshToken: string | undefined): void {
  const cookie = serialize(REFRESH_COOKIE, refreshToken ?? '', {
    httpOnly: true,
    sameSite: 'strict',
    secure: issuer.secureCookie || overHttps(response),
    path: issuer.cookiePath,
    maxAge: refreshToken === undefined ? 0 : IDLE_MS / 1000,
  });
  response.appendHeader('Set-Cookie', cookie);
}

/** An access token (Bearer JWT: `sub` the account, `sid` the session, role and school) for a live session. */
async function accessFor(
  issuer: SessionIssuer,
  account: AccountRow,
  sessionId: string,
  refreshToken: string,
  response: ServerResponse,
): Promise<Session> {
  const expiresAt = new Date(Date.now() + issuer.accessSeconds * 1000);
  const accessToken = await mintToken(
    issuer.secret,
    { sub: account.id, role: account.role, schoolId: account.schoolId ?? undefined, sid: sessionId },
    Math.floor(expiresAt.getTime() / 1000),
  );
  setRefreshCookie(issuer, response, refreshToken);
  return { accessToken, expiresAt: expiresAt.toISOString(), account };
}

/**
 * Starts a session for an account that has proved who it is (password, activation code, or single sign-on): the
 * refresh token goes into an httpOnly cookie on `response`, the access token into the answer. The caller has checked
 * that the account is active.
 */
export function issueSession(issuer: SessionIssuer, account: AccountRow, response: ServerResponse): Promise<Session> {
  const { session, refreshToken } = issuer.store.start(account.id);
  return accessFor(issuer, account, session.id, refreshToken, response);
}

const REFRESH_REFUSED = 'No valid session: sign in again';

/** The refresh token the request's cookie carries. */
export const refreshTokenOf = (cookieHeader: string | null | undefined): string | undefined =>
  cookieHeader ? parse(cookieHeader)[REFRESH_COOKIE] || undefined : undefined;

/**
 * The next access and refresh token of the session the cookie names; a reused token revokes the session and is
 * reported to `onReused` (the access log's business).
 */
export async function refreshSession(
  issuer: SessionIssuer,
  refreshToken: string | undefined,
  accountOf: (accountId: string) => AccountRow | undefined,
  response: ServerResponse,
  onReused: (session: SessionRecord) => void,
): Promise<Session> {
  const rotation = refreshToken === undefined ? ({ kind: 'unknown' } as const) : issuer.store.rotate(refreshToken);
  if (rotation.kind === 'reused') onReused(rotation.session);
  if (rotation.kind !== 'rotated') {
    setRefreshCookie(issuer, response, undefined);
    throw new SignInRefused(
      rotation.kind === 'reused'
        ? 'This refresh token was already used: the session is revoked, sign in again'
        : REFRESH_REFUSED,
    );
  }
  const account = accountOf(rotation.session.accountId);
  if (!sessionValid(rotation.session, account)) {
    issuer.store.revoke(rotation.session.id);
    setRefreshCookie(issuer, response, undefined);
    throw new SignInRefused(REFRESH_REFUSED);
  }
  return accessFor(issuer, account, rotation.session.id, rotation.refreshToken, response);
}

/**
 * Ends the session of the cookie (and of the access token, if it names one) and clears the cookie; returns the
 * accounts whose live sessions ended.
 */
export function endSession(
  issuer: SessionIssuer,
  refreshToken: string | undefined,
  sessionId: string | undefined,
  response: ServerResponse,
): string[] {
  const ended = new Set<string>();
  for (const id of [refreshToken && issuer.store.sessionOf(refreshToken), sessionId]) {
    if (!id) continue;
    const live = issuer.store.live(id);
    if (live) ended.add(live.accountId);
    issuer.store.revoke(id);
  }
  setRefreshCookie(issuer, response, undefined);
  return [...ended];
}

/**
 * Whether a verified token still counts, from two primary-key lookups: a token with a session (`sid`) needs that
 * session live and its account active, with no disable or reset since the session began; a service token (no `sid`)
 * that names an account needs the account active.
 */
export function standing(store: SessionStore, accountOf: (accountId: string) => AccountRow | undefined) {
  return ({ actor, session }: Identity): boolean => {
    const account = accountOf(actor.sub);
    if (session === undefined) return account === undefined || account.status === 'ACTIVE';
    const record = store.live(session);
    return record !== undefined && record.accountId === actor.sub && sessionValid(record, account);
  };
}
