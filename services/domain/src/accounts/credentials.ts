import { createHash, randomInt } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import { v5 as uuidv5 } from 'uuid';

const NAMESPACE = '5d0c6a1e-3f7b-4a52-9c1d-8e2f4b6a7c90';

/**
 * An account's id is the UUID v5 of its login: the account stream is then the login's reservation (appended with
 * expected revision `no_stream`, so of two concurrent creates exactly one wins, on SQLite and KurrentDB alike), and
 * activation and sign-in find the stream without asking a read model that might lag behind.
 */
export const accountIdFor = (login: string): string => uuidv5(login, NAMESPACE);

/** No 0/O, 1/I/L: codes are read aloud and retyped from a message. 31 symbols, 12 of them: about 59 bits. */
const CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
const CODE_LENGTH = 12;

export function newActivationCode(): string {
  return Array.from({ length: CODE_LENGTH }, () => CODE_ALPHABET[randomInt(CODE_ALPHABET.length)]).join('');
}

/**
 * What is recorded of a code: SHA-256 over the account id and the code as typed, ignoring case, spaces and dashes.
 * A fast hash suffices for 59 random bits valid for a week; the account id keeps one table from serving all accounts.
 */
export function activationCodeHash(accountId: string, code: string): string {
  const typed = code.toUpperCase().replace(/[\s-]/g, '');
  return createHash('sha256').update(`${accountId}:${typed}`).digest('hex');
}

/** argon2id with a fresh salt per hash, on libuv's thread pool rather than the event loop. */
export const hashPassword = (password: string): Promise<string> => hash(password);

/** Whether `password` matches `passwordHash`; a malformed hash matches nothing. */
export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}
