import express from 'express';
import { LRUCache } from 'lru-cache';
import * as client from 'openid-client';
import type { Logger } from 'pino';
import type { OidcConfig } from '../config.ts';
import { FLOW_COOKIE, FLOW_LIFETIME_SECONDS, type Flow, FlowSealer, flowCookieOptions } from './flow-cookie.ts';
import { type Refusal, sendRefusal } from './refusal-page.ts';
import { safeReturnTo } from './return-to.ts';
import type { SignInByLogin } from './sign-in-by-login.ts';

export interface OidcRoutesOptions {
  readonly config: OidcConfig;
  /** Secure cookies always; otherwise when the request came over HTTPS (`req.secure`, X-Forwarded-Proto). */
  readonly production: boolean;
  /** The server's signing secret: the flow cookie's key is derived from it. */
  readonly secret: Uint8Array;
  readonly signInByLogin: SignInByLogin;
  readonly logger: Logger;
}

/** What the provider is asked for: the login claim is usually in `profile` (preferred_username) or `email`. */
const SCOPE = 'openid profile email';

/** Seconds the provider gets to answer discovery, the token exchange and userinfo. */
const PROVIDER_TIMEOUT_SECONDS = 10;

/** Callbacks remembered as used, so a replayed one is refused here too (the provider refuses a reused code). */
const USED_STATES = 10_000;

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * The provider's metadata, fetched at the first sign-in rather than at start (the server starts, and /readyz stays
 * green, while the provider is down), then kept; a failed discovery is forgotten so the next sign-in tries again.
 */
function lazyDiscovery(config: OidcConfig): () => Promise<client.Configuration> {
  let discovered: Promise<client.Configuration> | undefined;
  return () => {
    discovered ??= client
      .discovery(
        config.issuer,
        config.clientId,
        { client_secret: config.clientSecret },
        client.ClientSecretBasic(config.clientSecret),
        {
          // Plain HTTP only reaches here outside production (config refuses it there).
          execute: config.issuer.protocol === 'http:' ? [client.allowInsecureRequests] : [],
          timeout: PROVIDER_TIMEOUT_SECONDS,
        },
      )
      .catch((error: unknown) => {
        discovered = undefined;
        throw error;
      });
    return discovered;
  };
}

/** Our one cookie from a Cookie header (its value is base64url and dots: nothing to decode). */
function cookieOf(header: string | undefined, name: string): string | undefined {
  for (const pair of header?.split(';') ?? []) {
    const at = pair.indexOf('=');
    if (at > 0 && pair.slice(0, at).trim() === name) return pair.slice(at + 1).trim();
  }
  return undefined;
}

/** Codes of openid-client's errors for a provider that did not answer, or not as a provider does. */
const UNANSWERED = new Set([
  'OAUTH_TIMEOUT',
  'OAUTH_ABORT',
  'OAUTH_RESPONSE_IS_NOT_CONFORM',
  'OAUTH_RESPONSE_IS_NOT_JSON',
]);

/** The provider could not be reached or failed (network, timeout, 5xx), as opposed to refusing the code. */
function unreachable(error: unknown): boolean {
  return (
    error instanceof TypeError ||
    (error instanceof client.ClientError && error.code !== undefined && UNANSWERED.has(error.code)) ||
    (error instanceof client.ResponseBodyError && error.status >= 500)
  );
}

/** The callback's query string exactly as received (the token request's redirect_uri is derived from it). */
function callbackUrl(config: OidcConfig, originalUrl: string): URL {
  const query = originalUrl.indexOf('?');
  return new URL(config.redirectUri + (query < 0 ? '' : originalUrl.slice(query)));
}

/**
 * `/auth/oidc/start` and `/auth/oidc/callback`: single sign-on with the bureau's OpenID provider (authorization code
 * flow, PKCE S256, state and nonce). The identity maps to an account by the configured login claim, through
 * `signInByLogin`; every other outcome is a refusal page that says what to do and nothing more.
 */
