import { join } from 'node:path';
import { privateDatabaseFile } from '@qingmiao/event-store';
import Database from 'better-sqlite3';
import type { KeyStore, Rewrap, WrappedKeySet } from './key-store.ts';

/** The embedded key store's file: in the data directory, beside (never inside) the log and its backups. */
export const keyStoreFile = (dataDir: string) => join(dataDir, 'keys.db');

/**
 * The embedded key store: one SQLite file, one row per set of keys (a row of a file written before sets existed
 * holds a single key: a set of one). `secure_delete` overwrites the bytes of a removed or rewritten row in the
 * database pages, and the write-ahead log is truncated after every destruction so no frame keeps an old copy.
 */
export class SqliteKeyStore implements KeyStore {
  /** 32 KiB of keys per row: a refill is one row, one wrap and one commit (an fsync, which holds up the process). */
  readonly setSize = 1024;
  readonly setsPerAdd = 1;
  readonly #db: Database.Database;
  readonly #find: Database.Statement<[string], { kid: string; wrapped: Buffer }>;
  readonly #insert: Database.Statement<[string, Buffer, string]>;
  readonly #one: Database.Statement<[string], { wrapped: Buffer }>;
  readonly #update: Database.Statement<[Buffer, string]>;
  readonly #remove: Database.Statement<[string]>;

  constructor(path: string) {
    // Owner-only, whatever the process's umask: the file holds the keys to every child's data.
    privateDatabaseFile(path);
    this.#db = new Database(path);
    this.#db.pragma('journal_mode = WAL');
    this.#db.pragma('synchronous = FULL');
    this.#db.pragma('secure_delete = ON');
    this.#db.pragma('busy_timeout = 5000');
    // `kid` is the set's id (named so by files written when every row held one key).
    this.#db.exec(
      'CREATE TABLE IF NOT EXISTS data_keys (kid TEXT PRIMARY KEY, wrapped BLOB NOT NULL, created TEXT NOT NULL) WITHOUT ROWID',
    );
    this.#find = this.#db.prepare('SELECT kid, wrapped FROM data_keys WHERE kid IN (SELECT value FROM json_each(?))');
    this.#insert = this.#db.prepare('INSERT INTO data_keys (kid, wrapped, created) VALUES (?, ?, ?)');
    this.#one = this.#db.prepare('SELECT wrapped FROM data_keys WHERE kid = ?');
    this.#update = this.#db.prepare('UPDATE data_keys SET wrapped = ? WHERE kid = ?');
    this.#remove = this.#db.prepare('DELETE FROM data_keys WHERE kid = ?');
  }

  async add(sets: readonly WrappedKeySet[]): Promise<void> {
    const created = new Date().toISOString();
    this.#db.transaction(() => {
      for (const { id, wrapped } of sets) this.#insert.run(id, Buffer.from(wrapped), created);
    })();
  }

  async get(ids: readonly string[]): Promise<Map<string, Uint8Array>> {
    const found = new Map<string, Uint8Array>();
    // One statement for any number of ids: the list travels as one JSON parameter.
    for (const row of this.#find.all(JSON.stringify(ids))) found.set(row.kid, row.wrapped);
    return found;
  }

  async destroy(slots: ReadonlyMap<string, readonly number[]>, rewrap: Rewrap): Promise<void> {
    // IMMEDIATE: no other process changes a set between reading it and writing it back.
    this.#db
      .transaction(() => {
        for (const [id, destroyed] of slots) {
          const row = this.#one.get(id);
          if (!row) continue;
          const rest = rewrap(id, row.wrapped, destroyed);
          if (rest === undefined) this.#remove.run(id);
          else this.#update.run(Buffer.from(rest), id);
        }
      })
      .immediate();
    this.#db.pragma('wal_checkpoint(TRUNCATE)');
  }

  async close(): Promise<void> {
    if (this.#db.open) this.#db.close();
  }
}
