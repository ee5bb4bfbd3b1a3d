import { existsSync, rmSync } from 'node:fs';
import Database from 'better-sqlite3';
import { StoreInUse } from './errors.ts';
import { lockHolders } from './file-lock-holders.ts';
import { privateDatabaseFile } from './private-files.ts';
import { EVENTS_TABLE } from './sqlite-event-store.ts';

/**
 * A consistent copy of a live event store file, taken with SQLite's online backup API: other processes keep
 * appending while it runs, and the copy is the log as of one commit.
 */
export async function backupSqliteStore(path: string, destination: string): Promise<{ events: number }> {
  if (existsSync(destination)) throw new Error(`${destination} exists; choose a new file`);
  const source = new Database(path, { readonly: true, fileMustExist: true });
  try {
    // Created owner-only before SQLite writes a page of the log into it.
    privateDatabaseFile(destination);
    await source.backup(destination);
  } catch (error) {
    rmSync(destination, { force: true });
    throw error;
  } finally {
    source.close();
  }
  return { events: countEvents(destination) };
}

/**
 * Puts a backup's events in place of the store's, in one transaction, so a failure leaves the store as it was. The
 * backup is checked first, so a damaged file never replaces a good one. Refused with StoreInUse while any other
 * process has the store open: the store is replaced under SQLite's exclusive lock, which no one else can take while
 * a connection keeps its shared lock, and which the kernel releases when a holder dies (even by kill -9). A
 * damaged store is not overwritten in place (the operator moves it aside, so it stays for inspection).
 */
export async function restoreSqliteStore(backup: string, path: string): Promise<{ events: number }> {
  const events = countEvents(backup);
  privateDatabaseFile(path);
  const db = new Database(path, { timeout: 0 });
  try {
    lockExclusively(db, path);
    db.pragma('synchronous = FULL');
    db.exec(EVENTS_TABLE);
    db.prepare('ATTACH DATABASE ? AS backup').run(backup);
    db.transaction(() => {
      db.exec('DELETE FROM main.events');
      db.exec(`INSERT INTO main.events (${COLUMNS}) SELECT ${COLUMNS} FROM backup.events ORDER BY position`);
    })();
  } catch (error) {
    if (error instanceof Database.SqliteError && /^SQLITE_(CORRUPT|NOTADB)/.test(error.code)) {
      throw new Error(`${path} is damaged (${error.message}); move it and its -wal and -shm files aside, then restore`);
    }
    throw error;
  } finally {
    db.close();
  }
  return { events };
}

const COLUMNS = 'position, id, stream, revision, type, data, metadata, created';

/** Takes the file's exclusive lock and, in EXCLUSIVE locking mode, keeps it until the connection closes. */
function lockExclusively(db: Database.Database, path: string): void {
  db.pragma('main.locking_mode = EXCLUSIVE');
  try {
    db.exec('BEGIN EXCLUSIVE; COMMIT');
  } catch (error) {
    if (error instanceof Database.SqliteError && error.code.startsWith('SQLITE_BUSY'))
      throw new StoreInUse(path, lockHolders(path));
    throw error;
  }
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
