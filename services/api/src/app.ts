import { join } from 'node:path';
import { CommandRunner, Commands } from '@qingmiao/domain';
import {
  type EventStore,
  locateEventStore,
  ownPrivateFolder,
  type RecordedEvent,
  SqliteEventStore,
  withoutCredentials,
} from '@qingmiao/event-store';
import { AsOfReplayer, describeReadModels, projections, ReadSide, readModelStatus } from '@qingmiao/projections';
import express from 'express';
import type { Logger } from 'pino';
import { AccessLog, accessLogFile } from './access-log.ts';
import { Authenticator, resolveAuthSecret } from './auth.ts';
import type { QingmiaoConfig } from './config.ts';
import { configuredStoreOptions, type EventLogSettings, openEventLog } from './event-log.ts';
import { campaignFiles, campaignZipRoutes } from './files/campaign-zip.ts';
import { ErasedFileDeletion } from './files/erased-file-deletion.ts';
import { FileLocks } from './files/file-locks.ts';
import { fileRoutes } from './files/file-routes.ts';
import { isUploadRequest, multipartUploads } from './files/multipart-upload.ts';
import { openBlobStore } from './files/open-blob-store.ts';
import { FileLinks } from './files/signed-links.ts';
import { UploadBudget } from './files/upload-budget.ts';
import { UploadRegistry, uploadRegistryFile } from './files/upload-registry.ts';
import { UploadSweeper } from './files/upload-sweeper.ts';
import { linkedAttachment } from './graphql/entry-access.ts';
import { readModelResponseCache } from './graphql/response-cache.ts';
import { createGraphQL, GRAPHQL_PATH } from './graphql/yoga.ts';
import { bodyErrors, jsonBody, rateLimitPerCaller, refuseWhileDraining, requestDeadline } from './http-limits.ts';
import { importRoutes } from './imports/routes.ts';
import { metricsAccess } from './metrics-access.ts';
import { createMetrics, requestLogging } from './observability.ts';
import { oidcRoutes } from './oidc/routes.ts';
import { type SignInByLogin, signInWithSession } from './oidc/sign-in-by-login.ts';
import { PersonalDataEraser } from './personal-data-erasure.ts';
import { buildInChildProcess } from './read-model-build-process.ts';
import { reportRoutes } from './reports/routes.ts';
import { RetentionJob } from './retention.ts';
import { type SessionIssuer, SessionStore, sessionIssuer, sessionStoreFile, standing } from './sessions.ts';
import { SignInThrottle } from './sign-in-throttle.ts';
import { webAppRoutes } from './web-app/routes.ts';

export interface Qingmiao {
  readonly app: express.Express;
  readonly store: EventStore;
  readonly readSide: ReadSide;
  readonly commands: Commands;
  /** Login sessions: what signing in (with a password or single sign-on) starts with `issueSession`. */
  readonly sessions: SessionIssuer;
  /** Expires the personal data of campaign years past QINGMIAO_PII_RETENTION_YEARS (hourly, and on `run()`). */
  readonly retention: RetentionJob;
  /**
   * Resolves once the read models have caught up with the log that existed at start, and the keys its erasures
   * destroyed are gone again.
   */
  readonly ready: Promise<void>;
  /**
   * The first step of a stop: /readyz answers 503, requests that arrive from now on are refused with 503 (the ones
   * in flight carry on), and subscriptions end cleanly.
   */
  drain(): void;
  close(): Promise<void>;
}

/** What the caller may plug in. */
export interface QingmiaoOptions {
  /** Single sign-on's way into an account; until accounts exist, every login is refused. */
  readonly signInByLogin?: SignInByLogin;
  /** The built web app to serve at `/` (`prepareWebApp()`); without it only the API answers. */
  readonly webApp?: string;
  /** The clock of commands and of retention (tests set the date a year's personal data is due). */
  readonly now?: () => Date;
}

