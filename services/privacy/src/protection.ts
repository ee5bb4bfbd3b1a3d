import type { EventStore } from '@qingmiao/event-store';
import { KeyRing } from './key-ring.ts';
import type { KeyStore } from './key-store.ts';
import { identityOf } from './personal-data.ts';
import { ProtectedEventStore } from './protected-event-store.ts';
import { deriveKeys, pseudonymOf } from './sealing.ts';

/** What the server and the tools hold once personal data is protected. */
export interface PersonalDataProtection {
  /** The store that seals on append and opens on read: give it to everything but the copying tools. */
  readonly store: ProtectedEventStore;
  readonly keys: KeyRing;
  /** The pseudonymous id (and data subject) of a keyed participant of a school: what erasure destroys. */
  participantId(schoolId: string, key: string): string;
}

export function protectPersonalData(store: EventStore, keyStore: KeyStore, masterKey: Buffer): PersonalDataProtection {
  const { wrapping, pseudonym } = deriveKeys(masterKey);
  const keys = new KeyRing(keyStore, wrapping);
  return {
    store: new ProtectedEventStore(store, keys, pseudonym),
    keys,
    participantId: (schoolId, key) => pseudonymOf(pseudonym, identityOf(schoolId, { key })),
  };
}
