import { TooManyAttempts } from '@qingmiao/domain';
import { ipKeyGenerator } from 'express-rate-limit';
import { LRUCache } from 'lru-cache';
import { cleanText } from './access-log.ts';

export interface SignInThrottleOptions {
  /** Sign-in attempts (right or wrong) per address and minute. */
  readonly attemptsPerAddressPerMinute: number;
  /** Failed sign-ins per address within `windowMs`, whatever the logins: password spraying. */
  readonly failuresPerAddress?: number;
  /** Failures of one login within `windowMs` that lock it. */
  readonly failuresPerLogin?: number;
  readonly windowMs?: number;
  /** How long a locked login or address is refused. */
  readonly lockoutMs?: number;
  /** Logins and addresses tracked at once; the least recently seen are forgotten beyond it. */
  readonly maxTracked?: number;
  readonly now?: () => number;
}

const MINUTE = 60_000;

/** One login as sign-in knows it: trimmed, lowercase, NFC, bounded; the throttle and the access log key on it. */
export const normalisedLogin = (login: string) => cleanText(login, 128).toLowerCase();

/** Failures within the window (oldest first) and, once there were too many, when the lock ends. */
interface Failures {
  times: number[];
  lockedUntil: number;
}

/** Attempts in the current fixed minute. */
interface Attempts {
  minute: number;
  count: number;
}

/**
 * Sign-in throttling: a login with `failuresPerLogin` (5) failures within `windowMs` (15 min) is refused for
 * `lockoutMs` (15 min) whether it exists or not; an address gets `attemptsPerAddressPerMinute` attempts a minute and
 * `failuresPerAddress` failures per window across logins. Refused attempts do not extend a lock, and a lock is
 * checked before the password is (no hash is verified for a locked login).
 *
 * Addresses are those express sees (`req.ip`, honouring its trust-proxy setting), never header text; IPv6 addresses
 * count per /56 network, as the request rate limits do. State is in memory, per process and bounded (LRU): several
 * API instances each count on their own, and a restart forgets, which the per-address limits bound.
 */
export class SignInThrottle {
  readonly #now: () => number;
  readonly #attemptsPerMinute: number;
  readonly #failuresPerAddress: number;
  readonly #failuresPerLogin: number;
  readonly #windowMs: number;
  readonly #lockoutMs: number;
  readonly #logins: LRUCache<string, Failures>;
  readonly #addressFailures: LRUCache<string, Failures>;
  readonly #addressAttempts: LRUCache<string, Attempts>;

  constructor(options: SignInThrottleOptions) {
    this.#now = options.now ?? Date.now;
    this.#attemptsPerMinute = options.attemptsPerAddressPerMinute;
    this.#failuresPerAddress = options.failuresPerAddress ?? 50;
    this.#failuresPerLogin = options.failuresPerLogin ?? 5;
    this.#windowMs = options.windowMs ?? 15 * MINUTE;
    this.#lockoutMs = options.lockoutMs ?? 15 * MINUTE;
    const max = options.maxTracked ?? 100_000;
    this.#logins = new LRUCache({ max });
    this.#addressFailures = new LRUCache({ max });
    this.#addressAttempts = new LRUCache({ max });
  }

  /**
   * Before verifying a password: refuses (TooManyAttempts) a locked login or address, or an address past its
   * attempts this minute; otherwise counts the attempt against the address.
   */
  check(login: string, address: string): void {
    const now = this.#now();
    const network = ipKeyGenerator(address);
    const locked = Math.max(
      this.#logins.get(normalisedLogin(login))?.lockedUntil ?? 0,
      this.#addressFailures.get(network)?.lockedUntil ?? 0,
    );
    if (locked > now) throw new TooManyAttempts((locked - now) / 1000);
    const minute = Math.floor(now / MINUTE);
    const attempts = this.#addressAttempts.get(network);
    const current = attempts?.minute === minute ? attempts : { minute, count: 0 };
    if (current.count >= this.#attemptsPerMinute) throw new TooManyAttempts(((minute + 1) * MINUTE - now) / 1000);
    this.#addressAttempts.set(network, { minute, count: current.count + 1 });
  }

  /** After a wrong login or password. */
  recordFailure(login: string, address: string): void {
    const now = this.#now();
    this.#fail(this.#logins, normalisedLogin(login), this.#failuresPerLogin, now);
    this.#fail(this.#addressFailures, ipKeyGenerator(address), this.#failuresPerAddress, now);
  }

  /** After a successful sign-in: the login's failures are forgotten. */
  recordSuccess(login: string): void {
    this.#logins.delete(normalisedLogin(login));
  }

  #fail(table: LRUCache<string, Failures>, key: string, limit: number, now: number): void {
    const previous = table.get(key);
    const times = (previous?.times ?? []).filter((time) => time > now - this.#windowMs);
    times.push(now);
    const lockedUntil = times.length >= limit ? now + this.#lockoutMs : (previous?.lockedUntil ?? 0);
    // Once locked, the count starts again: after the lock, a login gets its five attempts back.
    table.set(key, { times: times.length >= limit ? [] : times, lockedUntil });
  }
}
