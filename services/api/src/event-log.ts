import { dirname } from 'node:path';
import { type EventStoreSpecOptions, locateEventStore, openEventStore } from '@qingmiao/event-store';
import {
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

/**
 * The configured log as the server and the CLI's commands read and write it: personal data sealed on append and
 * opened on read, with data keys in the data directory's key store. Tools that copy the log (backup, export,
 * migrate) open the store itself, so every copy holds ciphertext only.
 */
export function openEventLog(config: QingmiaoConfig): PersonalDataProtection {
  const store = openEventStore(config.eventStore, configuredStoreOptions(config));
  const dir = keysDir(config);
  const masterKey = resolveMasterKey({ masterKey: config.masterKey, dataDir: dir, production: config.production });
  return protectPersonalData(store, new SqliteKeyStore(keyStoreFile(dir)), masterKey);
}

/**
 * Where the data keys (and development's generated master key) live: beside an embedded log, so that processes
 * sharing one log file (`sqlite:PATH`) share its keys; else in the data directory.
 */
function keysDir(config: QingmiaoConfig): string {
  const location = locateEventStore(config.eventStore, configuredStoreOptions(config));
  return location.kind === 'sqlite' ? dirname(location.path) : config.dataDir;
}
