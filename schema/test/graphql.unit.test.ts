import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateOutput } from '@gql.tada/cli-utils';
import { describe, expect, it } from 'vitest';
import {
  type AnyDocument,
  type Checked,
  graphql,
  type Operation,
  queryText,
  type ResultOf,
  requestBody,
  type SchemaChecked,
  type VariablesFor,
  type VariablesOf,
} from '../src/graphql.ts';

const CAMPAIGNS = graphql(`
  query Campaigns($year: Int!) {
    campaigns(year: $year) { id title opensAt targetSessions }
  }
`);

/** What the dashboard's send function looks like, without sending. */
function typed<D extends AnyDocument>(
  document: D & SchemaChecked<D>,
  variables: VariablesOf<D>,
): { query: string; variables: VariablesOf<D>; result?: ResultOf<D> } {
  return { query: queryText(document), variables };
}

/** What the tests' and the benchmarks' send functions look like: documents, or text for what must be refused. */
function body<O extends Operation>(operation: O & Checked<O>, variables?: VariablesFor<O>): string {
  return requestBody(operation, variables);
}

describe('typed GraphQL documents', () => {
  it('matches the checked-in SDL: graphql-env.d.ts is what `gql.tada generate output` makes of schema.graphql', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qingmiao-tada-'));
    try {
      const output = join(dir, 'graphql-env.d.ts');
      await generateOutput({
        output,
        tsconfig: fileURLToPath(new URL('../tsconfig.json', import.meta.url)),
        silent: true,
      });
      const checkedIn = readFileSync(new URL('../src/graphql-env.d.ts', import.meta.url), 'utf8');
      expect(readFileSync(output, 'utf8'), 'run `npm run schema:print`').toBe(checkedIn);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('sends the document as text, fragments included', () => {
    const figures = graphql(`fragment Figures on ParticipationRow { key participationRate }`);
    const query = graphql(`query Rows($year: Int!) { participation(year: $year) { ...Figures } }`, [figures]);
    const { query: text } = typed(query, { year: 2022 });
    expect(text).toContain('query Rows($year: Int!)');
    expect(text).toContain('fragment Figures on ParticipationRow');
    expect(typed(CAMPAIGNS, { year: 2022 }).query).toMatch(/campaigns\(year: \$year\) \{\s+id\s+title/);
  });

  it('types results and variables from the schema; a query that does not match it does not compile', () => {
    const sent = typed(CAMPAIGNS, { year: 2022 });
    expect(sent.variables).toEqual({ year: 2022 });
    // Compile-time checks (`npm run typecheck` fails when one of these errors stops happening):
    const result: ResultOf<typeof CAMPAIGNS> = {
      campaigns: [{ id: 'c', title: '征文', opensAt: '2022-03-01T00:00:00+08:00', targetSessions: null }],
    };
    // @ts-expect-error DateTime is text, not a number.
    const opensAt: number | undefined = result.campaigns[0]?.opensAt;
    // @ts-expect-error `year` is an Int.
    typed(CAMPAIGNS, { year: '2022' });
    // @ts-expect-error `nosuchField` is not a field of Campaign.
    typed(graphql(`query Wrong { campaigns { id nosuchField } }`), {});
    // @ts-expect-error `nosuchRoot` is not a field of Query.
    typed(graphql(`query Wrong { nosuchRoot { id } }`), {});
    // @ts-expect-error The same for clients that also send text.
    body(graphql(`query Wrong { campaigns { id nosuchField } }`));
    expect(JSON.parse(body('{ nosuchRoot { id } }'))).toEqual({ query: '{ nosuchRoot { id } }' });
    expect(JSON.parse(body(CAMPAIGNS, { year: 2022 })).variables).toEqual({ year: 2022 });
    expect(opensAt).toBe('2022-03-01T00:00:00+08:00');
  });
});
