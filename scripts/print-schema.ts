/**
 * Writes the GraphQL SDL to schema/schema.graphql — the checked-in contract that reviews diff — and, from it, the
 * introspection gql.tada types every client's documents with (schema/src/graphql-env.d.ts).
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { generateOutput } from '@gql.tada/cli-utils';
import { schema } from '@qingmiao/api';
import { printSchema } from 'graphql';

const target = new URL('../schema/schema.graphql', import.meta.url);
writeFileSync(target, `${printSchema(schema)}\n`);
process.stdout.write(`wrote ${target.pathname}\n`);
const introspection = new URL('../schema/src/graphql-env.d.ts', import.meta.url);
await generateOutput({
  output: fileURLToPath(introspection),
  tsconfig: fileURLToPath(new URL('../schema/tsconfig.json', import.meta.url)),
  silent: true,
});
process.stdout.write(`wrote ${introspection.pathname}\n`);