export function oidcRoutes({ config, production, secret, signInByLogin, logger }: OidcRoutesOptions): express.Router {
  const discovered = lazyDiscovery(config);
  const sealer = new FlowSealer(secret);
  const usedStates = new LRUCache<string, true>({ max: USED_STATES, ttl: FLOW_LIFETIME_SECONDS * 1000 });

  const refuse = (res: express.Response, refusal: Refusal, why: string, fields: Record<string, unknown> = {}) => {
    logger.warn({ refusal, ...fields }, `single sign-on refused: ${why}`);
    sendRefusal(res, refusal);
  };

  /** The provider's configuration, or undefined once the caller has been told it cannot be reached. */
  async function providerOrRefuse(res: express.Response): Promise<client.Configuration | undefined> {
    try {
      return await discovered();
    } catch (error) {
      refuse(res, 'provider-unavailable', 'discovery failed', { issuer: config.issuer.href, reason: messageOf(error) });
      return undefined;
    }
  }

  async function start(req: express.Request, res: express.Response): Promise<void> {
    const provider = await providerOrRefuse(res);
    if (!provider) return;
    const flow: Flow = {
      state: client.randomState(),
      nonce: client.randomNonce(),
      codeVerifier: client.randomPKCECodeVerifier(),
      returnTo: safeReturnTo(req.query.returnTo),
    };
    const authorization = client.buildAuthorizationUrl(provider, {
      redirect_uri: config.redirectUri,
      scope: SCOPE,
      code_challenge: await client.calculatePKCECodeChallenge(flow.codeVerifier),
      code_challenge_method: 'S256',
      state: flow.state,
      nonce: flow.nonce,
    });
    res
      .cookie(FLOW_COOKIE, await sealer.seal(flow), {
        ...flowCookieOptions(production || req.secure),
        maxAge: FLOW_LIFETIME_SECONDS * 1000,
      })
      .set('Cache-Control', 'no-store')
      .redirect(303, authorization.href);
  }

  async function callback(req: express.Request, res: express.Response): Promise<void> {
    // One attempt, one callback: whatever happens next, the browser's flow cookie is spent.
    res
      .clearCookie(FLOW_COOKIE, flowCookieOptions(production || req.secure))
      .set({ 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer' });
    const flow = await sealer.open(cookieOf(req.headers.cookie, FLOW_COOKIE));
    const url = callbackUrl(config, req.originalUrl);
    if (!flow || url.searchParams.get('state') !== flow.state) {
      refuse(res, 'invalid-request', flow ? 'state does not match this browser' : 'no valid sign-in cookie');
      return;
    }
    if (usedStates.has(flow.state)) {
      refuse(res, 'invalid-request', 'callback replayed');
      return;
    }
    usedStates.set(flow.state, true);
    if (url.searchParams.has('error')) {
      // The provider's error code is logged only when it is one (a word), never its free text.
      const code = url.searchParams.get('error') ?? '';
      refuse(res, 'provider-refused', 'the provider answered with an error', {
        error: /^[a-z_]{1,64}$/.test(code) ? code : 'other',
      });
      return;
    }
    const provider = await providerOrRefuse(res);
    if (!provider) return;
    let login: string | undefined;
    try {
      const tokens = await client.authorizationCodeGrant(provider, url, {
        pkceCodeVerifier: flow.codeVerifier,
        expectedState: flow.state,
        expectedNonce: flow.nonce,
        idTokenExpected: true,
      });
      login = await loginOf(provider, tokens, config.loginClaim);
    } catch (error) {
      if (unreachable(error)) refuse(res, 'provider-unavailable', 'provider unreachable', { reason: messageOf(error) });
      else refuse(res, 'invalid-request', 'code exchange or ID token refused', { reason: messageOf(error) });
      return;
    }
    if (login === undefined) {
      refuse(res, 'no-login', `no usable "${config.loginClaim}" claim`);
      return;
    }
    const outcome = await signInByLogin(login, req, res);
    if (outcome !== 'signed-in') {
      refuse(res, 'no-account', `the account is ${outcome}`, { login });
      return;
    }
    logger.info({ login }, 'single sign-on');
    res.redirect(303, flow.returnTo);
  }

  /** An unexpected failure (a bug, or signInByLogin throwing) gets a refusal page too: no stack, no half a session. */
  const guarded =
    (handler: (req: express.Request, res: express.Response) => Promise<void>) =>
    async (req: express.Request, res: express.Response) => {
      try {
        await handler(req, res);
      } catch (error) {
        logger.error({ err: error }, 'single sign-on failed');
        if (res.headersSent) return;
        res.removeHeader('Set-Cookie');
        sendRefusal(res, 'failure');
      }
    };

  const router = express.Router();
  router.get('/start', guarded(start));
  router.get('/callback', guarded(callback));
  return router;
}

type Tokens = Awaited<ReturnType<typeof client.authorizationCodeGrant>>;

/**
 * The login claim, lowercase: from the ID token, else from userinfo (providers that follow the spec to the letter
 * put profile claims only there when an access token is issued). An e-mail the provider marks unverified is no login.
 */
async function loginOf(provider: client.Configuration, tokens: Tokens, claim: string): Promise<string | undefined> {
  const idToken = tokens.claims();
  if (!idToken) return undefined;
  let claims: Readonly<Record<string, unknown>> = idToken;
  if (claims[claim] === undefined) claims = await client.fetchUserInfo(provider, tokens.access_token, idToken.sub);
  if (claim === 'email' && claims.email_verified === false) return undefined;
  const value = claims[claim];
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  return value.trim().toLowerCase();
}
