import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { open, rm } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Busboy, type BusboyFileStream } from '@fastify/busboy';
import { uploadOwnerOf } from '@qingmiao/domain';
import type { Request, RequestHandler, Response } from 'express';
import type { GraphQLParams, Plugin } from 'graphql-yoga';
import type { Logger } from 'pino';
import { type Authenticator, type Identity, Unauthenticated } from '../auth.ts';
import { MAX_NESTING, tooDeeplyNested } from '../http-limits.ts';
import type { UploadBudget } from './upload-budget.ts';

/**
 * A file received whole into the blob store's staging folder, fsynced, with its SHA-256 and size: what the `File`
 * scalar hands the `uploadFile` resolver. Only this module makes them, from a multipart request's file part, so a
 * JSON request cannot name a file on disk.
 */
export class StagedUpload {
  constructor(
    readonly path: string,
    readonly id: string,
    readonly size: number,
    /** The file name the client sent, unsanitised. */
    readonly sentName: string,
  ) {}
}

/** The header a cross-site form cannot send without a CORS preflight (as Apollo's and Yoga's CSRF prevention). */
const PREFLIGHT_HEADER = 'GraphQL-Require-Preflight';

/** Largest `operations` or `map` part: ample for an upload mutation, small enough to hold in memory. */
const FIELD_LIMIT = 64 * 1024;

/** The largest multipart body an upload of at most `fileLimit` bytes can have: the file, two fields, their framing. */
export const largestUploadBody = (fileLimit: number): number => fileLimit + 2 * FIELD_LIMIT + 64 * 1024;

/** A refusal of the request as a whole, answered in GraphQL's error shape with its HTTP status. */
class UploadRefusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

/** The file part went past the bytes the request was granted (the size limit, or what is left of the budget). */
class FileTooLarge extends Error {}

const malformed = (message: string, field?: string) => new UploadRefusal(400, 'BAD_REQUEST', message, field);

function answer(res: Response, refusal: UploadRefusal, headers: Record<string, string> = {}): void {
  const extensions = { code: refusal.code, ...(refusal.field === undefined ? {} : { field: refusal.field }) };
  res
    .status(refusal.status)
    .set(headers)
    .json({ errors: [{ message: refusal.message, extensions }] });
}

/** The GraphQL parameters of each upload request, once its file is staged; read by `useStagedUploads`. */
const receivedParams = new WeakMap<object, GraphQLParams>();

const MULTIPART = /multipart/i;

/** A multipart POST: an upload, the only multipart request taken (to the GraphQL endpoint, where this is mounted). */
export const isUploadRequest = (req: Request): boolean =>
  // `is` answers null, not false, for a request without a body: only a matched type counts. It parses the header
  // each time it is asked, for every request: one whose header does not even name `multipart` cannot match.
  req.method === 'POST' &&
  MULTIPART.test(req.headers['content-type'] ?? '') &&
  typeof req.is('multipart/form-data') === 'string';

/** Whether the request is a multipart upload this module has received (other multipart bodies are refused). */
export const isReceivedUpload = (req: Request): boolean => receivedParams.has(req);

/** Gives Yoga the parameters of a received upload instead of letting it read (and buffer) the body itself. */
export const useStagedUploads = (): Plugin<object, { req: object }> => ({
  onRequestParse({ serverContext, setRequestParser }) {
    const params = serverContext && receivedParams.get(serverContext.req);
    if (params) setRequestParser(() => params);
  },
});

