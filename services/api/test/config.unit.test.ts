import { describe, expect, it } from 'vitest';
import { Duration, durationText, loadConfig } from '../src/config.ts';

describe('QINGMIAO_MAX_TOKEN_LIFETIME', () => {
  it('reads durations with a unit, 30 days unless set', () => {
    expect(loadConfig({}).maxTokenLifetime).toBe(30 * 86_400);
    expect(loadConfig({ QINGMIAO_MAX_TOKEN_LIFETIME: '8h' }).maxTokenLifetime).toBe(8 * 3600);
    expect(Duration.parse('2 weeks')).toBe(14 * 86_400);
    expect(Duration.parse('90s')).toBe(90);
  });

  it.each(['8', '-1h', '0s', '500ms', 'forever', ''])('refuses %j with the variable and an example', (text) => {
    expect(() => loadConfig({ QINGMIAO_MAX_TOKEN_LIFETIME: text })).toThrow(
      'Configuration: QINGMIAO_MAX_TOKEN_LIFETIME must be a duration like 8h or 30d',
    );
  });

  it('writes lifetimes back exactly, in the largest whole unit', () => {
    expect([30 * 86_400, 36 * 3600, 90 * 60, 90].map(durationText)).toEqual(['30d', '36h', '90m', '90s']);
  });
});

describe('access log and sign-in settings', () => {
  it('keeps the access log three years (1096 days), 20 failed sign-ins a minute one by one, 30 sign-in attempts per address', () => {
    const defaults = loadConfig({});
    expect(defaults.accessLog).toEqual({ retentionDays: 1096, failuresPerMinute: 20 });
    expect(defaults.signInAttemptsPerMinute).toBe(30);
    const set = loadConfig({
      QINGMIAO_ACCESS_LOG_DAYS: '365',
      QINGMIAO_ACCESS_LOG_FAILURES_PER_MINUTE: '10',
      QINGMIAO_SIGN_IN_ATTEMPTS_PER_MINUTE: '5',
    });
    expect([set.accessLog, set.signInAttemptsPerMinute]).toEqual([{ retentionDays: 365, failuresPerMinute: 10 }, 5]);
  });

  it.each([
    'QINGMIAO_ACCESS_LOG_DAYS',
    'QINGMIAO_ACCESS_LOG_FAILURES_PER_MINUTE',
    'QINGMIAO_SIGN_IN_ATTEMPTS_PER_MINUTE',
  ])('refuses a %s that is not a positive whole number, naming it', (name) => {
    for (const text of ['0', '-3', '1.5', 'many']) {
      expect(() => loadConfig({ [name]: text })).toThrow(`Configuration: ${name} `);
    }
  });
});

describe('single sign-on settings', () => {
  const ALL = 'QINGMIAO_OIDC_ISSUER, QINGMIAO_OIDC_CLIENT_ID, QINGMIAO_OIDC_CLIENT_SECRET';
  const OIDC = {
    QINGMIAO_OIDC_ISSUER: 'https://sso.example.org/realms/bureau',
    QINGMIAO_OIDC_CLIENT_ID: 'qingmiao',
    QINGMIAO_OIDC_CLIENT_SECRET: 'client-secret',
    QINGMIAO_PUBLIC_URL: 'https://qingmiao.example.org/',
  };

  it('is off when none is set, and reads all of them together', () => {
    expect(loadConfig({}).oidc).toBeUndefined();
    expect(loadConfig({ QINGMIAO_PUBLIC_URL: 'https://qingmiao.example.org' }).oidc).toBeUndefined();
    expect(loadConfig(OIDC).oidc).toEqual({
      issuer: new URL('https://sso.example.org/realms/bureau'),
      clientId: 'qingmiao',
      clientSecret: 'client-secret',
      loginClaim: 'preferred_username',
      redirectUri: 'https://qingmiao.example.org/auth/oidc/callback',
    });
    expect(loadConfig({ ...OIDC, QINGMIAO_OIDC_LOGIN_CLAIM: 'email' }).oidc?.loginClaim).toBe('email');
  });

  it.each([
    ['QINGMIAO_OIDC_ISSUER', 'QINGMIAO_OIDC_CLIENT_ID, QINGMIAO_OIDC_CLIENT_SECRET'],
    ['QINGMIAO_OIDC_CLIENT_ID', 'QINGMIAO_OIDC_ISSUER, QINGMIAO_OIDC_CLIENT_SECRET'],
    ['QINGMIAO_OIDC_CLIENT_SECRET', 'QINGMIAO_OIDC_ISSUER, QINGMIAO_OIDC_CLIENT_ID'],
  ] as const)('refuses %s missing, naming it', (missing, set) => {
    const rest: Record<string, string> = { ...OIDC };
    delete rest[missing];
    expect(() => loadConfig(rest)).toThrow(
      `Configuration: ${missing} missing (single sign-on needs ${ALL} together; set: ${set})`,
    );
  });

  it('refuses the login claim alone, and no public URL to build the redirect URI from', () => {
    expect(() => loadConfig({ QINGMIAO_OIDC_LOGIN_CLAIM: 'email' })).toThrow(
      `Configuration: ${ALL} missing (single sign-on needs ${ALL} together; set: QINGMIAO_OIDC_LOGIN_CLAIM)`,
    );
    const { QINGMIAO_PUBLIC_URL: _, ...rest } = OIDC;
    expect(() => loadConfig(rest)).toThrow('Configuration: QINGMIAO_PUBLIC_URL missing');
  });

  it.each([
    [{ QINGMIAO_OIDC_ISSUER: 'sso.example.org' }, 'QINGMIAO_OIDC_ISSUER must be'],
    [{ QINGMIAO_OIDC_ISSUER: 'ftp://sso.example.org' }, 'QINGMIAO_OIDC_ISSUER must be'],
    [{ QINGMIAO_OIDC_CLIENT_ID: '' }, 'QINGMIAO_OIDC_CLIENT_ID must not be empty'],
    [{ QINGMIAO_OIDC_LOGIN_CLAIM: 'e mail' }, 'QINGMIAO_OIDC_LOGIN_CLAIM must be a claim name'],
    [{ QINGMIAO_PUBLIC_URL: 'https://qingmiao.example.org/?x=1' }, 'QINGMIAO_PUBLIC_URL must be the address'],
    [
      { NODE_ENV: 'production', QINGMIAO_OIDC_ISSUER: 'http://sso.example.org' },
      'QINGMIAO_OIDC_ISSUER must be an https URL',
    ],
    [
      { NODE_ENV: 'production', QINGMIAO_PUBLIC_URL: 'http://qingmiao.example.org' },
      'QINGMIAO_PUBLIC_URL must be an https URL',
    ],
  ])('refuses %j', (bad, message) => {
    expect(() => loadConfig({ ...OIDC, ...bad })).toThrow(`Configuration: ${message}`);
  });
});

