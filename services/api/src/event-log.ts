import { type EventStoreSpecOptions, openEventStore } from '@qingmiao/event-store';
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
  const masterKey = resolveMasterKey({
    masterKey: config.masterKey,
    dataDir: config.dataDir,
    production: config.production,
  });
  return protectPersonalData(store, new SqliteKeyStore(keyStoreFile(config.dataDir)), masterKey);
}
