import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KeyRing } from '../src/key-ring.ts';
import { encrypt } from '../src/sealing.ts';
import { SqliteKeyStore } from '../src/sqlite-key-store.ts';

let dir: string;
let rings: KeyRing[];
const wrapping = randomBytes(32);
const file = () => join(dir, 'keys.db');
const open = () => {
  const ring = new KeyRing(new SqliteKeyStore(file()), wrapping);
  rings.push(ring);
  return ring;
};
/** The wrapped bytes of a set as keys.db holds them now. */
const storedSet = async (id: string) => {
  const store = new SqliteKeyStore(file());
  try {
    return (await store.get([id])).get(id);
  } finally {
    await store.close();
  }
};
/** Whether any 48-byte piece of `bytes` is in a file of keys.db (a set spans several pages). */
const onDisk = (wrapped: Uint8Array) => {
  const bytes = Buffer.from(wrapped);
  const files = readdirSync(dir).map((name) => readFileSync(join(dir, name)));
  const pieces = Array.from({ length: Math.floor(bytes.length / 48) }, (_, i) => bytes.subarray(i * 48, i * 48 + 48));
  return pieces.some((piece) => files.some((content) => content.includes(piece)));
};

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'qingmiao-key-ring-'));
  rings = [];
});
afterEach(async () => {
  for (const ring of rings) await ring.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the key ring on keys.db', () => {
  it('hands out keys of one set, stored as one row, found again after a restart', async () => {
    const keys = await open().fresh(3);
    const sets = new Set(keys.map((key) => key.kid.split(':')[0]));
    expect(sets.size).toBe(1);
    const found = await open().find(keys.map((key) => key.kid));
    expect([...found]).toEqual(keys.map((key) => [key.kid, key.key]));
  });

  it('destroys some keys of a set: the others still open after a restart, the old set is nowhere in keys.db', async () => {
    const ring = open();
    const [gone, kept, other] = await ring.fresh(3);
    if (!gone || !kept || !other) throw new Error('no keys');
    const id = gone.kid.split(':')[0] as string;
    const before = await storedSet(id);
    if (!before) throw new Error('set not stored');
    await ring.destroy([gone.kid]);
    await ring.close();

    const reopened = open();
    const found = await reopened.find([gone.kid, kept.kid, other.kid]);
    expect([...found.keys()]).toEqual([kept.kid, other.kid]);
    expect(found.get(kept.kid)).toEqual(kept.key);
    expect(onDisk(before)).toBe(false);
    expect(onDisk((await storedSet(id)) ?? Buffer.alloc(0))).toBe(true);
  });

  it('removes a set once every key of it is destroyed', async () => {
    const ring = open();
    const sizer = new SqliteKeyStore(join(dir, 'size.db'));
    await sizer.close();
    const keys = await ring.fresh(sizer.setSize);
    const id = keys[0]?.kid.split(':')[0] as string;
    expect(new Set(keys.map((key) => key.kid.split(':')[0]))).toEqual(new Set([id]));
    await ring.destroy(keys.slice(1).map((key) => key.kid));
    expect(await storedSet(id)).toBeDefined();
    await ring.destroy(keys.slice(0, 2).map((key) => key.kid));
    expect(await storedSet(id)).toBeUndefined();
    expect((await ring.find(keys.map((key) => key.kid))).size).toBe(0);
  });

  it('opens and destroys a key stored before sets existed (a row of one key under its bare id)', async () => {
    const store = new SqliteKeyStore(file());
    const key = randomBytes(32);
    const kid = randomBytes(16).toString('base64url');
    await store.add([{ id: kid, wrapped: encrypt(wrapping, key, kid) }]);
    await store.close();
    const ring = open();
    expect((await ring.find([kid])).get(kid)).toEqual(key);
    await ring.destroy([kid]);
    expect(await storedSet(kid)).toBeUndefined();
    expect((await open().find([kid])).size).toBe(0);
  });

  it('refuses to open keys under another master key, naming the master key', async () => {
    const [key] = await open().fresh(1);
    const stranger = new KeyRing(new SqliteKeyStore(file()), randomBytes(32));
    rings.push(stranger);
    await expect(stranger.find([key?.kid ?? ''])).rejects.toThrow(/QINGMIAO_MASTER_KEY/);
  });
});