describe('QINGMIAO_UPLOAD_LIMIT and QINGMIAO_UPLOAD_BUDGET', () => {
  it('read sizes in powers of 1024, or bare bytes; 50 MB and 1 GB by default', () => {
    expect(loadConfig({}).uploads).toMatchObject({
      limit: 50 * 1024 ** 2,
      budgetPerHour: 1024 ** 3,
      timeoutMs: 600_000,
    });
    expect(loadConfig({ QINGMIAO_UPLOAD_LIMIT: '20MB', QINGMIAO_UPLOAD_BUDGET: '300kb' }).uploads).toMatchObject({
      limit: 20 * 1024 ** 2,
      budgetPerHour: 300 * 1024,
    });
    expect(loadConfig({ QINGMIAO_UPLOAD_LIMIT: '65536' }).uploads.limit).toBe(65_536);
  });

  it('refuse anything else, naming the variable', () => {
    for (const text of ['50 MB', 'lots', '0', '-5mb', '2tb']) {
      expect(() => loadConfig({ QINGMIAO_UPLOAD_LIMIT: text }), text).toThrow(/^Configuration: QINGMIAO_UPLOAD_LIMIT /);
    }
  });
});

describe('QINGMIAO_TRUST_PROXY', () => {
  it('trusts no proxy unless set: unset, empty and 0 all mean none', () => {
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(loadConfig({ QINGMIAO_TRUST_PROXY: ' ' }).trustProxy).toBe(false);
    expect(loadConfig({ QINGMIAO_TRUST_PROXY: '0' }).trustProxy).toBe(false);
  });

  it('reads a hop count, or addresses, ranges and proxy-addr names separated by commas', () => {
    expect(loadConfig({ QINGMIAO_TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(loadConfig({ QINGMIAO_TRUST_PROXY: '127.0.0.1, 10.0.0.0/8,,::1,loopback' }).trustProxy).toEqual([
      '127.0.0.1',
      '10.0.0.0/8',
      '::1',
      'loopback',
    ]);
  });

  it.each([
    ['true', 'invalid IP address: true'],
    ['nginx.internal', 'invalid IP address: nginx.internal'],
    ['127.0.0.1,10.0.0.0/33', 'invalid range on address: 10.0.0.0/33'],
    ['-1', 'invalid IP address: -1'],
  ])('refuses %j, naming the variable and the entry', (text, reason) => {
    expect(() => loadConfig({ QINGMIAO_TRUST_PROXY: text })).toThrow(
      `Configuration: QINGMIAO_TRUST_PROXY must be a hop count like 1, or proxy addresses like 127.0.0.1,10.0.0.0/8 (or loopback) separated by commas (${reason})`,
    );
  });
});
