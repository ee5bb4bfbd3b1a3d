import { describe, expect, it } from 'vitest';
import { MAX_NESTING, tooDeeplyNested } from '../src/http-limits.ts';

/** `levels` arrays inside each other: `[[[]]]` is 3 levels. */
const nested = (levels: number): unknown => JSON.parse(`${'['.repeat(levels)}${']'.repeat(levels)}`);

describe('tooDeeplyNested', () => {
  it('accepts variables nested up to the limit, however wide', () => {
    const wide = Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`v${i}`, { list: [1, 'two', null] }]));
    expect(tooDeeplyNested({ query: '{ schools { id } }', variables: wide })).toBeUndefined();
    expect(tooDeeplyNested({ variables: nested(MAX_NESTING) })).toBeUndefined();
  });

  it('names the member nested beyond the limit, even 1,000,000 levels deep', () => {
    expect(tooDeeplyNested({ variables: nested(MAX_NESTING + 1) })).toBe('variables');
    expect(tooDeeplyNested({ variables: {}, extensions: { a: nested(MAX_NESTING) } })).toBe('extensions');
    expect(tooDeeplyNested({ variables: nested(1_000_000) })).toBe('variables');
  });
});
