import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { withoutCredentials } from '@qingmiao/event-store';
import { createQingmiao, type Qingmiao } from './app.ts';
import type { QingmiaoConfig } from './config.ts';
import { createLogger } from './observability.ts';

export interface RunningServer {
  readonly qingmiao: Qingmiao;
  readonly server: Server;
  readonly url: string;
  stop(): Promise<void>;
}

/**
 * Starts the HTTP server; stops cleanly on stop(): in-flight requests finish, subscription streams are closed,
 * projections and store close.
 */
export async function startServer(config: QingmiaoConfig): Promise<RunningServer> {
  const logger = createLogger(config.logLevel);
  const qingmiao = createQingmiao(config, logger);
  const server = createServer(qingmiao.app);
  // Subscription streams (SSE) never end by themselves; stop() closes them instead of waiting for their clients.
  const streams = new Set<ServerResponse>();
  server.on('request', (req, res) => {
    if (!req.headers.accept?.includes('text/event-stream')) return;
    streams.add(res);
    res.once('close', () => streams.delete(res));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${port}`;
  logger.info(
    { url, dataDir: config.dataDir, eventStore: withoutCredentials(config.eventStore) },
    `Qingmiao listening on ${url}/graphql`,
  );
  return {
    qingmiao,
    server,
    url,
    async stop() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        // Clients of a subscription reconnect (to another instance, or to this one once it is back).
        for (const stream of streams) stream.destroy();
      });
      await qingmiao.close();
    },
  };
}
