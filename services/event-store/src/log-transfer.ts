import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { stringify } from 'safe-stable-stringify';
import type { EventStore, JsonObject, Position, RecordedEvent } from './port.ts';
import { PRIVATE_FILE } from './private-files.ts';

/**
 * An event as it travels between stores and in backups: everything but its position, which each store assigns.
 * `created` is informative only: a store stamps its own when the event is appended again.
 */
export type LogEntry = Omit<RecordedEvent, 'position'>;

export interface CopyReport {
  /** Events the target already had (an earlier, interrupted copy), checked one by one. */
  readonly skipped: number;
  readonly copied: number;
}

export interface LogDigest {
  readonly events: number;
  /** sha256 over id, stream, revision, type, canonical data and metadata of every event, in log order. */
  readonly sha256: string;
}

const PAGE = 1000;
/** Appends stay well under KurrentDB's default maximum append size (1 MiB). */
const MAX_BATCH_EVENTS = 500;
const MAX_BATCH_BYTES = 256 * 1024;

/** The whole log of a store in global order. */
export async function* readLog(store: EventStore): AsyncGenerator<RecordedEvent> {
  let after: Position | undefined;
  for (;;) {
    const page = await store.readAll({ after, limit: PAGE });
    yield* page;
    const last = page.at(-1);
    if (!last) return;
    after = last.position;
  }
}

/**
 * What identifies an event in a log. Data and metadata are written with their keys sorted (`stringify` sorts them
 * as `Array.prototype.sort` does), so equal values have one text whatever order their keys were written in.
 */
function fingerprint(entry: LogEntry): string {
  return JSON.stringify([
    entry.id,
    entry.stream,
    entry.revision,
    entry.type,
    stringify(entry.data),
    stringify(entry.metadata),
  ]);
}

export async function digestLog(entries: AsyncIterable<LogEntry>): Promise<LogDigest> {
  const hash = createHash('sha256');
  let events = 0;
  for await (const entry of entries) {
    hash.update(fingerprint(entry)).update('\n');
    events += 1;
  }
  return { events, sha256: hash.digest('hex') };
}

function describe(entry: LogEntry): string {
  return `${entry.type} ${entry.id} (${entry.stream}@${entry.revision})`;
}

/**
 * Appends `source` to `target` in the same global order, with the same ids, revisions, types, data and metadata,
 * each stream's events at exactly the revision they had (the expected revision of every append says so).
 * Resumable: a target holding the beginning of the source (what an interrupted copy leaves, since appends are
 * atomic and made in order) is checked event by event and continued; any other content is refused.
 */
export async function copyLog(
  source: AsyncIterable<LogEntry>,
  target: EventStore,
  onProgress?: (report: CopyReport) => void,
  /** What an event the target already has is compared as (e.g. opened, when the target seals what it stores). */
  view: (stored: LogEntry) => LogEntry = (stored) => stored,
): Promise<CopyReport> {
  const existing = readLog(target);
  let targetDone = false;
  let skipped = 0;
  let copied = 0;
  let batch: LogEntry[] = [];
  let batchBytes = 0;

  const flush = async () => {
    const first = batch[0];
    const last = batch.at(-1);
    if (!first || !last) return;
    const result = await target.append(
      first.stream,
      batch.map(({ id, type, data, metadata }) => ({ id, type, data, metadata })),
      { expectedRevision: first.revision === 0 ? 'no_stream' : first.revision - 1 },
    );
    if (result.nextExpectedRevision !== last.revision) {
      throw new Error(
        `${first.stream}: appended up to revision ${result.nextExpectedRevision}, expected ${last.revision}`,
      );
    }
    copied += batch.length;
    batch = [];
    batchBytes = 0;
    onProgress?.({ skipped, copied });
  };

  for await (const entry of source) {
    if (!targetDone) {
      const next = await existing.next();
      if (!next.done) {
        if (fingerprint(view(next.value)) !== fingerprint(entry)) {
          throw new Error(
            `The target is neither empty nor a partial copy of the source: event ${skipped + 1} is ` +
              `${describe(next.value)} there and ${describe(entry)} in the source`,
          );
        }
        skipped += 1;
        continue;
      }
      targetDone = true;
      onProgress?.({ skipped, copied });
    }
    const previous = batch.at(-1);
    const size = JSON.stringify(entry.data).length + JSON.stringify(entry.metadata).length;
    if (
      previous &&
      (previous.stream !== entry.stream || batch.length >= MAX_BATCH_EVENTS || batchBytes + size > MAX_BATCH_BYTES)
    ) {
      await flush();
    }
    const before = batch.at(-1);
    if (before && entry.revision !== before.revision + 1) {
      throw new Error(`The source skips from ${describe(before)} to ${describe(entry)}`);
    }
    batch.push(entry);
    batchBytes += size;
  }
  await flush();
  if (!targetDone) {
    const extra = await existing.next();
    if (!extra.done) throw new Error(`The target has events the source does not, from ${describe(extra.value)} on`);
  }
  return { skipped, copied };
}

/** One line of a JSON Lines backup: the event's fields in a fixed order. */
function toJsonLine(entry: LogEntry): string {
  const { stream, revision, id, type, data, metadata, created } = entry;
  return JSON.stringify({ stream, revision, id, type, data, metadata, created });
}

function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads one backup line, naming the line and field when something is missing or of the wrong kind. */
function parseJsonLine(line: string, lineNumber: number): LogEntry {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    throw new Error(`line ${lineNumber}: not JSON`);
  }
  if (!isJsonObject(parsed)) throw new Error(`line ${lineNumber}: not a JSON object`);
  const { stream, revision, id, type, data, metadata, created } = parsed;
  const fail = (field: string, kind: string) => new Error(`line ${lineNumber}: ${field} must be ${kind}`);
  if (typeof stream !== 'string' || stream === '') throw fail('stream', 'a non-empty string');
  if (typeof revision !== 'number' || !Number.isSafeInteger(revision) || revision < 0) {
    throw fail('revision', 'a whole number from 0');
  }
  if (typeof id !== 'string' || id === '') throw fail('id', 'a non-empty string');
  if (typeof type !== 'string' || type === '') throw fail('type', 'a non-empty string');
  if (!isJsonObject(data)) throw fail('data', 'a JSON object');
  if (!isJsonObject(metadata)) throw fail('metadata', 'a JSON object');
  if (typeof created !== 'string') throw fail('created', 'a string');
  return { stream, revision, id, type, data, metadata, created };
}

/** Writes a log as JSON Lines (one event per line, in order); returns how many were written. */
export async function writeJsonLines(entries: AsyncIterable<LogEntry>, path: string): Promise<number> {
  // An export holds every event, personal data included: owner-only, whatever the umask.
  const file = createWriteStream(path, { flags: 'wx', mode: PRIVATE_FILE });
  let count = 0;
  try {
    for await (const entry of entries) {
      if (!file.write(`${toJsonLine(entry)}\n`)) await once(file, 'drain');
      count += 1;
    }
  } finally {
    file.end();
    await once(file, 'close');
  }
  return count;
}

/** The events of a JSON Lines backup, in order; blank lines are ignored. */
export async function* readJsonLines(path: string): AsyncGenerator<LogEntry> {
  const lines = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Number.POSITIVE_INFINITY });
  let lineNumber = 0;
  for await (const line of lines) {
    lineNumber += 1;
    if (line.trim() !== '') yield parseJsonLine(line, lineNumber);
  }
}
