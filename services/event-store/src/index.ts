export { DuplicateEventIds, StoreInUse, WrongExpectedVersion } from './errors.ts';
export {
  connect,
  isTransient,
  LazyConnection,
  toClientConnectionString,
  withoutCredentials,
} from './kurrentdb/connection.ts';
export { KurrentDbEventStore, type KurrentDbEventStoreOptions } from './kurrentdb/event-store.ts';
export { KEY_STREAM_PREFIX } from './kurrentdb/recorded-events.ts';
export {
  type CopyReport,
  copyLog,
  digestLog,
  type LogDigest,
  type LogEntry,
  readJsonLines,
  readLog,
  writeJsonLines,
} from './log-transfer.ts';
export {
  type EventStoreLocation,
  type EventStoreSpecOptions,
  locateEventStore,
  type OpenEventStoreOptions,
  openEventStore,
} from './open-event-store.ts';
export {
  type AppendResult,
  comparePositions,
  type EventStore,
  type EventToAppend,
  type ExpectedRevision,
  type Json,
  type JsonObject,
  matchesExpectedRevision,
  type Position,
  type ReadAllOptions,
  type RecordedEvent,
  START,
  type Subscription,
  type SubscriptionMessage,
} from './port.ts';
export {
  ownPrivateFolder,
  PRIVATE_FILE,
  PRIVATE_FOLDER,
  privateDatabaseFile,
  privateFolder,
} from './private-files.ts';
export { backupSqliteStore, restoreSqliteStore } from './sqlite-backup.ts';
export { EVENTS_TABLE, SqliteEventStore, type SqliteEventStoreOptions } from './sqlite-event-store.ts';
export { startWorkerThread } from './worker-thread.ts';
