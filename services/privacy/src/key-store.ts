/**
 * Where data keys live: outside the log, so that destroying a key makes every copy of what it sealed (the log,
 * its backups, its exports, every replica) unreadable for good. Keys are stored wrapped by the master key; a store
 * never sees a key in clear.
 */
export interface WrappedKey {
  /** A random id, carried in clear next to every value the key sealed. */
  readonly kid: string;
  readonly wrapped: Uint8Array;
}

export interface KeyStore {
  /**
   * How many keys the key ring best asks for at once: many where an add costs one durable commit however many keys
   * it holds (SQLite), fewer where every key is its own write (KurrentDB).
   */
  readonly batchSize: number;
  /** Stores new keys; resolves only once they are durable (a value is never sealed with a key that could be lost). */
  add(keys: readonly WrappedKey[]): Promise<void>;
  /** The keys of these ids that exist; a destroyed or unknown id is simply absent. */
  get(kids: readonly string[]): Promise<Map<string, Uint8Array>>;
  /** Destroys these keys for good: no later `get` (nor this store's files) yields them. Idempotent. */
  destroy(kids: readonly string[]): Promise<void>;
  close(): Promise<void>;
}
