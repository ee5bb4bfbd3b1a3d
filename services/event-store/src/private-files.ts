import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Data files and folders hold children's personal data (PIPL): readable by their owner only, files 0600 and folders
 * 0700, whatever the process's umask. The CLI also sets umask 077, so that anything else a data folder gets (SQLite's
 * temporary files, say) is private too; these make it so for every other caller (tests, scripts, embedders).
 */
export const PRIVATE_FILE = 0o600;
export const PRIVATE_FOLDER = 0o700;

/** Creates `folder` and any missing parents owner-only; a folder that exists is left as it is (it may be shared). */
export function privateFolder(folder: string): void {
  mkdirSync(folder, { recursive: true, mode: PRIVATE_FOLDER });
}

/**
 * A data folder of the application's own (the data dir, read models): created owner-only, and tightened when an
 * earlier version left it readable by others.
 */
export function ownPrivateFolder(folder: string): void {
  privateFolder(folder);
  chmodSync(folder, PRIVATE_FOLDER);
}

/**
 * Prepares an SQLite database file before it is opened: created empty and owner-only when missing (SQLite then gives
 * its -wal and -shm files the same mode), tightened with those files when an earlier version left them readable.
 */
export function privateDatabaseFile(file: string): void {
  privateFolder(dirname(file));
  // Never opens an existing file: closing it would drop every POSIX lock this process holds on it, SQLite's own
  // connections' among them (another thread's connection to the same store, as the event store's writer thread opens).
  try {
    closeSync(openSync(file, 'wx', PRIVATE_FILE));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  for (const suffix of ['', '-wal', '-shm', '-journal']) {
    if (existsSync(`${file}${suffix}`)) chmodSync(`${file}${suffix}`, PRIVATE_FILE);
  }
}
