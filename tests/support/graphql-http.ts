/** GraphQL over HTTP as the tests' clients send it; each client reads the answer its own way. */

export interface GraphQLErrorBody {
  readonly message: string;
  readonly path?: ReadonlyArray<string | number>;
  readonly extensions?: { readonly code?: string; readonly field?: string; readonly [key: string]: unknown };
}

export interface GraphQLBody<T> {
  readonly data?: T | null;
  readonly errors?: readonly GraphQLErrorBody[];
}

/** POST `${url}/graphql` with a JSON body; `token` goes into `Authorization: Bearer`. */
export function postGraphQL(
  url: string,
  token: string | undefined,
  query: string,
  variables?: Record<string, unknown>,
  signal?: AbortSignal,
): Promise<Response> {
  return fetch(`${url}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json, application/json',
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
    },
    body: JSON.stringify({ query, variables }),
    ...(signal ? { signal } : {}),
  });
}
