import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { type RecordedEvent, SqliteEventStore } from '@qingmiao/event-store';
import { devMasterKeyFile, keyStoreFile, parseMasterKey, protectPersonalData, SqliteKeyStore } from '@qingmiao/privacy';
import { readEvent } from '@qingmiao/schema';
import Database from 'better-sqlite3';

/** Reads an events.db file directly (read-only, also while a server writes to it) and checks its shape. */

export interface LogCheck {
  readonly events: number;
  /** Problems found: must be empty. */
  readonly problems: readonly string[];
  /** entryId → how many EntrySubmitted events name it. */
  readonly submitted: ReadonlyMap<string, number>;
  /** entryId → the EntrySubmitted data. */
  readonly entries: ReadonlyMap<string, Readonly<Record<string, unknown>>>;
  /** entryIds with an EntryWithdrawn event. */
  readonly withdrawn: ReadonlySet<string>;
}

interface Row {
  position: number;
  id: string;
  stream: string;
  revision: number;
  type: string;
  data: string;
  metadata: string;
}

/**
 * The log's events as the server reads them: personal data opened with the key store and the development master
 * key beside the file (where a server on it keeps them).
 */
async function openedEvents(path: string): Promise<Map<number, RecordedEvent>> {
  const dir = dirname(path);
  const masterKey = parseMasterKey(readFileSync(devMasterKeyFile(dir), 'utf8'));
  const { store } = protectPersonalData(
    new SqliteEventStore({ path }),
    new SqliteKeyStore(keyStoreFile(dir)),
    masterKey,
  );
  const opened = new Map<number, RecordedEvent>();
  try {
    let page = await store.readAll();
    for (let last = page.at(-1); last; last = page.at(-1)) {
      for (const event of page) opened.set(Number(event.position.commit), event);
      page = await store.readAll({ after: last.position });
    }
  } finally {
    await store.close();
  }
  return opened;
}

/**
 * Every event is whole (data and metadata parse and match their schema once opened, or the type is unknown to this
 * version), every stream's revisions run 0…n-1 without a gap and in log order, event ids are unique and SQLite finds
 * the file intact.
 */
export async function checkLog(
  path: string,
  options: { readonly allowUnknownTypes?: boolean } = {},
): Promise<LogCheck> {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const problems: string[] = [];
    const integrity = db.pragma('integrity_check', { simple: true });
    if (integrity !== 'ok') problems.push(`integrity_check: ${String(integrity)}`);
    const rows = db
      .prepare<[], Row>('SELECT position, id, stream, revision, type, data, metadata FROM events ORDER BY position')
      .all();
    // Read after the rows: a server still writing may have added events since, never removed any.
    const opened = await openedEvents(path);
    const next = new Map<string, number>();
    const ids = new Set<string>();
    const submitted = new Map<string, number>();
    const entries = new Map<string, Record<string, unknown>>();
    const withdrawn = new Set<string>();
    for (const row of rows) {
      const expected = next.get(row.stream) ?? 0;
      if (row.revision !== expected) {
        problems.push(`${row.stream}: revision ${row.revision} at position ${row.position}, expected ${expected}`);
      }
      next.set(row.stream, row.revision + 1);
      if (ids.has(row.id)) problems.push(`event id ${row.id} twice`);
      ids.add(row.id);
      let data: Record<string, unknown>;
      try {
        JSON.parse(row.data);
        data = opened.get(row.position)?.data ?? {};
        const read = readEvent({ type: row.type, data, metadata: JSON.parse(row.metadata) });
        if (!read && !options.allowUnknownTypes) problems.push(`unknown event type ${row.type} at ${row.position}`);
      } catch (error) {
        problems.push(`event at ${row.position} (${row.type}) is not whole: ${String(error).slice(0, 200)}`);
        continue;
      }
      const entryId = typeof data.entryId === 'string' ? data.entryId : '';
      if (row.type === 'EntrySubmitted') {
        submitted.set(entryId, (submitted.get(entryId) ?? 0) + 1);
        entries.set(entryId, data);
      }
      if (row.type === 'EntryWithdrawn') withdrawn.add(entryId);
    }
    return { events: rows.length, problems, submitted, entries, withdrawn };
  } finally {
    db.close();
  }
}
