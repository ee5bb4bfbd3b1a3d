import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';

/**
 * AES-256-GCM with a fresh 96-bit nonce per message: `nonce ‖ ciphertext ‖ tag`. The associated data binds a
 * ciphertext to where it belongs (a key's id, a field's name), so it cannot be moved elsewhere unnoticed.
 */
const NONCE = 12;
const TAG = 16;

/**
 * Random bytes drawn from a pool filled in bulk: each call into the system's generator costs microseconds, far more
 * than the few bytes a nonce or a key needs, and sealing asks for thousands of them a second. Every byte is handed
 * out once; a used-up pool is replaced, never refilled in place, so bytes handed out never change.
 */
const RANDOM_POOL = 16 * 1024;
let randomPool = Buffer.alloc(0);
let randomTaken = 0;

/** `size` fresh random bytes, copied out of the pool (an id or key kept must not pin the whole pool). */
export const randomOf = (size: number): Buffer => Buffer.from(randomView(size));

/** `size` fresh random bytes as a view of the pool: for bytes used at once and copied (a nonce). */
function randomView(size: number): Buffer {
  if (randomTaken + size > randomPool.length) {
    randomPool = randomBytes(Math.max(RANDOM_POOL, size));
    randomTaken = 0;
  }
  randomTaken += size;
  return randomPool.subarray(randomTaken - size, randomTaken);
}

export function encrypt(key: Uint8Array, plaintext: Uint8Array, associated: string): Buffer {
  const nonce = randomView(NONCE);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(Buffer.from(associated, 'utf8'));
  return Buffer.concat([nonce, cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
}

/** The plaintext, or `undefined` when the message was not sealed with this key and associated data. */
export function decrypt(key: Uint8Array, sealed: Uint8Array, associated: string): Buffer | undefined {
  if (sealed.length < NONCE + TAG) return undefined;
  const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, NONCE));
  decipher.setAAD(Buffer.from(associated, 'utf8'));
  decipher.setAuthTag(sealed.subarray(sealed.length - TAG));
  try {
    const opened = decipher.update(sealed.subarray(NONCE, sealed.length - TAG));
    // GCM hands out everything in `update`: `final` only checks the tag.
    const rest = decipher.final();
    return rest.length === 0 ? opened : Buffer.concat([opened, rest]);
  } catch {
    return undefined;
  }
}

/** The two keys the master key stands for; separate, so a pseudonym never reveals anything about the wrapping. */
export interface DerivedKeys {
  /** Wraps (encrypts) the data keys in the key store. */
  readonly wrapping: Buffer;
  /** Keys the HMAC that turns a person's identity at a school into a pseudonymous participant id. */
  readonly pseudonym: Buffer;
}

export function deriveKeys(master: Uint8Array): DerivedKeys {
  const derive = (info: string) => Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), info, 32));
  return { wrapping: derive('qingmiao/data-key-wrapping/v1'), pseudonym: derive('qingmiao/participant-id/v1') };
}

/** A stable pseudonym: the same identity gives the same id, and without the key the id says nothing about it. */
export function pseudonymOf(pseudonymKey: Uint8Array, identity: string): string {
  return `p_${createHmac('sha256', pseudonymKey).update(identity, 'utf8').digest('base64url').slice(0, 27)}`;
}
