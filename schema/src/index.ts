export * from './actor.ts';
export * from './commands/index.ts';
export * from './events/index.ts';
export * from './labels.ts';
export * from './metadata.ts';
export * from './primitives.ts';
export * from './streams.ts';
export * from './versioning.ts';
