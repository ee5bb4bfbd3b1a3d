import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '@qingmiao/event-store';
import { type Actor, streams } from '@qingmiao/schema';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { accountIdFor } from '../src/accounts/credentials.ts';
import type { CommandMeta } from '../src/command-runner.ts';
import { Commands } from '../src/commands.ts';
import { Conflict, Forbidden, InvalidInput, NotFound } from '../src/errors.ts';

const meta = (actor: Actor): CommandMeta => ({ actor, correlationId: 'test' });
const asCli = meta({ sub: 'cli', role: 'organizer' });

let dir: string;
let stores: SqliteEventStore[];
/** Two Commands over one SQLite file: two processes, each with its own cache, racing for real. */
let first: Commands;
let second: Commands;
let store: SqliteEventStore;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'qingmiao-accounts-'));
  const path = join(dir, 'events.db');
  stores = [new SqliteEventStore({ path, pollIntervalMs: 10 }), new SqliteEventStore({ path, pollIntervalMs: 10 })];
  [store] = stores as [SqliteEventStore];
  first = new Commands(stores[0] as SqliteEventStore);
  second = new Commands(stores[1] as SqliteEventStore);
});

afterEach(async () => {
  await Promise.all(stores.map((s) => s.close()));
  rmSync(dir, { recursive: true, force: true });
});

const organizerInput = (login: string) => ({ login, displayName: '管理员', role: 'organizer', schoolId: null });

/** Settled results split into how many succeeded and what the failures were. */
async function race(promises: Promise<unknown>[]) {
  const settled = await Promise.allSettled(promises);
  return {
    fulfilled: settled.filter((result) => result.status === 'fulfilled').length,
    errors: settled.flatMap((result) => (result.status === 'rejected' ? [result.reason as unknown] : [])),
  };
}

