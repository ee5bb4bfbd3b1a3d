import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, startServer } from '@qingmiao/api';
import { graphql } from '@qingmiao/schema/graphql';
import { CookieJar } from 'tough-cookie';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli-process.ts';
import { codeOf, dataOf, type GraphQLResult, postGraphQL } from '../support/graphql-http.ts';
import { SECRET, startTestServer, type TestServer } from '../support/in-process-server.ts';
import { ROOT } from '../support/server-process.ts';

/** Accounts and sessions over real HTTP, each person's browser a cookie jar. */
let server: TestServer;
/** A service token (`qingmiao token`, no `sid`): it keeps working beside sessions. */
let office: string;

beforeAll(async () => {
  server = await startTestServer();
  office = await server.token('organizer', { sub: 'office' });
});

afterAll(() => server.stop());

const CREATE = graphql(`
  mutation CreateAccount($input: CreateAccountInput!) {
    createAccount(input: $input) { activationCode account { id login displayName role schoolId status } }
  }
`);
const ACTIVATE = graphql(`
  mutation Activate($input: ActivateAccountInput!) {
    activateAccount(input: $input) { accessToken expiresAt account { id login role status } }
  }
`);
const SIGN_IN = graphql(`
  mutation SignIn($input: SignInInput!) { signIn(input: $input) { accessToken expiresAt account { id login } } }
`);
const REFRESH = graphql(`mutation Refresh { refreshSession { accessToken expiresAt account { id } } }`);
const SIGN_OUT = graphql(`mutation SignOut { signOut }`);
const CHANGE_PASSWORD = graphql(`
  mutation ChangePassword($input: ChangePasswordInput!) { changePassword(input: $input) { login } }
`);
const ME = graphql(`query Me { me { id login displayName role schoolId status } }`);
const SCHOOLS = graphql(`query Schools { schools { id } }`);
const DISABLE = graphql(`mutation Disable($input: DisableAccountInput!) { disableAccount(input: $input) { status } }`);
const ENABLE = graphql(`mutation Enable($input: EnableAccountInput!) { enableAccount(input: $input) { status } }`);
const RESET = graphql(`
  mutation Reset($input: ResetAccountInput!) { resetAccount(input: $input) { activationCode account { status } } }
`);
const ACCOUNTS = graphql(`
  query Accounts($role: Role, $schoolId: ID) { accounts(role: $role, schoolId: $schoolId) { login role status } }
`);

const PASSWORD = 'qingmiao-2022-spring';

async function createAccount(login: string, role: 'organizer' | 'viewer' | 'judge' = 'viewer') {
  const answer = await server.graphql(CREATE, { input: { login, displayName: '周主任', role } }, office);
  return dataOf(answer).createAccount;
}

const activate = (jar: CookieJar, login: string, activationCode: string, password = PASSWORD) =>
  server.graphql(ACTIVATE, { input: { login, activationCode, password } }, undefined, { cookies: jar });

const fieldOf = (answer: GraphQLResult<unknown>) => answer.errors?.[0]?.extensions?.field;
const endpoint = () => `${server.url}/graphql`;

/** A copy of a jar, as a thief who copied the cookie would hold it. */
const copyOf = (jar: CookieJar) => CookieJar.deserialize(jar.serializeSync() ?? { cookies: [] });

