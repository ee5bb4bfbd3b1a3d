/**
 * The tests' one GraphQL client: one POST helper, one answer shape, one `codeOf`. Operations are gql.tada documents
 * typed from schema/schema.graphql, or plain text for what the schema must refuse (bad fields, fuzzed input) and
 * for operations built at run time, whose fields are `unknown` until a test looks at them.
 */
import {
  type AnyDocument,
  queryText,
  type ResultOf,
  type SchemaChecked,
  type VariablesOf,
} from '@qingmiao/schema/graphql';

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

export type Operation = AnyDocument | string;
/** What an answer's data holds: typed for a document; for text, fields a test has to check before it relies on them. */
export type ResultFor<O extends Operation> = O extends AnyDocument
  ? ResultOf<O>
  : { readonly [field: string]: unknown };
export type VariablesFor<O extends Operation> = O extends AnyDocument ? VariablesOf<O> : Record<string, unknown>;
/** Refuses, at compile time, a document that selects a field missing from the schema. */
export type Checked<O extends Operation> = O extends AnyDocument ? SchemaChecked<O> : unknown;

export interface RequestOptions {
  /** Abort the request after this long (AbortSignal.timeout); the promise then rejects with a TimeoutError. */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
  /** Further request headers, e.g. `x-correlation-id`. */
  readonly headers?: Readonly<Record<string, string>>;
}

/** A server the tests talk to: both the in-process one and the separate process answer the same way. */
export interface GraphQLEndpoint {
  readonly url: string;
  /** POST /graphql; `token` goes into `Authorization: Bearer` (none when absent or empty). */
  graphql<O extends Operation>(
    operation: O & Checked<O>,
    variables?: VariablesFor<O>,
    token?: string,
    options?: RequestOptions,
  ): Promise<GraphQLResult<ResultFor<O>>>;
}

/** The JSON body of a request. */
export function requestBody(operation: Operation, variables?: object): string {
  return JSON.stringify({ query: typeof operation === 'string' ? operation : queryText(operation), variables });
}

/** An answer from its status and text; text that is not JSON becomes an error, so that tests see what came. */
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

/** POST `${url}/graphql`; rejects on network errors and timeouts, resolves with any HTTP answer. */
export async function postGraphQL<O extends Operation>(
  url: string,
  token: string | undefined,
  operation: O & Checked<O>,
  variables?: VariablesFor<O>,
  options: RequestOptions = {},
): Promise<GraphQLResult<ResultFor<O>>> {
  const timeout = AbortSignal.timeout(options.timeoutMs ?? 30_000);
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json, application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...options.headers,
    },
    body: requestBody(operation, variables),
    signal: options.signal ? AbortSignal.any([timeout, options.signal]) : timeout,
  });
  return readAnswer(response.status, await response.text());
}

/** The `extensions.code` of an answer's first error: 'OK' without errors, 'NO_CODE' for an error without one. */
export function codeOf(result: GraphQLResult<unknown>): string {
  if (!result.errors?.length) return 'OK';
  return result.errors[0]?.extensions?.code ?? 'NO_CODE';
}

/** The data of an answer that must have succeeded; fails with the answer otherwise. */
export function dataOf<T>(result: GraphQLResult<T>): T {
  if (result.errors?.length || result.status !== 200 || !result.data) {
    throw new Error(`expected success, got HTTP ${result.status}: ${JSON.stringify(result.errors ?? result.data)}`);
  }
  return result.data;
}
