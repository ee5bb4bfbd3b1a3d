import { join } from 'node:path';
import { privateDatabaseFile } from '@qingmiao/event-store';
import Database from 'better-sqlite3';
import type { KeyStore, WrappedKey } from './key-store.ts';

/** The embedded key store's file: in the data directory, beside (never inside) the log and its backups. */
export const keyStoreFile = (dataDir: string) => join(dataDir, 'keys.db');

/**
 * The embedded key store: one SQLite file. `secure_delete` overwrites a destroyed key's bytes in the database
 * pages, and the write-ahead log is truncated after every destruction so no frame keeps an old copy of the page.
 */
export class SqliteKeyStore implements KeyStore {
  /** One commit (an fsync, which holds up the process) stores a whole batch: make batches large. */
  readonly batchSize = 1024;
  readonly #db: Database.Database;
  readonly #find: Database.Statement<[string], { kid: string; wrapped: Buffer }>;

  constructor(path: string) {
    // Owner-only, whatever the process's umask: the file holds the keys to every child's data.
    privateDatabaseFile(path);
    this.#db = new Database(path);
    this.#db.pragma('journal_mode = WAL');
    this.#db.pragma('synchronous = FULL');
    this.#db.pragma('secure_delete = ON');
    this.#db.pragma('busy_timeout = 5000');
    this.#db.exec(
      'CREATE TABLE IF NOT EXISTS data_keys (kid TEXT PRIMARY KEY, wrapped BLOB NOT NULL, created TEXT NOT NULL) WITHOUT ROWID',
    );
    this.#find = this.#db.prepare('SELECT kid, wrapped FROM data_keys WHERE kid IN (SELECT value FROM json_each(?))');
  }

  async add(keys: readonly WrappedKey[]): Promise<void> {
    const insert = this.#db.prepare('INSERT INTO data_keys (kid, wrapped, created) VALUES (?, ?, ?)');
    const created = new Date().toISOString();
    this.#db.transaction(() => {
      for (const { kid, wrapped } of keys) insert.run(kid, Buffer.from(wrapped), created);
    })();
  }

  async get(kids: readonly string[]): Promise<Map<string, Uint8Array>> {
    const found = new Map<string, Uint8Array>();
    // One statement for any number of ids: the list travels as one JSON parameter.
    for (const row of this.#find.all(JSON.stringify(kids))) found.set(row.kid, row.wrapped);
    return found;
  }

  async destroy(kids: readonly string[]): Promise<void> {
    const remove = this.#db.prepare('DELETE FROM data_keys WHERE kid = ?');
    this.#db.transaction(() => {
      for (const kid of kids) remove.run(kid);
    })();
    this.#db.pragma('wal_checkpoint(TRUNCATE)');
  }

  async close(): Promise<void> {
    if (this.#db.open) this.#db.close();
  }
}
