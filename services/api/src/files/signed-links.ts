import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';

/** How long a link to a file works after it was handed out. */
export const LINK_LIFETIME_SECONDS = 10 * 60;

/** One reader's permission to fetch one file of one entry until `expires` (Unix seconds). */
export interface FileLink {
  readonly fileId: string;
  readonly entryId: string;
  /** The account (token subject) the link was made for: recorded when it is used. */
  readonly reader: string;
  readonly expires: number;
  /** Shown in the browser (preview types only) rather than saved. */
  readonly inline: boolean;
}

export type LinkRefusal = 'tampered' | 'expired';

/**
 * Signs and checks `/files/{id}` links with HMAC-SHA256 under a key derived from the auth secret (never the secret
 * itself, so a link cannot be turned into a token signature).
 */
export class FileLinks {
  readonly #key: Buffer;

  constructor(authSecret: Uint8Array) {
    this.#key = Buffer.from(hkdfSync('sha256', authSecret, 'qingmiao', 'qingmiao file links v1', 32));
  }

  /** The link's path and query, valid for LINK_LIFETIME_SECONDS from `now`. */
  urlFor(link: Omit<FileLink, 'expires'>, now = Date.now()): string {
    const signed: FileLink = { ...link, expires: Math.floor(now / 1000) + LINK_LIFETIME_SECONDS };
    const query = new URLSearchParams({
      entry: signed.entryId,
      reader: signed.reader,
      expires: String(signed.expires),
      ...(signed.inline ? { inline: '1' } : {}),
      sig: this.#signature(signed),
    });
    return `/files/${encodeURIComponent(signed.fileId)}?${query}`;
  }

  /** The link a request presents, or why it is refused. */
  check(fileId: string, query: URLSearchParams, now = Date.now()): FileLink | LinkRefusal {
    const expires = Number(query.get('expires'));
    const link: FileLink = {
      fileId,
      entryId: query.get('entry') ?? '',
      reader: query.get('reader') ?? '',
      expires,
      inline: query.get('inline') === '1',
    };
    const given = Buffer.from(query.get('sig') ?? '', 'base64url');
    const expected = Buffer.from(this.#signature(link), 'base64url');
    if (!Number.isSafeInteger(expires) || given.length !== expected.length || !timingSafeEqual(given, expected)) {
      return 'tampered';
    }
    return expires * 1000 <= now ? 'expired' : link;
  }

  #signature(link: FileLink): string {
    const text = [link.fileId, link.entryId, link.reader, link.expires, link.inline ? 'inline' : 'attachment'];
    return createHmac('sha256', this.#key).update(text.join('\n')).digest('base64url');
  }
}
