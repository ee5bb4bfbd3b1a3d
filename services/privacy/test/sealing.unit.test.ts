import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decrypt, deriveKeys, encrypt, pseudonymOf } from '../src/sealing.ts';

describe('sealing', () => {
  const key = randomBytes(32);
  const plaintext = Buffer.from('张小明', 'utf8');

  it('opens what it sealed, with the same key and associated data', () => {
    expect(decrypt(key, encrypt(key, plaintext, 'k1/participant'), 'k1/participant')?.toString('utf8')).toBe('张小明');
  });

  it('seals the same text differently every time (a fresh nonce)', () => {
    expect(encrypt(key, plaintext, 'a').equals(encrypt(key, plaintext, 'a'))).toBe(false);
  });

  it('refuses another key, other associated data, a changed byte or a short message', () => {
    const sealed = encrypt(key, plaintext, 'k1/participant');
    expect(decrypt(randomBytes(32), sealed, 'k1/participant')).toBeUndefined();
    expect(decrypt(key, sealed, 'k1/advisor')).toBeUndefined();
    const tampered = Buffer.from(sealed);
    tampered[14] = (tampered[14] ?? 0) ^ 1;
    expect(decrypt(key, tampered, 'k1/participant')).toBeUndefined();
    expect(decrypt(key, sealed.subarray(0, 20), 'k1/participant')).toBeUndefined();
  });

  it('derives distinct wrapping and pseudonym keys, the same from the same master key', () => {
    const master = randomBytes(32);
    const once = deriveKeys(master);
    expect(once.wrapping.equals(once.pseudonym)).toBe(false);
    expect(deriveKeys(master).pseudonym.equals(once.pseudonym)).toBe(true);
  });

  it('gives a stable pseudonym that depends on the key', () => {
    const one = randomBytes(32);
    expect(pseudonymOf(one, 'xinhua|k|2022001')).toBe(pseudonymOf(one, 'xinhua|k|2022001'));
    expect(pseudonymOf(one, 'xinhua|k|2022001')).not.toBe(pseudonymOf(one, 'xinhua|k|2022002'));
    expect(pseudonymOf(randomBytes(32), 'xinhua|k|2022001')).not.toBe(pseudonymOf(one, 'xinhua|k|2022001'));
    expect(pseudonymOf(one, 'x')).toMatch(/^p_[A-Za-z0-9_-]{27}$/);
  });
});
