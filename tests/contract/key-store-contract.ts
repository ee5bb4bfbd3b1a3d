import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { KeyStore, Rewrap, WrappedKeySet } from '@qingmiao/privacy';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

/** A place keys are kept (a file, a server), opened by as many stores as a test needs, like several processes. */
export interface KeyStorePlace {
  open(): KeyStore;
  /** The files the place keeps its bytes in now. */
  files(): string[];
  /** What an operator does after keys were destroyed before their bytes leave the disk (KurrentDB: a scavenge). */
  reclaim(): Promise<void>;
  cleanup(): Promise<void>;
}

/** Sets as the key ring wraps them (keys of 32 bytes, a nonce and a tag): the store only ever sees such bytes. */
const newSets = (store: KeyStore, count: number): WrappedKeySet[] =>
  Array.from({ length: count }, () => ({
    id: randomBytes(16).toString('base64url'),
    wrapped: randomBytes(store.setSize * 32 + 28),
  }));

/** A set's bytes as a store may write them: raw (a BLOB) or as base64 text (in JSON). */
const forms = (wrapped: Uint8Array) => [Buffer.from(wrapped), Buffer.from(Buffer.from(wrapped).toString('base64'))];
/**
 * Pieces of 48 bytes of every form: a large set is not contiguous in a file (SQLite spreads it over overflow
 * pages), but 48 random bytes are found nowhere else.
 */
const PIECE = 48;
const piecesOf = (wrapped: Uint8Array) =>
  forms(wrapped).flatMap((form) =>
    Array.from({ length: Math.floor(form.length / PIECE) }, (_, i) => form.subarray(i * PIECE, (i + 1) * PIECE)),
  );
/** Whether any piece of the set is in the file. */
const holds = (file: Buffer, wrapped: Uint8Array) => piecesOf(wrapped).some((piece) => file.includes(piece));

const bytesOf = (found: Map<string, Uint8Array>) => new Map([...found].map(([id, bytes]) => [id, Buffer.from(bytes)]));
const asMap = (sets: readonly WrappedKeySet[]) => new Map(sets.map(({ id, wrapped }) => [id, Buffer.from(wrapped)]));
const idsOf = (sets: readonly WrappedKeySet[]) => sets.map((set) => set.id);

/** Destruction of every key of these sets. */
const whole = (store: KeyStore, sets: readonly WrappedKeySet[]) =>
  new Map(sets.map(({ id }) => [id, Array.from({ length: store.setSize }, (_, slot) => slot)]));
/** What the key ring does when no key of a set is left. */
const nothingLeft: Rewrap = () => undefined;

/**
 * What every KeyStore must do, written only against the port: sets added are durable and found by any store on
 * the same place; destroyed keys are found by none (a set partly destroyed reads as rewrapped, a set without keys
 * is gone); destruction is idempotent; and once the operator reclaimed the space no file of the place holds the
 * old bytes of a set a destruction changed or removed.
 */
export function describeKeyStoreContract(name: string, place: () => Promise<KeyStorePlace>): void {
  describe(`KeyStore contract: ${name}`, () => {
    let at: KeyStorePlace;
    let opened: KeyStore[];
    const open = () => {
      const store = at.open();
      opened.push(store);
      return store;
    };

    beforeEach(async () => {
      at = await place();
      opened = [];
    });

    afterEach(async () => {
      await Promise.all(opened.map((store) => store.close()));
      await at.cleanup();
    });

    it('finds the sets it added, byte for byte, and only those that exist', async () => {
      const store = open();
      const sets = newSets(store, 3);
      await store.add(sets);
      const [unknown] = newSets(store, 1);
      const found = await store.get([...idsOf(sets), unknown?.id ?? '']);
      expect(bytesOf(found)).toEqual(asMap(sets));
      expect(await store.get([])).toEqual(new Map());
    });

    it('keeps what it acknowledged for another store on the same place (another process, a restart)', async () => {
      const writer = open();
      const sets = newSets(writer, 5);
      await writer.add(sets);
      await writer.close();
      expect(bytesOf(await open().get(idsOf(sets)))).toEqual(asMap(sets));
    });

    it('takes many sets at once and from concurrent callers, and finds them all in one call', async () => {
      const store = open();
      const batches = [newSets(store, 6), newSets(store, 3), newSets(store, 1), newSets(store, 2)];
      await Promise.all(batches.map((sets) => store.add(sets)));
      const all = batches.flat();
      expect(bytesOf(await open().get(idsOf(all)))).toEqual(asMap(all));
    });

    it('destroys whole sets for every store on the place, idempotently, leaving the others', async () => {
      const [store, other] = [open(), open()];
      const sets = newSets(store, 4);
      await store.add(sets);
      const [gone, kept] = [sets.slice(0, 2), sets.slice(2)];
      await store.destroy(whole(store, gone), nothingLeft);
      await store.destroy(whole(store, gone), nothingLeft);
      await store.destroy(whole(store, newSets(store, 1)), nothingLeft);
      for (const reader of [store, other, open()]) {
        expect(bytesOf(await reader.get(idsOf(sets)))).toEqual(asMap(kept));
      }
    });

    it('destroys some keys of a set: the set reads as rewrapped everywhere, or is gone when it held only those', async () => {
      const store = open();
      const [set, other] = newSets(store, 2);
      if (!set || !other) throw new Error('no set');
      await store.add([set, other]);
      const rewrapped = randomBytes(set.wrapped.length);
      const asked: { id: string; wrapped: Buffer; slots: readonly number[] }[] = [];
      await store.destroy(new Map([[set.id, [0]]]), (id, wrapped, slots) => {
        asked.push({ id, wrapped: Buffer.from(wrapped), slots });
        return rewrapped;
      });
      await store.close();
      const expected = store.setSize === 1 ? asMap([other]) : asMap([{ id: set.id, wrapped: rewrapped }, other]);
      expect(bytesOf(await open().get(idsOf([set, other])))).toEqual(expected);
      // A store of sets of one removes the set without asking; any other rewraps it from its current bytes.
      expect(asked).toEqual(store.setSize === 1 ? [] : [{ id: set.id, wrapped: Buffer.from(set.wrapped), slots: [0] }]);
    });

    it('leaves no byte of a destroyed or rewrapped set in its files once the space is reclaimed', async () => {
      const store = open();
      const sets = newSets(store, 6);
      await store.add(sets);
      const [gone, partly, kept] = sets;
      if (!gone || !partly || !kept) throw new Error('no set');
      const rewrapped = randomBytes(partly.wrapped.length);
      await store.destroy(whole(store, [gone]), nothingLeft);
      await store.destroy(new Map([[partly.id, [1 % store.setSize]]]), () => rewrapped);
      await at.reclaim();
      const files = at.files();
      expect(files.length).toBeGreaterThan(0);
      const contents = files.map((file) => readFileSync(file));
      for (const bytes of contents) {
        expect(holds(bytes, gone.wrapped)).toBe(false);
        expect(holds(bytes, partly.wrapped)).toBe(false);
      }
      // The files are the right ones: a kept set's bytes are there, and so is the rewrapped one (sets of several).
      expect(contents.some((bytes) => holds(bytes, kept.wrapped))).toBe(true);
      if (store.setSize > 1) expect(contents.some((bytes) => holds(bytes, rewrapped))).toBe(true);
    });
  });
}
