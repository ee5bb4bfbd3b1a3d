import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { withoutCredentials } from '@qingmiao/event-store';
import { createQingmiao, type Qingmiao, type QingmiaoOptions } from './app.ts';
import type { QingmiaoConfig } from './config.ts';
import { createLogger } from './observability.ts';

/** Idle time before a keep-alive connection is closed (Node's default); a proxy in front should keep them for less. */
const KEEP_ALIVE_MS = 5_000;

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
export async function startServer(config: QingmiaoConfig, options: QingmiaoOptions = {}): Promise<RunningServer> {
  const logger = createLogger(config.logLevel);
  const qingmiao = createQingmiao(config, logger, options);
  // A slow client is cut off once its headers or its whole request take too long. requestTimeout ends at the
  // request's last byte, so streamed answers (subscriptions) may run for as long as they like. Node's own bound is
  // the longest a request may take, an upload's; every other request is held to requestTimeoutMs by the app
  // (`requestDeadline`).
  const server = createServer(
    {
      headersTimeout: config.headersTimeoutMs,
      requestTimeout: Math.max(config.requestTimeoutMs, config.uploads.timeoutMs),
      keepAliveTimeout: KEEP_ALIVE_MS,
      // How often Node looks for requests past those timeouts (30 s by default).
      connectionsCheckingInterval: Math.min(1_000, config.headersTimeoutMs),
    },
    qingmiao.app,
  );
  const connections = trackConnections(server);
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
        connections.closeForStop();
      });
      await qingmiao.close();
    },
  };
}

/**
 * What a stop must close for `server.close()` to finish: connections with no request in flight (Node's
 * closeIdleConnections misses some, e.g. a keep-alive connection whose streamed response the client aborted, which
 * then lingers until the client drops it), connections once their request in flight is answered, and subscription
 * streams (SSE), which never end by themselves.
 */
function trackConnections(server: Server): { closeForStop(): void } {
  const inFlight = new Map<Socket, number>();
  const streams = new Set<ServerResponse>();
  let stopping = false;
  server.prependListener('connection', (socket: Socket) => {
    inFlight.set(socket, 0);
    socket.once('close', () => inFlight.delete(socket));
  });
  // Before the app's own listener, so that even a response ended at once is counted.
  server.prependListener('request', (req, res: ServerResponse) => {
    const socket = req.socket;
    inFlight.set(socket, (inFlight.get(socket) ?? 0) + 1);
    if (req.headers.accept?.includes('text/event-stream')) streams.add(res);
    res.once('close', () => {
      streams.delete(res);
      const left = (inFlight.get(socket) ?? 1) - 1;
      inFlight.set(socket, left);
      if (stopping && left === 0) socket.end();
    });
  });
  return {
    closeForStop() {
      stopping = true;
      for (const [socket, requests] of inFlight) if (requests === 0) socket.destroy();
      // Subscribers reconnect (to another instance, or to this one once it is back).
      for (const stream of streams) stream.destroy();
    },
  };
}
