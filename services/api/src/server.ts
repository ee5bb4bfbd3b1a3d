import { createServer, type Server } from 'node:http';
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

/** Starts the HTTP server; stops cleanly (in-flight requests finish, projections and store close) on stop(). */
export async function startServer(config: QingmiaoConfig): Promise<RunningServer> {
  const logger = createLogger(config.logLevel);
  const qingmiao = createQingmiao(config, logger);
  const server = createServer(qingmiao.app);
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
      });
      await qingmiao.close();
    },
  };
}
