/**
 * The bare Node `http` baselines of the HTTP benchmarks, run as a child process like the Qingmiao server:
 *
 * - `static <file>`: answers every request, after reading its body, with the bytes of `file` as JSON (the
 *   precomputed answer of a GraphQL query).
 * - `insert <db>`: parses the JSON body and stores it durably as one row of an `events`-shaped table (WAL,
 *   synchronous=FULL, one transaction per request), then answers with a small JSON document.
 *
 * - `upload <dir>`: streams each request's body into a new file in `dir` while hashing it (SHA-256), fsyncs it, and
 *   answers with the hash: the floor under a streaming upload.
 *
 * Prints `{"url": …}` once listening on 127.0.0.1 (a port of the OS's choosing).
 */
import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream, readFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import Database from 'better-sqlite3';

const [mode, argument] = process.argv.slice(2);
if ((mode !== 'static' && mode !== 'insert' && mode !== 'upload') || !argument) {
  process.stderr.write('usage: bare-server.ts static <file> | insert <db> | upload <dir>\n');
  process.exit(2);
}

function body(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

/** The body into a new file of `argument` (a folder), hashed on the way, fsynced; its hash. */
async function stored(request: IncomingMessage): Promise<Buffer> {
  const path = join(argument as string, randomUUID());
  const hash = createHash('sha256');
  const hashed = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      done(null, chunk);
    },
  });
  await pipeline(request, hashed, createWriteStream(path, { flags: 'wx' }));
  const file = await open(path, 'r');
  await file.sync();
  await file.close();
  return Buffer.from(JSON.stringify({ id: hash.digest('hex') }));
}

let handle: (request: IncomingMessage) => Promise<Buffer>;
if (mode === 'upload') {
  handle = stored;
} else if (mode === 'static') {
  const answer = readFileSync(argument);
  handle = async (request) => {
    await body(request);
    return answer;
  };
} else {
  const db = new Database(argument);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec(`CREATE TABLE IF NOT EXISTS events (
    position INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, stream TEXT NOT NULL, revision INTEGER NOT NULL,
    type TEXT NOT NULL, data TEXT NOT NULL, metadata TEXT NOT NULL, created TEXT NOT NULL, UNIQUE (stream, revision))`);
  const insert = db.prepare(
    'INSERT INTO events (id, stream, revision, type, data, metadata, created) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  let revision = 0;
  const store = db.transaction((data: string, metadata: string) => {
    const id = randomUUID();
    insert.run(id, 'bare', revision++, 'EntrySubmitted', data, metadata, new Date().toISOString());
    return id;
  });
  handle = async (request) => {
    const parsed = JSON.parse((await body(request)).toString('utf8')) as { variables?: { input?: unknown } };
    const id = store.immediate(JSON.stringify(parsed.variables?.input ?? {}), JSON.stringify({ at: Date.now() }));
    return Buffer.from(JSON.stringify({ data: { submitEntry: { id } } }));
  };
}

const server = createServer(async (request, response) => {
  try {
    const answer = await handle(request);
    response.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': answer.length });
    response.end(answer);
  } catch (error) {
    response.writeHead(500, { 'content-type': 'text/plain' });
    response.end(String(error));
  }
});
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${port}` })}\n`);
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => server.close(() => process.exit(0)));