/** A JSON part of the request, parsed, or a refusal naming it. */
function jsonPart(name: string, text: string, truncated: boolean): unknown {
  if (truncated) throw malformed(`"${name}" is larger than ${FIELD_LIMIT / 1024} KiB`, name);
  try {
    return JSON.parse(text);
  } catch {
    throw malformed(`"${name}" is not valid JSON`, name);
  }
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The `operations` part: one GraphQL request (batches are not taken with files), nested within bounds. */
function operationsOf(value: unknown): GraphQLParams & { variables: Record<string, unknown> } {
  if (!isObject(value) || typeof value.query !== 'string') {
    throw malformed('"operations" must be one GraphQL request with a query (no batches)', 'operations');
  }
  if (tooDeeplyNested(value) !== undefined) {
    throw malformed(`"operations" is nested too deeply (more than ${MAX_NESTING} levels)`, 'operations');
  }
  const { query, operationName, variables, extensions } = value;
  return {
    query,
    ...(typeof operationName === 'string' ? { operationName } : {}),
    ...(isObject(extensions) ? { extensions } : {}),
    variables: isObject(variables) ? variables : {},
  };
}

/** The `map` part: exactly one file part, put at exactly one place in the variables. */
function mapOf(value: unknown): { part: string; path: string[] } {
  const entries = isObject(value) ? Object.entries(value) : [];
  const [entry] = entries;
  const paths = entry?.[1];
  if (entries.length !== 1 || !entry || !Array.isArray(paths) || paths.length !== 1 || typeof paths[0] !== 'string') {
    throw malformed('"map" must map one file part to one variable, like {"0": ["variables.file"]}', 'map');
  }
  const path = paths[0].split('.');
  if (path[0] !== 'variables' || path.length < 2) {
    throw malformed('"map" must put the file into the variables, like "variables.file"', 'map');
  }
  return { part: entry[0], path: path.slice(1) };
}

/** Puts the staged file where the map says, into the variables of `operations`. */
function placeFile(variables: Record<string, unknown>, path: readonly string[], file: StagedUpload): void {
  let target: unknown = variables;
  for (const key of path.slice(0, -1)) target = isObject(target) ? target[key] : undefined;
  const last = path.at(-1);
  if (!isObject(target) || last === undefined || !(last in target) || target[last] !== null) {
    throw malformed(`"map" names variables.${path.join('.')}, which "operations" does not hold as null`, 'map');
  }
  target[last] = file;
}

/**
 * Writes a file part to a new file in `stagingDir` while hashing and counting it, then fsyncs it. The part ends at
 * the limit (busboy's `fileSize` stops there), so nothing past the limit is ever written; a truncated or failed
 * part leaves no file behind.
 */
async function stage(
  stream: BusboyFileStream,
  stagingDir: string,
  sentName: string,
  received: { bytes: number },
): Promise<StagedUpload> {
  const path = join(stagingDir, `upload-${randomUUID()}`);
  const hash = createHash('sha256');
  const counted = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      received.bytes += chunk.length;
      done(null, chunk);
    },
  });
  try {
    await pipeline(stream, counted, createWriteStream(path, { flags: 'wx', mode: 0o600 }));
    if (stream.truncated) throw new FileTooLarge();
    const written = await open(path, 'r');
    try {
      await written.sync();
    } finally {
      await written.close();
    }
    return new StagedUpload(path, hash.digest('hex'), received.bytes, sentName);
  } catch (error) {
    await rm(path, { force: true });
    throw error;
  }
}

/**
 * Reads a multipart upload request as the GraphQL multipart request spec lays it out (`operations`, then `map`,
 * then the one file part), streaming the file to disk. Resolves with the GraphQL parameters, the file placed in
 * its variable; rejects with an UploadRefusal, leaving no file behind.
 */
function receive(
  req: IncomingMessage,
  fileLimit: number,
  stagingDir: string,
  received: { bytes: number },
): Promise<{ params: GraphQLParams; file: StagedUpload }> {
  return new Promise((resolve, reject) => {
    let settled = false;
    let operations: ReturnType<typeof operationsOf> | undefined;
    let map: ReturnType<typeof mapOf> | undefined;
    let fileStream: BusboyFileStream | undefined;
    let staging: Promise<StagedUpload> | undefined;
    const fail = (error: unknown) => {
      if (settled) return;
      settled = true;
      req.unpipe(parser);
      // The rest of the body is read and dropped, so the client gets to read the answer.
      req.resume();
      fileStream?.destroy();
      reject(error);
      void staging?.then((file) => rm(file.path, { force: true })).catch(() => undefined);
    };
    let parser: ReturnType<typeof Busboy>;
    try {
      parser = Busboy({
        headers: { ...req.headers, 'content-type': req.headers['content-type'] ?? '' },
        limits: { fields: 2, files: 1, parts: 3, fileSize: fileLimit, fieldSize: FIELD_LIMIT, headerPairs: 20 },
      });
    } catch (error) {
      reject(malformed(`The multipart body cannot be read: ${error instanceof Error ? error.message : error}`));
      return;
    }
    parser.on('field', (name, value, _nameTruncated, valueTruncated) => {
      try {
        if (name === 'operations' && operations === undefined) {
          operations = operationsOf(jsonPart(name, value, valueTruncated));
        } else if (name === 'map' && operations !== undefined && map === undefined) {
          map = mapOf(jsonPart(name, value, valueTruncated));
        } else {
          throw malformed(`Unexpected part "${name}": send "operations", then "map", then the file`);
        }
      } catch (error) {
        fail(error);
      }
    });
    parser.on('file', (name, stream, fileName) => {
      fileStream = stream;
      if (!operations || !map) return fail(malformed('"operations" and "map" must come before the file'));
      if (name !== map.part) return fail(malformed(`The file part is "${name}", but "map" names "${map.part}"`, 'map'));
      staging = stage(stream, stagingDir, fileName, received);
      staging.catch(fail);
    });
    for (const limit of ['partsLimit', 'filesLimit', 'fieldsLimit'] as const) {
      parser.on(limit, () => fail(malformed('An upload carries "operations", "map" and one file, nothing more')));
    }
    parser.on('error', (error) =>
      fail(malformed(`The multipart body cannot be read: ${error instanceof Error ? error.message : error}`)),
    );
    parser.on('finish', () => {
      if (!staging || !operations || !map) return fail(malformed('The upload has no file part', 'file'));
      const params = operations;
      const { path } = map;
      staging.then((file) => {
        if (settled) return;
        try {
          placeFile(params.variables, path, file);
        } catch (error) {
          return fail(error);
        }
        settled = true;
        resolve({ params, file });
      }, fail);
    });
    req.on('close', () => {
      if (!req.complete) fail(malformed('The upload was cut off'));
    });
    req.pipe(parser);
  });
}

