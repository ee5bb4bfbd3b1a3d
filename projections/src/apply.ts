import type { DomainEvent, EventMetadata } from '@qingmiao/schema';
import type Database from 'better-sqlite3';
import type { Projection } from './projection.ts';

export interface Applier {
  /** Applies events in order, in the caller's transaction. */
  apply(event: DomainEvent, metadata: EventMetadata, position: bigint): void;
}

/** Creates the projections' tables in an empty database. */
export function createTables(db: Database.Database, projections: readonly Projection[]): void {
  for (const projection of projections) for (const table of projection.tables) db.exec(table);
}

/** Prepares every projection's statements once and runs the operations its pure `handle` asks for. */
export function createApplier(db: Database.Database, projections: readonly Projection[]): Applier {
  const handlers = projections.map((projection) => ({
    projection,
    statements: new Map(Object.entries<string>(projection.statements).map(([name, sql]) => [name, db.prepare(sql)])),
  }));
  return {
    apply(event, metadata, position) {
      const context = { metadata, position };
      for (const { projection, statements } of handlers) {
        for (const operation of projection.handle(event, context)) {
          statements.get(operation.statement)?.run(operation.params);
        }
      }
    },
  };
}
