/**
 * The embedded store's writer thread: it owns the write connection, so the fsync of a commit blocks this thread
 * and not the process's event loop. Appends that arrive while a commit runs wait in the message port and go
 * together into the next transaction (group commit); each keeps its own expected-revision check through a
 * savepoint. Each commit is answered only after it returns, i.e. after SQLite's fsync (`synchronous=FULL`). A thread
 * serves one store at a time; after a store closes it may serve the next one the process opens.
 */
import { parentPort } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { DuplicateEventIds, WrongExpectedVersion } from './errors.ts';
import { matchesExpectedRevision } from './port.ts';
import {
  type EncodedAppend,
  type EncodedEvent,
  type EncodedOutcome,
  encodeError,
  type WriterOptions,
  type WriterReply,
  type WriterRequest,
} from './sqlite-writer-protocol.ts';

interface Committed {
  readonly nextExpectedRevision: number;
  readonly position: bigint;
}

function isUniqueViolation(error: unknown): boolean {
  return error instanceof Database.SqliteError && error.code === 'SQLITE_CONSTRAINT_UNIQUE';
}

const duplicate = (stream: string, events: readonly EncodedEvent[]) =>
  new DuplicateEventIds(
    stream,
    events.map((event) => event.id),
  );

function openWriter({ path, maxBatch }: WriterOptions) {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 10000');
  const safe = <T extends Database.Statement>(statement: T): T => statement.safeIntegers(true) as T;
  const stmt = {
    byId: safe(
      db.prepare<[string], { stream: string; revision: bigint; position: bigint }>(
        'SELECT stream, revision, position FROM events WHERE id = ?',
      ),
    ),
    // Revisions within one stream stay far below 2^53: plain numbers.
    revision: db.prepare<[string], { revision: number }>(
      'SELECT revision FROM events WHERE stream = ? ORDER BY revision DESC LIMIT 1',
    ),
    insert: db.prepare<[string, string, number, string, string, string, string]>(
      'INSERT INTO events (id, stream, revision, type, data, metadata, created) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ),
    idsFrom: safe(
      db.prepare<[string, number, number], { id: string; revision: bigint; position: bigint }>(
        'SELECT id, revision, position FROM events WHERE stream = ? AND revision >= ? ORDER BY revision LIMIT ?',
      ),
    ),
    head: safe(db.prepare<[], { position: bigint | null }>('SELECT max(position) AS position FROM events')),
  };
  // Transaction control, prepared once: `db.exec` would compile the SQL on every call.
  const tx = {
    begin: db.prepare('BEGIN IMMEDIATE'),
    commit: db.prepare('COMMIT'),
    rollback: db.prepare('ROLLBACK'),
    savepoint: db.prepare('SAVEPOINT append'),
    release: db.prepare('RELEASE append'),
    rollbackTo: db.prepare('ROLLBACK TO append'),
  };

  /** A write whose first event exists already: a no-op if it is exactly that earlier write, else refused. */
  function replayedWrite(
    stream: string,
    events: readonly EncodedEvent[],
    existing: { stream: string; revision: bigint },
  ): Committed {
    const rows = existing.stream === stream ? stmt.idsFrom.all(stream, Number(existing.revision), events.length) : [];
    const same = rows.length === events.length && rows.every((row, i) => row.id === events[i]?.id);
    const last = rows.at(-1);
    if (!same || !last) throw duplicate(stream, events);
    return { nextExpectedRevision: Number(last.revision), position: last.position };
  }

  function appendOne({ stream, events, expectedRevision }: EncodedAppend): Committed {
    const first = events[0];
    if (first) {
      const existing = stmt.byId.get(first.id);
      if (existing) return replayedWrite(stream, events, existing);
    }
    const actual = stmt.revision.get(stream)?.revision ?? -1;
    if (!matchesExpectedRevision(expectedRevision, actual)) {
      throw new WrongExpectedVersion(stream, expectedRevision, actual);
    }
    if (!first) return { nextExpectedRevision: actual, position: stmt.head.get()?.position ?? -1n };
    const created = new Date().toISOString();
    let revision = actual;
    let rowid: number | bigint = 0;
    try {
      for (const event of events) {
        revision += 1;
        rowid = stmt.insert.run(
          event.id,
          stream,
          revision,
          event.type,
          event.data,
          event.metadata,
          created,
        ).lastInsertRowid;
      }
    } catch (error) {
      if (isUniqueViolation(error)) throw duplicate(stream, events);
      throw error;
    }
    return { nextExpectedRevision: revision, position: BigInt(rowid) };
  }

  function attempt(append: EncodedAppend): EncodedOutcome {
    try {
      return { ok: true, ...appendOne(append) };
    } catch (error) {
      return { ok: false, error: encodeError(error) };
    }
  }

  /** One transaction for the batch: one fsync however many appends share it. */
  function commitBatch(batch: readonly EncodedAppend[]): EncodedOutcome[] {
    tx.begin.run();
    try {
      const [only] = batch;
      if (only && batch.length === 1) {
        // Alone in its transaction, a failed append is undone by rolling the transaction back: no savepoint needed.
        const outcome = attempt(only);
        (outcome.ok ? tx.commit : tx.rollback).run();
        return [outcome];
      }
      const outcomes = batch.map((append) => {
        tx.savepoint.run();
        const outcome = attempt(append);
        if (!outcome.ok) tx.rollbackTo.run();
        tx.release.run();
        return outcome;
      });
      tx.commit.run();
      return outcomes;
    } catch (error) {
      if (db.inTransaction) tx.rollback.run();
      const failed: EncodedOutcome = { ok: false, error: encodeError(error) };
      return batch.map(() => failed);
    }
  }

  return {
    /** Commits the appends in batches of at most `maxBatch`, answering each batch once it is durable. */
    commitAll(appends: EncodedAppend[], answer: (reply: WriterReply) => void): void {
      while (appends.length > 0) answer({ kind: 'committed', outcomes: commitBatch(appends.splice(0, maxBatch)) });
    },
    close: () => db.close(),
  };
}

const port = parentPort;
if (!port) throw new Error('the event store writer runs as a worker thread');
let writer: ReturnType<typeof openWriter> | undefined;
let queued: EncodedAppend[] = [];
let scheduled = false;
const answer = (reply: WriterReply) => port.postMessage(reply);
const flush = () => {
  scheduled = false;
  const appends = queued;
  queued = [];
  if (appends.length === 0) return;
  if (!writer) throw new Error('appends reached the writer thread before the store was opened');
  writer.commitAll(appends, answer);
};

port.on('message', (request: WriterRequest) => {
  switch (request.kind) {
    case 'open':
      writer = openWriter(request.options);
      return;
    case 'close':
      flush();
      writer?.close();
      writer = undefined;
      answer({ kind: 'closed' });
      return;
    case 'append':
      queued.push(...request.appends);
      // The port delivers everything that arrived during the last commit before this runs: they share the next one.
      if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
  }
});