export interface MultipartUploadOptions {
  readonly authenticator: Authenticator;
  readonly budget: UploadBudget;
  /** The largest file, in bytes. */
  readonly limit: number;
  readonly stagingDir: string;
  readonly logger: Logger;
}

const accountOf = ({ actor }: Identity) => JSON.stringify([actor.role, actor.sub]);

/**
 * Takes multipart POSTs to the GraphQL endpoint (uploads) before anything else reads the body: only with the
 * preflight header (a cross-site form cannot send it), only from organizers and schools (checked before a byte is
 * written), within the account's hourly upload budget; the file is streamed to the staging folder, never held in
 * memory, and removed once the answer is sent if the mutation did not keep it. Other requests pass untouched.
 */
export function multipartUploads(options: MultipartUploadOptions): RequestHandler {
  return async (req, res, next) => {
    if (!isUploadRequest(req)) return next();
    // Refused before its body is read: the connection is closed, so a body trickling in cannot hold it for the
    // upload timeout.
    const refuse = (refusal: UploadRefusal, headers: Record<string, string> = {}) => {
      answer(res, refusal, { ...headers, Connection: 'close' });
      res.once('finish', () => req.socket.destroy());
    };
    if (!req.get(PREFLIGHT_HEADER)) {
      const message = `multipart/form-data is for uploads only and needs a ${PREFLIGHT_HEADER} header`;
      return refuse(new UploadRefusal(415, 'BAD_REQUEST', message));
    }
    let identity: Identity;
    try {
      identity = await options.authenticator.identify(req.get('authorization'));
    } catch (error) {
      if (!(error instanceof Unauthenticated)) return next(error);
      return refuse(new UploadRefusal(401, 'UNAUTHENTICATED', error.message), { 'WWW-Authenticate': 'Bearer' });
    }
    if (!uploadOwnerOf(identity.actor)) {
      return refuse(new UploadRefusal(403, 'FORBIDDEN', 'Only organizers and schools upload files'));
    }
    const reservation = options.budget.reserve(accountOf(identity), options.limit);
    const received = { bytes: 0 };
    const overBudget = (respond = answer) =>
      respond(res, new UploadRefusal(429, 'RATE_LIMITED', 'This hour’s upload budget is spent; retry later', 'file'), {
        'Retry-After': String(options.budget.secondsToNextHour()),
      });
    if (reservation.granted === 0) return overBudget((_res, refusal, headers) => refuse(refusal, headers));
    try {
      const { params, file } = await receive(req, reservation.granted, options.stagingDir, received);
      options.budget.refund(reservation, reservation.granted - received.bytes);
      res.on('close', () => void rm(file.path, { force: true }));
      receivedParams.set(req, params);
      next();
    } catch (error) {
      options.budget.refund(reservation, reservation.granted - received.bytes);
      // A client that went away gets no answer.
      if (res.headersSent || res.destroyed) return;
      if (error instanceof FileTooLarge && reservation.granted < options.limit) return overBudget();
      if (error instanceof FileTooLarge) {
        const message = `The file is larger than the limit of ${sizeText(options.limit)}`;
        return answer(res, new UploadRefusal(413, 'PAYLOAD_TOO_LARGE', message, 'file'));
      }
      if (error instanceof UploadRefusal) return answer(res, error);
      // Writing the staged file failed (disk full, storage folder gone): nothing is kept.
      options.logger.error({ err: error }, 'staging an upload failed');
      const message = 'File storage is unavailable; nothing was kept, try again later';
      answer(res, new UploadRefusal(503, 'STORAGE_UNAVAILABLE', message), { 'Retry-After': '30' });
    }
  };
}

const sizeText = (bytes: number) =>
  bytes % (1024 * 1024) === 0 ? `${bytes / 1024 / 1024} MB` : `${bytes.toLocaleString('en')} bytes`;
