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
  it('keeps the access log 180 days, 20 failed sign-ins a minute one by one, 30 sign-in attempts per address', () => {
    const defaults = loadConfig({});
    expect(defaults.accessLog).toEqual({ retentionDays: 180, failuresPerMinute: 20 });
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
