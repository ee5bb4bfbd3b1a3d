import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { isKurrentDbConnectionString, withoutCredentials } from './kurrentdb/connection.ts';
import { KurrentDbEventStore } from './kurrentdb/event-store.ts';
import type { EventStore } from './port.ts';
import { SqliteEventStore } from './sqlite-event-store.ts';

export interface EventStoreSpecOptions {
  /** The data directory, where `sqlite` keeps its file (`events.db`). */
  readonly dataDir?: string;
  /** Where the spec was given (a variable, an option), to name it in errors. */
  readonly setting?: string;
}

export interface OpenEventStoreOptions extends EventStoreSpecOptions {
  /** A log to read from: the embedded store's file must exist already (a typo would read as an empty log). */
  readonly mustExist?: boolean;
}

/** Where a spec says the log lives: an embedded store's file, or a KurrentDB node or cluster. */
export type EventStoreLocation =
  | { readonly kind: 'sqlite'; readonly path: string }
  | { readonly kind: 'kurrentdb'; readonly connectionString: string };

/**
 * Reads an event store spec: `sqlite` (the data directory's `events.db`), `sqlite:PATH` (a file elsewhere, e.g. one
 * store shared by several processes, each with its own data directory for read models), or a KurrentDB connection
 * string (`esdb://…`, `kurrentdb://…`, with their `+discover` forms).
 */
export function locateEventStore(spec: string, options: EventStoreSpecOptions = {}): EventStoreLocation {
  const given = options.setting === undefined ? spec : `${options.setting}=${spec}`;
  if (spec === 'sqlite') {
    if (options.dataDir === undefined) {
      throw new Error(`${given} names a data directory's events.db, and there is none here: use sqlite:PATH`);
    }
    return { kind: 'sqlite', path: join(options.dataDir, 'events.db') };
  }
  if (spec.startsWith('sqlite:')) {
    const path = spec.slice('sqlite:'.length);
    if (path === '') throw new Error(`${given} needs the path of the events.db file, e.g. sqlite:./data/events.db`);
    return { kind: 'sqlite', path };
  }
  if (isKurrentDbConnectionString(spec)) return { kind: 'kurrentdb', connectionString: spec };
  throw new Error(
    `${options.setting ?? 'The event store'} must be sqlite, sqlite:PATH or an esdb:// or kurrentdb:// connection string, not ${withoutCredentials(spec)}`,
  );
}

/** The event store a spec names (see `locateEventStore`); an embedded store's file is created unless it must exist. */
export function openEventStore(spec: string, options: OpenEventStoreOptions = {}): EventStore {
  const location = locateEventStore(spec, options);
  if (location.kind === 'kurrentdb') return new KurrentDbEventStore({ connectionString: location.connectionString });
  if (options.mustExist && !existsSync(location.path)) throw new Error(`${location.path} does not exist`);
  return new SqliteEventStore({ path: location.path });
}
