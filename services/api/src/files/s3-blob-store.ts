import { createReadStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { pipeline, Readable, Transform } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  type GetObjectCommandOutput,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { blobKey, checkRange, filesDir } from './blob-layout.ts';
import { BlobNotFound, type BlobStore, BlobStoreUnavailable, type ByteRange } from './blob-store.ts';
import type { S3Location } from './files-setting.ts';
import { checkStaged, prepareStagingDir } from './staging.ts';

/** How long connecting may take, and an answer's headers (reads, deletes, lookups), before S3 counts as down. */
const CONNECT_TIMEOUT_MS = 2_000;
const ANSWER_TIMEOUT_MS = 3_000;
/** An upload has no overall limit (50 MB on a slow line take long) but is abandoned after this long without progress. */
const UPLOAD_IDLE_MS = 10_000;
/** The SDK's attempts per call (one retry): a store that is down answers in seconds, not after minutes of backoff. */
const ATTEMPTS = 2;

/** The SDK's own messages: failures reach the caller as BlobStoreUnavailable, and console output bypasses the log. */
const silent = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

/**
 * Blobs as objects of an S3-compatible bucket, keyed `[prefix]ab/cd/abcd…` like the folder store. An upload is one
 * PutObject streamed from the staged file with its length and SHA-256 checksum (the id itself), so the store refuses
 * bytes damaged on the way, and an interrupted upload leaves no blob: S3 makes an object visible only whole, and what
 * a lesser server keeps of one does not count (see `whole`).
 */
class S3BlobStore implements BlobStore {
  readonly stagingDir: string;
  readonly backupAdvice: string;
  readonly #client: S3Client;

  constructor(
    private readonly location: S3Location,
    dataDir: string,
    now: number,
  ) {
    this.stagingDir = prepareStagingDir(filesDir(dataDir), now);
    this.backupAdvice = s3BackupAdvice(location);
    this.#client = new S3Client({
      endpoint: location.endpoint,
      region: location.region,
      forcePathStyle: location.forcePathStyle,
      maxAttempts: ATTEMPTS,
      // Checksums only when an operation demands one; uploads carry their SHA-256 explicitly (see #upload).
      requestChecksumCalculation: 'WHEN_REQUIRED',
      requestHandler: {
        connectionTimeout: CONNECT_TIMEOUT_MS,
        requestTimeout: ANSWER_TIMEOUT_MS,
        throwOnRequestTimeout: true,
      },
      logger: silent,
    });
  }

  async put(id: string, stagedPath: string): Promise<void> {
    const key = this.#key(id);
    const staged = checkStaged(this.stagingDir, stagedPath);
    const { size } = await stat(staged).catch((error: unknown) => {
      throw new Error(`no staged file ${stagedPath} to keep as ${id}`, { cause: error });
    });
    // Blobs are immutable: the same id is the same bytes, already kept.
    if ((await this.size(id)) === undefined) await this.#upload(id, key, staged, size);
    await rm(staged, { force: true });
  }

  async #upload(id: string, key: string, staged: string, size: number): Promise<void> {
    const watchdog = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const progressed = () => {
      clearTimeout(timer);
      timer = setTimeout(
        () => watchdog.abort(new Error(`the upload made no progress for ${UPLOAD_IDLE_MS / 1000} s`)),
        UPLOAD_IDLE_MS,
      );
    };
    const body = new Transform({
      transform(chunk, _encoding, done) {
        progressed();
        done(null, chunk);
      },
    });
    // A failing read of the staged file destroys the body, which fails the request.
    pipeline(createReadStream(staged), body, () => {});
    progressed();
    try {
      await this.#client.send(
        new PutObjectCommand({
          Bucket: this.location.bucket,
          Key: key,
          Body: body,
          ContentLength: size,
          ContentType: 'application/octet-stream',
          Metadata: { [LENGTH]: String(size) },
          ChecksumSHA256: Buffer.from(id, 'hex').toString('base64'),
        }),
        // requestTimeout 0: the watchdog above limits the upload by progress instead.
        { abortSignal: watchdog.signal, requestTimeout: 0 },
      );
    } catch (error) {
      throw new BlobStoreUnavailable(watchdog.signal.aborted ? watchdog.signal.reason : error);
    } finally {
      clearTimeout(timer);
      body.destroy();
    }
  }

  async size(id: string): Promise<number | undefined> {
    const key = this.#key(id);
    try {
      const head = await this.#client.send(new HeadObjectCommand({ Bucket: this.location.bucket, Key: key }));
      const size = head.ContentLength ?? 0;
      return whole(head.Metadata, size) ? size : undefined;
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw new BlobStoreUnavailable(error);
    }
  }

  async read(id: string, range?: ByteRange): Promise<Readable> {
    const key = this.#key(id);
    if (range) checkRange(range);
    const pastTheEnd = () => new RangeError(`range ${range?.start}-${range?.end} starts past the end of ${id}`);
    let answer: GetObjectCommandOutput;
    try {
      answer = await this.#client.send(
        new GetObjectCommand({
          Bucket: this.location.bucket,
          Key: key,
          Range: range ? `bytes=${range.start}-${range.end}` : undefined,
        }),
      );
    } catch (error) {
      if (isNotFound(error)) throw new BlobNotFound(id);
      if (range && error instanceof S3ServiceException && error.$metadata.httpStatusCode === 416) throw pastTheEnd();
      throw new BlobStoreUnavailable(error);
    }
    const { Body, ContentRange, ContentLength, Metadata } = answer;
    if (!(Body instanceof Readable)) throw new BlobStoreUnavailable(new Error('the object came without its bytes'));
    // What was sent: `bytes first-last/size` for a range; the whole object without a range, or when a server ignores it.
    const sent = range ? /^bytes (\d+)-(\d+)\/(\d+)$/.exec(ContentRange ?? '') : null;
    const size = Number(sent ? sent[3] : ContentLength);
    if (!whole(Metadata, size)) {
      Body.destroy();
      throw new BlobNotFound(id);
    }
    if (!range) return Body;
    const first = sent ? Number(sent[1]) : 0;
    if (range.start >= size || first > range.start) {
      Body.destroy();
      if (range.start >= size) throw pastTheEnd();
      throw new BlobStoreUnavailable(new Error(`the store sent bytes from ${first} for a range from ${range.start}`));
    }
    const last = Math.min(range.end, size - 1);
    return sent && Number(sent[1]) === range.start && Number(sent[2]) === last
      ? Body
      : bytesBetween(Body, range.start - first, last - first);
  }

  async delete(id: string): Promise<void> {
    const key = this.#key(id);
    try {
      // S3 answers a delete of an absent key like any other.
      await this.#client.send(new DeleteObjectCommand({ Bucket: this.location.bucket, Key: key }));
    } catch (error) {
      throw new BlobStoreUnavailable(error);
    }
  }

  async close(): Promise<void> {
    this.#client.destroy();
  }

  #key(id: string): string {
    return `${this.location.prefix}${blobKey(id)}`;
  }
}

