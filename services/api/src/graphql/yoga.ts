import { randomUUID } from 'node:crypto';
import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import { useDisableIntrospection } from '@graphql-yoga/plugin-disable-introspection';
import { usePrometheus } from '@graphql-yoga/plugin-prometheus';
import { GraphQLError } from 'graphql';
import { createYoga, type YogaServerInstance } from 'graphql-yoga';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { type Authenticator, Unauthenticated } from '../auth.ts';
import type { QingmiaoConfig } from '../config.ts';
import { useAsOfLimit } from './as-of-limit.ts';
import type { Context } from './context.ts';
import { maskError } from './errors.ts';
import { useNoSuggestions } from './no-suggestions.ts';
import { useReadModelResponseCache } from './response-cache.ts';
import { schema } from './schema.ts';

type Services = Omit<Context, 'actor' | 'correlationId' | 'read'>;

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
): YogaServerInstance<Record<string, unknown>, Context> {
  return createYoga<Record<string, unknown>, Context>({
    schema,
    graphiql: config.graphiql && {
      title: 'Qingmiao 青苗',
      headers: JSON.stringify({ Authorization: 'Bearer <token>' }),
    },
    maskedErrors: { maskError, isDev: !config.production },
    cors: (request) => {
      const origin = request.headers.get('origin');
      return origin !== null && config.corsOrigins.includes(origin) ? { origin, credentials: false } : false;
    },
    logging: logger,
    plugins: [
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
      useReadModelResponseCache(services.readSide, authenticator),
      usePrometheus({
        registry,
        endpoint: false,
        metrics: {
          graphql_yoga_http_duration: true,
          graphql_envelop_request_duration: true,
          graphql_envelop_error_result: true,
        },
      }),
    ],
    context: async ({ request }) => {
      try {
        const actor = await authenticator.authenticate(request.headers.get('authorization'));
        const correlationId = request.headers.get('x-correlation-id') ?? randomUUID();
        return { ...services, actor, correlationId, read: services.readSide.read };
      } catch (error) {
        if (!(error instanceof Unauthenticated)) throw error;
        throw new GraphQLError(error.message, {
          extensions: { code: 'UNAUTHENTICATED', http: { status: 401, headers: { 'WWW-Authenticate': 'Bearer' } } },
        });
      }
    },
  });
}
