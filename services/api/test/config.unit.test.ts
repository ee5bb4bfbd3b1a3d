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
