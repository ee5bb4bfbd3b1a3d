import { dirname, join } from 'node:path';
import {
  type EventStoreLocation,
  type EventStoreSpecOptions,
  locateEventStore,
  openEventStore,
} from '@qingmiao/event-store';
import {
  type KeyStore,
  KurrentDbKeyStore,
  type PersonalDataProtection,
  protectPersonalData,
  resolveMasterKey,
  SqliteKeyStore,
} from '@qingmiao/privacy';
import type { QingmiaoConfig } from './config.ts';

/** What of the configuration opens the log: plain data, so that a worker thread can open it too. */
export type EventLogSettings = Pick<QingmiaoConfig, 'dataDir' | 'eventStore' | 'keyStore' | 'masterKey' | 'production'>;

/** How the configured store spec is read: `sqlite` means the data directory's file. */
export function configuredStoreOptions(config: Pick<QingmiaoConfig, 'dataDir'>): EventStoreSpecOptions {
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
 * Where a log's data keys are kept: the key store named, else the KurrentDB server that holds the log (every instance
 * of a cluster deployment reads the same keys, and a hard delete reaches them all), else `keys.db` beside the
 * embedded log (processes sharing one `sqlite:PATH` log share its keys).
 */
function keyStoreLocation(settings: KeyStoreSettings): EventStoreLocation {
  if (settings.keyStore === 'sqlite') return { kind: 'sqlite', path: join(settings.dataDir, 'keys.db') };
  if (settings.keyStore !== undefined) return locateEventStore(settings.keyStore, { setting: 'QINGMIAO_KEY_STORE' });
  const log = locateEventStore(settings.eventStore, { dataDir: settings.dataDir });
  return log.kind === 'kurrentdb' ? log : { kind: 'sqlite', path: join(dirname(log.path), 'keys.db') };
}

export function openKeyStore(settings: KeyStoreSettings): KeyStore {
  const location = keyStoreLocation(settings);
  return location.kind === 'kurrentdb'
    ? new KurrentDbKeyStore(location.connectionString)
    : new SqliteKeyStore(location.path);
}

/**
 * The master key of this configuration: QINGMIAO_MASTER_KEY, or development's generated one, kept beside an embedded
 * key store (so processes that share the keys share it too), else in the data directory.
 */
export function configuredMasterKey(config: EventLogSettings): Buffer {
  const location = keyStoreLocation(config);
  const dataDir = location.kind === 'sqlite' ? dirname(location.path) : config.dataDir;
  return resolveMasterKey({ masterKey: config.masterKey, dataDir, production: config.production });
}

/**
 * The configured log as the server and the CLI's commands read and write it: personal data sealed on append and
 * opened on read, with data keys in the configured key store. Tools that copy the log (backup, export, migrate)
 * open the store itself, so every copy holds ciphertext only.
 */
export function openEventLog(config: EventLogSettings): PersonalDataProtection {
  const store = openEventStore(config.eventStore, configuredStoreOptions(config));
  return protectPersonalData(store, openKeyStore(config), configuredMasterKey(config));
}