describe('accounts through Commands on a real SQLite store', () => {
  it('normalises logins to lowercase and refuses anything but a slug or an e-mail address, naming the field', async () => {
    const { accountId } = await first.createAccount(organizerInput('  Zhang.Wei@Taicang.EDU.cn '), asCli);
    expect(accountId).toBe(accountIdFor('zhang.wei@taicang.edu.cn'));
    for (const login of ['张伟', 'a', 'has space', 'x@', '-dash-first']) {
      const error = await first.createAccount(organizerInput(login), asCli).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidInput);
      expect((error as InvalidInput).field).toBe('login');
    }
  });

  it('requires a registered school for school accounts and none for the others', async () => {
    const schoolAccount = { login: 'xinhua', displayName: '新华小学', role: 'school' };
    const missing = await first.createAccount(schoolAccount, asCli).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(InvalidInput);
    expect((missing as InvalidInput).field).toBe('schoolId');
    await expect(first.createAccount({ ...schoolAccount, schoolId: 'xinhua-primary' }, asCli)).rejects.toThrow(
      NotFound,
    );
    const judgeWithSchool = await first
      .createAccount({ login: 'judge-li', displayName: '李老师', role: 'judge', schoolId: 'xinhua-primary' }, asCli)
      .catch((e: unknown) => e);
    expect((judgeWithSchool as InvalidInput).field).toBe('schoolId');
    await first.registerSchool(
      { id: 'xinhua-primary', name: '新华小学', kind: 'PRIMARY', town: '城厢镇', private: false },
      asCli,
    );
    await first.createAccount({ ...schoolAccount, schoolId: 'xinhua-primary' }, asCli);
  });

  it('lets only organizers manage accounts', async () => {
    const viewer = meta({ sub: 'v', role: 'viewer' });
    await expect(first.createAccount(organizerInput('someone'), viewer)).rejects.toThrow(Forbidden);
    await expect(first.disableAccount({ login: 'someone' }, viewer)).rejects.toThrow(Forbidden);
    await expect(first.resetAccount({ login: 'someone' }, viewer)).rejects.toThrow(Forbidden);
  });

  it('of two concurrent creates of one login from two processes, exactly one succeeds; the other gets CONFLICT', async () => {
    const { fulfilled, errors } = await race([
      first.createAccount(organizerInput('wang'), asCli),
      second.createAccount({ login: 'WANG', displayName: '王', role: 'viewer' }, asCli),
    ]);
    expect(fulfilled).toBe(1);
    expect(errors).toEqual([expect.any(Conflict)]);
    expect(await store.readStream(streams.account(accountIdFor('wang')))).toHaveLength(1);
  });

  it('of two concurrent activations with one code, exactly one succeeds; a used code gets the one refusal', async () => {
    const { activationCode } = await first.createAccount(organizerInput('wang'), asCli);
    const activation = { login: 'wang', activationCode, password: 'correct horse battery' };
    const anonymous = meta({ sub: 'anonymous', role: 'viewer' });
    const { fulfilled, errors } = await race([
      first.activateAccount(activation, anonymous),
      second.activateAccount(activation, anonymous),
    ]);
    expect(fulfilled).toBe(1);
    expect(errors).toHaveLength(1);
    expect((errors[0] as InvalidInput).field).toBe('activationCode');
    const again = await first.activateAccount(activation, anonymous).catch((e: unknown) => e);
    const wrong = await first
      .activateAccount({ ...activation, login: 'li', activationCode: 'WRONGWRONG22' }, anonymous)
      .catch((e: unknown) => e);
    expect((again as Error).message).toBe((wrong as Error).message);
  });

  it('records neither the code nor the password: only their hashes, the password as argon2id', async () => {
    const { activationCode, accountId } = await first.createAccount(organizerInput('wang'), asCli);
    const password = 'correct horse battery';
    await first.activateAccount({ login: 'wang', activationCode, password }, asCli);
    const log = JSON.stringify((await store.readAll()).map(({ data, metadata }) => ({ data, metadata })));
    expect(log).not.toContain(activationCode);
    expect(log).not.toContain(password);
    const [, activated] = await store.readStream(streams.account(accountId));
    expect(activated?.data).toEqual({ accountId, passwordHash: expect.stringMatching(/^\$argon2id\$/) });
  });

  it('changes a password only with the current one', async () => {
    const { activationCode, accountId } = await first.createAccount(organizerInput('wang'), asCli);
    await first.activateAccount({ login: 'wang', activationCode, password: 'correct horse battery' }, asCli);
    const self = meta({ sub: accountId, role: 'organizer' });
    const wrong = await first
      .changePassword({ currentPassword: 'not the password', newPassword: 'another good one' }, self)
      .catch((e: unknown) => e);
    expect((wrong as InvalidInput).field).toBe('currentPassword');
    const weak = await first
      .changePassword({ currentPassword: 'correct horse battery', newPassword: 'wang' }, self)
      .catch((e: unknown) => e);
    expect((weak as InvalidInput).field).toBe('newPassword');
    await first.changePassword({ currentPassword: 'correct horse battery', newPassword: 'another good one' }, self);
    await expect(first.changePassword({ currentPassword: 'x', newPassword: 'y' }, asCli)).rejects.toThrow(Forbidden);
  });

  it('refuses to disable the last enabled organizer, also when two are disabled at once from two processes', async () => {
    await first.createAccount(organizerInput('wang'), asCli);
    await expect(first.disableAccount({ login: 'wang' }, asCli)).rejects.toThrow(Conflict);
    await second.createAccount(organizerInput('li'), asCli);
    const { fulfilled, errors } = await race([
      first.disableAccount({ login: 'wang' }, asCli),
      second.disableAccount({ login: 'li' }, asCli),
    ]);
    expect(fulfilled).toBe(1);
    expect(errors).toEqual([expect.any(Conflict)]);
    // Enabling the disabled one again makes the other one disableable.
    const disabledLogin = (await store.readStream(streams.account(accountIdFor('wang')))).some(
      (event) => event.type === 'AccountDisabled',
    )
      ? 'wang'
      : 'li';
    const otherLogin = disabledLogin === 'wang' ? 'li' : 'wang';
    await first.enableAccount({ login: disabledLogin }, asCli);
    await second.disableAccount({ login: otherLogin }, asCli);
  });

  it('disables non-organizers freely and refuses unknown logins', async () => {
    await first.createAccount(organizerInput('wang'), asCli);
    await first.createAccount({ login: 'judge-li', displayName: '李老师', role: 'judge' }, asCli);
    await first.disableAccount({ login: 'judge-li' }, asCli);
    await expect(first.disableAccount({ login: 'nobody' }, asCli)).rejects.toThrow(NotFound);
    await expect(first.enableAccount({ login: 'nobody' }, asCli)).rejects.toThrow(NotFound);
    await expect(first.resetAccount({ login: 'nobody' }, asCli)).rejects.toThrow(NotFound);
  });

  it('resets an account: the old password stops, a new code activates it again', async () => {
    const { activationCode } = await first.createAccount(organizerInput('wang'), asCli);
    await first.activateAccount({ login: 'wang', activationCode, password: 'correct horse battery' }, asCli);
    const reset = await first.resetAccount({ login: 'wang' }, asCli);
    expect(reset.activationCode).not.toBe(activationCode);
    await expect(
      first.activateAccount({ login: 'wang', activationCode, password: 'a brand new one' }, asCli),
    ).rejects.toThrow(InvalidInput);
    await second.activateAccount(
      { login: 'wang', activationCode: reset.activationCode, password: 'a brand new one' },
      asCli,
    );
  });
});
