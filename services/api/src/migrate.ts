import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  type CopyReport,
  copyLog,
  digestLog,
  type EventStore,
  isKurrentDbConnectionString,
  KurrentDbEventStore,
  type LogDigest,
  readJsonLines,
  readLog,
  SqliteEventStore,
  withoutCredentials,
  writeJsonLines,
} from '@qingmiao/event-store';
import type { QingmiaoConfig } from './config.ts';

/**
 * Where a log lives, as the migration commands name it: `sqlite:PATH` (an events.db file) or a KurrentDB
 * connection string (`esdb://…`, `kurrentdb://…`). A source file must exist (a typo would read as an empty log);
 * a target file is created, with its directory.
 */
export function openStore(spec: string, role: 'source' | 'target'): EventStore {
  if (spec.startsWith('sqlite:')) {
    const path = spec.slice('sqlite:'.length);
    if (path === '') throw new Error('sqlite: needs the path of the events.db file, e.g. sqlite:./data/events.db');
    if (role === 'source' && !existsSync(path)) throw new Error(`${path} does not exist`);
    return new SqliteEventStore({ path });
  }
  if (isKurrentDbConnectionString(spec)) return new KurrentDbEventStore({ connectionString: spec });
  throw new Error(`Unknown event store ${withoutCredentials(spec)}: use sqlite:PATH, esdb://… or kurrentdb://…`);
}

/** The store QINGMIAO_EVENT_STORE configures, as a spec for the commands below. */
export function configuredStore(config: QingmiaoConfig): string {
  return config.eventStore === 'sqlite' ? `sqlite:${join(config.dataDir, 'events.db')}` : config.eventStore;
}

export interface TransferReport extends CopyReport {
  readonly digest: LogDigest;
}

async function using<T>(stores: readonly EventStore[], work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } finally {
    await Promise.all(stores.map((store) => store.close()));
  }
}

function verify(expected: LogDigest, actual: LogDigest, source: string): void {
  if (expected.events !== actual.events || expected.sha256 !== actual.sha256) {
    throw new Error(
      `Verification failed: ${source} has ${expected.events} events (sha256 ${expected.sha256}), the copy ` +
        `${actual.events} (sha256 ${actual.sha256}). Was the source written to meanwhile? Run the command again.`,
    );
  }
}

/**
 * Copies the whole log from one store to another in global order with the same event ids, revisions and metadata,
 * then checks that both logs have the same number of events and the same content hash. Run it again after an
 * interruption: what the target already has is checked and skipped. Read models hold positions of the old store;
 * instances on the new store must start with fresh ones.
 */
export async function migrate(
  from: string,
  to: string,
  onProgress?: (report: CopyReport) => void,
): Promise<TransferReport> {
  const [source, target] = [openStore(from, 'source'), openStore(to, 'target')];
  return using([source, target], async () => {
    const report = await copyLog(readLog(source), target, onProgress);
    const digest = await digestLog(readLog(source));
    verify(digest, await digestLog(readLog(target)), from);
    return { ...report, digest };
  });
}

async function* take<T>(items: AsyncIterable<T>, count: number): AsyncGenerator<T> {
  if (count <= 0) return;
  let taken = 0;
  for await (const item of items) {
    yield item;
    taken += 1;
    if (taken >= count) return;
  }
}

/**
 * Writes the log as JSON Lines (stream, revision, id, type, data, metadata, created per line) and checks the file
 * against the events it holds. The store may keep running: the file is the log up to some moment.
 */
export async function exportLog(from: string, file: string): Promise<LogDigest> {
  const source = openStore(from, 'source');
  return using([source], async () => {
    const events = await writeJsonLines(readLog(source), file);
    const digest = await digestLog(readJsonLines(file));
    verify(await digestLog(take(readLog(source), events)), digest, from);
    return digest;
  });
}

/** Appends a JSON Lines backup to a store (empty, or holding an interrupted import of it) and verifies the result. */
export async function importLog(
  file: string,
  to: string,
  onProgress?: (report: CopyReport) => void,
): Promise<TransferReport> {
  const target = openStore(to, 'target');
  return using([target], async () => {
    const report = await copyLog(readJsonLines(file), target, onProgress);
    const digest = await digestLog(readJsonLines(file));
    verify(digest, await digestLog(readLog(target)), file);
    return { ...report, digest };
  });
}
