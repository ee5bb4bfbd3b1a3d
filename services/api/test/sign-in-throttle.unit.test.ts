import { TooManyAttempts } from '@qingmiao/domain';
import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { maskError } from '../src/graphql/errors.ts';
import { normalisedLogin, SignInThrottle } from '../src/sign-in-throttle.ts';

const MINUTE = 60_000;

/** A throttle on a clock the test moves; generous address limits unless a test is about them. */
function throttle(options: Partial<ConstructorParameters<typeof SignInThrottle>[0]> = {}) {
  const clock = { now: Date.UTC(2026, 11, 1, 8, 0, 0) };
  const subject = new SignInThrottle({
    attemptsPerAddressPerMinute: 1_000,
    failuresPerAddress: 1_000,
    ...options,
    now: () => clock.now,
  });
  return { throttle: subject, clock };
}

/** The refusal check() throws, or undefined when it lets the attempt through. */
function refusal(subject: SignInThrottle, login: string, address: string): TooManyAttempts | undefined {
  try {
    subject.check(login, address);
    return undefined;
  } catch (error) {
    if (error instanceof TooManyAttempts) return error;
    throw error;
  }
}

/** One wrong attempt as sign-in makes it: check, then record the failure. */
function fail(subject: SignInThrottle, login: string, address: string) {
  subject.check(login, address);
  subject.recordFailure(login, address);
}

describe('sign-in throttle per login', () => {
  it('locks a login after five failures within 15 minutes, for 15 minutes', () => {
    const { throttle: t, clock } = throttle();
    for (let i = 0; i < 4; i++) {
      fail(t, 'wang', '10.0.0.1');
      clock.now += 3 * MINUTE;
    }
    expect(refusal(t, 'wang', '10.0.0.1')).toBeUndefined();
    t.recordFailure('wang', '10.0.0.1');
    const locked = refusal(t, 'wang', '10.0.0.2');
    expect(locked?.code).toBe('TOO_MANY_ATTEMPTS');
    expect(locked?.retryAfterSeconds).toBe(15 * 60);
    expect(locked?.message).toBe('Too many sign-in attempts; try again in 15 minute(s)');
    clock.now += 15 * MINUTE - 1;
    expect(refusal(t, 'wang', '10.0.0.3')?.retryAfterSeconds).toBeCloseTo(0.001);
    clock.now += 1;
    expect(refusal(t, 'wang', '10.0.0.1')).toBeUndefined();
  });

  it('forgets failures older than 15 minutes (a sliding window)', () => {
    const { throttle: t, clock } = throttle();
    fail(t, 'wang', '10.0.0.1');
    clock.now += 10 * MINUTE;
    for (let i = 0; i < 3; i++) fail(t, 'wang', '10.0.0.1');
    clock.now += 5 * MINUTE + 1;
    // The first failure is now past the window: this is the fourth within it.
    fail(t, 'wang', '10.0.0.1');
    expect(refusal(t, 'wang', '10.0.0.1')).toBeUndefined();
    t.recordFailure('wang', '10.0.0.1');
    expect(refusal(t, 'wang', '10.0.0.1')).toBeInstanceOf(TooManyAttempts);
  });

  it('keys on the normalised login: case and surrounding spaces do not open new budgets', () => {
    const { throttle: t } = throttle();
    for (const spelling of ['Wang', 'WANG', ' wang ', 'wang\u200b', 'wang']) fail(t, spelling, '10.0.0.1');
    expect(refusal(t, 'wAnG', '10.0.0.9')).toBeInstanceOf(TooManyAttempts);
    expect(refusal(t, 'li', '10.0.0.9')).toBeUndefined();
    expect(normalisedLogin('  Zhang.San@Example.ORG\u202e ')).toBe('zhang.san@example.org');
    expect(normalisedLogin('x'.repeat(500))).toHaveLength(128);
  });

  it('does not extend a lock with the attempts it refuses, and a success clears the failures', () => {
    const { throttle: t, clock } = throttle();
    for (let i = 0; i < 5; i++) fail(t, 'wang', '10.0.0.1');
    for (let i = 0; i < 10; i++) {
      clock.now += MINUTE;
      expect(refusal(t, 'wang', '10.0.0.1')).toBeInstanceOf(TooManyAttempts);
    }
    clock.now += 5 * MINUTE;
    expect(refusal(t, 'wang', '10.0.0.1')).toBeUndefined();
    // After the lock a login starts from nothing, and a success forgets failures.
    for (let i = 0; i < 4; i++) fail(t, 'wang', '10.0.0.1');
    t.recordSuccess('WANG');
    for (let i = 0; i < 4; i++) fail(t, 'wang', '10.0.0.1');
    expect(refusal(t, 'wang', '10.0.0.1')).toBeUndefined();
  });

  it('locks unknown logins exactly like known ones (nothing tells them apart)', () => {
    const { throttle: t } = throttle();
    for (let i = 0; i < 5; i++) fail(t, 'no-such-person', '10.0.0.1');
    expect(refusal(t, 'no-such-person', '10.0.0.1')?.retryAfterSeconds).toBe(15 * 60);
  });
});

