import { LRUCache } from 'lru-cache';
import type { KeyStore } from './key-store.ts';
import { decrypt, encrypt, randomOf } from './sealing.ts';

export interface DataKey {
  readonly kid: string;
  readonly key: Buffer;
}

export interface KeyRingOptions {
  /**
   * Fresh keys made durable together, ahead of need, so an append never waits for the key store's commit; by
   * default the store's batch size.
   */
  readonly poolSize?: number;
  /** Unwrapped keys kept in memory for reading. */
  readonly cachedKeys?: number;
  /**
   * How long a key read from the store is trusted: another process may destroy it meanwhile. Within this process
   * `destroy` drops it at once.
   */
  readonly cacheTtlMs?: number;
}

/**
 * Hands out data keys for sealing and finds them again for opening. Keys are made in batches ahead of need and
 * stored (wrapped) before the first is handed out, so sealing costs no key-store commit on the write path and no
 * value is ever sealed under a key that is not yet durable. A handed-out key is used for one event's values of one
 * data subject; a key made but never used (the process stopped) stays in the store unused, which costs 60 bytes.
 */
export class KeyRing {
  readonly #store: KeyStore;
  readonly #wrapping: Buffer;
  readonly #poolSize: number;
  readonly #cache: LRUCache<string, Buffer>;
  #pool: DataKey[] = [];
  #refilling: Promise<void> | undefined;

  constructor(store: KeyStore, wrappingKey: Buffer, options: KeyRingOptions = {}) {
    this.#store = store;
    this.#wrapping = wrappingKey;
    this.#poolSize = options.poolSize ?? store.batchSize;
    this.#cache = new LRUCache({ max: options.cachedKeys ?? 50_000, ttl: options.cacheTtlMs ?? 300_000 });
  }

  /** `count` fresh keys, each durable in the key store. */
  async fresh(count: number): Promise<DataKey[]> {
    while (this.#pool.length < count) await this.#refill(count - this.#pool.length);
    const taken = this.#pool.splice(0, count);
    if (this.#pool.length < this.#poolSize / 4) this.#refill(0).catch(() => {});
    for (const { kid, key } of taken) this.#cache.set(kid, key);
    return taken;
  }

  /** Keys handed out but not used: the next sealing takes them first. */
  giveBack(keys: readonly DataKey[]): void {
    this.#pool.unshift(...keys);
  }

  /** The keys of these ids that still exist (unwrapped); destroyed ones are absent. */
  async find(kids: Iterable<string>): Promise<Map<string, Buffer>> {
    const found = new Map<string, Buffer>();
    const missing: string[] = [];
    for (const kid of new Set(kids)) {
      const cached = this.#cache.get(kid);
      if (cached) found.set(kid, cached);
      else missing.push(kid);
    }
    if (missing.length === 0) return found;
    for (const [kid, wrapped] of await this.#store.get(missing)) {
      const key = decrypt(this.#wrapping, wrapped, kid);
      if (!key) throw new Error(`Data key ${kid} does not open with this master key (QINGMIAO_MASTER_KEY changed?)`);
      this.#cache.set(kid, key);
      found.set(kid, key);
    }
    return found;
  }

  async destroy(kids: readonly string[]): Promise<void> {
    for (const kid of kids) this.#cache.delete(kid);
    await this.#store.destroy(kids);
  }

  async close(): Promise<void> {
    await this.#refilling?.catch(() => {});
    this.#cache.clear();
    await this.#store.close();
  }

  /** Makes at least `atLeast` (and at least a pool's worth of) keys durable; one refill runs at a time. */
  #refill(atLeast: number): Promise<void> {
    if (this.#refilling) return this.#refilling;
    const keys = Array.from({ length: Math.max(atLeast, this.#poolSize) }, () => ({
      kid: randomOf(16).toString('base64url'),
      key: randomOf(32),
    }));
    this.#refilling = this.#store
      .add(keys.map(({ kid, key }) => ({ kid, wrapped: encrypt(this.#wrapping, key, kid) })))
      .then(() => {
        this.#pool.push(...keys);
      })
      .finally(() => {
        this.#refilling = undefined;
      });
    return this.#refilling;
  }
}
