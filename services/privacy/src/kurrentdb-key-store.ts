import { setTimeout as sleep } from 'node:timers/promises';
import { isTransient, KEY_STREAM_PREFIX, LazyConnection } from '@qingmiao/event-store';
import type { KeyStore, WrappedKeySet } from './key-store.ts';

/** The stream of one data key (a set of one); the event store's adapter never reads these as events of the log. */
export const keyStream = (id: string) => `${KEY_STREAM_PREFIX}${id}`;

const KEY_EVENT = 'DataKeyStored';
/** Calls in flight at once: one stream per key means one call per key. */
const CONCURRENCY = 16;
/** Attempts of a call the network or a leader change dropped; each one repeats the same request. */
const ATTEMPTS = 4;
const FIRST_RETRY_MS = 100;

/** Runs `work` on every item with at most `limit` running at a time; fails with the first failure. */
async function eachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** A call repeated after transient failures: safe here since every call is idempotent (see the class). */
async function withRetries<T>(call: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (attempt >= ATTEMPTS || !isTransient(error)) throw error;
      await sleep(FIRST_RETRY_MS * 2 ** (attempt - 1));
    }
  }
}

interface KeyEventData {
  readonly wrapped: string;
}

const isKeyEventData = (data: unknown): data is KeyEventData =>
  typeof data === 'object' && data !== null && typeof (data as { wrapped?: unknown }).wrapped === 'string';

/**
 * The key store of KurrentDB deployments: one stream per data key (`qingmiao-key-<kid>`: sets of one key) holding
 * one event with the wrapped key, so that destroying a key is a hard delete (tombstone) of its stream, which KurrentDB refuses to
 * write again and answers reads of with StreamDeleted. A tombstone hides the key at once but its bytes stay in the
 * database's chunk files until a scavenge rewrites them, on every node, and only in completed chunks (the chunk
 * being written is never scavenged): operators schedule scavenges (see README "Privacy").
 *
 * Every call may be repeated: an add carries the same event id with expectation "no stream" (KurrentDB answers a
 * repeated write with the first one's result), a read changes nothing, and a tombstone of a tombstoned stream is
 * answered with StreamDeleted, taken as done.
 */
export class KurrentDbKeyStore implements KeyStore {
  /** Erasure hard-deletes a key's stream: a stream may hold no other key. */
  readonly setSize = 1;
  /** Every key is its own append: batches of a few round trips of concurrent calls keep a first sealing quick. */
  readonly setsPerAdd = 64;
  readonly #connection: LazyConnection;

  constructor(connectionString: string) {
    this.#connection = new LazyConnection(connectionString);
  }

  async add(sets: readonly WrappedKeySet[]): Promise<void> {
    const { client, kdb } = await this.#connection.get();
    const events = sets.map(({ id, wrapped }) => ({
      id,
      event: kdb.jsonEvent({
        type: KEY_EVENT,
        data: { wrapped: Buffer.from(wrapped).toString('base64') } satisfies KeyEventData,
      }),
    }));
    // Resolves once the server acknowledged every write, i.e. the leader (and a quorum in a cluster) made it durable.
    await eachLimited(events, CONCURRENCY, ({ id, event }) =>
      withRetries(() => client.appendToStream(keyStream(id), event, { expectedRevision: kdb.NO_STREAM })).then(
        () => undefined,
      ),
    );
  }

  async get(ids: readonly string[]): Promise<Map<string, Uint8Array>> {
    const found = new Map<string, Uint8Array>();
    await eachLimited([...new Set(ids)], CONCURRENCY, async (id) => {
      const wrapped = await withRetries(() => this.#read(id));
      if (wrapped) found.set(id, wrapped);
    });
    return found;
  }

  async #read(id: string): Promise<Uint8Array | undefined> {
    const { client, kdb } = await this.#connection.get();
    try {
      let wrapped: Uint8Array | undefined;
      // Read to the end (never breaking off), which lets the client finish the call cleanly.
      for await (const { event } of client.readStream(keyStream(id), { maxCount: 1 })) {
        if (event?.type === KEY_EVENT && isKeyEventData(event.data))
          wrapped = Buffer.from(event.data.wrapped, 'base64');
      }
      return wrapped;
    } catch (error) {
      if (error instanceof kdb.StreamNotFoundError || error instanceof kdb.StreamDeletedError) return undefined;
      throw error;
    }
  }

  /** A set of one is empty once its key is destroyed: its stream is tombstoned, nothing is rewrapped. */
  async destroy(slots: ReadonlyMap<string, readonly number[]>): Promise<void> {
    const { client, kdb } = await this.#connection.get();
    await eachLimited([...slots.keys()], CONCURRENCY, async (id) => {
      try {
        await withRetries(() => client.tombstoneStream(keyStream(id), { expectedRevision: kdb.ANY }));
      } catch (error) {
        if (!(error instanceof kdb.StreamDeletedError)) throw error;
      }
    });
  }

  async close(): Promise<void> {
    await this.#connection.dispose();
  }
}
