import type { AccountStatus, Role } from '@qingmiao/schema';
import type Database from 'better-sqlite3';
import { defineProjection } from '../projection.ts';

/** An account as people see it: no password hash, no activation code. */
export interface AccountRow {
  readonly id: string;
  readonly login: string;
  readonly displayName: string;
  readonly role: Role;
  readonly schoolId: string | null;
  readonly status: AccountStatus;
  readonly createdAt: string;
  /** Sessions started before this moment (the last disable or reset) no longer count; null when none. */
  readonly sessionsSince: string | null;
}

/** What signing in compares a password with; only the sign-in path reads it. */
export interface AccountCredentials {
  readonly account: AccountRow;
  /** `null` while the account is pending (never activated, or reset). */
  readonly passwordHash: string | null;
}

export const accountsProjection = defineProjection({
  name: 'accounts',
  version: 1,
  tables: [
    `CREATE TABLE accounts (
      id TEXT PRIMARY KEY,
      login TEXT NOT NULL UNIQUE,
      display_name TEXT NOT NULL,
      role TEXT NOT NULL,
      school_id TEXT,
      disabled INTEGER NOT NULL DEFAULT 0,
      password_hash TEXT,
      sessions_since TEXT,
      created_at TEXT NOT NULL
    )`,
  ],
  statements: {
    insertAccount: {
      table: 'accounts',
      sql: `INSERT INTO accounts (id, login, display_name, role, school_id, created_at)
        VALUES (@id, @login, @displayName, @role, @schoolId, @at)`,
    },
    setPassword: { table: 'accounts', sql: 'UPDATE accounts SET password_hash = @passwordHash WHERE id = @id' },
    resetAccount: {
      table: 'accounts',
      sql: 'UPDATE accounts SET password_hash = NULL, sessions_since = @at WHERE id = @id',
    },
    disableAccount: { table: 'accounts', sql: 'UPDATE accounts SET disabled = 1, sessions_since = @at WHERE id = @id' },
    enableAccount: { table: 'accounts', sql: 'UPDATE accounts SET disabled = 0 WHERE id = @id' },
  },
  handles: {
    AccountCreated: ['insertAccount'],
    AccountActivated: ['setPassword'],
    PasswordChanged: ['setPassword'],
    AccountReset: ['resetAccount'],
    AccountDisabled: ['disableAccount'],
    AccountEnabled: ['enableAccount'],
  },
  handle(event, { metadata }) {
    switch (event.type) {
      case 'AccountCreated': {
        const { accountId, login, displayName, role, schoolId } = event.data;
        const params = { id: accountId, login, displayName, role, schoolId, at: metadata.recordedAt };
        return [{ statement: 'insertAccount', params }];
      }
      case 'AccountActivated':
      case 'PasswordChanged':
        return [
          { statement: 'setPassword', params: { id: event.data.accountId, passwordHash: event.data.passwordHash } },
        ];
      case 'AccountReset':
        return [{ statement: 'resetAccount', params: { id: event.data.accountId, at: metadata.recordedAt } }];
      case 'AccountDisabled':
        return [{ statement: 'disableAccount', params: { id: event.data.accountId, at: metadata.recordedAt } }];
      case 'AccountEnabled':
        return [{ statement: 'enableAccount', params: { id: event.data.accountId } }];
      default:
        return [];
    }
  },
});

const ACCOUNT_COLUMNS = `id, login, display_name AS displayName, role, school_id AS schoolId,
  CASE WHEN disabled = 1 THEN 'DISABLED' WHEN password_hash IS NULL THEN 'PENDING' ELSE 'ACTIVE' END AS status,
  created_at AS createdAt, sessions_since AS sessionsSince`;

export function accountQueries(db: Database.Database) {
  const filtered = db.prepare<{ role: string | null; schoolId: string | null }, AccountRow>(
    `SELECT ${ACCOUNT_COLUMNS} FROM accounts
      WHERE (@role IS NULL OR role = @role) AND (@schoolId IS NULL OR school_id = @schoolId) ORDER BY login`,
  );
  const byId = db.prepare<[string], AccountRow>(`SELECT ${ACCOUNT_COLUMNS} FROM accounts WHERE id = ?`);
  const credentials = db.prepare<[string], AccountRow & { passwordHash: string | null }>(
    `SELECT ${ACCOUNT_COLUMNS}, password_hash AS passwordHash FROM accounts WHERE login = ?`,
  );
  const accountCredentials = (login: string): AccountCredentials | undefined => {
    const row = credentials.get(login);
    if (!row) return undefined;
    const { passwordHash, ...account } = row;
    return { account, passwordHash };
  };
  return {
    accounts: (filter: { role?: Role | undefined; schoolId?: string | undefined } = {}): AccountRow[] =>
      filtered.all({ role: filter.role ?? null, schoolId: filter.schoolId ?? null }),
    /** By primary key: cheap enough to ask on every request. */
    account: (id: string): AccountRow | undefined => byId.get(id),
    /** By login (lowercase), without credentials: what single sign-on maps an identity to. */
    accountByLogin: (login: string): AccountRow | undefined => accountCredentials(login)?.account,
    /** Only signing in reads this. */
    accountCredentials,
  };
}
