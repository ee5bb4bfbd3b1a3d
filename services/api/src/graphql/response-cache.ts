import { createHash } from 'node:crypto';
import { type Cache, useResponseCache } from '@graphql-yoga/plugin-response-cache';
import type { ReadSide } from '@qingmiao/projections';
import type { ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { LRUCache } from 'lru-cache';
import type { Authenticator } from '../auth.ts';

/** Query results kept at once; a participation answer for 100 schools is ~36 kB. */
const RESULTS = 500;

/**
 * The result with Yoga's `stringify` hook serializing it the first time it is sent only: JSON.stringify of a
 * 36 kB answer costs more than serving it from the cache.
 */
function serializedOnce(result: ExecutionResult): ExecutionResult & { stringify(sanitized: unknown): string } {
  let json: string | undefined;
  return {
    ...result,
    stringify: (sanitized) => {
      json ??= JSON.stringify(sanitized);
      return json;
    },
  };
}

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
  return useResponseCache({
    cache,
    invalidateViaMutation: false,
    // The access log is not a read model: its entries do not move the log position. Links to files expire (and
    // are signed for one reader) whatever the log does: an answer with one is never kept.
    ttlPerSchemaCoordinate: { 'Query.accessLog': 0, 'Attachment.url': 0, 'Attachment.previewUrl': 0 },
    // The session authenticates, as a cached answer skips the context (and its authentication) altogether.
    session: async (request) => {
      try {
        const actor = await authenticator.authenticate(request.headers.get('authorization'));
        return `${actor.role}:${actor.sub}:${actor.schoolId ?? ''}`;
      } catch {
        return null;
      }
    },
    // Only for tokens that verified (the session did it, or an earlier request did before an If-None-Match check):
    // others go on to the context, which refuses them with the reason.
    enabled: (request) => authenticator.verified(request.headers.get('authorization')) !== undefined,
    buildResponseCacheKey: ({ documentString, variableValues, operationName, sessionId }) =>
      `${state()}/${createHash('sha256')
        .update(JSON.stringify([sessionId, operationName ?? null, variableValues ?? null, documentString]))
        .digest('base64url')}`,
  });
}
