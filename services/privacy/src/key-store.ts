/**
 * Where data keys live: outside the log, so that destroying a key makes every copy of what it sealed (the log,
 * its backups, its exports, every replica) unreadable for good. Keys are kept in sets, each set wrapped (encrypted)
 * by the master key as one message, so that a store never sees a key in clear and making, storing and reading back
 * a thousand keys costs one wrap and one row instead of a thousand.
 */
export interface WrappedKeySet {
  /** A random id; a key of the set is named `<id>:<slot>` (a set of one key: just `<id>`). */
  readonly id: string;
  readonly wrapped: Uint8Array;
}

/**
 * The set's wrapped bytes with the keys in `slots` destroyed, or `undefined` when no key of it is left. Called by
 * the store with the set's current bytes while it holds the set against concurrent changes; synchronous, since the
 * store may call it inside a database transaction.
 */
export type Rewrap = (id: string, wrapped: Uint8Array, slots: readonly number[]) => Uint8Array | undefined;

export interface KeyStore {
  /**
   * Keys per set: many where destroying one key can rewrite its set's row in place (SQLite), one where destroying
   * a key means deleting everything stored under its id (a KurrentDB stream's hard delete).
   */
  readonly setSize: number;
  /** How many sets the key ring best adds at once: one add is one durable commit in SQLite, one write per set in KurrentDB. */
  readonly setsPerAdd: number;
  /** Stores new sets; resolves only once they are durable (a value is never sealed with a key that could be lost). */
  add(sets: readonly WrappedKeySet[]): Promise<void>;
  /** The wrapped sets of these ids that exist; a removed or unknown id is simply absent. */
  get(ids: readonly string[]): Promise<Map<string, Uint8Array>>;
  /**
   * Destroys the keys in the given slots of each set for good: the set is rewritten by `rewrap`, or removed when
   * `rewrap` leaves nothing of it (a store of sets of one removes them without asking). No later `get` (nor this
   * store's files) yields the old bytes. Idempotent; unknown sets are skipped.
   */
  destroy(slots: ReadonlyMap<string, readonly number[]>, rewrap: Rewrap): Promise<void>;
  close(): Promise<void>;
}
