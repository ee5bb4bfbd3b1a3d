export { type DataKey, KeyRing, type KeyRingOptions } from './key-ring.ts';
export type { KeyStore, Rewrap, WrappedKeySet } from './key-store.ts';
export { KurrentDbKeyStore, keyStream } from './kurrentdb-key-store.ts';
export { devMasterKeyFile, type MasterKeySettings, parseMasterKey, resolveMasterKey } from './master-key.ts';
export { ENTRY_EVENTS, entrySubject, identityOf } from './personal-data.ts';
export { ProtectedEventStore } from './protected-event-store.ts';
export { type PersonalDataProtection, protectPersonalData } from './protection.ts';
export { deriveKeys, pseudonymOf } from './sealing.ts';
export { keyStoreFile, SqliteKeyStore } from './sqlite-key-store.ts';
