import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { KeyStore, WrappedKey } from '@qingmiao/privacy';
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

const newKeys = (count: number): WrappedKey[] =>
  Array.from({ length: count }, () => ({ kid: randomBytes(16).toString('base64url'), wrapped: randomBytes(60) }));

/** A key's bytes as a store may write them: raw (a BLOB) or as base64 text (in JSON). */
const forms = (wrapped: Uint8Array) => [Buffer.from(wrapped), Buffer.from(Buffer.from(wrapped).toString('base64'))];
const holds = (file: Buffer, wrapped: Uint8Array) => forms(wrapped).some((form) => file.includes(form));

const bytesOf = (found: Map<string, Uint8Array>) =>
  new Map([...found].map(([kid, bytes]) => [kid, Buffer.from(bytes)]));
const asMap = (keys: readonly WrappedKey[]) => new Map(keys.map(({ kid, wrapped }) => [kid, Buffer.from(wrapped)]));

/**
 * What every KeyStore must do, written only against the port: keys added are durable and found by any store on
 * the same place, destroyed keys are found by none, destruction is idempotent, and once the operator reclaimed the
 * space no file of the place holds a destroyed key's bytes.
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

    it('finds the keys it added, byte for byte, and only those that exist', async () => {
      const store = open();
      const keys = newKeys(3);
      await store.add(keys);
      const [unknown] = newKeys(1);
      const found = await store.get([...keys.map((key) => key.kid), unknown?.kid ?? '']);
      expect(bytesOf(found)).toEqual(asMap(keys));
      expect(await store.get([])).toEqual(new Map());
    });

    it('keeps what it acknowledged for another store on the same place (another process, a restart)', async () => {
      const keys = newKeys(5);
      const writer = open();
      await writer.add(keys);
      await writer.close();
      expect(bytesOf(await open().get(keys.map((key) => key.kid)))).toEqual(asMap(keys));
    });

    it('takes many keys at once and from concurrent callers, and finds them all in one call', async () => {
      const store = open();
      const batches = [newKeys(300), newKeys(120), newKeys(1), newKeys(100)];
      await Promise.all(batches.map((keys) => store.add(keys)));
      const all = batches.flat();
      expect(bytesOf(await open().get(all.map((key) => key.kid)))).toEqual(asMap(all));
    });

    it('destroys keys for every store on the place, idempotently, leaving the others', async () => {
      const [store, other] = [open(), open()];
      const keys = newKeys(4);
      await store.add(keys);
      const [gone, kept] = [keys.slice(0, 2), keys.slice(2)];
      await store.destroy(gone.map((key) => key.kid));
      await store.destroy(gone.map((key) => key.kid));
      await store.destroy(newKeys(1).map((key) => key.kid));
      for (const reader of [store, other, open()]) {
        expect(bytesOf(await reader.get(keys.map((key) => key.kid)))).toEqual(asMap(kept));
      }
    });

    it('leaves no byte of a destroyed key in its files once the space is reclaimed', async () => {
      const store = open();
      const keys = newKeys(20);
      await store.add(keys);
      const [gone] = keys;
      if (!gone) throw new Error('no key');
      await store.destroy([gone.kid]);
      await at.reclaim();
      const files = at.files();
      expect(files.length).toBeGreaterThan(0);
      const contents = files.map((file) => readFileSync(file));
      for (const bytes of contents) expect(holds(bytes, gone.wrapped)).toBe(false);
      // The files are the right ones: a kept key's bytes are there.
      const kept = keys.at(-1);
      expect(contents.some((bytes) => kept && holds(bytes, kept.wrapped))).toBe(true);
    });
  });
}
