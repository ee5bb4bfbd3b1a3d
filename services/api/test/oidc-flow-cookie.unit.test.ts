import { hkdfSync } from 'node:crypto';
import { EncryptJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { type Flow, FlowSealer, flowCookieOptions } from '../src/oidc/flow-cookie.ts';

const SECRET = new TextEncoder().encode('flow-cookie-test-secret-0123456789abcdef');
const FLOW: Flow = { state: 'state-1', nonce: 'nonce-1', codeVerifier: 'verifier-1', returnTo: '/healthz' };

describe('FlowSealer', () => {
  it('opens what it sealed, and nothing of it is readable in the cookie', async () => {
    const sealer = new FlowSealer(SECRET);
    const cookie = await sealer.seal(FLOW);
    expect(await sealer.open(cookie)).toEqual(FLOW);
    for (const value of Object.values(FLOW)) expect(cookie).not.toContain(value);
    expect(Buffer.from(cookie.split('.')[0] ?? '', 'base64url').toString()).toBe('{"alg":"dir","enc":"A256GCM"}');
  });

  it('refuses a missing, altered or foreign cookie', async () => {
    const sealer = new FlowSealer(SECRET);
    const cookie = await sealer.seal(FLOW);
    const [header, key, iv, ciphertext, tag] = cookie.split('.');
    const flipped = `${ciphertext?.[0] === 'A' ? 'B' : 'A'}${ciphertext?.slice(1)}`;
    expect(await sealer.open(undefined)).toBeUndefined();
    expect(await sealer.open('')).toBeUndefined();
    expect(await sealer.open('not-a-jwe')).toBeUndefined();
    expect(await sealer.open([header, key, iv, flipped, tag].join('.'))).toBeUndefined();
    const other = new FlowSealer(new TextEncoder().encode('another-secret-entirely-0123456789abcdef'));
    expect(await other.open(cookie)).toBeUndefined();
  });

  it('refuses an expired cookie, and one that lacks a field even when sealed with the right key', async () => {
    const sealer = new FlowSealer(SECRET);
    const now = Math.floor(Date.now() / 1000);
    expect(await sealer.open(await sealWith({ ...FLOW }, now + 600))).toEqual(FLOW);
    expect(await sealer.open(await sealWith({ ...FLOW }, now - 1))).toBeUndefined();
    const { codeVerifier: _, ...partial } = FLOW;
    expect(await sealer.open(await sealWith(partial, now + 600))).toBeUndefined();
  });
});

/** A cookie sealed as FlowSealer seals (the same key derivation from SECRET), with any payload and expiry. */
function sealWith(payload: Record<string, string>, exp: number): Promise<string> {
  const key = new Uint8Array(hkdfSync('sha256', SECRET, new Uint8Array(), 'qingmiao oidc flow cookie', 32));
  return new EncryptJWT(payload)
    .setProtectedHeader({ alg: 'dir', enc: 'A256GCM' })
    .setIssuedAt()
    .setExpirationTime(exp)
    .encrypt(key);
}

describe('flowCookieOptions', () => {
  it('keeps the cookie from scripts and other paths, lets the redirect back carry it, and is Secure in production', () => {
    expect(flowCookieOptions(false)).toEqual({ httpOnly: true, sameSite: 'lax', secure: false, path: '/auth/oidc' });
    expect(flowCookieOptions(true)).toEqual({ httpOnly: true, sameSite: 'lax', secure: true, path: '/auth/oidc' });
  });
});