describe('an account from creation to sign-out, in a browser', () => {
  it('creates, activates, refreshes with rotation, detects reuse, signs in and out', async () => {
    const login = `zhou-${randomUUID().slice(0, 8)}`;
    const created = await createAccount(login.toUpperCase());
    expect(created.account).toMatchObject({ login, role: 'viewer', schoolId: null, status: 'PENDING' });
    expect(created.activationCode).toMatch(/^[2-9A-HJKMNP-Z]{12}$/);

    const browser = new CookieJar();
    const session = dataOf(await activate(browser, login, created.activationCode)).activateAccount;
    expect(session.account).toEqual({ id: created.account.id, login, role: 'viewer', status: 'ACTIVE' });
    const lifetime = Date.parse(session.expiresAt) - Date.now();
    expect(lifetime).toBeGreaterThan(14 * 60_000);
    expect(lifetime).toBeLessThanOrEqual(15 * 60_000);

    // The refresh cookie: httpOnly, SameSite=Strict, only for the GraphQL endpoint, not Secure outside production.
    const [cookie, ...others] = await browser.getCookies(endpoint());
    expect(others).toEqual([]);
    expect(cookie).toMatchObject({ key: 'qingmiao_refresh', httpOnly: true, sameSite: 'strict', path: '/graphql' });
    expect(cookie?.secure).toBe(false);
    expect(cookie?.value).toMatch(/^[\w-]{43}$/);
    expect(await browser.getCookieString(`${server.url}/reports/participation.xlsx`)).toBe('');

    // The access token speaks for the account: sub = account id, with a session id.
    const claims = JSON.parse(Buffer.from(session.accessToken.split('.')[1] ?? '', 'base64url').toString());
    expect(claims).toMatchObject({ sub: created.account.id, role: 'viewer', sid: expect.any(String) });
    expect(dataOf(await server.graphql(ME, {}, session.accessToken)).me).toMatchObject({ login, status: 'ACTIVE' });

    // Refresh rotates the cookie; the copy taken before is now a used token.
    const stolen = await copyOf(browser);
    const refreshed = dataOf(await server.graphql(REFRESH, {}, undefined, { cookies: browser })).refreshSession;
    expect(refreshed.account.id).toBe(created.account.id);
    const [rotated] = await browser.getCookies(endpoint());
    expect(rotated?.value).not.toBe(cookie?.value);
    expect(dataOf(await server.graphql(ME, {}, refreshed.accessToken)).me?.login).toBe(login);

    // Presenting the used token revokes the whole session: the browser's fresh cookie and access token too.
    const reuse = await server.graphql(REFRESH, {}, undefined, { cookies: stolen });
    expect(codeOf(reuse)).toBe('UNAUTHENTICATED');
    expect(reuse.errors?.[0]?.message).toContain('already used');
    expect(codeOf(await server.graphql(REFRESH, {}, undefined, { cookies: browser }))).toBe('UNAUTHENTICATED');
    const cut = await server.graphql(ME, {}, refreshed.accessToken);
    expect(cut.status).toBe(401);
    expect(codeOf(cut)).toBe('UNAUTHENTICATED');
    // Signing out still works with the dead token left in the header, and clears the cookie.
    expect(dataOf(await server.graphql(SIGN_OUT, {}, refreshed.accessToken, { cookies: browser })).signOut).toBe(true);
    expect(await browser.getCookies(endpoint())).toEqual([]);

    // Signing in again starts a new session; signing out ends it, cookie and access token alike.
    const again = new CookieJar();
    const signedIn = dataOf(
      await server.graphql(SIGN_IN, { input: { login, password: PASSWORD } }, undefined, { cookies: again }),
    ).signIn;
    expect(dataOf(await server.graphql(ME, {}, signedIn.accessToken)).me?.login).toBe(login);
    expect(dataOf(await server.graphql(SIGN_OUT, {}, signedIn.accessToken, { cookies: again })).signOut).toBe(true);
    expect(await again.getCookies(endpoint())).toEqual([]);
    expect(codeOf(await server.graphql(ME, {}, signedIn.accessToken))).toBe('UNAUTHENTICATED');
  });

  it('refuses a wrong password and an unknown login with one message', async () => {
    const login = `li-${randomUUID().slice(0, 8)}`;
    const { activationCode } = await createAccount(login);
    dataOf(await activate(new CookieJar(), login, activationCode));
    const wrong = await server.graphql(SIGN_IN, { input: { login, password: 'not the password' } });
    const unknown = await server.graphql(SIGN_IN, { input: { login: `${login}-x`, password: PASSWORD } });
    const malformed = await server.graphql(SIGN_IN, { input: { login: '你好', password: PASSWORD } });
    for (const answer of [wrong, unknown, malformed]) {
      expect(codeOf(answer)).toBe('UNAUTHENTICATED');
      expect(answer.errors?.[0]?.message).toBe('Wrong login or password');
    }
    expect(JSON.stringify([wrong, unknown])).not.toContain('not the password');
  });

  it('cuts a live access token at once when the account is disabled, and keeps it cut after enabling', async () => {
    const login = `wu-${randomUUID().slice(0, 8)}`;
    const { activationCode } = await createAccount(login);
    const browser = new CookieJar();
    const { accessToken } = dataOf(await activate(browser, login, activationCode)).activateAccount;
    // Warm the verified-token cache and the response cache with this token.
    for (let i = 0; i < 2; i++) dataOf(await server.graphql(SCHOOLS, {}, accessToken));

    expect(dataOf(await server.graphql(DISABLE, { input: { login } }, office)).disableAccount.status).toBe('DISABLED');
    for (const answer of [await server.graphql(SCHOOLS, {}, accessToken), await server.graphql(ME, {}, accessToken)]) {
      expect(answer.status).toBe(401);
      expect(codeOf(answer)).toBe('UNAUTHENTICATED');
    }
    expect(codeOf(await server.graphql(REFRESH, {}, undefined, { cookies: browser }))).toBe('UNAUTHENTICATED');
    expect(codeOf(await server.graphql(SIGN_IN, { input: { login, password: PASSWORD } }))).toBe('UNAUTHENTICATED');

    // Enabled again: the account signs in anew, the sessions from before the disable stay ended.
    expect(dataOf(await server.graphql(ENABLE, { input: { login } }, office)).enableAccount.status).toBe('ACTIVE');
    expect(codeOf(await server.graphql(SCHOOLS, {}, accessToken))).toBe('UNAUTHENTICATED');
    dataOf(await server.graphql(SIGN_IN, { input: { login, password: PASSWORD } }));
  });

  it("changing the password ends the account's other sessions, not the one that changed it", async () => {
    const login = `wu-${randomUUID().slice(0, 8)}`;
    const { activationCode } = await createAccount(login);
    const phone = new CookieJar();
    const mine = dataOf(await activate(phone, login, activationCode)).activateAccount;
    const laptop = new CookieJar();
    const other = dataOf(
      await server.graphql(SIGN_IN, { input: { login, password: PASSWORD } }, undefined, { cookies: laptop }),
    ).signIn;

    const newPassword = 'qingmiao-2022-autumn';
    const changed = await server.graphql(
      CHANGE_PASSWORD,
      { input: { currentPassword: PASSWORD, newPassword } },
      mine.accessToken,
    );
    expect(dataOf(changed).changePassword.login).toBe(login);

    expect(codeOf(await server.graphql(ME, {}, other.accessToken))).toBe('UNAUTHENTICATED');
    expect(codeOf(await server.graphql(REFRESH, {}, undefined, { cookies: laptop }))).toBe('UNAUTHENTICATED');
    expect(dataOf(await server.graphql(ME, {}, mine.accessToken)).me?.login).toBe(login);
    expect(dataOf(await server.graphql(REFRESH, {}, undefined, { cookies: phone })).refreshSession.account.id).toBe(
      mine.account.id,
    );
    const signIn = (password: string) => server.graphql(SIGN_IN, { input: { login, password } });
    expect(codeOf(await signIn(PASSWORD))).toBe('UNAUTHENTICATED');
    expect(dataOf(await signIn(newPassword)).signIn.account.login).toBe(login);
  });

  it('resets an account: sessions and password end, the new code activates it again, the old one does not', async () => {
    const login = `sun-${randomUUID().slice(0, 8)}@taicang.edu.cn`;
    const { activationCode } = await createAccount(login);
    const { accessToken } = dataOf(await activate(new CookieJar(), login, activationCode)).activateAccount;

    const reset = dataOf(await server.graphql(RESET, { input: { login } }, office)).resetAccount;
    expect(reset.account.status).toBe('PENDING');
    expect(reset.activationCode).not.toBe(activationCode);
    expect(codeOf(await server.graphql(ME, {}, accessToken))).toBe('UNAUTHENTICATED');
    expect(codeOf(await server.graphql(SIGN_IN, { input: { login, password: PASSWORD } }))).toBe('UNAUTHENTICATED');

    const old = await activate(new CookieJar(), login, activationCode, 'another-password-1');
    expect([codeOf(old), fieldOf(old)]).toEqual(['BAD_USER_INPUT', 'activationCode']);
    const session = dataOf(await activate(new CookieJar(), login, reset.activationCode, 'another-password-1'));
    expect(dataOf(await server.graphql(ME, {}, session.activateAccount.accessToken)).me?.status).toBe('ACTIVE');
    expect(codeOf(await server.graphql(ME, {}, accessToken))).toBe('UNAUTHENTICATED');
  });
});

