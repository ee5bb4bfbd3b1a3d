import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Where development keeps its generated master key: in the data directory, shared by the server and the CLI. */
export const devMasterKeyFile = (dataDir: string) => join(dataDir, 'dev-master-key');

export interface MasterKeySettings {
  /** QINGMIAO_MASTER_KEY: 32 random bytes as base64 (44 characters) or hex (64). */
  readonly masterKey: string | undefined;
  readonly dataDir: string;
  readonly production: boolean;
}

/** The 32 bytes a QINGMIAO_MASTER_KEY text stands for, or an error naming what is wrong with it. */
export function parseMasterKey(text: string): Buffer {
  const trimmed = text.trim();
  const bytes = /^[0-9a-f]{64}$/i.test(trimmed) ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'base64');
  if (bytes.length !== 32) {
    throw new Error('QINGMIAO_MASTER_KEY must be 32 random bytes as base64 or hex, e.g. `openssl rand -base64 32`');
  }
  return bytes;
}

/**
 * The master key that wraps every data key: QINGMIAO_MASTER_KEY, required in production; in development one is
 * generated once into the data directory (like the auth secret), so `npm start` needs no setup.
 */
export function resolveMasterKey(settings: MasterKeySettings): Buffer {
  if (settings.masterKey) return parseMasterKey(settings.masterKey);
  if (settings.production) throw new Error('QINGMIAO_MASTER_KEY is required when NODE_ENV=production');
  const file = devMasterKeyFile(settings.dataDir);
  mkdirSync(settings.dataDir, { recursive: true, mode: 0o700 });
  try {
    return parseMasterKey(readFileSync(file, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    const key = randomBytes(32);
    // `wx` keeps a concurrently generated key rather than overwriting it.
    try {
      writeFileSync(file, key.toString('base64'), { flag: 'wx', mode: 0o600 });
    } catch {
      return parseMasterKey(readFileSync(file, 'utf8'));
    }
    return key;
  }
}
