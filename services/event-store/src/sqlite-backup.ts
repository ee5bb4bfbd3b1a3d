import { existsSync, rmSync } from 'node:fs';
import Database from 'better-sqlite3';

/**
 * A consistent copy of a live event store file, taken with SQLite's online backup API: other processes keep
 * appending while it runs, and the copy is the log as of one commit.
 */
export async function backupSqliteStore(path: string, destination: string): Promise<{ events: number }> {
  if (existsSync(destination)) throw new Error(`${destination} exists; choose a new file`);
  const source = new Database(path, { readonly: true, fileMustExist: true });
  try {
    await source.backup(destination);
  } finally {
    source.close();
  }
  return { events: countEvents(destination) };
}

/**
 * Puts a backup in place of the store file. The server must be stopped; the backup is checked first, so a damaged
 * file never replaces a good one.
 */
export async function restoreSqliteStore(backup: string, path: string): Promise<{ events: number }> {
  const events = countEvents(backup);
  const source = new Database(backup, { readonly: true, fileMustExist: true });
  try {
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true });
    await source.backup(path);
  } finally {
    source.close();
  }
  return { events };
}

function countEvents(file: string): number {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const integrity = db.pragma('integrity_check', { simple: true });
    if (integrity !== 'ok') throw new Error(`${file} is damaged: ${String(integrity)}`);
    const row = db.prepare<[], { events: number }>('SELECT count(*) AS events FROM events').get();
    return row?.events ?? 0;
  } finally {
    db.close();
  }
}