describe('sign-in throttle per address', () => {
  it('allows 30 attempts a minute per address, right or wrong, and others are unaffected', () => {
    const { throttle: t, clock } = throttle({ attemptsPerAddressPerMinute: 30 });
    clock.now = Date.UTC(2026, 11, 1, 8, 0, 0);
    for (let i = 0; i < 30; i++) expect(refusal(t, `user-${i}`, '203.0.113.7')).toBeUndefined();
    const refused = refusal(t, 'user-x', '203.0.113.7');
    expect(refused?.code).toBe('TOO_MANY_ATTEMPTS');
    expect(refused?.retryAfterSeconds).toBe(60);
    expect(refusal(t, 'user-x', '203.0.113.8')).toBeUndefined();
    clock.now += MINUTE;
    expect(refusal(t, 'user-x', '203.0.113.7')).toBeUndefined();
  });

  it('counts an IPv6 /56 network as one address', () => {
    const { throttle: t } = throttle({ attemptsPerAddressPerMinute: 2 });
    expect(refusal(t, 'a', '2001:db8:0:1::1')).toBeUndefined();
    expect(refusal(t, 'b', '2001:db8:0:2::99')).toBeUndefined();
    expect(refusal(t, 'c', '2001:db8:0:3::5')).toBeInstanceOf(TooManyAttempts);
    expect(refusal(t, 'c', '2001:db8:1:3::5')).toBeUndefined();
  });

  it('locks an address spraying one password over many logins', () => {
    const { throttle: t, clock } = throttle({ failuresPerAddress: 50 });
    for (let i = 0; i < 50; i++) {
      clock.now += 10_000;
      fail(t, `login-${i}`, '198.51.100.4');
    }
    expect(refusal(t, 'login-new', '198.51.100.4')?.retryAfterSeconds).toBe(15 * 60);
    expect(refusal(t, 'login-new', '198.51.100.5')).toBeUndefined();
  });

  it('stays bounded: beyond maxTracked the least recently seen are forgotten', () => {
    const { throttle: t } = throttle({ maxTracked: 100 });
    for (let i = 0; i < 5; i++) fail(t, 'victim', '10.0.0.1');
    expect(refusal(t, 'victim', '10.0.0.1')).toBeInstanceOf(TooManyAttempts);
    for (let i = 0; i < 100; i++) t.recordFailure(`random-${i}`, `10.1.${i}.1`);
    // The price of bounded memory, which the per-address limits bound: a flood of new logins evicts old state.
    expect(refusal(t, 'victim', '10.0.0.2')).toBeUndefined();
  });
});

describe('TOO_MANY_ATTEMPTS at the API edge', () => {
  it('is the code, with HTTP 429 and Retry-After in whole seconds, and a message without the login', () => {
    const { throttle: t } = throttle();
    for (let i = 0; i < 5; i++) fail(t, 'wang', '10.0.0.1');
    const locked = refusal(t, 'wang', '10.0.0.1');
    const wrapped = new GraphQLError('wrapped', { originalError: locked, path: ['signIn'] });
    const masked = maskError(wrapped, 'Unexpected error.', false) as GraphQLError;
    expect(masked.message).toBe('Too many sign-in attempts; try again in 15 minute(s)');
    expect(masked.path).toEqual(['signIn']);
    expect(masked.extensions).toEqual({
      code: 'TOO_MANY_ATTEMPTS',
      http: { status: 429, headers: { 'Retry-After': '900' } },
    });
  });
});
