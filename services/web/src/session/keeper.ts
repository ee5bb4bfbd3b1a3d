import { ApiError, NetworkError, publicRequest } from './api-request.ts';
import { REFRESH_SESSION, type SessionAnswer, SIGN_OUT, type SignedInAccount } from './operations.ts';

/** How long before the access token expires it is renewed. */
const RENEW_AHEAD_MS = 60_000;
/** After a renewal that failed for another reason than a refused cookie (offline), the next try. */
const RENEW_RETRY_MS = 15_000;

export type SessionState =
  /** Asking the server whether the refresh cookie still holds a session (after a reload or single sign-on). */
  | { readonly status: 'starting' }
  /** The server could not be reached while starting: the page offers to try again. */
  | { readonly status: 'unreachable' }
  | { readonly status: 'signedIn'; readonly account: SignedInAccount }
  /** `expired`: the session ended without the person signing out (revoked, idle too long, disabled). */
  | { readonly status: 'signedOut'; readonly expired: boolean };

const refusedCookie = (error: unknown) => error instanceof ApiError && error.code === 'UNAUTHENTICATED';

/**
 * Runs a request that presents the refresh cookie. Tabs of one browser share that cookie, and presenting an
 * already-rotated one revokes the whole session (theft detection), so tabs take turns (Web Locks).
 */
async function withRefreshCookie<T>(call: () => Promise<T>): Promise<T> {
  return navigator.locks ? await navigator.locks.request('qingmiao.refresh-cookie', call) : call();
}

/**
 * The signed-in person of this tab. The access token is kept in memory only — the httpOnly refresh cookie is what
 * survives a reload — renewed silently ahead of its expiry, and once more when a request is refused with it; one
 * renewal at a time however many requests ask for it.
 */
export class SessionKeeper {
  #state: SessionState = { status: 'starting' };
  #token: string | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #renewing: Promise<string | undefined> | undefined;
  readonly #listeners = new Set<() => void>();

  get state(): SessionState {
    return this.#state;
  }

  /** For useSyncExternalStore. */
  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  /** Resumes the session the refresh cookie names, if any. */
  async start(): Promise<void> {
    this.#set({ status: 'starting' });
    try {
      this.signedIn(await withRefreshCookie(async () => (await publicRequest(REFRESH_SESSION, {})).refreshSession));
    } catch (error) {
      if (refusedCookie(error)) this.#end(false);
      else this.#set({ status: 'unreachable' });
    }
  }

  /** A session answered by signing in, activating or refreshing. */
  signedIn(answer: SessionAnswer): void {
    this.#token = answer.accessToken;
    const lifetime = Date.parse(answer.expiresAt) - Date.now();
    this.#schedule(Math.max(lifetime - RENEW_AHEAD_MS, lifetime / 2));
    this.#set({ status: 'signedIn', account: answer.account });
  }

  /** The access token for a request, if signed in. */
  get token(): string | undefined {
    return this.#token;
  }

  /**
   * A new access token, one renewal at a time; undefined when the cookie was refused, which ends the session as
   * expired. Other failures (offline) keep the session and try again later.
   */
  renew(): Promise<string | undefined> {
    this.#renewing ??= withRefreshCookie(async () => (await publicRequest(REFRESH_SESSION, {})).refreshSession)
      .then(
        (answer) => {
          if (this.#state.status !== 'signedIn') return undefined;
          this.signedIn(answer);
          return answer.accessToken;
        },
        (error: unknown) => {
          if (this.#state.status !== 'signedIn') return undefined;
          if (refusedCookie(error)) {
            this.#end(true);
            return undefined;
          }
          this.#schedule(RENEW_RETRY_MS);
          throw error;
        },
      )
      .finally(() => {
        this.#renewing = undefined;
      });
    return this.#renewing;
  }

  /**
   * `fetch` with the access token; refused with it (HTTP 401), renews the token once and tries again. What urql
   * and downloads call.
   */
  fetch = async (input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> => {
    const attempt = (token: string | undefined) => {
      const headers = new Headers(init.headers);
      if (token) headers.set('Authorization', `Bearer ${token}`);
      return fetch(input, { ...init, headers });
    };
    const token = this.#token;
    const response = await attempt(token);
    if (response.status !== 401 || this.#state.status !== 'signedIn') return response;
    // Another request may have renewed it meanwhile.
    const next = token === this.#token ? await this.renew() : this.#token;
    return next ? attempt(next) : response;
  };

  /** Ends the session here and on the server (which clears the cookie). */
  async signOut(): Promise<void> {
    this.#end(false);
    try {
      await withRefreshCookie(() => publicRequest(SIGN_OUT, {}));
    } catch (error) {
      // Forgotten here all the same; the server's session ends at its idle limit.
      if (!(error instanceof NetworkError) && !(error instanceof ApiError)) throw error;
    }
  }

  /** Ends the session as expired (e.g. the server refused the renewed token too). */
  expire(): void {
    if (this.#state.status === 'signedIn') this.#end(true);
  }

  #end(expired: boolean): void {
    this.#token = undefined;
    clearTimeout(this.#timer);
    this.#set({ status: 'signedOut', expired });
  }

  #schedule(delay: number): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      // A failure is handled in renew(): expired, or another try later.
      this.renew().catch(() => undefined);
    }, delay);
  }

  #set(state: SessionState): void {
    this.#state = state;
    for (const listener of this.#listeners) listener();
  }
}
