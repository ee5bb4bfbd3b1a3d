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
} from '@qingmiao/event-store';
import type { DataKey, KeyRing } from './key-ring.ts';
import { OpeningThread, type SealedToOpen } from './opening-thread.ts';
import {
  ENTRY_EVENTS,
  type Opener,
  openEvent,
  type SealedField,
  type Sealer,
  sealEvent,
  sealedValuesOf,
} from './personal-data.ts';
import { readAhead } from './read-ahead.ts';
import { decrypt, encrypt, pseudonymOf } from './sealing.ts';

const associated = (kid: string, field: string) => `${kid}/${field}`;

/**
 * Entries whose school is kept in memory (~200 bytes each: ~4 MiB; every entry of a long log would keep tens of MiB
 * after a catch-up). A revision follows its submission closely in the log, so recent submissions suffice.
 */
const SCHOOLS_KEPT = 20_000;

/**
 * Pages of a subscription opened ahead of the one being read: enough to keep the opening thread busy while the
 * reader projects, few enough that a catch-up holds only a couple of pages more in memory.
 */
const READ_AHEAD = 2;

/**
 * Sealed values of a subscription's page from which they are opened in the opening thread. Fewer (a live page of a
 * command or two) open in place: a round trip to the thread would only delay the read models.
 */
const OFFLOAD_FROM = 64;

/** The process's opening thread, shared by its protected stores: it runs only while a catch-up needs it. */
const sharedOpening = new OpeningThread();

/** A sealed value's JSON text and where it opened. */
interface Opened {
  readonly kid: string;
  readonly field: string;
  readonly plaintext: string;
}

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

  readonly #opening: OpeningThread;

  constructor(
    inner: EventStore,
    keys: KeyRing,
    pseudonymKey: Buffer,
    options: { readonly opening?: OpeningThread } = {},
  ) {
    this.#inner = inner;
    this.#keys = keys;
    this.#pseudonymKey = pseudonymKey;
    this.#opening = options.opening ?? sharedOpening;
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

  /** A subscription whose pages are opened ahead of the reader, their values decrypted in the opening thread. */
  subscribeAll(options?: { readonly after?: Position }): Subscription {
    return readAhead(this.#inner.subscribeAll(options), (events) => this.#open(events, true), READ_AHEAD);
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

  /**
   * The events as readers know them. The schools are learned first, before anything is awaited, so that pages
   * opened ahead of each other learn them in the log's order.
   */
  async #open(events: readonly RecordedEvent[], offload = false): Promise<RecordedEvent[]> {
    const schools = events.map((event) => (ENTRY_EVENTS.has(event.type) ? this.#knownSchoolOf(event) : undefined));
    const sealed = events.flatMap((event) => sealedValuesOf(event.type, event.data));
    const plaintexts = await this.#decrypt(sealed, offload && sealed.length >= OFFLOAD_FROM);
    const opener: Opener = {
      open: ({ kid, ciphertext }, field) => {
        const opened = plaintexts.get(ciphertext);
        // Opened where it was found: the same ciphertext copied under another key id or field does not open.
        return opened?.kid === kid && opened.field === field ? (JSON.parse(opened.plaintext) as Json) : undefined;
      },
      pseudonym: (identity) => pseudonymOf(this.#pseudonymKey, identity),
    };
    const opened: RecordedEvent[] = [];
    for (const [i, event] of events.entries()) {
      if (!ENTRY_EVENTS.has(event.type)) {
        opened.push(event);
        continue;
      }
      // Named by the event or known from its submission; only revisions recorded before sealing need a look back.
      const schoolId = schools[i] ?? (await this.#schoolOf(event));
      opened.push({ ...event, data: openEvent(event.type, event.data, opener, schoolId) });
    }
    return opened;
  }

  /**
   * The JSON text of each sealed value by its ciphertext (unique: a fresh nonce each), with the key id and field it
   * opened under; absent where its key was destroyed or the value does not open. Decrypted in the opening thread
   * when `offload`, else in place.
   */
  async #decrypt(sealed: readonly SealedField[], offload: boolean): Promise<Map<string, Opened>> {
    const plaintexts = new Map<string, Opened>();
    if (sealed.length === 0) return plaintexts;
    const keys = await this.#keys.find(sealed.map(({ kid }) => kid));
    const toOpen: (SealedToOpen & SealedField)[] = [];
    for (const value of sealed) {
      const key = keys.get(value.kid);
      if (key) toOpen.push({ ...value, key, associated: associated(value.kid, value.field) });
    }
    const opened = offload
      ? await this.#opening.open(toOpen)
      : toOpen.map(({ key, ciphertext, associated }) => {
          const plaintext = decrypt(key, Buffer.from(ciphertext, 'base64url'), associated);
          return plaintext === undefined ? null : plaintext.toString('utf8');
        });
    opened.forEach((plaintext, i) => {
      const { kid, field, ciphertext } = toOpen[i] as SealedField;
      if (plaintext !== null) plaintexts.set(ciphertext, { kid, field, plaintext });
    });
    return plaintexts;
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
