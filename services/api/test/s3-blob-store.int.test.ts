import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { type AddressInfo, createServer, type Socket, connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { BlobNotFound, type BlobStore, BlobStoreUnavailable } from '../src/files/blob-store.ts';
import type { S3Location } from '../src/files/files-setting.ts';
import { openBlobStore } from '../src/files/open-blob-store.ts';
import { openS3BlobStore } from '../src/files/s3-blob-store.ts';
import { bytesOf, describeBlobStoreContract, idOf, stage, startStoringProcess } from './blob-store.contract.ts';

const BUCKET = 'qingmiao-files';
/** s3rver's one account. */
const CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

beforeAll(() => {
  // The adapter takes credentials where the SDK looks first; processes the tests start inherit them.
  vi.stubEnv('AWS_ACCESS_KEY_ID', CREDENTIALS.accessKeyId);
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', CREDENTIALS.secretAccessKey);
  vi.stubEnv('AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED', 'true');
});
afterAll(() => {
  vi.unstubAllEnvs();
});

/** A real S3 server (s3rver) on 127.0.0.1, on a folder; stopped and started again on the same port and folder. */
class S3Server {
  #http: Server | undefined;
  private constructor(
    private readonly s3rver: S3rver,
    public port: number,
  ) {}

  static async start(directory: string): Promise<S3Server> {
    const s3rver = new S3rver({ directory, silent: true, configureBuckets: [{ name: BUCKET, configs: [] }] });
    await s3rver.configureBuckets();
    const server = new S3Server(s3rver, 0);
    await server.restart();
    return server;
  }

  async restart(): Promise<void> {
    const http = createHttpServer(this.s3rver.callback());
    await new Promise<void>((resolve, reject) => http.once('error', reject).listen(this.port, '127.0.0.1', resolve));
    this.port = (http.address() as AddressInfo).port;
    this.#http = http;
  }

  async stop(): Promise<void> {
    const http = this.#http;
    this.#http = undefined;
    if (!http) return;
    const closed = new Promise((resolve) => http.close(resolve));
    http.closeAllConnections();
    await closed;
  }
}

function location(port: number, prefix = 'blobs/'): S3Location {
  return {
    kind: 's3',
    bucket: BUCKET,
    prefix,
    endpoint: `http://127.0.0.1:${port}`,
    region: 'us-east-1',
    forcePathStyle: true,
  };
}

/**
 * A TCP relay in front of the S3 server that sees what the client sends: it keeps the first request head, and after
 * `after` bytes from the client either stops relaying (`stall`: the line hangs) or cuts both connections (`cut`).
 */
class Relay {
  readonly sent: Buffer[] = [];
  readonly #sockets = new Set<Socket>();
  #reached: () => void = () => {};
  /** Resolves once `after` bytes came from the client. */
  readonly reached = new Promise<void>((resolve) => {
    this.#reached = resolve;
  });
  private constructor(
    private readonly server: ReturnType<typeof createServer>,
    readonly port: number,
  ) {}

  static async start(target: number, after = Number.POSITIVE_INFINITY, action: 'stall' | 'cut' = 'stall') {
    let relay: Relay | undefined;
    let total = 0;
    const server = createServer((client) => {
      const upstream = tcpConnect(target, '127.0.0.1');
      relay?.track(client, upstream);
      upstream.pipe(client);
      client.on('data', (chunk: Buffer) => {
        relay?.sent.push(chunk);
        if (total >= after) return;
        total += chunk.length;
        if (total < after) {
          upstream.write(chunk);
          return;
        }
        relay?.hit();
        if (action === 'cut') {
          client.destroy();
          upstream.destroy();
        } else {
          client.pause();
        }
      });
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
      client.on('error', () => {});
      upstream.on('error', () => {});
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    relay = new Relay(server, (server.address() as AddressInfo).port);
    return relay;
  }

  private track(...sockets: Socket[]): void {
    for (const socket of sockets) {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
    }
  }

  private hit(): void {
    this.#reached();
  }

  /** What the client sent, as text (headers are ASCII). */
  text(): string {
    return Buffer.concat(this.sent).toString('latin1');
  }

  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

describeBlobStoreContract('S3 (s3rver)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'qingmiao-s3-blobs-'));
  const dataDir = join(dir, 'data');
  const s3 = await S3Server.start(join(dir, 's3'));
  const store = openS3BlobStore(location(s3.port), dataDir);
  return {
    store,
    async crashWhileStoring(bytes) {
      // The storing process talks to S3 through a relay that stops relaying halfway through the upload.
      const relay = await Relay.start(s3.port, bytes.length / 2);
      const bytesFile = join(dir, 'bytes');
      writeFileSync(bytesFile, bytes);
      const storing = startStoringProcess({ dataDir, files: location(relay.port) }, 'put', bytesFile);
      await storing.said('staged');
      await relay.reached;
      storing.child.kill('SIGKILL');
      await storing.exited;
      await relay.close();
    },
    breakStorage: () => s3.stop(),
    repairStorage: () => s3.restart(),
    async cleanup() {
      await store.close();
      await s3.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

describe('S3 blob store against s3rver', () => {
  let dir: string;
  let dataDir: string;
  let s3: S3Server;
  const stores: BlobStore[] = [];

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'qingmiao-s3-blobs-'));
    dataDir = join(dir, 'data');
    s3 = await S3Server.start(join(dir, 's3'));
  });
  afterEach(async () => {
    for (const store of stores.splice(0)) await store.close();
    await s3.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  function open(at = location(s3.port)): BlobStore {
    const store = openS3BlobStore(at, dataDir);
    stores.push(store);
    return store;
  }

  it('keys objects [prefix]ab/cd/<id>, staging in the data dir', async () => {
    const store = open(location(s3.port, 'qingmiao/files/'));
    const bytes = Buffer.from('青苗 essay');
    const id = idOf(bytes);
    await store.put(id, await stage(store, bytes));
    const client = new S3Client({ ...location(s3.port), credentials: CREDENTIALS });
    try {
      const listed = await client.send(new ListObjectsV2Command({ Bucket: BUCKET }));
      expect(listed.Contents?.map((object) => object.Key)).toEqual([
        `qingmiao/files/${id.slice(0, 2)}/${id.slice(2, 4)}/${id}`,
      ]);
    } finally {
      client.destroy();
    }
    expect(store.stagingDir).toBe(join(dataDir, 'files', '.staging'));
  });

  it('uploads with the length and the SHA-256 checksum S3 verifies, in one plain request', async () => {
    const relay = await Relay.start(s3.port);
    try {
      const store = open(location(relay.port));
      const bytes = randomBytes(300_000);
      const id = idOf(bytes);
      await store.put(id, await stage(store, bytes));
      const put = relay.text().slice(relay.text().indexOf('PUT '));
      const head = put.slice(0, put.indexOf('\r\n\r\n')).toLowerCase();
      expect(head).toContain(`\r\nx-amz-checksum-sha256: ${Buffer.from(id, 'hex').toString('base64').toLowerCase()}`);
      expect(head).toContain(`\r\ncontent-length: ${bytes.length}\r\n`);
      expect(head).not.toMatch(/aws-chunked|transfer-encoding/);
      expect((await bytesOf(await store.read(id))).equals(bytes)).toBe(true);
    } finally {
      await relay.close();
    }
  });

  it('answers BlobStoreUnavailable when the line is cut mid-upload, keeps no object, and the retry works', async () => {
    const bytes = randomBytes(4 * 1024 * 1024);
    const id = idOf(bytes);
    const relay = await Relay.start(s3.port, bytes.length / 3, 'cut');
    try {
      const store = open(location(relay.port));
      const staged = await stage(store, bytes);
      await expect(store.put(id, staged)).rejects.toThrow(BlobStoreUnavailable);
      expect(existsSync(staged)).toBe(true);
      const direct = open();
      expect(await direct.size(id)).toBeUndefined();
      await expect(direct.read(id)).rejects.toThrow(BlobNotFound);
      await direct.put(id, staged);
      expect((await bytesOf(await direct.read(id))).equals(bytes)).toBe(true);
    } finally {
      await relay.close();
    }
  });

  it('gives up an upload that stops making progress, with BlobStoreUnavailable, keeping the staged file', async () => {
    const bytes = randomBytes(16 * 1024 * 1024);
    const relay = await Relay.start(s3.port, 2 * 1024 * 1024, 'stall');
    try {
      const store = open(location(relay.port));
      const staged = await stage(store, bytes);
      const started = performance.now();
      await expect(store.put(idOf(bytes), staged)).rejects.toThrow(
        'file storage is unavailable: the upload made no progress for 10 s',
      );
      // Ten seconds without progress, then a prompt answer (loose for a loaded machine).
      expect(performance.now() - started).toBeLessThan(25_000);
      expect(existsSync(staged)).toBe(true);
    } finally {
      await relay.close();
    }
  });

  it('answers BlobStoreUnavailable within seconds from an S3 that takes connections and never answers', async () => {
    const silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const store = open(location((silent.address() as AddressInfo).port));
      const id = idOf(Buffer.from('x'));
      const staged = await stage(store, Buffer.from('x'));
      for (const call of [() => store.size(id), () => store.read(id), () => store.put(id, staged)]) {
        const started = performance.now();
        await expect(call()).rejects.toThrow(/file storage is unavailable: .*requestTimeout/);
        // Two attempts of three seconds each, on a loaded machine.
        expect(performance.now() - started).toBeLessThan(10_000);
      }
    } finally {
      silent.close();
    }
  });

  it('answers BlobStoreUnavailable naming the refusal when the credentials are refused', async () => {
    // s3rver checks the access key (not SigV4 signatures).
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'NOT-AN-ACCOUNT');
    try {
      const store = open();
      const id = idOf(Buffer.from('x'));
      await expect(store.read(id)).rejects.toThrow(/^file storage is unavailable: .*Access Key Id/);
      await expect(store.size(id)).rejects.toThrow(BlobStoreUnavailable);
      await expect(store.put(id, await stage(store, Buffer.from('x')))).rejects.toThrow(BlobStoreUnavailable);
    } finally {
      vi.stubEnv('AWS_ACCESS_KEY_ID', CREDENTIALS.accessKeyId);
    }
  });

  it('is what QINGMIAO_FILES=s3://… opens, and its backup advice leaves the bucket to its own replication', async () => {
    const config = loadConfig({
      QINGMIAO_DATA_DIR: dataDir,
      QINGMIAO_FILES: `s3://${BUCKET}/campaigns?endpoint=http://127.0.0.1:${s3.port}&region=us-east-1`,
    });
    const store = openBlobStore(config);
    stores.push(store);
    const bytes = randomBytes(1000);
    await store.put(idOf(bytes), await stage(store, bytes));
    expect((await bytesOf(await store.read(idOf(bytes)))).equals(bytes)).toBe(true);
    expect(store.backupAdvice).toBe(
      `files are kept in the S3 bucket ${BUCKET}/campaigns/ (http://127.0.0.1:${s3.port}), not copied by ` +
        "`qingmiao backup`: the operator must configure the bucket's own versioning and replication to back them up",
    );
  });
});
