import { describe, expect, it } from 'vitest';
import { matchesExpectedRevision } from '../src/port.ts';

describe('matchesExpectedRevision', () => {
  it.each([
    ['any', -1, true],
    ['any', 4, true],
    ['no_stream', -1, true],
    ['no_stream', 0, false],
    ['exists', -1, false],
    ['exists', 0, true],
    [2, 2, true],
    [2, 3, false],
    [0, -1, false],
  ] as const)('%s against %i: %s', (expected, actual, holds) => {
    expect(matchesExpectedRevision(expected, actual)).toBe(holds);
  });
});
