import type { DomainEvent, EventMetadata } from '@qingmiao/schema';

export type SqlValue = string | number | bigint | null;

/** One write a projection asks for: a named statement of its own and the named parameters to run it with. */
export interface Operation<Name extends string = string> {
  readonly statement: Name;
  readonly params: Readonly<Record<string, SqlValue>>;
}

/** A statement of a projection and the one table it writes (an as-of replay keeps only the tables it reads). */
export interface Statement {
  readonly table: string;
  readonly sql: string;
}

export type EventType = DomainEvent['type'];

export interface EventContext {
  readonly metadata: EventMetadata;
  /** Global position, unique and increasing: a stable order and key for history rows. */
  readonly position: bigint;
}

/**
 * A read model's write half: its tables, its statements, and a pure function from an event to the statements it
 * needs. The runner owns the I/O; the queries of the same read model live beside it in its module.
 */
export interface Projection<Name extends string = string> {
  readonly name: string;
  /** Bump when `handle` changes what it writes without a change to the SQL: the read models are then rebuilt. */
  readonly version: number;
  readonly tables: readonly string[];
  /**
   * Secondary indexes that only queries use (no statement of `handle` needs them): a fresh build creates them once
   * after loading the whole log, which is cheaper than keeping them up to date row by row.
   */
  readonly indexes?: readonly string[];
  readonly statements: Readonly<Record<Name, Statement>>;
  /**
   * The event types `handle` writes for, each with the statements it may ask for: other events are skipped without
   * calling it, and an as-of replay tells from here which events change the tables it reads.
   */
  readonly handles: { readonly [Type in EventType]?: readonly NoInfer<Name>[] };
  handle(event: DomainEvent, context: EventContext): Operation<Name>[];
}

export function defineProjection<Name extends string>(projection: Projection<Name>): Projection<Name> {
  return projection;
}
