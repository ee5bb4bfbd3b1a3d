/**
 * GraphQL documents for the API's clients (the dashboard, the tests, the benchmarks), typed by gql.tada from the
 * checked-in SDL `schema/schema.graphql`. The introspection in `graphql-env.d.ts` is written by
 * `npm run schema:print` (`gql.tada generate output`); a test fails when it lags behind the SDL.
 */
import { print } from '@0no-co/graphql.web';
import { initGraphQLTada, type ResultOf, type TadaDocumentNode } from 'gql.tada';
import type { introspection } from './graphql-env.d.ts';

export const graphql = initGraphQLTada<{
  introspection: introspection;
  // Sent and received as ISO 8601 text with an offset (`DateTime` in primitives.ts).
  scalars: { DateTime: string };
}>();

export type { FragmentOf, ResultOf, VariablesOf } from 'gql.tada';
export { readFragment } from 'gql.tada';

/** Any typed document, whatever its result and variables: what a client accepts to send. */
export type AnyDocument = TadaDocumentNode<unknown, never>;

/** Whether `unknown` appears anywhere in a result type, which is how gql.tada types a field the schema lacks. */
type HasUnknown<T> = unknown extends T
  ? true
  : T extends readonly (infer Element)[]
    ? HasUnknown<Element>
    : T extends object
      ? true extends { [K in keyof T]-?: HasUnknown<T[K]> }[keyof T]
        ? true
        : false
      : false;

/**
 * For a client's `document: D & SchemaChecked<D>` parameter: a document selecting a field that is not in the
 * schema does not compile (gql.tada alone would type that field `unknown` and let the query through).
 */
export type SchemaChecked<D extends AnyDocument> =
  true extends HasUnknown<ResultOf<D>>
    ? { readonly 'selects a field missing from schema/schema.graphql': never }
    : unknown;

/** The text of a document, as it goes into the `query` of a request. */
export function queryText(document: AnyDocument): string {
  return print(document);
}
