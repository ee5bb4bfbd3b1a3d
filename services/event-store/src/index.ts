export { DuplicateEventIds, WrongExpectedVersion } from './errors.ts';
export {
  type AppendResult,
  comparePositions,
  type EventStore,
  type EventToAppend,
  type ExpectedRevision,
  type Json,
  type JsonObject,
  type Position,
  type ReadAllOptions,
  type RecordedEvent,
  START,
  type Subscription,
  type SubscriptionMessage,
} from './port.ts';
export { backupSqliteStore, restoreSqliteStore } from './sqlite-backup.ts';
export { SqliteEventStore, type SqliteEventStoreOptions } from './sqlite-event-store.ts';
