import Database from 'better-sqlite3';

/**
 * Every row of every read-model table (the checkpoint aside), each table ordered by all its columns: what two
 * builds of the same log must agree on, byte for byte. For tests; `only` narrows it to some tables.
 */
export function readModelTables(db: Database.Database, only?: readonly string[]): Record<string, unknown[]> {
  const tables = db
    .prepare<[], { name: string }>(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name <> 'projection_meta' ORDER BY name",
    )
    .all()
    .map((row) => row.name)
    .filter((name) => !only || only.includes(name));
  return Object.fromEntries(
    tables.map((table) => {
      const columns = db
        .prepare(`SELECT * FROM "${table}" LIMIT 0`)
        .columns()
        .map((column) => `"${column.name}"`);
      return [table, db.prepare(`SELECT * FROM "${table}" ORDER BY ${columns.join(', ')}`).all()];
    }),
  );
}

/** The same, of the read-model file at `path`. */
export function readModelFileTables(path: string): Record<string, unknown[]> {
  const db = new Database(path, { readonly: true });
  try {
    return readModelTables(db);
  } finally {
    db.close();
  }
}
