/**
 * The tests' one GraphQL client: one POST helper, one answer shape, one `codeOf`. Operations are gql.tada documents
 * typed from schema/schema.graphql, or plain text (see `Operation` in @qingmiao/schema/graphql).
 */

import {
  type Checked,
  type GraphQLResult,
  type Operation,
  type ResultFor,
  readAnswer,
  requestBody,
  type VariablesFor,
} from '@qingmiao/schema/graphql';
import type { CookieJar } from 'tough-cookie';

export type {
  Checked,
  GraphQLResult,
  Operation,
  ResultFor,
  VariablesFor,
} from '@qingmiao/schema/graphql';
export { readAnswer, requestBody } from '@qingmiao/schema/graphql';

interface RequestOptions {
  /** Abort the request after this long (AbortSignal.timeout); the promise then rejects with a TimeoutError. */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
  /** Further request headers, e.g. `x-correlation-id`. */
  readonly headers?: Readonly<Record<string, string>>;
  /**
   * A browser's cookie jar: the cookies it holds for the request's URL are sent (by path, expiry and Secure, as a
   * browser would for a same-site request) and the answer's Set-Cookie headers are stored in it.
   */
  readonly cookies?: CookieJar;
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

/** POST `${url}/graphql`; rejects on network errors and timeouts, resolves with any HTTP answer. */
export async function postGraphQL<O extends Operation>(
  url: string,
  token: string | undefined,
  operation: O & Checked<O>,
  variables?: VariablesFor<O>,
  options: RequestOptions = {},
): Promise<GraphQLResult<ResultFor<O>>> {
  const timeout = AbortSignal.timeout(options.timeoutMs ?? 30_000);
  const endpoint = `${url}/graphql`;
  const cookie = options.cookies ? await options.cookies.getCookieString(endpoint) : '';
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json, application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(cookie ? { cookie } : {}),
      ...options.headers,
    },
    body: requestBody(operation, variables),
    signal: options.signal ? AbortSignal.any([timeout, options.signal]) : timeout,
  });
  for (const setCookie of response.headers.getSetCookie()) await options.cookies?.setCookie(setCookie, endpoint);
  return readAnswer(response.status, await response.text());
}

/** A file to send in a multipart upload request. */
export interface UploadedPart {
  readonly name: string;
  readonly bytes: Uint8Array | Blob;
  /** The type the client declares (the server decides from the bytes). */
  readonly type?: string;
}

export interface UploadOptions extends Omit<RequestOptions, 'cookies'> {
  /** Send the `GraphQL-Require-Preflight` header (default true): a cross-site form cannot. */
  readonly preflight?: boolean;
  /** The parts in another order than the spec's `operations`, `map`, file. */
  readonly order?: ReadonlyArray<'operations' | 'map' | 'file'>;
  /** The map's value, instead of `{"0": ["variables.file"]}`. */
  readonly map?: unknown;
}

/**
 * POST `${url}/graphql` as the GraphQL multipart request spec says: `operations` (the operation, `file` null in its
 * variables), `map` (`{"0": ["variables.file"]}`), then the file as part `0`.
 */
export async function postUpload<O extends Operation>(
  url: string,
  token: string | undefined,
  operation: O & Checked<O>,
  file: UploadedPart,
  options: UploadOptions = {},
): Promise<GraphQLResult<ResultFor<O>>> {
  const form = new FormData();
  const parts = {
    operations: () => form.append('operations', requestBody(operation, { file: null })),
    map: () => form.append('map', JSON.stringify(options.map ?? { 0: ['variables.file'] })),
    file: () =>
      form.append(
        '0',
        file.bytes instanceof Blob ? file.bytes : new Blob([new Uint8Array(file.bytes)], { type: file.type }),
        file.name,
      ),
  };
  for (const part of options.order ?? ['operations', 'map', 'file']) parts[part]();
  const timeout = AbortSignal.timeout(options.timeoutMs ?? 60_000);
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: {
      accept: 'application/graphql-response+json, application/json',
      ...(options.preflight === false ? {} : { 'graphql-require-preflight': '1' }),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...options.headers,
    },
    body: form,
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