describe('sign-in throttling and the access log', () => {
  const LOG = graphql(`
    query AccessLog($from: DateTime!, $to: DateTime!, $actor: String) {
      accessLog(from: $from, to: $to, actor: $actor) { actor action address }
    }
  `);
  const actionsOf = async (actor: string, from: Date) => {
    const to = new Date(Date.now() + 60_000).toISOString();
    const answer = await server.graphql(LOG, { from: from.toISOString(), to, actor }, office);
    return dataOf(answer).accessLog.map((entry) => entry.action);
  };

  it('records sign-in, failed sign-in, sign-out and refresh reuse, who and from where', async () => {
    const from = new Date(Date.now() - 1000);
    const login = `wu-${randomUUID().slice(0, 8)}`;
    const { account, activationCode } = await createAccount(login);
    const browser = new CookieJar();
    dataOf(await activate(browser, login, activationCode));
    expect(codeOf(await server.graphql(SIGN_IN, { input: { login, password: 'not the password' } }))).toBe(
      'UNAUTHENTICATED',
    );
    const stolen = await copyOf(browser);
    dataOf(await server.graphql(REFRESH, {}, undefined, { cookies: browser }));
    expect(codeOf(await server.graphql(REFRESH, {}, undefined, { cookies: stolen }))).toBe('UNAUTHENTICATED');
    const again = new CookieJar();
    const signedIn = dataOf(
      await server.graphql(SIGN_IN, { input: { login, password: PASSWORD } }, undefined, { cookies: again }),
    ).signIn;
    dataOf(await server.graphql(SIGN_OUT, {}, signedIn.accessToken, { cookies: again }));

    // Newest first; the failed attempt is the login's, the rest the account's.
    expect(await actionsOf(account.id, from)).toEqual(['SIGN_OUT', 'SIGN_IN', 'REFRESH_REUSE_DETECTED', 'SIGN_IN']);
    expect(await actionsOf(login, from)).toEqual(['SIGN_IN_FAILED']);
    const to = new Date(Date.now() + 60_000).toISOString();
    const entries = dataOf(await server.graphql(LOG, { from: from.toISOString(), to, actor: account.id }, office));
    expect(new Set(entries.accessLog.map((entry) => entry.address))).toEqual(new Set(['127.0.0.1']));
  });

  it('locks a login for 15 minutes after five failures, the right password included, whether it exists or not', async () => {
    const login = `zheng-${randomUUID().slice(0, 8)}`;
    const { activationCode } = await createAccount(login);
    dataOf(await activate(new CookieJar(), login, activationCode));
    const attempt = (password: string, who = login) => server.graphql(SIGN_IN, { input: { login: who, password } });
    for (let i = 0; i < 5; i++) expect(codeOf(await attempt(`wrong-${i}-password`))).toBe('UNAUTHENTICATED');
    const locked = await attempt(PASSWORD);
    expect(codeOf(locked)).toBe('TOO_MANY_ATTEMPTS');
    expect(locked.status).toBe(429);
    // Another spelling of the same login is the same login.
    expect(codeOf(await attempt(PASSWORD, login.toUpperCase()))).toBe('TOO_MANY_ATTEMPTS');
    const nobody = `nobody-${randomUUID().slice(0, 8)}`;
    for (let i = 0; i < 5; i++) await attempt(`wrong-${i}-password`, nobody);
    expect(codeOf(await attempt(PASSWORD, nobody))).toBe('TOO_MANY_ATTEMPTS');
  });
});

