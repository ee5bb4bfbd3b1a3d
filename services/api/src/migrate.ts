import {
  type CopyReport,
  copyLog,
  digestLog,
  type EventStore,
  type EventStoreSpecOptions,
  type LogDigest,
  type LogEntry,
  openEventStore,
  readJsonLines,
  readLog,
  withoutCredentials,
  writeJsonLines,
} from '@qingmiao/event-store';
import { deriveKeys, type KeyStore, ProtectedEventStore, protectPersonalData } from '@qingmiao/privacy';
import { events } from '@qingmiao/schema';

/** A store as the commands below are given it: its spec (`sqlite:PATH`, `esdb://…`, …) and how to read it. */
export interface StoreSpec {
  readonly spec: string;
  readonly options?: EventStoreSpecOptions;
}

/** A source must exist (a typo would read as an empty log); a target file is created, with its directory. */
function open({ spec, options }: StoreSpec, role: 'source' | 'target'): EventStore {
  return openEventStore(spec, { ...options, mustExist: role === 'source' });
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
  from: StoreSpec,
  to: StoreSpec,
  onProgress?: (report: CopyReport) => void,
): Promise<TransferReport> {
  const [source, target] = [open(from, 'source'), open(to, 'target')];
  return using([source, target], async () => {
    const report = await copyLog(readLog(source), target, onProgress);
    const digest = await digestLog(readLog(source));
    verify(digest, await digestLog(readLog(target)), withoutCredentials(from.spec));
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
export async function exportLog(from: StoreSpec, file: string): Promise<LogDigest> {
  const source = open(from, 'source');
  return using([source], async () => {
    const events = await writeJsonLines(readLog(source), file);
    const digest = await digestLog(readJsonLines(file));
    verify(await digestLog(take(readLog(source), events)), digest, withoutCredentials(from.spec));
    return digest;
  });
}

/** Appends a JSON Lines backup to a store (empty, or holding an interrupted import of it) and verifies the result. */
export async function importLog(
  file: string,
  to: StoreSpec,
  onProgress?: (report: CopyReport) => void,
): Promise<TransferReport> {
  const target = open(to, 'target');
  return using([target], async () => {
    const report = await copyLog(readJsonLines(file), target, onProgress);
    const digest = await digestLog(readJsonLines(file));
    verify(digest, await digestLog(readLog(target)), file);
    return { ...report, digest };
  });
}

/** Where `migrate --encrypt-personal-data` keeps the data keys it makes, and the master key that wraps them. */
export interface SealingKeys {
  readonly keyStore: KeyStore;
  readonly masterKey: Buffer;
}

/** An event in the current shape of its type: older versions upcast (and parsed), others as stored. */
function upcast(entry: LogEntry): LogEntry {
  const { schemaVersion } = entry.metadata;
  if (!events.has(entry.type) || typeof schemaVersion !== 'number') return entry;
  const current = events.versionOf(entry.type);
  if (schemaVersion >= current) return entry;
  const decoded = events.decode({ type: entry.type, data: entry.data, schemaVersion });
  if (!decoded) return entry;
  return { ...entry, data: decoded.data, metadata: { ...entry.metadata, schemaVersion: current } };
}

/**
 * A log written in clear as this version would write it: each event upcast to the current shape, each participant
 * with its pseudonymous id (as reading through the protected store gives it), and each revision naming its school
 * (which its seal needs; revisions recorded before sealing existed do not). Refuses a log that holds sealed values:
 * it was written by this version, and plain `migrate` copies it.
 */
async function* currentShape(opened: EventStore): AsyncGenerator<LogEntry> {
  const schools = new Map<string, string>();
  for await (const event of readLog(opened)) {
    const { position: _, ...entry } = event;
    if ('personalDataKeys' in entry.data) {
      throw new Error(
        `${entry.type} ${entry.id} (${entry.stream}@${entry.revision}) is already encrypted: ` +
          'copy a log written by this version with plain `qingmiao migrate`',
      );
    }
    const { entryId, schoolId } = entry.data;
    if (entry.type === 'EntrySubmitted' && typeof entryId === 'string' && typeof schoolId === 'string') {
      schools.set(entryId, schoolId);
    }
    const current = upcast(entry);
    const school = typeof entryId === 'string' ? schools.get(entryId) : undefined;
    yield current.type === 'EntryRevised' && current.data.schoolId === undefined && school !== undefined
      ? { ...current, data: { ...current.data, schoolId: school } }
      : current;
  }
}

/** An event as the target opens it, less what only opening adds (the keys its values were sealed under). */
function asWritten(opened: LogEntry): LogEntry {
  if (!('personalDataKeys' in opened.data)) return opened;
  const { personalDataKeys: _, ...data } = opened.data;
  return { ...opened, data };
}

async function* opened(store: EventStore): AsyncGenerator<LogEntry> {
  for await (const { position: _, ...entry } of readLog(store)) yield asWritten(entry);
}

/**
 * `migrate --encrypt-personal-data`: copies a log written before personal data was sealed (clear text, which no
 * erasure can remove) into a new store, upcasting every event to its current shape and sealing participants'
 * personal data on the way, with fresh data keys in the given key store. Resumable like `migrate`. The ciphertext
 * differs from the source, so the check is on meaning: what the target opens to (less the keys' ids) must have the
 * same sha256 as the source in its current shape.
 */
export async function migrateEncrypting(
  from: StoreSpec,
  to: StoreSpec,
  keys: SealingKeys,
  onProgress?: (report: CopyReport) => void,
): Promise<TransferReport> {
  const [source, target] = [open(from, 'source'), open(to, 'target')];
  const protection = protectPersonalData(target, keys.keyStore, keys.masterKey);
  // The source is read through the same opening, which gives clear participants their pseudonymous ids.
  const clear = new ProtectedEventStore(source, protection.keys, deriveKeys(keys.masterKey).pseudonym);
  try {
    const report = await copyLog(currentShape(clear), protection.store, onProgress, asWritten);
    const digest = await digestLog(currentShape(clear));
    verify(digest, await digestLog(opened(protection.store)), withoutCredentials(from.spec));
    return { ...report, digest };
  } finally {
    await Promise.all([source.close(), protection.store.close()]);
  }
}
