import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import { useDisableIntrospection } from '@graphql-yoga/plugin-disable-introspection';
import { GraphQLError } from 'graphql';
import { createYoga, type GraphiQLOptions, type YogaServerInstance, type YogaServerOptions } from 'graphql-yoga';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { type Authenticator, Unauthenticated } from '../auth.ts';
import type { QingmiaoConfig } from '../config.ts';
import { largestUploadBody, useStagedUploads } from '../files/multipart-upload.ts';
import { useAsOfLimit } from './as-of-limit.ts';
import type { Context } from './context.ts';
import { maskError, refusalOf } from './errors.ts';
import { useNoSuggestions } from './no-suggestions.ts';
import { useOperationMetrics } from './operation-metrics.ts';
import { ParticipantReads, useParticipantReadsLog } from './participant-reads.ts';
import { ANONYMOUS, isPublicOperation } from './public-operations.ts';
import type { ReadModelResponseCache } from './response-cache.ts';
import { schema } from './schema.ts';

type Services = Omit<Context, 'actor' | 'correlationId' | 'read' | 'http' | 'participantReads'>;

/** What express hands Yoga with each request. */
interface ServerContext {
  readonly req: { readonly ip?: string | undefined; readonly socket: { readonly remoteAddress?: string | undefined } };
  readonly res: ServerResponse;
}

export const GRAPHQL_PATH = '/graphql';

type YogaLogger = Exclude<YogaServerOptions<object, object>['logging'], boolean | string | undefined>;

/**
 * Yoga's logging on the process logger. Yoga logs every error it masks at error level, and every refusal is masked
 * (into its code): refusals are the API working as meant, so they go to info as one line without a stack; error
 * level stays for the unexpected.
 */
function yogaLogger(logger: Logger): YogaLogger {
  return {
    debug: logger.debug.bind(logger),
    info: logger.info.bind(logger),
    warn: logger.warn.bind(logger),
    // Yoga passes the error alone.
    error: (error: unknown) => {
      const refusal = refusalOf(error);
      if (refusal) logger.info({ code: refusal.code }, refusal.message);
      else logger.error(error);
    },
  };
}

/**
 * GraphiQL with its scripts and styles inlined from the package, not loaded from a CDN that an intranet cannot
 * reach. The page (~9 MB) is built once per server, its module loaded only when GraphiQL is first asked for.
 */
function offlineGraphiQL(): (options: GraphiQLOptions) => Promise<string> {
  let page: Promise<string> | undefined;
  return (options) => {
    page ??= import('@graphql-yoga/render-graphiql').then(({ renderGraphiQL }) => renderGraphiQL(options));
    return page;
  };
}

/**
 * The GraphQL endpoint: every operation authenticated, refusals mapped to codes, hostile documents stopped before
 * execution (depth, cost, aliases, tokens, as-of moments; no suggestions in production), introspection and GraphiQL
 * off in production unless QINGMIAO_GRAPHIQL enables them. Browsers may call it from its own origin, and from others
 * only when QINGMIAO_CORS_ORIGINS lists them (without credentials: the token travels in a header).
 */
export function createGraphQL(
  config: QingmiaoConfig,
  services: Services,
  authenticator: Authenticator,
  logger: Logger,
  registry: Registry,
  responseCache: ReadModelResponseCache,
): YogaServerInstance<ServerContext, Context> {
  return createYoga<ServerContext, Context>({
    schema,
    graphqlEndpoint: GRAPHQL_PATH,
    graphiql: config.graphiql && {
      title: 'Qingmiao 青苗',
      headers: JSON.stringify({ Authorization: 'Bearer <token>' }),
    },
    renderGraphiQL: config.graphiql ? offlineGraphiQL() : undefined,
    maskedErrors: { maskError, isDev: !config.production },
    // Bodies are bounded before Yoga sees a request: JSON by express.json (QINGMIAO_BODY_LIMIT), uploads by
    // multipartUploads (QINGMIAO_UPLOAD_LIMIT). Yoga's own check reads Content-Length: its default would refuse a
    // 26 MB upload, and turning it off (`false`) leaves a POST with an empty body hanging.
    maxRequestBodySize: largestUploadBody(config.uploads.limit),
    cors: (request) => {
      const origin = request.headers.get('origin');
      return origin !== null && config.corsOrigins.includes(origin) ? { origin, credentials: false } : false;
    },
    logging: yogaLogger(logger),
    plugins: [
      useStagedUploads(),
      EnvelopArmorPlugin({
        maxDepth: { n: 12 },
        costLimit: { maxCost: 10_000 },
        maxAliases: { n: 30 },
        maxTokens: { n: 4_000 },
        maxDirectives: { n: 20 },
        // useNoSuggestions removes every suggestion; this one misses enum values and variables.
        blockFieldSuggestion: { enabled: false },
      }),
      useAsOfLimit(),
      ...(config.production ? [useNoSuggestions()] : []),
      ...(config.graphiql ? [] : [useDisableIntrospection()]),
      responseCache.plugin,
      useOperationMetrics(schema, registry),
      useParticipantReadsLog(),
    ],
    context: async ({ request, params, req, res }) => {
      const correlationId = request.headers.get('x-correlation-id') ?? randomUUID();
      const cookie = request.headers.get('cookie') ?? undefined;
      // The client as express sees it (X-Forwarded-For only from a proxy QINGMIAO_TRUST_PROXY trusts): what sign-in
      // throttling and the access log key on.
      const address = req.ip ?? req.socket.remoteAddress ?? 'unknown';
      const header = request.headers.get('authorization');
      const read = services.readSide.read;
      try {
        const { actor, session } = await authenticator.identifyRequest(req, header);
        const http = { cookie, response: res, session, address };
        return { ...services, actor, correlationId, read, http, participantReads: new ParticipantReads() };
      } catch (error) {
        if (!(error instanceof Unauthenticated)) throw error;
        // Signing in, activating, refreshing and signing out need no token, and a stale one left in the header
        // must not stand in their way.
        if (isPublicOperation(params.query, params.operationName)) {
          const http = { cookie, response: res, session: undefined, address };
          return { ...services, actor: ANONYMOUS, correlationId, read, http, participantReads: new ParticipantReads() };
        }
        throw new GraphQLError(error.message, {
          extensions: { code: 'UNAUTHENTICATED', http: { status: 401, headers: { 'WWW-Authenticate': 'Bearer' } } },
        });
      }
    },
  });
}