/** How QINGMIAO_EVENT_STORE is read: `sqlite` is the data directory's events.db. */
const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** Wires the event store, command handlers, projections and the HTTP API together. */
export function createQingmiao(config: QingmiaoConfig, logger: Logger, options: QingmiaoOptions = {}): Qingmiao {
  ownPrivateFolder(config.dataDir);
  const secret = resolveAuthSecret(config);
  const sessionStore = new SessionStore(sessionStoreFile(config));
  const authenticator = new Authenticator(
    secret,
    config.maxTokenLifetime,
    standing(sessionStore, (accountId) => readSide.read.account(accountId)),
  );
  const personalData = openEventLog(config);
  const { store } = personalData;
  const metrics = createMetrics(store, () => readSide);
  const readModelsDir = join(config.dataDir, 'read-models');
  // Before the read side opens them: an outdated file is gone once it has.
  const readModels = readModelStatus(readModelsDir, projections);
  logger.info({ readModels }, describeReadModels(readModels, 'now'));
  const onUnknownEvent = (event: RecordedEvent) => {
    metrics.onUnknownEvent(event.type);
    logger.warn({ type: event.type, position: String(event.position.commit) }, 'skipped an event of unknown type');
  };
  // A fresh build of the embedded log runs in a child process, whose memory goes when it ends: the server's stays
  // that of a server at rest. A KurrentDB log is built here, as its deployments were tested.
  let buildPeakRssBytes: number | undefined;
  const built = (peakRssBytes: number) => {
    buildPeakRssBytes = peakRssBytes;
    metrics.onReadModelsBuilt(peakRssBytes);
  };
  const settings: EventLogSettings = {
    dataDir: config.dataDir,
    eventStore: config.eventStore,
    keyStore: config.keyStore,
    masterKey: config.masterKey,
    production: config.production,
  };
  const embedded = locateEventStore(config.eventStore, configuredStoreOptions(config)).kind === 'sqlite';
  const readSide = new ReadSide({
    store,
    dir: readModelsDir,
    projections,
    onUnknownEvent,
    onCheckpointerFailure: (error) =>
      logger.error({ err: error }, "the read models' WAL checkpointer failed; checkpoints run on the event loop again"),
    ...(embedded ? { buildFresh: buildInChildProcess(settings, { unknownEvent: onUnknownEvent, built }) } : {}),
  });
  const uploads = new UploadRegistry(uploadRegistryFile(config.dataDir));
  const runner = new CommandRunner(store, {
    onSettled: metrics.onCommandSettled,
    ...(options.now ? { now: options.now } : {}),
  });
  const commands = new Commands(store, {
    runner,
    uploads,
    participantId: personalData.participantId,
    retentionYears: config.piiRetentionYears,
  });
  const pastFigures = new AsOfReplayer({ store, live: readSide, projections, ...config.replays });
  const blobStore = openBlobStore(config);
  const fileLocks = new FileLocks();
  const erasedFiles = new ErasedFileDeletion({
    read: () => readSide.read,
    registry: uploads,
    blobStore,
    locks: fileLocks,
  });
  const eraser = new PersonalDataEraser({
    store,
    personalData,
    readSide,
    commands,
    runner,
    pastFigures,
    erasedFiles,
    retentionYears: config.piiRetentionYears,
    ...(options.now ? { now: options.now } : {}),
  });
  const caughtUp = readSide.start();
  if (readModels.rebuildAtStart) {
    caughtUp.then(
      () => {
        const build = readSide.lastBuild;
        const took = build ? ` in ${(build.durationMs / 1000).toFixed(1)} s (${build.events} events)` : '';
        const peak =
          buildPeakRssBytes === undefined
            ? ''
            : `, the build process at most ${(buildPeakRssBytes / 2 ** 20).toFixed(0)} MiB resident`;
        logger.info({ readModels: build, buildPeakRssBytes }, `read models built from the log${took}${peak}; ready`);
      },
      () => undefined,
    );
  }
  const draining = new AbortController();
  // Why /readyz says "not ready" beyond catching up: a failure only a restart mends (it keeps the server out of
  // rotation), or the store's answer at start (said while catching up).
  let stoppedBecause: string | undefined;
  let waitingBecause: string | undefined;
  caughtUp.catch((error: unknown) => {
    stoppedBecause = `projections stopped: ${messageOf(error)}`;
    logger.fatal({ err: error }, 'projections stopped');
  });
  // Without its writer thread the embedded store refuses every append: only a restart brings it back.
  if (store.sealed instanceof SqliteEventStore) {
    store.sealed.onWriterStopped((error) => {
      stoppedBecause = `event store writer stopped: ${error.message}`;
      logger.fatal({ err: error }, 'event store writer stopped: no append can succeed until the server restarts');
    });
  }
  // Ready once caught up and once every key the log's erasures and expiries destroyed is gone again (a key store
  // restored from a backup brings them back): no name may be read with a restored key.
  let shredded = false;
  const ready = caughtUp.then(async () => {
    try {
      const destroyed = await eraser.shredAgain();
      if (destroyed > 0) {
        logger.warn({ keys: destroyed }, 'destroyed data keys that erasures in the log had destroyed (restored keys)');
      }
      shredded = true;
    } catch (error) {
      stoppedBecause = `restored data keys not destroyed: ${messageOf(error)}`;
      logger.fatal({ err: error }, 'destroying restored data keys failed');
      throw error;
    }
  });
  // The projections' subscription retries an unreachable store quietly and for ever: one read says why at once.
  store.headPosition().catch((error: unknown) => {
    waitingBecause = `event store unreachable: ${messageOf(error)}`;
    logger.error(
      { eventStore: withoutCredentials(config.eventStore), reason: messageOf(error) },
      'cannot reach the event store; projections keep retrying',
    );
  });

  const accessLog = new AccessLog({
    file: accessLogFile(config.dataDir),
    ...config.accessLog,
    onPruneError: (error) => logger.error({ err: error }, 'pruning the access log failed; retrying in an hour'),
  });
  const signInThrottle = new SignInThrottle({ attemptsPerAddressPerMinute: config.signInAttemptsPerMinute });
  const sessions = sessionIssuer(config, sessionStore, secret, GRAPHQL_PATH);
  const fileLinks = new FileLinks(secret);
  // An upload an entry carries or once carried is kept until the entry is erased (then ErasedFileDeletion's).
  const sweeper = new UploadSweeper({
    registry: uploads,
    blobStore,
    locks: fileLocks,
    isReferenced: (fileId) => readSide.read.isFileHeld(fileId),
    onError: (error) => logger.error({ err: error }, 'sweeping unused uploads failed; retrying in an hour'),
  });
  const retention = new RetentionJob({
    eraser,
    read: () => readSide.read,
    accessLog,
    retentionYears: config.piiRetentionYears,
    ...(options.now ? { now: options.now } : {}),
    onError: (error) => logger.error({ err: error }, 'expiring personal data failed; retrying in an hour'),
  });
  // Only once the read models have caught up: an entry not yet projected would not protect its files, and the
  // keys of erasures and expiries (and of a year due) would not all be known.
  ready.then(
    () => {
      sweeper.start();
      retention.start();
    },
    () => undefined,
  );
  const responseCache = readModelResponseCache(readSide, authenticator);
  const graphql = createGraphQL(
    config,
    {
      commands,
      readSide,
      pastFigures,
      accessLog,
      signInThrottle,
      sessions,
      blobStore,
      uploads,
      fileLocks,
      fileLinks,
      draining: draining.signal,
      eraser,
      retention,
    },
    authenticator,
    logger,
    metrics.registry,
    responseCache,
  );

  const rateLimit = rateLimitPerCaller(config, authenticator);
  const app = express();
  app.disable('x-powered-by');
  // Before anything reads req.ip or req.secure: rate limits, the sign-in throttle, the access log, cookies.
  app.set('trust proxy', config.trustProxy);
  app.use(requestLogging(logger));
  app.use(refuseWhileDraining(draining.signal));
  // Uploads have their own, longer deadline: they are the only requests whose bodies may take minutes.
  app.use(requestDeadline(config.requestTimeoutMs, (req) => req.path === GRAPHQL_PATH && isUploadRequest(req)));
  // First after logging and the deadline: the hot path should not walk the other routes' matchers.
  const uploadBudget = new UploadBudget(config.uploads.budgetPerHour);
  const receiveUploads = multipartUploads({
    authenticator,
    budget: uploadBudget,
    limit: config.uploads.limit,
    stagingDir: blobStore.stagingDir,
    logger,
  });
  app.use(
    graphql.graphqlEndpoint,
    rateLimit,
    receiveUploads,
    jsonBody(config),
    bodyErrors,
    responseCache.answerHits,
    graphql.requestListener,
  );
  // Before any page route: a web app's history fallback must never answer for a file.
  app.use(
    '/files',
    fileRoutes({
      fileLinks,
      blobStore,
      attachmentOf: (link) => linkedAttachment(readSide.read, link),
      isErased: (link) => readSide.read.isFileErased(link.entryId, link.fileId),
      perMinute: { reader: config.rateLimitPerMinute, address: config.anonymousRateLimitPerMinute },
      logger,
    }),
  );
  app.get('/metrics', metricsAccess(config), async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', (_req, res) => {
    const { position } = readSide;
    const ready = readSide.caughtUp && shredded && stoppedBecause === undefined && !draining.signal.aborted;
    const reason = draining.signal.aborted
      ? 'shutting down'
      : (stoppedBecause ?? waitingBecause ?? 'catching up with the event log');
    res.status(ready ? 200 : 503).json({ ready, position: String(position.commit), ...(ready ? {} : { reason }) });
  });
  const campaignZip = campaignZipRoutes({
    authenticator,
    blobStore,
    accessLog,
    filesOf: (campaignId) => campaignFiles(readSide.read, campaignId),
    logger,
  });
  app.use('/reports', rateLimit, campaignZip, reportRoutes(authenticator, readSide, pastFigures, accessLog));
  app.use('/imports', rateLimit, importRoutes(authenticator, readSide, commands));
  if (config.oidc) {
    const signInByLogin = options.signInByLogin ?? signInWithSession(() => readSide.read, sessions, accessLog);
    const oidc = { config: config.oidc, production: config.production, secret, signInByLogin, logger };
    app.use('/auth/oidc', rateLimit, oidcRoutes(oidc));
  }
  if (options.webApp) app.use(webAppRoutes(options.webApp, { sso: config.oidc !== undefined }));

  return {
    app,
    store,
    readSide,
    commands,
    sessions,
    retention,
    ready,
    drain() {
      draining.abort();
    },
    async close() {
      await retention.close();
      await sweeper.close();
      await readSide.close();
      await store.close();
      await accessLog.close();
      sessionStore.close();
      uploads.close();
      await blobStore.close();
    },
  };
}
