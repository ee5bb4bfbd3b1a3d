/**
 * The floor of the product's fixed stack under benchmark 3: express, graphql-yoga and a Pothos schema with nothing
 * of Qingmiao in them. One mutation, `submitEntry(input: SubmitEntryInput!) { id status }`, accepts the benchmark's
 * request (its input coerced against a Pothos input type like the product's) and stores the input durably as one row
 * (WAL, synchronous=FULL, one transaction per request), as `bare-server.ts insert` does. Against the bare server it
 * shows what the stack costs on its own: no authentication, logging, validation, decider, group commit or read model.
 *
 * Prints `{"url": …}` once listening on 127.0.0.1 (a port of the OS's choosing).
 */
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import SchemaBuilder from '@pothos/core';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import Database from 'better-sqlite3';
import express from 'express';
import { createYoga } from 'graphql-yoga';

const [path] = process.argv.slice(2);
if (!path) {
  process.stderr.write('usage: stack-server.ts <db>\n');
  process.exit(2);
}

const db = new Database(path);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = FULL');
db.exec(`CREATE TABLE IF NOT EXISTS events (
  position INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, stream TEXT NOT NULL, revision INTEGER NOT NULL,
  type TEXT NOT NULL, data TEXT NOT NULL, metadata TEXT NOT NULL, created TEXT NOT NULL, UNIQUE (stream, revision))`);
const insert = db.prepare(
  'INSERT INTO events (id, stream, revision, type, data, metadata, created) VALUES (?, ?, ?, ?, ?, ?, ?)',
);
let revision = 0;
const store = db.transaction((data: string) => {
  const id = randomUUID();
  insert.run(
    id,
    'stack',
    revision++,
    'EntrySubmitted',
    data,
    JSON.stringify({ at: Date.now() }),
    new Date().toISOString(),
  );
  return id;
});

// With the product's one builder plugin (scope-auth, which the product's type declarations make every builder
// configure); no field here asks for a scope.
const builder = new SchemaBuilder<{ DefaultFieldNullability: false }>({
  plugins: [ScopeAuthPlugin],
  defaultFieldNullability: false,
  scopeAuth: { authScopes: () => ({}) },
});
const Role = builder.enumType('ParticipantRole', { values: ['STUDENT', 'RETIRED_TEACHER', 'TEACHER'] as const });
const Status = builder.enumType('EntryStatus', { values: ['SUBMITTED'] as const });
const Participant = builder.inputType('ParticipantInput', {
  fields: (t) => ({
    name: t.string({ required: true }),
    role: t.field({ type: Role, required: true }),
    grade: t.string(),
    key: t.string(),
  }),
});
const SubmitEntryInput = builder.inputType('SubmitEntryInput', {
  fields: (t) => ({
    submissionId: t.string({ required: true }),
    campaignId: t.string({ required: true }),
    schoolId: t.string({ required: true }),
    title: t.string({ required: true }),
    advisor: t.string(),
    participants: t.field({ type: [Participant], required: true }),
  }),
});
const Entry = builder.objectRef<{ id: string; status: 'SUBMITTED' }>('Entry').implement({
  fields: (t) => ({ id: t.exposeID('id'), status: t.field({ type: Status, resolve: (entry) => entry.status }) }),
});
builder.queryType({ fields: (t) => ({ ok: t.boolean({ resolve: () => true }) }) });
builder.mutationType({
  fields: (t) => ({
    submitEntry: t.field({
      type: Entry,
      args: { input: t.arg({ type: SubmitEntryInput, required: true }) },
      resolve: (_root, { input }) => ({ id: store.immediate(JSON.stringify(input)), status: 'SUBMITTED' as const }),
    }),
  }),
});

const yoga = createYoga({ schema: builder.toSchema(), graphiql: false, logging: false });
const app = express();
app.disable('x-powered-by');
app.use(yoga.graphqlEndpoint, yoga);

const server = app.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${port}` })}\n`);
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => server.close(() => process.exit(0)));
