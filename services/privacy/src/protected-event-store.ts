import type {
  AppendResult,
  EventStore,
  EventToAppend,
  ExpectedRevision,
  Json,
  JsonObject,
  Position,
  ReadAllOptions,
  RecordedEvent,
  Subscription,
  SubscriptionMessage,
} from '@qingmiao/event-store';
import { LRUCache } from 'lru-cache';
import type { DataKey, KeyRing } from './key-ring.ts';
import { ENTRY_EVENTS, kidsOf, type Opener, openEvent, type Sealer, sealEvent } from './personal-data.ts';
import { decrypt, encrypt, pseudonymOf } from './sealing.ts';

const associated = (kid: string, field: string) => `${kid}/${field}`;

/**
 * The event store as everyone above it sees it: personal fields are sealed on the way in and opened on the way out,
 * so the log (and every backup, export and replica of it) holds only ciphertext, while deciders, projections,
 * as-of replays and history read the values, or 已删除 once a key is destroyed. The one place that encrypts and
 * decrypts.
 */
export class ProtectedEventStore implements EventStore {
  readonly #inner: EventStore;
  readonly #keys: KeyRing;
  readonly #pseudonymKey: Buffer;
  /** Entries' schools, learned from their submissions: revisions written before sealing existed do not name it. */
  readonly #schools = new LRUCache<string, string>({ max: 200_000 });
  #sealing: Promise<unknown> = Promise.resolve();

  constructor(inner: EventStore, keys: KeyRing, pseudonymKey: Buffer) {
    this.#inner = inner;
    this.#keys = keys;
    this.#pseudonymKey = pseudonymKey;
  }

  /** The log as stored, for the tools that copy it (backup, export, migrate) and must not open anything. */
  get sealed(): EventStore {
    return this.#inner;
  }

  async append(
    stream: string,
    events: readonly EventToAppend[],
    options: { readonly expectedRevision: ExpectedRevision },
  ): Promise<AppendResult> {
    // Sealed one append after the other and handed on in the order called: the store then commits in the order the
    // deciders recorded (a key-pool refill must not let a later command's events overtake an earlier one's).
    const sealed = this.#sealing.then(() => Promise.all(events.map((event) => this.#seal(event))));
    this.#sealing = sealed.catch(() => undefined);
    return this.#inner.append(stream, await sealed, options);
  }

  async readStream(
    stream: string,
    options?: { readonly fromRevision?: number; readonly limit?: number },
  ): Promise<RecordedEvent[]> {
    return this.#open(await this.#inner.readStream(stream, options));
  }

  async readAll(options?: ReadAllOptions): Promise<RecordedEvent[]> {
    return this.#open(await this.#inner.readAll(options));
  }

  headPosition(): Promise<Position> {
    return this.#inner.headPosition();
  }

  subscribeAll(options?: { readonly after?: Position }): Subscription {
    const inner = this.#inner.subscribeAll(options);
    const open = (events: readonly RecordedEvent[]) => this.#open(events);
    return {
      close: () => inner.close(),
      async *[Symbol.asyncIterator](): AsyncIterator<SubscriptionMessage> {
        for await (const message of inner) {
          yield message.kind === 'events' ? { kind: 'events', events: await open(message.events) } : message;
        }
      },
    };
  }

  async close(): Promise<void> {
    await this.#inner.close();
    await this.#keys.close();
  }

  async #seal(event: EventToAppend): Promise<EventToAppend> {
    if (!ENTRY_EVENTS.has(event.type)) return event;
    // At most one subject per participant plus the entry's own; unused keys go back to the pool.
    const participants = Array.isArray(event.data.participants) ? event.data.participants.length : 0;
    const fresh = await this.#keys.fresh(participants + 1);
    const bySubject = new Map<string, DataKey>();
    const sealer: Sealer = {
      seal: (subject, field, value) => {
        let key = bySubject.get(subject);
        if (!key) {
          key = fresh[bySubject.size] as DataKey;
          bySubject.set(subject, key);
        }
        const plaintext = Buffer.from(JSON.stringify(value), 'utf8');
        return {
          kid: key.kid,
          ciphertext: encrypt(key.key, plaintext, associated(key.kid, field)).toString('base64url'),
        };
      },
      pseudonym: (identity) => pseudonymOf(this.#pseudonymKey, identity),
    };
    const data = sealEvent(event.type, event.data, sealer);
    this.#keys.giveBack(fresh.slice(bySubject.size));
    return { ...event, data };
  }

  async #open(events: readonly RecordedEvent[]): Promise<RecordedEvent[]> {
    const kids = events.flatMap((event) => kidsOf(event.type, event.data));
    const keys = kids.length === 0 ? new Map<string, Buffer>() : await this.#keys.find(kids);
    const opener: Opener = {
      open: ({ kid, ciphertext }, field) => {
        const key = keys.get(kid);
        const plaintext = key && decrypt(key, Buffer.from(ciphertext, 'base64url'), associated(kid, field));
        return plaintext === undefined ? undefined : (JSON.parse(plaintext.toString('utf8')) as Json);
      },
      pseudonym: (identity) => pseudonymOf(this.#pseudonymKey, identity),
    };
    const opened: RecordedEvent[] = [];
    for (const event of events) {
      if (!ENTRY_EVENTS.has(event.type)) {
        opened.push(event);
        continue;
      }
      const schoolId = await this.#schoolOf(event);
      opened.push({ ...event, data: openEvent(event.type, event.data, opener, schoolId) });
    }
    return opened;
  }

  /** The school of an entry event: named by submissions (and by revisions written since sealing exists). */
  async #schoolOf(event: RecordedEvent): Promise<string | undefined> {
    const { schoolId, entryId } = event.data as JsonObject;
    if (typeof entryId !== 'string') return undefined;
    if (typeof schoolId === 'string') {
      if (event.type === 'EntrySubmitted') this.#schools.set(entryId, schoolId);
      return schoolId;
    }
    const known = this.#schools.get(entryId);
    if (known !== undefined) return known;
    const submission = (await this.#inner.readStream(event.stream)).find(
      (earlier) => earlier.type === 'EntrySubmitted' && earlier.data.entryId === entryId,
    );
    const found = submission?.data.schoolId;
    if (typeof found !== 'string') return undefined;
    this.#schools.set(entryId, found);
    return found;
  }
}
