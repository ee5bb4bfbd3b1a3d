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
 * Starts the HTTP server; stops cleanly on stop(): /readyz turns 503 and new requests are refused with 503 while the
 * requests in flight finish (for at most QINGMIAO_SHUTDOWN_TIMEOUT_MS) and subscription streams end, then the port
 * closes and the projections, the store and the other files are closed.
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
      const began = performance.now();
      qingmiao.drain();
      logger.info(
        { inFlight: connections.requestsInFlight(), timeoutMs: config.shutdownTimeoutMs },
        'stopping: finishing the requests in flight',
      );
      const cutOff = await connections.drain(config.shutdownTimeoutMs);
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        connections.closeAll({ cutBusy: cutOff > 0 });
      });
      await qingmiao.close();
      const durationMs = Math.round(performance.now() - began);
      if (cutOff > 0) {
        logger.warn(
          { durationMs, cutOff },
          `stopped; ${cutOff} requests still running after QINGMIAO_SHUTDOWN_TIMEOUT_MS were cut off`,
        );
      } else logger.info({ durationMs }, 'stopped');
    },
  };
}

/** Ends a connection once what was written to it has been sent (destroy alone may drop a finished answer's tail). */
function endSocket(socket: Socket): void {
  socket.once('finish', () => socket.destroy());
  socket.end();
}

/**
 * What a stop waits for and then closes: the requests in flight when it began (subscription streams among them end
 * once `drain` has told them to), then every connection: an idle one at once (Node's closeIdleConnections misses
 * some, e.g. a keep-alive connection whose streamed response the client aborted, which then lingers until the client
 * drops it), a busy one once its answer is sent.
 */
function trackConnections(server: Server) {
  const inFlight = new Map<Socket, number>();
  const responses = new Set<ServerResponse>();
  let stopping = false;
  server.prependListener('connection', (socket: Socket) => {
    inFlight.set(socket, 0);
    socket.once('close', () => inFlight.delete(socket));
  });
  // Before the app's own listener, so that even a response ended at once is counted.
  server.prependListener('request', (req, res: ServerResponse) => {
    const socket = req.socket;
    inFlight.set(socket, (inFlight.get(socket) ?? 0) + 1);
    responses.add(res);
    res.once('close', () => {
      responses.delete(res);
      const left = (inFlight.get(socket) ?? 1) - 1;
      inFlight.set(socket, left);
      if (stopping && left === 0) endSocket(socket);
    });
  });
  return {
    requestsInFlight: () => responses.size,
    /** Waits for the requests in flight now, at most `timeoutMs`; resolves to how many were still running then. */
    async drain(timeoutMs: number): Promise<number> {
      const waiting = new Set(responses);
      const done = Promise.all(
        [...waiting].map(
          (res) => new Promise<void>((resolve) => res.once('close', () => resolve(void waiting.delete(res)))),
        ),
      );
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([done, new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
      clearTimeout(timer);
      return waiting.size;
    },
    /**
     * After the drain: idle connections end now, busy ones (a quick refusal that came during the drain) once answered,
     * or at once when the drain ran out of time (`cutBusy`).
     */
    closeAll({ cutBusy }: { cutBusy: boolean }): void {
      stopping = true;
      for (const [socket, requests] of inFlight) {
        if (requests === 0) endSocket(socket);
        else if (cutBusy) socket.destroy();
      }
    },
  };
}
