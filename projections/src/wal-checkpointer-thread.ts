/**
 * The WAL checkpointer's thread (./wal-checkpointer.ts): a connection of its own to a read-model file, checkpointing
 * its WAL every `intervalMs` and emptying it on request.
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import type { CheckpointerData, CheckpointReply, CheckpointRequest } from './wal-checkpointer.ts';

interface CheckpointResult {
  readonly busy: number;
}

const port = parentPort;
if (!port) throw new Error('The WAL checkpointer runs as a worker thread');
const { path, intervalMs, truncateWithinMs } = workerData as CheckpointerData;
const db = new Database(path, { fileMustExist: true });
const pause = new Int32Array(new SharedArrayBuffer(4));

const timer = setInterval(() => db.pragma('wal_checkpoint(PASSIVE)'), intervalMs);

/**
 * TRUNCATE waits (busy handler) for the writer and for readers of older snapshots; it can still answer busy, e.g.
 * when a reader started while it waited: then it tries again, within a bound.
 */
function empty(): void {
  const until = Date.now() + truncateWithinMs;
  for (;;) {
    const [result] = db.pragma('wal_checkpoint(TRUNCATE)') as CheckpointResult[];
    if (result?.busy === 0) return;
    if (Date.now() > until) {
      throw new Error(`The read models' WAL could not be emptied within ${truncateWithinMs} ms: readers in the way`);
    }
    Atomics.wait(pause, 0, 0, 10);
  }
}

port.on('message', (request: CheckpointRequest) => {
  if (request.kind === 'close') {
    clearInterval(timer);
    db.close();
    port.close();
    return;
  }
  let reply: CheckpointReply;
  try {
    empty();
    reply = { id: request.id };
  } catch (error) {
    reply = { id: request.id, error: error instanceof Error ? error.message : String(error) };
  }
  port.postMessage(reply);
});
