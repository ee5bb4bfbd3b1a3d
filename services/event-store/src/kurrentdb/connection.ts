import type { EventStoreDBClient } from '@eventstore/db-client';

/**
 * The client library: gRPC and protobuf, ~2 MB of code and ~5 MiB of V8's heap once loaded. It is loaded
 * when a KurrentDB store is opened, not by every server: the embedded store needs none of it.
 */
export type KurrentDbClientLibrary = typeof import('@eventstore/db-client');

let library: KurrentDbClientLibrary | undefined;

/** A client and the library's values (constants, event factories, error classes) it is used with. */
export interface KurrentDbConnection {
  readonly client: EventStoreDBClient;
  readonly kdb: KurrentDbClientLibrary;
}

const SCHEMES = /^(esdb|kurrentdb|kurrent|kdb)(\+discover)?:\/\//i;

/** Whether an event store spec names a KurrentDB/EventStoreDB server rather than the embedded store. */
export function isKurrentDbConnectionString(value: string): boolean {
  return SCHEMES.test(value);
}

/** A connection string fit for logs and error messages: without the user's name and password. */
export function withoutCredentials(value: string): string {
  return value.replace(/^([a-z+]+:\/\/)[^@]*@/i, '$1…@');
}

/** The client (6.x) parses only `esdb://` and `esdb+discover://`; KurrentDB's own schemes mean the same. */
export function toClientConnectionString(value: string): string {
  const match = SCHEMES.exec(value.trim());
  if (!match) {
    throw new Error(`Not a KurrentDB connection string (esdb:// or kurrentdb://): ${withoutCredentials(value)}`);
  }
  return `esdb${match[2] ?? ''}://${value.trim().slice(match[0].length)}`;
}

async function open(clientConnectionString: string): Promise<KurrentDbConnection> {
  // A CommonJS package: its exports object is the default export both in Node and in the esbuild bundle, where the
  // split-off chunk has no named exports.
  library ??= (await import('@eventstore/db-client')).default;
  return { client: library.EventStoreDBClient.connectionString(clientConnectionString), kdb: library };
}

/** A client for a single node or a cluster, once the library is loaded; it connects lazily, on the first call. */
export function connect(connectionString: string): Promise<KurrentDbConnection> {
  return open(toClientConnectionString(connectionString));
}

/**
 * A connection made when first needed, so that a store's constructor stays synchronous: a connection string of the
 * wrong scheme is refused at once, one the client refuses is thrown to every call that needs the client.
 */
export class LazyConnection {
  readonly #clientConnectionString: string;
  #connection: Promise<KurrentDbConnection> | undefined;

  constructor(connectionString: string) {
    this.#clientConnectionString = toClientConnectionString(connectionString);
  }

  get(): Promise<KurrentDbConnection> {
    this.#connection ??= open(this.#clientConnectionString);
    return this.#connection;
  }

  /** Closes the client if one was made (and loads nothing otherwise). */
  async dispose(): Promise<void> {
    await this.#connection?.then(
      ({ client }) => client.dispose(),
      () => undefined,
    );
  }
}

/** gRPC's status UNAVAILABLE: the connection failed or dropped. */
const UNAVAILABLE = 14;

/** A call dropped by the network or a leader change, as opposed to one refused for good. */
export function isTransient(error: unknown): boolean {
  // The client hands some failures on unconverted, e.g. the server-features probe that precedes a call after a
  // reconnection: a plain gRPC error with status UNAVAILABLE.
  if (error instanceof Error && (error as { code?: unknown }).code === UNAVAILABLE) return true;
  // Before the library is loaded, no error can be one of its own.
  if (library === undefined) return false;
  return (
    error instanceof library.UnavailableError ||
    error instanceof library.CancelledError ||
    error instanceof library.DeadlineExceededError ||
    error instanceof library.TimeoutError ||
    error instanceof library.NotLeaderError ||
    error instanceof library.UnknownError
  );
}
