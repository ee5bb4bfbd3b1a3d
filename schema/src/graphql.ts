/**
 * GraphQL documents for the API's clients (the dashboard, the tests, the benchmarks), typed by gql.tada from the
 * checked-in SDL `schema/schema.graphql`, and what every client shares of GraphQL over HTTP (request body, answer).
 * The introspection in `graphql-env.d.ts` is written by `npm run schema:print` (`gql.tada generate output`); a test
 * fails when it lags behind the SDL. Checked in rather than generated at typecheck time, so that editors and a plain
 * `tsc -p <package>` work on a fresh clone and a review sees the introspection change beside the SDL change.
 */
import { print } from '@0no-co/graphql.web';
import { initGraphQLTada, type ResultOf, type TadaDocumentNode, type VariablesOf } from 'gql.tada';
import type { introspection } from './graphql-env.d.ts';

export const graphql = initGraphQLTada<{
  introspection: introspection;
  // Sent and received as ISO 8601 text with an offset (`DateTime` in primitives.ts).
  scalars: { DateTime: string };
}>();

export type { ResultOf, VariablesOf } from 'gql.tada';

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

/**
 * What a client sends: a typed document, or plain text for what the schema must refuse (bad fields, fuzzed input)
 * and for operations built at run time, whose answers' fields are `unknown` until checked.
 */
export type Operation = AnyDocument | string;
export type ResultFor<O extends Operation> = O extends AnyDocument
  ? ResultOf<O>
  : { readonly [field: string]: unknown };
export type VariablesFor<O extends Operation> = O extends AnyDocument ? VariablesOf<O> : Record<string, unknown>;
/** For a client's `operation: O & Checked<O>` parameter: see SchemaChecked. */
export type Checked<O extends Operation> = O extends AnyDocument ? SchemaChecked<O> : unknown;

/** The JSON body of a GraphQL-over-HTTP POST. */
export function requestBody(operation: Operation, variables?: unknown): string {
  return JSON.stringify({ query: typeof operation === 'string' ? operation : queryText(operation), variables });
}

export interface GraphQLErrorBody {
  readonly message: string;
  readonly path?: ReadonlyArray<string | number>;
  readonly extensions?: { readonly code?: string; readonly field?: string; readonly [key: string]: unknown };
}

/** An answer: the HTTP status and the body's `data` and `errors`. */
export interface GraphQLResult<T> {
  readonly status: number;
  readonly data: T | null | undefined;
  readonly errors: readonly GraphQLErrorBody[] | undefined;
}

/** An answer from its status and text; text that is not JSON becomes an error, so that callers see what came. */
export function readAnswer<T>(status: number, text: string): GraphQLResult<T> {
  try {
    const body = JSON.parse(text) as { data?: T | null; errors?: readonly GraphQLErrorBody[] };
    return { status, data: body.data, errors: body.errors };
  } catch {
    return {
      status,
      data: undefined,
      errors: [{ message: `non-JSON answer (HTTP ${status}): ${text.slice(0, 500)}` }],
    };
  }
}
