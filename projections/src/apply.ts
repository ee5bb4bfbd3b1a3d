import type { DomainEvent, EventMetadata } from '@qingmiao/schema';
import type Database from 'better-sqlite3';
import type { Projection, Statement } from './projection.ts';

export interface Applier {
  /** Applies events in order, in the caller's transaction. */
  apply(event: DomainEvent, metadata: EventMetadata, position: bigint): void;
}

/** Creates the projections' tables in an empty database, with their query indexes unless a bulk load follows. */
export function createTables(
  db: Database.Database,
  projections: readonly Projection[],
  options: { readonly indexes?: boolean } = {},
): void {
  for (const projection of projections) for (const table of projection.tables) db.exec(table);
  if (options.indexes ?? true) createIndexes(db, projections);
}

/** Creates the query indexes of tables loaded without them. */
export function createIndexes(db: Database.Database, projections: readonly Projection[]): void {
  for (const projection of projections) for (const index of projection.indexes ?? []) db.exec(index);
}

/** A statement whose `@name` parameters are bound by position, in the order of `names`. */
export interface Positional {
  readonly statement: Database.Statement;
  readonly names: readonly string[];
}

/**
 * better-sqlite3 binds named parameters by looking each name up from C++ on every run (about half a microsecond
 * per parameter, more than a small insert itself): the names are resolved here in JS and bound by position.
 */
export function preparePositional(db: Database.Database, sql: string): Positional {
  const names: string[] = [];
  const statement = db.prepare(
    sql.replace(/@(\w+)/g, (_, name: string) => {
      names.push(name);
      return '?';
    }),
  );
  return { statement, names };
}

/** Runs a positional statement with named parameters; a missing one is an error, as with named binding. */
export function runPositional({ statement, names }: Positional, params: Readonly<Record<string, unknown>>): void {
  const values = new Array<unknown>(names.length);
  for (let i = 0; i < names.length; i++) {
    const value = params[names[i] as string];
    if (value === undefined) throw new RangeError(`Missing named parameter "${names[i]}"`);
    values[i] = value;
  }
  statement.run(values);
}

/** Prepares every projection's statements once and runs the operations its pure `handle` asks for. */
export function createApplier(db: Database.Database, projections: readonly Projection[]): Applier {
  // Per event type, only the projections that declare it: the others are not called at all.
  const byType = new Map<string, { projection: Projection; statements: Map<string, Positional> }[]>();
  for (const projection of projections) {
    const handler = {
      projection,
      statements: new Map(
        Object.entries<Statement>(projection.statements).map(([name, { sql }]) => [name, preparePositional(db, sql)]),
      ),
    };
    for (const type of Object.keys(projection.handles)) byType.set(type, [...(byType.get(type) ?? []), handler]);
  }
  return {
    apply(event, metadata, position) {
      const handlers = byType.get(event.type);
      if (!handlers) return;
      const context = { metadata, position };
      for (const { projection, statements } of handlers) {
        for (const operation of projection.handle(event, context)) {
          const statement = statements.get(operation.statement);
          if (statement) runPositional(statement, operation.params);
        }
      }
    },
  };
}
