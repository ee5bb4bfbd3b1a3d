import { describe, expect, it } from 'vitest';
import { safeReturnTo } from '../src/oidc/return-to.ts';

describe('safeReturnTo', () => {
  it.each([
    ['/', '/'],
    ['/healthz?from=sso', '/healthz?from=sso'],
    ['/reports/participation.xlsx?year=2022#top', '/reports/participation.xlsx?year=2022#top'],
    ['/a/../b', '/b'],
    ['/%E6%B4%BB%E5%8A%A8', '/%E6%B4%BB%E5%8A%A8'],
  ])('keeps the path %j of this site as %j', (returnTo, kept) => {
    expect(safeReturnTo(returnTo)).toBe(kept);
  });

  it.each([
    'https://evil.example/',
    '//evil.example/',
    '///evil.example/',
    '/\\evil.example',
    '\\\\evil.example',
    '/.//evil.example',
    '/a/..//evil.example',
    'javascript:alert(1)',
    'healthz',
    '/\t/evil.example',
    '/\n/evil.example',
    '/ /x',
    '/活动',
    '/auth/oidc/start',
    '/auth/oidc/callback?code=x',
    `/${'a'.repeat(1024)}`,
    '',
  ])('sends %j to / instead', (returnTo) => {
    expect(safeReturnTo(returnTo)).toBe('/');
  });

  it.each([undefined, ['/a', '/b'], { path: '/a' }, 42])(
    'sends a returnTo that is not one string (%j) to /',
    (value) => {
      expect(safeReturnTo(value)).toBe('/');
    },
  );
});
