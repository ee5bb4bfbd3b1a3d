import { hash } from 'node:crypto';
import { type Cache, useResponseCache } from '@graphql-yoga/plugin-response-cache';
import type { ReadSide } from '@qingmiao/projections';
import type { RequestHandler } from 'express';
import type { ExecutionResult } from 'graphql';
import type { Plugin, YogaInitialContext } from 'graphql-yoga';
import { LRUCache } from 'lru-cache';
import type { Authenticator } from '../auth.ts';

/** Query results kept at once; a participation answer for 100 schools is ~36 kB. */
const RESULTS = 500;

type Serialized = ExecutionResult & { stringify(sanitized: unknown): Buffer };

/**
 * The result with Yoga's `stringify` hook serializing it the first time it is sent only, into bytes: JSON.stringify
 * of a 36 kB answer costs more than serving it from the cache, and so does encoding the same text to UTF-8 (and
 * measuring its length) for every response. Yoga hands what `stringify` returns to its Response, which writes a
 * Buffer as it is; a batch joins its results as text, which a Buffer turns back into (UTF-8).
 */
function serializedOnce(result: ExecutionResult): Serialized {
  let json: Buffer | undefined;
  return {
    ...result,
    stringify: (sanitized) => {
      json ??= Buffer.from(JSON.stringify(sanitized));
      return json;
    },
  };
}

/** A cached result's answer as Yoga sends it: without the `http` extension (its headers), no extensions if empty. */
function answerBytes(result: Serialized): Buffer {
  const { http: _, ...extensions } = result.extensions ?? {};
  return result.stringify({ ...result, extensions: Object.keys(extensions).length > 0 ? extensions : undefined });
}

/** The headers the cache gave a result it kept (ETag and Last-Modified), as strings. */
function validatorsOf(result: ExecutionResult): { etag?: string; lastModified?: string } {
  const http: unknown = result.extensions?.http;
  const headers = typeof http === 'object' && http !== null && 'headers' in http ? http.headers : undefined;
  if (typeof headers !== 'object' || headers === null) return {};
  const etag = 'ETag' in headers && typeof headers.ETag === 'string' ? headers.ETag : undefined;
  const lastModified =
    'Last-Modified' in headers && typeof headers['Last-Modified'] === 'string' ? headers['Last-Modified'] : undefined;
  return { ...(etag === undefined ? {} : { etag }), ...(lastModified === undefined ? {} : { lastModified }) };
}

/** Whether a conditional request's If-Modified-Since allows a 304, as Yoga's response cache decides it. */
const notModifiedSince = (ifModifiedSince: string | undefined, lastModified: string) =>
  ifModifiedSince === undefined || new Date(ifModifiedSince).getTime() >= new Date(lastModified).getTime();

/**
 * Whether a request's document may hold a mutation. Every mutation document spells the keyword `mutation`, so one
 * without it certainly holds none; a query that merely contains the word (in a name or a string) goes uncached,
 * which is safe. Checked before the document is parsed, so that mutations skip the cache's work altogether.
 */
const mayMutate = (document: string | undefined) => document?.includes('mutation') ?? false;

/** The context Yoga hands the cache: its own, and the Node request it came as (the one the rate limiter identified). */
type HttpContext = YogaInitialContext & { readonly req: object };

/** The key of a request the cache leaves alone: never current, so never looked up or stored. */
const UNCACHED = 'uncached';

/** What a query's answer is cached under besides the state: who asked, and exactly what. */
const askedOf = (sessionId: string | null | undefined, operationName: unknown, variables: unknown, document: string) =>
  JSON.stringify([sessionId, operationName ?? null, variables ?? null, document]);

/** The parameters of a GraphQL request that the express-side lookup answers: a single query, nothing else. */
interface PlainQuery {
  readonly query: string;
  readonly variables?: unknown;
  readonly operationName?: unknown;
}

const PLAIN_MEMBERS = new Set(['query', 'variables', 'operationName']);

/**
 * A parsed POST body holding one query as Yoga reads it without complaint (a non-empty document, variables an object
 * or null, a name a string or null) and nothing else: batches, extensions and possible mutations are Yoga's alone.
 */
function plainQuery(body: unknown): PlainQuery | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  for (const member of Object.keys(body)) if (!PLAIN_MEMBERS.has(member)) return undefined;
  const { query, variables, operationName } = body as Record<string, unknown>;
  if (typeof query !== 'string' || query === '' || mayMutate(query)) return undefined;
  if (variables != null && (typeof variables !== 'object' || Array.isArray(variables))) return undefined;
  if (operationName != null && typeof operationName !== 'string') return undefined;
  return { query, variables, operationName };
}

/** The media type of a header value, without its parameters, in lower case. */
const mediaType = (value: string | undefined) => value?.split(';', 1)[0]?.trim().toLowerCase();

/** Accept headers Yoga answers with `application/json` for a single result. */
const JSON_ANSWERED = new Set([undefined, '', '*/*', 'application/json']);

export interface ReadModelResponseCache {
  /** The cache in Yoga: stores answers, and answers whatever request `answerHits` passes on. */
  readonly plugin: Plugin;
  /**
   * Express middleware after the rate limiter and the body limits: a plain JSON query (or a conditional request)
   * whose answer is cached gets it here, with Yoga's status, headers and bytes, without the Fetch adapter and Yoga's
   * pipeline (a cache hit skips parsing, validation, the context and execution there too, and is not in the
   * operation metrics). Any other request — a miss, a GET, a batch, CORS, another Accept — goes on to Yoga unchanged.
   */
  readonly answerHits: RequestHandler;
}

