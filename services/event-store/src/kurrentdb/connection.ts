import {
  CancelledError,
  DeadlineExceededError,
  EventStoreDBClient,
  NotLeaderError,
  TimeoutError,
  UnavailableError,
  UnknownError,
} from '@eventstore/db-client';

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

/** A client for a single node or a cluster; it connects lazily, on the first call. */
export function connect(connectionString: string): EventStoreDBClient {
  return EventStoreDBClient.connectionString(toClientConnectionString(connectionString));
}

/** gRPC's status UNAVAILABLE: the connection failed or dropped. */
const UNAVAILABLE = 14;

/** A call dropped by the network or a leader change, as opposed to one refused for good. */
export function isTransient(error: unknown): boolean {
  return (
    // The client hands some failures on unconverted, e.g. the server-features probe that precedes a call after
    // a reconnection: a plain gRPC error with status UNAVAILABLE.
    (error instanceof Error && (error as { code?: unknown }).code === UNAVAILABLE) ||
    error instanceof UnavailableError ||
    error instanceof CancelledError ||
    error instanceof DeadlineExceededError ||
    error instanceof TimeoutError ||
    error instanceof NotLeaderError ||
    error instanceof UnknownError
  );
}
