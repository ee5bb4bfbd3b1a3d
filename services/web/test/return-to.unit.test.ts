// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { safeNext, signInPath } from '../src/shell/return-to.ts';

describe('the page to return to after signing in', () => {
  it('is remembered with its query and hash, and whether the session expired', () => {
    expect(signInPath({ pathname: '/school/entries', search: '?tab=mine', hash: '#e-1' }, true)).toBe(
      '/sign-in?next=%2Fschool%2Fentries%3Ftab%3Dmine%23e-1&expired=1',
    );
    expect(signInPath({ pathname: '/', search: '', hash: '' }, false)).toBe('/sign-in');
  });

  it('is followed only when it is a path of this app', () => {
    expect(safeNext('/school?tab=mine')).toBe('/school?tab=mine');
    for (const elsewhere of ['//evil.example/x', 'https://evil.example/', '/\\evil.example', 'school', '', null]) {
      expect(safeNext(elsewhere)).toBeUndefined();
    }
    expect(safeNext(`/${'a'.repeat(3000)}`)).toBeUndefined();
  });
});