/**
 * Query results cached per actor until the read models change: a dashboard polling the same figures is answered
 * without authentication, parsing, validation or execution. A result is only ever served while the read models are
 * in the state it was computed from — generation and log position are part of its key (and ETag), and a result
 * whose computation saw the read models move is not kept — so read-your-writes and as-of answers stay exact.
 * Caching whole results is Yoga's response-cache plugin; only the invalidation is ours.
 */
export function readModelResponseCache(readSide: ReadSide, authenticator: Authenticator): ReadModelResponseCache {
  const state = () => `${readSide.generation}@${readSide.position.commit}`;
  const current = (key: string) => key.startsWith(`${state()}/`);
  // One-shot hashing: no Hash object per request.
  const keyOf = (asked: string) => `${state()}/${hash('sha256', asked, 'base64url')}`;
  const results = new LRUCache<string, Serialized>({ max: RESULTS });
  // A mutation's answer is never cached: a repeated one must run again (an idempotent resubmission appends nothing,
  // so its answer would otherwise be kept and handed out), and hashing its document and variables, rewriting its
  // document and walking its result for the cache is work for nothing.
  const uncached = new WeakSet<Request>();
  /** Each request's session as the cache decided it (null: not cached), so that it is looked up once per request. */
  const sessions = new WeakMap<Request, string | null>();
  const sessionOfCaller = async (req: object, authorization: string | null | undefined): Promise<string | null> => {
    try {
      const { actor } = await authenticator.identifyRequest(req, authorization);
      return `${actor.role}:${actor.sub}:${actor.schoolId ?? ''}`;
    } catch {
      return null;
    }
  };
  const sessionOf = (request: Request, { req }: HttpContext): Promise<string | null> | null =>
    uncached.has(request) ? null : sessionOfCaller(req, request.headers.get('authorization'));
  // Results of an earlier state are never served again: dropped at once, so that what an erasure removed from the
  // read models does not linger here either.
  readSide.onAdvance(() => results.clear());
  const cached = (key: string) => (current(key) ? results.get(key) : undefined);
  const cache: Cache = {
    get: cached,
    set(key, result) {
      if (current(key)) results.set(key, serializedOnce(result));
    },
    // Mutations are not seen here (invalidateViaMutation is off): their events move the log position instead.
    invalidate() {},
  };
  const responseCache = useResponseCache<HttpContext>({
    cache,
    invalidateViaMutation: false,
    // The access log is not a read model: its entries do not move the log position. Links to files expire (and
    // are signed for one reader) whatever the log does: an answer with one is never kept. Nor is one with
    // participants' names: each read of them goes to the access log, which a cached answer would skip.
    ttlPerSchemaCoordinate: {
      'Query.accessLog': 0,
      'Attachment.url': 0,
      'Attachment.previewUrl': 0,
      'Entry.participants': 0,
      'Winner.participants': 0,
      'EntryEvent.data': 0,
    },
    // The session authenticates, as a cached answer skips the context (and its authentication) altogether.
    session: async (request, context) => {
      const session = await sessionOf(request, context);
      sessions.set(request, session);
      return session;
    },
    // Only for tokens that verified (the session did it, or an earlier request did before an If-None-Match check):
    // others go on to the context, which refuses them with the reason. Before the session is known (as the request
    // comes in), only a conditional request has anything to look up.
    enabled: (request) => {
      const session = sessions.get(request);
      if (session !== undefined) return session !== null;
      return (
        request.headers.has('if-none-match') &&
        authenticator.verified(request.headers.get('authorization')) !== undefined
      );
    },
    buildResponseCacheKey: ({ documentString, variableValues, operationName, sessionId, request }) =>
      uncached.has(request) ? UNCACHED : keyOf(askedOf(sessionId, operationName, variableValues, documentString)),
  });
  const plugin: Plugin = {
    // Added after this plugin, so that its own onParams sees the mark.
    onPluginInit: ({ addPlugin }) => addPlugin(responseCache),
    onParams({ params, request }) {
      if (mayMutate(params.query)) uncached.add(request);
    },
  };
  const answerHits: RequestHandler = async (req, res, next) => {
    const { authorization, origin, accept } = req.headers;
    const asked =
      req.method === 'POST' &&
      // Exactly the path it is mounted on, without a query string.
      req.originalUrl === req.baseUrl &&
      origin === undefined &&
      JSON_ANSWERED.has(accept) &&
      mediaType(req.headers['content-type']) === 'application/json'
        ? plainQuery(req.body)
        : undefined;
    if (asked === undefined) return next();
    // Yoga's response cache answers a conditional request first, before the body: any current answer with that
    // ETag, for a token that has verified.
    const ifNoneMatch = req.headers['if-none-match'];
    if (ifNoneMatch !== undefined && authenticator.verified(authorization) !== undefined) {
      const { lastModified } = validatorsOf(cached(ifNoneMatch) ?? {});
      if (lastModified !== undefined && notModifiedSince(req.headers['if-modified-since'], lastModified)) {
        res.writeHead(304, { etag: ifNoneMatch, 'last-modified': lastModified }).end();
        return;
      }
    }
    // A failure here (none is expected: an identity that cannot be established is a miss) is express's to answer.
    const session = await sessionOfCaller(req, authorization);
    const key =
      session === null ? undefined : keyOf(askedOf(session, asked.operationName, asked.variables, asked.query));
    const result = key === undefined ? undefined : cached(key);
    if (result === undefined) return next();
    const { etag, lastModified } = validatorsOf(result);
    const bytes = answerBytes(result);
    res.writeHead(200, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': bytes.length,
      ...(etag === undefined ? {} : { etag }),
      ...(lastModified === undefined ? {} : { 'last-modified': lastModified }),
    });
    res.end(bytes);
  };
  return { plugin, answerHits };
}
