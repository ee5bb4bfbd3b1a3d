export { defineProjection, type EventContext, type Operation, type Projection, type SqlValue } from './projection.ts';
export * from './queries.ts';
export { personKey } from './read-models/entries.ts';
export { projections } from './read-models/index.ts';
export { ProjectionRunner, type ProjectionRunnerOptions } from './runner.ts';
