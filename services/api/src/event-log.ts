import { type EventStoreSpecOptions, locateEventStore, openEventStore } from '@qingmiao/event-store';
import {
  type KeyStore,
  KurrentDbKeyStore,
  keyStoreFile,
  type PersonalDataProtection,
  protectPersonalData,
  resolveMasterKey,
  SqliteKeyStore,
} from '@qingmiao/privacy';
import type { QingmiaoConfig } from './config.ts';

/** How the configured store spec is read: `sqlite` means the data directory's file. */
export function configuredStoreOptions(config: QingmiaoConfig): EventStoreSpecOptions {
  return { dataDir: config.dataDir, setting: 'QINGMIAO_EVENT_STORE' };
}

/** Where data keys are kept: a key store spec and what it defaults to. */
export interface KeyStoreSettings {
  /** The log's spec: without a key store spec, keys live beside it. */
  readonly eventStore: string;
  /** QINGMIAO_KEY_STORE: `sqlite` (the data dir's keys.db), `sqlite:PATH` or a KurrentDB connection string. */
  readonly keyStore: string | undefined;
  readonly dataDir: string;
}

/**
 * The key store of a log: the one named, else the KurrentDB server that holds the log (every instance of a cluster
 * deployment reads the same keys, and a hard delete reaches them all), else the data directory's keys.db.
 */
export function openKeyStore(settings: KeyStoreSettings): KeyStore {
  const spec =
    settings.keyStore ??
    (locateEventStore(settings.eventStore, { dataDir: settings.dataDir }).kind === 'kurrentdb'
      ? settings.eventStore
      : 'sqlite');
  if (spec === 'sqlite') return new SqliteKeyStore(keyStoreFile(settings.dataDir));
  const location = locateEventStore(spec, { setting: 'QINGMIAO_KEY_STORE' });
  return location.kind === 'kurrentdb'
    ? new KurrentDbKeyStore(location.connectionString)
    : new SqliteKeyStore(location.path);
}

/** The master key of this configuration (QINGMIAO_MASTER_KEY, or development's generated one). */
export const configuredMasterKey = (config: QingmiaoConfig) =>
  resolveMasterKey({ masterKey: config.masterKey, dataDir: config.dataDir, production: config.production });

/**
 * The configured log as the server and the CLI's commands read and write it: personal data sealed on append and
 * opened on read, with data keys in the configured key store. Tools that copy the log (backup, export, migrate)
 * open the store itself, so every copy holds ciphertext only.
 */
export function openEventLog(config: QingmiaoConfig): PersonalDataProtection {
  const store = openEventStore(config.eventStore, configuredStoreOptions(config));
  return protectPersonalData(store, openKeyStore(config), configuredMasterKey(config));
}
