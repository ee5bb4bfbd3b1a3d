import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { usePrometheus } from '@graphql-yoga/plugin-prometheus';
import { Commands } from '@qingmiao/domain';
import { type EventStore, SqliteEventStore } from '@qingmiao/event-store';
import { AsOfReplayer, projections, ReadSide } from '@qingmiao/projections';
import express from 'express';
import { GraphQLError } from 'graphql';
import { createYoga } from 'graphql-yoga';
import type { Logger } from 'pino';
import { authenticate, resolveAuthSecret, Unauthenticated } from './auth.ts';
import type { QingmiaoConfig } from './config.ts';
import type { Context } from './graphql/context.ts';
import { maskError } from './graphql/errors.ts';
import { schema } from './graphql/schema.ts';
import { createMetrics, requestLogging } from './observability.ts';
import { reportRoutes } from './reports/routes.ts';

export interface Qingmiao {
  readonly app: express.Express;
  readonly store: EventStore;
  readonly readSide: ReadSide;
  readonly commands: Commands;
  /** Resolves once the read models have caught up with the log that existed at start. */
  readonly ready: Promise<void>;
  close(): Promise<void>;
}

/** The event store QINGMIAO_EVENT_STORE names. */
export function openEventStore(config: QingmiaoConfig): EventStore {
  if (config.eventStore === 'sqlite') return new SqliteEventStore({ path: join(config.dataDir, 'events.db') });
  throw new Error(`QINGMIAO_EVENT_STORE=${config.eventStore} is not supported; use sqlite`);
}

/** Wires the event store, command handlers, projections and the HTTP API together. */
export function createQingmiao(config: QingmiaoConfig, logger: Logger): Qingmiao {
  mkdirSync(config.dataDir, { recursive: true });
  const secret = resolveAuthSecret(config);
  const store = openEventStore(config);
  const readSide = new ReadSide({
    store,
    dir: join(config.dataDir, 'read-models'),
    projections,
    onUnknownEvent: (event) =>
      logger.warn({ type: event.type, position: String(event.position.commit) }, 'skipped an event of unknown type'),
  });
  const metrics = createMetrics(store, () => readSide);
  const commands = new Commands(store, { onSettled: metrics.onCommandSettled });
  const history = new AsOfReplayer(store, projections);
  const ready = readSide.start();
  ready.catch((error: unknown) => logger.fatal({ err: error }, 'projections stopped'));

  const yoga = createYoga<Record<string, unknown>, Context>({
    schema,
    graphiql: { title: 'Qingmiao 青苗', headers: JSON.stringify({ Authorization: 'Bearer <token>' }) },
    maskedErrors: { maskError, isDev: !config.production },
    logging: logger,
    plugins: [
      usePrometheus({
        registry: metrics.registry,
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
        const actor = await authenticate(request.headers.get('authorization'), secret);
        const correlationId = request.headers.get('x-correlation-id') ?? randomUUID();
        return { actor, correlationId, commands, read: readSide.read, readSide, history };
      } catch (error) {
        if (!(error instanceof Unauthenticated)) throw error;
        throw new GraphQLError(error.message, {
          extensions: { code: 'UNAUTHENTICATED', http: { status: 401, headers: { 'WWW-Authenticate': 'Bearer' } } },
        });
      }
    },
  });

  const app = express();
  app.disable('x-powered-by');
  app.use(requestLogging(logger));
  app.get('/metrics', async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', (_req, res) => {
    const { caughtUp, position } = readSide.runner;
    res.status(caughtUp ? 200 : 503).json({ ready: caughtUp, position: String(position.commit) });
  });
  app.use('/reports', reportRoutes(secret, readSide, history));
  app.use(yoga.graphqlEndpoint, yoga.requestListener);

  return {
    app,
    store,
    readSide,
    commands,
    ready,
    async close() {
      await readSide.close();
      await store.close();
    },
  };
}
