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
import type { DataKey, KeyRing } from './key-ring.ts';
import { ENTRY_EVENTS, kidsOf, type Opener, openEvent, type Sealer, sealEvent } from './personal-data.ts';
import { decrypt, encrypt, pseudonymOf } from './sealing.ts';

const associated = (kid: string, field: string) => `${kid}/${field}`;

/**
 * Entries whose school is kept in memory (~200 bytes each: ~4 MiB; every entry of a long log would keep tens of MiB
 * after a catch-up). A revision follows its submission closely in the log, so recent submissions suffice.
 */
const SCHOOLS_KEPT = 20_000;

/** At most one data subject per participant plus the entry's own. */
const keysFor = (event: EventToAppend) =>
  ENTRY_EVENTS.has(event.type) ? (Array.isArray(event.data.participants) ? event.data.participants.length : 0) + 1 : 0;

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
  /**
   * Entries' schools, learned from their submissions: revisions written before sealing existed do not name it. A
   * plain map forgotten whole when full: remembering every submission of a rebuild must cost next to nothing, and
   * an old revision whose submission was forgotten is looked up again.
   */
  readonly #schools = new Map<string, string>();
  #sealing: Promise<unknown> = Promise.resolve();
  /** Appends waiting for keys: while any is, later appends queue behind it. */
  #waiting = 0;

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
    // Sealed and handed on in the order called: the store then commits in the order the deciders recorded. At once
    // when the pool holds the keys and no earlier append waits for a refill; else after the appends waiting.
    const needed = events.reduce((sum, event) => sum + keysFor(event), 0);
    const pooled = this.#waiting === 0 ? this.#keys.take(needed) : undefined;
    if (pooled) return this.#inner.append(stream, this.#sealAll(events, pooled), options);
    this.#waiting++;
    const sealed = this.#sealing.then(async () => this.#sealAll(events, await this.#keys.fresh(needed)));
    this.#sealing = sealed.catch(() => undefined);
    let ready: EventToAppend[];
    try {
      ready = await sealed;
    } finally {
      this.#waiting--;
    }
    return this.#inner.append(stream, ready, options);
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

  /** The events with their personal fields sealed under `keys` (enough for them all); unused keys go back. */
  #sealAll(events: readonly EventToAppend[], keys: readonly DataKey[]): EventToAppend[] {
    let used = 0;
    const sealed = events.map((event) => {
      if (!ENTRY_EVENTS.has(event.type)) return event;
      const bySubject = new Map<string, DataKey>();
      const sealer: Sealer = {
        seal: (subject, field, value) => {
          let key = bySubject.get(subject);
          if (!key) {
            key = keys[used++] as DataKey;
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
      return { ...event, data: sealEvent(event.type, event.data, sealer) };
    });
    if (used < keys.length) this.#keys.giveBack(keys.slice(used));
    return sealed;
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
      // Named by the event or known from its submission; only revisions recorded before sealing need a look back.
      const schoolId = this.#knownSchoolOf(event) ?? (await this.#schoolOf(event));
      opened.push({ ...event, data: openEvent(event.type, event.data, opener, schoolId) });
    }
    return opened;
  }

  /** The school of an entry event as far as known without reading the log: named by submissions (and by revisions
   * written since sealing exists). */
  #knownSchoolOf(event: RecordedEvent): string | undefined {
    const { schoolId, entryId } = event.data as JsonObject;
    if (typeof entryId !== 'string') return undefined;
    if (typeof schoolId !== 'string') return this.#schools.get(entryId);
    if (event.type === 'EntrySubmitted') this.#rememberSchool(entryId, schoolId);
    return schoolId;
  }

  #rememberSchool(entryId: string, schoolId: string): void {
    if (this.#schools.size >= SCHOOLS_KEPT) this.#schools.clear();
    this.#schools.set(entryId, schoolId);
  }

  /** The school of a revision recorded before sealing existed, from its entry's submission in the log. */
  async #schoolOf(event: RecordedEvent): Promise<string | undefined> {
    const { entryId } = event.data as JsonObject;
    if (typeof entryId !== 'string') return undefined;
    const submission = (await this.#inner.readStream(event.stream)).find(
      (earlier) => earlier.type === 'EntrySubmitted' && earlier.data.entryId === entryId,
    );
    const found = submission?.data.schoolId;
    if (typeof found !== 'string') return undefined;
    this.#rememberSchool(entryId, found);
    return found;
  }
}
