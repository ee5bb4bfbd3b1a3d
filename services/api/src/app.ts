import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Commands } from '@qingmiao/domain';
import { type EventStore, SqliteEventStore } from '@qingmiao/event-store';
import { ProjectionRunner, projections, ReadModels } from '@qingmiao/projections';
import express from 'express';
import { GraphQLError } from 'graphql';
import { createYoga } from 'graphql-yoga';
import type { Logger } from 'pino';
import { authenticate, resolveAuthSecret, Unauthenticated } from './auth.ts';
import type { QingmiaoConfig } from './config.ts';
import type { Context } from './graphql/context.ts';
import { maskError } from './graphql/errors.ts';
import { schema } from './graphql/schema.ts';

export interface Qingmiao {
  readonly app: express.Express;
  readonly store: EventStore;
  readonly projections: ProjectionRunner;
  readonly commands: Commands;
  readonly read: ReadModels;
  /** Resolves once the read models have caught up with the log that existed at start. */
  readonly ready: Promise<void>;
  close(): Promise<void>;
}

function openEventStore(config: QingmiaoConfig): EventStore {
  if (config.eventStore === 'sqlite') return new SqliteEventStore({ path: join(config.dataDir, 'events.db') });
  throw new Error(`QINGMIAO_EVENT_STORE=${config.eventStore} is not supported; use sqlite`);
}

/** Wires the event store, command handlers, projections and the HTTP API together. */
export function createQingmiao(config: QingmiaoConfig, logger: Logger): Qingmiao {
  mkdirSync(config.dataDir, { recursive: true });
  const secret = resolveAuthSecret(config);
  const store = openEventStore(config);
  const runner = new ProjectionRunner({
    store,
    path: join(config.dataDir, 'read-models.db'),
    projections,
    onUnknownEvent: (event) =>
      logger.warn({ type: event.type, position: String(event.position.commit) }, 'skipped an event of unknown type'),
  });
  const commands = new Commands(store);
  const read = new ReadModels(runner.db);
  const ready = runner.start();
  ready.catch((error: unknown) => logger.fatal({ err: error }, 'projections stopped'));

  const yoga = createYoga<Record<string, unknown>, Context>({
    schema,
    graphiql: { title: 'Qingmiao 青苗', headers: JSON.stringify({ Authorization: 'Bearer <token>' }) },
    maskedErrors: { maskError, isDev: !config.production },
    logging: logger,
    context: async ({ request }) => {
      try {
        const actor = await authenticate(request.headers.get('authorization'), secret);
        const correlationId = request.headers.get('x-correlation-id') ?? randomUUID();
        return { actor, correlationId, commands, read, projections: runner };
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
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', (_req, res) => {
    const position = String(runner.position.commit);
    res.status(runner.caughtUp ? 200 : 503).json({ ready: runner.caughtUp, position });
  });
  app.use(yoga.graphqlEndpoint, yoga.requestListener);

  return {
    app,
    store,
    projections: runner,
    commands,
    read,
    ready,
    async close() {
      await runner.stop();
      await store.close();
    },
  };
}
