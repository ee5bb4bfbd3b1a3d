import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  backupSqliteStore,
  type RecordedEvent,
  restoreSqliteStore,
  SqliteEventStore,
  StoreInUse,
} from '@qingmiao/event-store';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const event = (n: number) => ({
  id: randomUUID(),
  type: 'Tick',
  data: { n, text: '青苗' },
  metadata: { actor: 'test' },
});

async function readAllOf(path: string): Promise<RecordedEvent[]> {
  const store = new SqliteEventStore({ path });
  try {
    return await store.readAll({ limit: 1_000_000 });
  } finally {
    await store.close();
  }
}

describe('backup and restore of the embedded store', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'qingmiao-backup-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('copies a store that is being written to as a consistent prefix of its log, and restores it', async () => {
    const live = new SqliteEventStore({ path: join(dir, 'events.db') });
    for (let i = 0; i < 200; i++) await live.append(`s-${i % 7}`, [event(i)], { expectedRevision: 'any' });
    let writing = true;
    const writer = (async () => {
      for (let i = 200; writing; i++) await live.append(`s-${i % 7}`, [event(i)], { expectedRevision: 'any' });
    })();
    const backup = await backupSqliteStore(join(dir, 'events.db'), join(dir, 'backup.db'));
    writing = false;
    await writer;
    const all = await live.readAll({ limit: 1_000_000 });
    await live.close();

    const copied = await readAllOf(join(dir, 'backup.db'));
    expect(copied.length).toBe(backup.events);
    expect(copied.length).toBeGreaterThanOrEqual(200);
    // A prefix of the live log: same events, same order, same positions.
    expect(copied).toEqual(all.slice(0, copied.length));

    const restored = await restoreSqliteStore(join(dir, 'backup.db'), join(dir, 'events.db'));
    expect(restored.events).toBe(copied.length);
    expect(await readAllOf(join(dir, 'events.db'))).toEqual(copied);
  });

  it('refuses a damaged backup and leaves the store as it was', async () => {
    const store = new SqliteEventStore({ path: join(dir, 'events.db') });
    await store.append('s', [event(1)], { expectedRevision: 'no_stream' });
    await store.close();
    writeFileSync(join(dir, 'broken.db'), 'this is not a database');
    await expect(restoreSqliteStore(join(dir, 'broken.db'), join(dir, 'events.db'))).rejects.toThrow();
    expect(await readAllOf(join(dir, 'events.db'))).toHaveLength(1);
    await expect(backupSqliteStore(join(dir, 'events.db'), join(dir, 'broken.db'))).rejects.toThrow(/exists/);
    expect(existsSync(join(dir, 'events.db'))).toBe(true);
  });

  it('refuses while a store has the file open, leaving it as it was, and restores once it is closed', async () => {
    const path = join(dir, 'events.db');
    const store = new SqliteEventStore({ path });
    await store.append('s', [event(1)], { expectedRevision: 'no_stream' });
    await backupSqliteStore(path, join(dir, 'backup.db'));
    await store.append('s', [event(2)], { expectedRevision: 0 });

    await expect(restoreSqliteStore(join(dir, 'backup.db'), path)).rejects.toThrow(StoreInUse);
    expect(await store.readAll()).toHaveLength(2);
    await store.append('s', [event(3)], { expectedRevision: 1 });
    await store.close();

    expect(await restoreSqliteStore(join(dir, 'backup.db'), path)).toEqual({ events: 1 });
    expect(await readAllOf(path)).toHaveLength(1);
  });

  it('refuses to overwrite a damaged store in place, and restores once it is moved aside', async () => {
    const path = join(dir, 'store', 'events.db');
    const store = new SqliteEventStore({ path });
    await store.append('s', [event(1)], { expectedRevision: 'no_stream' });
    await store.close();
    await backupSqliteStore(path, join(dir, 'backup.db'));
    writeFileSync(path, 'this is no longer a database, but it is what is left');

    await expect(restoreSqliteStore(join(dir, 'backup.db'), path)).rejects.toThrow(/is damaged .*move it/);
    renameSync(path, join(dir, 'damaged.db'));
    expect(await restoreSqliteStore(join(dir, 'backup.db'), path)).toEqual({ events: 1 });
    expect(await readAllOf(path)).toHaveLength(1);
  });
});
