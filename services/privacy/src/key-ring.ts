import { randomBytes } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { KeyStore } from './key-store.ts';
import { decrypt, encrypt, randomOf } from './sealing.ts';

export interface DataKey {
  readonly kid: string;
  readonly key: Buffer;
}

export interface KeyRingOptions {
  /** Bytes of unwrapped key sets kept in memory for reading (a set of 1,024 keys is 32 KiB). */
  readonly cachedBytes?: number;
  /**
   * How long a set read from the store is trusted: another process may destroy keys of it meanwhile. Within this
   * process `destroy` drops it at once.
   */
  readonly cacheTtlMs?: number;
}

const KEY = 32;

/** A key's set and slot: `<set>:<slot>`, or a bare set id for a set of one (and for keys stored before sets). */
function slotOf(kid: string): { set: string; slot: number } {
  const colon = kid.indexOf(':');
  return colon < 0 ? { set: kid, slot: 0 } : { set: kid.slice(0, colon), slot: Number(kid.slice(colon + 1)) };
}

const isZero = (bytes: Buffer) => bytes.every((byte) => byte === 0);

/**
 * Hands out data keys for sealing and finds them again for opening. Keys are made in sets ahead of need, each set
 * wrapped as one message and stored before its first key is handed out, so sealing costs no key-store commit on
 * the write path and no value is ever sealed under a key that is not yet durable; reading a rebuild's keys back
 * costs one lookup and one unwrap per set. A handed-out key is used for one event's values of one data subject; a
 * key made but never used (the process stopped) stays in its set unused. A destroyed key's slot is zeroed and its
 * set wrapped again; a set without keys left is removed.
 */
export class KeyRing {
  readonly #store: KeyStore;
  readonly #wrapping: Buffer;
  readonly #sets: LRUCache<string, Buffer>;
  #pool: DataKey[] = [];
  #refilling: Promise<void> | undefined;

  constructor(store: KeyStore, wrappingKey: Buffer, options: KeyRingOptions = {}) {
    this.#store = store;
    this.#wrapping = wrappingKey;
    this.#sets = new LRUCache({
      maxSize: options.cachedBytes ?? 16 * 1024 * 1024,
      sizeCalculation: (keys) => keys.length,
      ttl: options.cacheTtlMs ?? 300_000,
    });
  }

  /** `count` fresh keys, each durable in the key store. */
  async fresh(count: number): Promise<DataKey[]> {
    for (;;) {
      const taken = this.take(count);
      if (taken) return taken;
      await this.#refill();
    }
  }

  /** `count` fresh durable keys if the pool holds them now (a refill starts when it runs low), else `undefined`. */
  take(count: number): DataKey[] | undefined {
    const enough = this.#pool.length >= count;
    // From the end: taking from the front would move the whole pool on every sealing.
    const taken = enough ? this.#pool.splice(this.#pool.length - count, count) : undefined;
    if (this.#pool.length < (this.#store.setSize * this.#store.setsPerAdd) / 4) this.#refill().catch(() => {});
    return taken;
  }

  /** Keys handed out but not used: the next sealing takes them first. */
  giveBack(keys: readonly DataKey[]): void {
    this.#pool.push(...keys);
  }

  /** The keys of these ids that still exist (unwrapped); destroyed ones are absent. */
  async find(kids: Iterable<string>): Promise<Map<string, Buffer>> {
    const found = new Map<string, Buffer>();
    const slots = new Map<string, { set: string; slot: number }>();
    const missing = new Set<string>();
    for (const kid of kids) {
      if (slots.has(kid)) continue;
      const at = slotOf(kid);
      slots.set(kid, at);
      if (!this.#sets.has(at.set)) missing.add(at.set);
    }
    const fetched = new Map<string, Buffer>();
    if (missing.size > 0) {
      for (const [set, wrapped] of await this.#store.get([...missing])) fetched.set(set, this.#unwrap(set, wrapped));
      for (const [set, keys] of fetched) this.#sets.set(set, keys);
    }
    for (const [kid, { set, slot }] of slots) {
      const keys = fetched.get(set) ?? this.#sets.get(set);
      const key = keys?.subarray(slot * KEY, (slot + 1) * KEY);
      if (key?.length === KEY && !isZero(key)) found.set(kid, key);
    }
    return found;
  }

  async destroy(kids: readonly string[]): Promise<void> {
    const slots = new Map<string, number[]>();
    for (const kid of kids) {
      const { set, slot } = slotOf(kid);
      slots.set(set, [...(slots.get(set) ?? []), slot]);
    }
    for (const [set, destroyed] of slots) {
      // The keys in memory go too (a cached set may be shared with keys still in the pool: only these slots).
      const cached = this.#sets.get(set);
      for (const slot of destroyed) cached?.fill(0, slot * KEY, (slot + 1) * KEY);
      this.#sets.delete(set);
    }
    await this.#store.destroy(slots, (set, wrapped, destroyed) => {
      const keys = this.#unwrap(set, wrapped);
      for (const slot of destroyed) keys.fill(0, slot * KEY, (slot + 1) * KEY);
      const rest = isZero(keys) ? undefined : encrypt(this.#wrapping, keys, set);
      keys.fill(0);
      return rest;
    });
  }

  async close(): Promise<void> {
    await this.#refilling?.catch(() => {});
    this.#sets.clear();
    await this.#store.close();
  }

  #unwrap(set: string, wrapped: Uint8Array): Buffer {
    const keys = decrypt(this.#wrapping, wrapped, set);
    if (!keys) throw new Error(`Data key set ${set} does not open with this master key (QINGMIAO_MASTER_KEY changed?)`);
    return keys;
  }

  /** Makes the store's batch of sets durable and pools their keys; one refill runs at a time. */
  #refill(): Promise<void> {
    if (this.#refilling) return this.#refilling;
    const { setSize, setsPerAdd } = this.#store;
    const sets = Array.from({ length: setsPerAdd }, () => ({
      id: randomOf(16).toString('base64url'),
      keys: randomBytes(setSize * KEY),
    }));
    const kidOf = (id: string, slot: number) => (setSize === 1 ? id : `${id}:${slot}`);
    this.#refilling = this.#store
      .add(sets.map(({ id, keys }) => ({ id, wrapped: encrypt(this.#wrapping, keys, id) })))
      .then(() => {
        const made: DataKey[] = [];
        for (const { id, keys } of sets.toReversed()) {
          // Cached at once: what is sealed now is usually read back soon (the command's own read model).
          this.#sets.set(id, keys);
          for (let slot = setSize - 1; slot >= 0; slot--) {
            made.push({ kid: kidOf(id, slot), key: keys.subarray(slot * KEY, (slot + 1) * KEY) });
          }
        }
        // Beneath the keys still pooled, which are taken first (from the end, in the order made).
        this.#pool = made.concat(this.#pool);
      })
      .finally(() => {
        this.#refilling = undefined;
      });
    return this.#refilling;
  }
}
