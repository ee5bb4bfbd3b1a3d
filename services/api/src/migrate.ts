import {
  type CopyReport,
  copyLog,
  digestLog,
  type EventStore,
  type EventStoreSpecOptions,
  type LogDigest,
  openEventStore,
  readJsonLines,
  readLog,
  withoutCredentials,
  writeJsonLines,
} from '@qingmiao/event-store';

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