/** How files in an S3 bucket are backed up: by the bucket's own means, which Qingmiao cannot set up. */
export function s3BackupAdvice(location: S3Location): string {
  const where = `${location.bucket}${location.prefix ? `/${location.prefix}` : ''}`;
  return (
    `files are kept in the S3 bucket ${where} (${location.endpoint ?? 'AWS'}), not copied by \`qingmiao backup\`: ` +
    "the operator must configure the bucket's own versioning and replication to back them up"
  );
}

/**
 * The S3 store for QINGMIAO_FILES=s3://…; credentials come from the SDK's usual sources (AWS_ACCESS_KEY_ID and
 * AWS_SECRET_ACCESS_KEY first). Uploads are staged in the data dir; staged files over a day old are removed now.
 */
export function openS3BlobStore(location: S3Location, dataDir: string, now = Date.now()): BlobStore {
  return new S3BlobStore(location, dataDir, now);
}

/**
 * Bytes `from` to `to` (inclusive, counted from the stream's start) of a stream: what a range asked for, when a store
 * answered with more (the whole object, or past the range's end; s3rver reads `bytes=0-0` as `bytes=0-`).
 */
function bytesBetween(stream: Readable, from: number, to: number): Readable {
  let offset = 0;
  const part = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      const piece = chunk.subarray(Math.max(from - offset, 0), Math.max(to + 1 - offset, 0));
      offset += chunk.length;
      done(null, piece.length > 0 ? piece : undefined);
    },
  });
  pipeline(stream, part, () => {});
  return part;
}

/**
 * The user metadata (`x-amz-meta-length`) an upload declares its length in. S3 keeps an object only whole, but some
 * S3-compatible servers (s3rver among them) show what has arrived of an upload while it runs, and keep it when the
 * upload breaks off; their metadata comes with the last byte. So an object is a blob only when it carries the length
 * and has it: every object Qingmiao writes does (`put`, and `qingmiao restore` through it); anything else under a
 * blob's key (a remnant, or a copy made with other tools) counts as absent, and the next put of its id replaces it.
 */
const LENGTH = 'length';

function whole(metadata: Record<string, string> | undefined, size: number): boolean {
  const declared = metadata?.[LENGTH];
  return declared !== undefined && Number(declared) === size;
}

/** NoSuchKey for a read, NotFound for a lookup (HEAD answers have no body to name the error). */
function isNotFound(error: unknown): boolean {
  return error instanceof S3ServiceException && (error.name === 'NoSuchKey' || error.name === 'NotFound');
}
