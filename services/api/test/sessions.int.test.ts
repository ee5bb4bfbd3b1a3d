import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SessionStore } from '../src/sessions.ts';

const DAY = 24 * 60 * 60 * 1000;
const T0 = new Date('2022-06-01T00:00:00.000Z');
const at = (days: number) => new Date(T0.getTime() + days * DAY);

let dir: string;
let stores: SessionStore[];
const open = () => {
  const store = new SessionStore(join(dir, 'sessions.db'));
  stores.push(store);
  return store;
};

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'qingmiao-sessions-'));
  stores = [];
});

afterEach(() => {
  for (const store of stores) store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the session store (SQLite file in the data dir)', () => {
  it('keeps refresh tokens only as SHA-256', () => {
    const store = open();
    const { refreshToken } = store.start('account-1', T0);
    const db = new Database(join(dir, 'sessions.db'), { readonly: true });
    const dump = JSON.stringify(db.prepare('SELECT * FROM refresh_tokens').all());
    db.close();
    expect(dump).not.toContain(refreshToken);
    expect(refreshToken).toMatch(/^[\w-]{43}$/);
  });

  it('rotates a token once; the old one presented again revokes the session', () => {
    const store = open();
    const { session, refreshToken } = store.start('account-1', T0);
    const next = store.rotate(refreshToken, at(1));
    expect(next).toMatchObject({ kind: 'rotated', session: { id: session.id, accountId: 'account-1' } });
    expect(store.rotate(refreshToken, at(1))).toMatchObject({ kind: 'reused', session: { id: session.id } });
    expect(store.live(session.id, at(1))).toBeUndefined();
    if (next.kind !== 'rotated') throw new Error('not rotated');
    expect(store.rotate(next.refreshToken, at(1))).toEqual({ kind: 'unknown' });
  });

  it('ends a session after 14 days without a refresh, and after 30 days whatever happens', () => {
    const store = open();
    const idle = store.start('account-1', T0);
    expect(store.rotate(idle.refreshToken, at(14.01))).toEqual({ kind: 'unknown' });

    let { refreshToken } = store.start('account-2', T0);
    for (const day of [10, 20, 29]) {
      const rotation = store.rotate(refreshToken, at(day));
      if (rotation.kind !== 'rotated') throw new Error(`not rotated on day ${day}`);
      ({ refreshToken } = rotation);
    }
    expect(store.rotate(refreshToken, at(30.01))).toEqual({ kind: 'unknown' });
  });

  it('lets one of two connections to the file rotate a token; the other then sees it reused', () => {
    const [first, second] = [open(), open()];
    const { refreshToken } = first.start('account-1', T0);
    const kinds = [first.rotate(refreshToken, at(1)).kind, second.rotate(refreshToken, at(1)).kind];
    expect(kinds).toEqual(['rotated', 'reused']);
  });

  it('revokes and finds the session of a token, for signing out', () => {
    const store = open();
    const { session, refreshToken } = store.start('account-1', T0);
    expect(store.sessionOf(refreshToken)).toBe(session.id);
    store.revoke(session.id, at(1));
    expect(store.live(session.id, at(1))).toBeUndefined();
    expect(store.rotate(refreshToken, at(1))).toEqual({ kind: 'unknown' });
  });
});
