/** Writes the GraphQL SDL to schema/schema.graphql: the checked-in contract that reviews diff. */
import { writeFileSync } from 'node:fs';
import { schema } from '@qingmiao/api';
import { printSchema } from 'graphql';

const target = new URL('../schema/schema.graphql', import.meta.url);
writeFileSync(target, `${printSchema(schema)}\n`);
process.stdout.write(`wrote ${target.pathname}\n`);
