/**
 * The floor of the product's fixed stack under benchmark 3: express, graphql-yoga and a Pothos schema, and the
 * product's durable append, with nothing else of Qingmiao. One mutation, `submitEntry(input: SubmitEntryInput!)
 * { id status }`, accepts the benchmark's request (its input coerced against a Pothos input type like the product's)
 * and appends the input as one event to a `SqliteEventStore` (writer thread, group commit, synchronous=FULL). Against
 * the bare server and Qingmiao it shows how the distance between them divides: what the stack and the store cost,
 * and what Qingmiao's own work (authentication, rate limit, request log, metrics, validation, decider, sealing,
 * read models, read-your-writes) adds.
 *
 * Prints `{"url": …}` once listening on 127.0.0.1 (a port of the OS's choosing).
 */
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import SchemaBuilder from '@pothos/core';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import { type JsonObject, SqliteEventStore } from '@qingmiao/event-store';
import { ParticipantRole } from '@qingmiao/schema';
import express from 'express';
import { createYoga } from 'graphql-yoga';

const [path] = process.argv.slice(2);
if (!path) {
  process.stderr.write('usage: stack-server.ts <db>\n');
  process.exit(2);
}

// The product's durable append (writer thread, group commit, synchronous=FULL): one event per request.
const store = new SqliteEventStore({ path });
let submitted = 0;
const append = async (data: JsonObject) => {
  const id = randomUUID();
  await store.append(`stack-${submitted++}`, [{ id, type: 'EntrySubmitted', data, metadata: { at: Date.now() } }], {
    expectedRevision: 'no_stream',
  });
  return id;
};

// With the product's one builder plugin (scope-auth, which the product's type declarations make every builder
// configure); no field here asks for a scope.
const builder = new SchemaBuilder<{ DefaultFieldNullability: false }>({
  plugins: [ScopeAuthPlugin],
  defaultFieldNullability: false,
  scopeAuth: { authScopes: () => ({}) },
});
const Role = builder.enumType('ParticipantRole', { values: ParticipantRole.options });
const Status = builder.enumType('EntryStatus', { values: ['LIVE', 'WITHDRAWN'] as const });
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
const Entry = builder.objectRef<{ id: string; status: 'LIVE' }>('Entry').implement({
  fields: (t) => ({ id: t.exposeID('id'), status: t.field({ type: Status, resolve: (entry) => entry.status }) }),
});
builder.queryType({ fields: (t) => ({ ok: t.boolean({ resolve: () => true }) }) });
builder.mutationType({
  fields: (t) => ({
    submitEntry: t.field({
      type: Entry,
      args: { input: t.arg({ type: SubmitEntryInput, required: true }) },
      resolve: async (_root, { input }) => ({ id: await append(input), status: 'LIVE' as const }),
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
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => server.close(() => store.close().finally(() => process.exit(0))));
}
