import { describe, expect, it } from 'vitest';
import { FileLinks, LINK_LIFETIME_SECONDS } from '../src/files/signed-links.ts';

const links = new FileLinks(new TextEncoder().encode('a-secret-of-at-least-32-characters!!'));
const file = 'a'.repeat(64);
const link = { fileId: file, entryId: 'essay:00000000-0000-4000-8000-000000000000', reader: 'acct-1', inline: false };
const queryOf = (url: string) => new URL(url, 'http://x').searchParams;

describe('signed file links', () => {
  it('accept their own link until it expires, then refuse it as expired', () => {
    const now = Date.UTC(2022, 5, 1);
    const url = links.urlFor(link, now);
    expect(url.startsWith(`/files/${file}?`)).toBe(true);
    expect(links.check(file, queryOf(url), now + 1000)).toMatchObject({ ...link, expires: now / 1000 + 600 });
    expect(links.check(file, queryOf(url), now + LINK_LIFETIME_SECONDS * 1000)).toBe('expired');
  });

  it('refuse a link whose file, entry, reader, expiry or disposition was changed', () => {
    const url = links.urlFor(link);
    expect(links.check('b'.repeat(64), queryOf(url))).toBe('tampered');
    for (const [name, value] of [
      ['entry', 'essay:11111111-1111-4111-8111-111111111111'],
      ['reader', 'acct-2'],
      ['expires', '99999999999'],
      ['inline', '1'],
      ['sig', 'AAAA'],
    ]) {
      const query = queryOf(url);
      query.set(name as string, value as string);
      expect(links.check(file, query), name).toBe('tampered');
    }
  });

  it('refuse links signed under another secret', () => {
    const other = new FileLinks(new TextEncoder().encode('another-secret-of-32-characters!!!!!'));
    expect(links.check(file, queryOf(other.urlFor(link)))).toBe('tampered');
  });
});