describe('refusals', () => {
  it('names the field: a weak password, a bad login, a school account without a school, an unknown school', async () => {
    const login = `weak-${randomUUID().slice(0, 8)}`;
    const { activationCode } = await createAccount(login);
    for (const password of ['short', login]) {
      const answer = await activate(new CookieJar(), login, activationCode, password);
      expect([codeOf(answer), fieldOf(answer)]).toEqual(['BAD_USER_INPUT', 'password']);
    }
    const cases = [
      [{ login: 'has space', displayName: '某', role: 'viewer' as const }, 'BAD_USER_INPUT', 'login'],
      [
        { login: `s-${randomUUID().slice(0, 8)}`, displayName: '某', role: 'school' as const },
        'BAD_USER_INPUT',
        'schoolId',
      ],
      [
        { login: `s-${randomUUID().slice(0, 8)}`, displayName: '某', role: 'school' as const, schoolId: 'no-such' },
        'NOT_FOUND',
        undefined,
      ],
    ] as const;
    for (const [input, code, field] of cases) {
      const answer = await server.graphql(CREATE, { input }, office);
      expect([codeOf(answer), fieldOf(answer)]).toEqual([code, field]);
    }

    // With its school registered, the school account is created and listed under the school.
    const schoolId = `school-${randomUUID().slice(0, 8)}`;
    const register = graphql(
      `mutation Register($input: RegisterSchoolInput!) { registerSchool(input: $input) { id } }`,
    );
    dataOf(
      await server.graphql(
        register,
        { input: { id: schoolId, name: '新华小学', kind: 'PRIMARY', town: '城厢镇' } },
        office,
      ),
    );
    const contact = `contact-${randomUUID().slice(0, 8)}`;
    const school = dataOf(
      await server.graphql(
        CREATE,
        { input: { login: contact, displayName: '联络员', role: 'school', schoolId } },
        office,
      ),
    ).createAccount.account;
    expect(school).toMatchObject({ login: contact, role: 'school', schoolId });
    const listed = dataOf(await server.graphql(ACCOUNTS, { schoolId }, office)).accounts;
    expect(listed).toEqual([{ login: contact, role: 'school', status: 'PENDING' }]);
  });

  it('keeps accounts to organizers, and needs a token for everything but the session mutations', async () => {
    const viewer = await server.token('viewer', { sub: 'leader' });
    expect(codeOf(await server.graphql(ACCOUNTS, {}, viewer))).toBe('FORBIDDEN');
    const create = await server.graphql(
      CREATE,
      { input: { login: 'x-viewer', displayName: '某', role: 'viewer' } },
      viewer,
    );
    expect(codeOf(create)).toBe('FORBIDDEN');
    expect(dataOf(await server.graphql(ME, {}, viewer)).me).toBeNull();
    expect(codeOf(await server.graphql(SCHOOLS))).toBe('UNAUTHENTICATED');
    const mixed = graphql(
      `mutation Mixed { signOut registerSchool(input: { name: "x", kind: PRIMARY, town: "y" }) { id } }`,
    );
    expect(codeOf(await server.graphql(mixed))).toBe('UNAUTHENTICATED');
    const sdl = readFileSync(join(ROOT, 'schema/schema.graphql'), 'utf8');
    expect(sdl).not.toMatch(/passwordHash|codeHash/);
  });

  it('refuses to disable the last enabled organizer', async () => {
    const login = `head-${randomUUID().slice(0, 8)}`;
    await createAccount(login, 'organizer');
    const { accounts } = dataOf(await server.graphql(ACCOUNTS, { role: 'organizer' }, office));
    expect(accounts.map((a) => a.login)).toContain(login);
    expect(accounts.every((a) => a.role === 'organizer')).toBe(true);
    // Earlier tests may have made organizers; disable all but this one, then this one.
    for (const other of accounts.filter((a) => a.login !== login && a.status !== 'DISABLED')) {
      dataOf(await server.graphql(DISABLE, { input: { login: other.login } }, office));
    }
    expect(codeOf(await server.graphql(DISABLE, { input: { login } }, office))).toBe('CONFLICT');
  });
});

