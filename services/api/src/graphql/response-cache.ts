import { hash } from 'node:crypto';
import { type Cache, useResponseCache } from '@graphql-yoga/plugin-response-cache';
import type { ReadSide } from '@qingmiao/projections';
import type { ExecutionResult } from 'graphql';
import type { Plugin, YogaInitialContext } from 'graphql-yoga';
import { LRUCache } from 'lru-cache';
import type { Authenticator } from '../auth.ts';

/** Query results kept at once; a participation answer for 100 schools is ~36 kB. */
const RESULTS = 500;

/**
 * The result with Yoga's `stringify` hook serializing it the first time it is sent only, into bytes: JSON.stringify
 * of a 36 kB answer costs more than serving it from the cache, and so does encoding the same text to UTF-8 (and
 * measuring its length) for every response. Yoga hands what `stringify` returns to its Response, which writes a
 * Buffer as it is; a batch joins its results as text, which a Buffer turns back into (UTF-8).
 */
function serializedOnce(result: ExecutionResult): ExecutionResult & { stringify(sanitized: unknown): Buffer } {
  let json: Buffer | undefined;
  return {
    ...result,
    stringify: (sanitized) => {
      json ??= Buffer.from(JSON.stringify(sanitized));
      return json;
    },
  };
}

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

/**
 * Query results cached per actor until the read models change: a dashboard polling the same figures is answered
 * without authentication, parsing, validation or execution. A result is only ever served while the read models are
 * in the state it was computed from — generation and log position are part of its key (and ETag), and a result
 * whose computation saw the read models move is not kept — so read-your-writes and as-of answers stay exact.
 * Caching whole results is Yoga's response-cache plugin; only the invalidation is ours.
 */
export function useReadModelResponseCache(readSide: ReadSide, authenticator: Authenticator): Plugin {
  const state = () => `${readSide.generation}@${readSide.position.commit}`;
  const current = (key: string) => key.startsWith(`${state()}/`);
  const results = new LRUCache<string, ExecutionResult>({ max: RESULTS });
  // A mutation's answer is never cached: a repeated one must run again (an idempotent resubmission appends nothing,
  // so its answer would otherwise be kept and handed out), and hashing its document and variables, rewriting its
  // document and walking its result for the cache is work for nothing.
  const uncached = new WeakSet<Request>();
  /** Each request's session as the cache decided it (null: not cached), so that it is looked up once per request. */
  const sessions = new WeakMap<Request, string | null>();
  const sessionOf = async (request: Request, { req }: HttpContext): Promise<string | null> => {
    if (uncached.has(request)) return null;
    try {
      const { actor } = await authenticator.identifyRequest(req, request.headers.get('authorization'));
      return `${actor.role}:${actor.sub}:${actor.schoolId ?? ''}`;
    } catch {
      return null;
    }
  };
  // Results of an earlier state are never served again: dropped at once, so that what an erasure removed from the
  // read models does not linger here either.
  readSide.onAdvance(() => results.clear());
  const cache: Cache = {
    get: (key) => (current(key) ? results.get(key) : undefined),
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
    buildResponseCacheKey: ({ documentString, variableValues, operationName, sessionId, request }) => {
      if (uncached.has(request)) return UNCACHED;
      const asked = JSON.stringify([sessionId, operationName ?? null, variableValues ?? null, documentString]);
      // One-shot hashing: no Hash object per request.
      return `${state()}/${hash('sha256', asked, 'base64url')}`;
    },
  });
  return {
    // Added after this plugin, so that its own onParams sees the mark.
    onPluginInit: ({ addPlugin }) => addPlugin(responseCache),
    onParams({ params, request }) {
      if (mayMutate(params.query)) uncached.add(request);
    },
  };
}