describe('concurrency', () => {
  it('two concurrent creates of one login: exactly one succeeds, the other is CONFLICT', async () => {
    const login = `twin-${randomUUID().slice(0, 8)}`;
    const input = { login, displayName: '某', role: 'judge' as const };
    const answers = await Promise.all([1, 2, 3].map(() => server.graphql(CREATE, { input }, office)));
    expect(answers.map(codeOf).sort()).toEqual(['CONFLICT', 'CONFLICT', 'OK']);
  });

  it('two concurrent activations with one code: exactly one session', async () => {
    const login = `pair-${randomUUID().slice(0, 8)}`;
    const { activationCode } = await createAccount(login);
    const answers = await Promise.all([1, 2].map(() => activate(new CookieJar(), login, activationCode)));
    expect(answers.map((a) => `${codeOf(a)}:${fieldOf(a) ?? ''}`).sort()).toEqual([
      'BAD_USER_INPUT:activationCode',
      'OK:',
    ]);
  });
});

describe('qingmiao account create', () => {
  it('prints an activation code while the server runs on the same data directory; the code works over HTTP', async () => {
    const login = `first-${randomUUID().slice(0, 8)}`;
    const result = await runCli(['account', 'create', '--login', login, '--name', '办公室', '--role', 'organizer'], {
      QINGMIAO_DATA_DIR: server.dataDir,
      QINGMIAO_AUTH_SECRET: SECRET,
    });
    expect(result.code, result.stderr).toBe(0);
    const activationCode = result.stdout.trim();
    expect(activationCode).toMatch(/^[2-9A-HJKMNP-Z]{12}$/);
    // Activation reads the account's stream, not a read model: the code works at once.
    const answer = await activate(new CookieJar(), login, activationCode);
    expect(dataOf(answer).activateAccount.account).toMatchObject({ login, role: 'organizer', status: 'ACTIVE' });

    const taken = await runCli(['account', 'create', '--login', login, '--name', '办公室', '--role', 'organizer'], {
      QINGMIAO_DATA_DIR: server.dataDir,
      QINGMIAO_AUTH_SECRET: SECRET,
    });
    expect(taken).toMatchObject({ code: 1, stdout: '', stderr: `create: Login ${login} is taken\n` });
  });

  it('works on a fresh install with no server running: the first organizer, then the server', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'qingmiao-first-'));
    try {
      const env = { QINGMIAO_DATA_DIR: dataDir, QINGMIAO_AUTH_SECRET: SECRET };
      const created = await runCli(
        ['account', 'create', '--login', 'office', '--name', '办公室', '--role', 'organizer'],
        env,
      );
      expect(created.code, created.stderr).toBe(0);
      const fresh = await startServer(
        loadConfig({ ...env, QINGMIAO_PORT: '0', QINGMIAO_HOST: '127.0.0.1', QINGMIAO_LOG_LEVEL: 'silent' }),
      );
      try {
        await fresh.qingmiao.ready;
        const input = { login: 'office', activationCode: created.stdout.trim(), password: PASSWORD };
        const session = dataOf(await postGraphQL(fresh.url, undefined, ACTIVATE, { input })).activateAccount;
        expect(session.account).toMatchObject({ login: 'office', role: 'organizer', status: 'ACTIVE' });
        const { accounts } = dataOf(await postGraphQL(fresh.url, session.accessToken, ACCOUNTS, {}));
        expect(accounts).toEqual([{ login: 'office', role: 'organizer', status: 'ACTIVE' }]);
      } finally {
        await fresh.stop();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('in production', () => {
  it('marks the refresh cookie Secure', async () => {
    const production = await startTestServer({ NODE_ENV: 'production' });
    try {
      const token = await production.token('organizer', { sub: 'office' });
      const create = await production.graphql(
        CREATE,
        { input: { login: 'prod', displayName: '某', role: 'viewer' } },
        token,
      );
      const activationCode = dataOf(create).createAccount.activationCode;
      // tough-cookie, like browsers, takes a Secure cookie from plain HTTP on the loopback address.
      const jar = new CookieJar();
      const input = { login: 'prod', activationCode, password: PASSWORD };
      dataOf(await production.graphql(ACTIVATE, { input }, undefined, { cookies: jar }));
      const [cookie] = await jar.getCookies(`${production.url}/graphql`);
      expect(cookie).toMatchObject({ key: 'qingmiao_refresh', secure: true, httpOnly: true, sameSite: 'strict' });
    } finally {
      await production.stop();
    }
  });
});
