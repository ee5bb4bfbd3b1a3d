import {
  type AnyDocument,
  type GraphQLErrorBody,
  type ResultOf,
  readAnswer,
  requestBody,
  type SchemaChecked,
  type VariablesOf,
} from '@qingmiao/schema/graphql';

/** Where the API answers GraphQL: this origin (the API serves the app). */
export const GRAPHQL_URL = '/graphql';

/** The server refused: its errors as sent (code, field, message), with the HTTP status. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly errors: readonly GraphQLErrorBody[],
    readonly status: number,
  ) {
    super(errors.map((error) => error.message).join('; '));
  }

  get code(): string | undefined {
    return this.errors.find((error) => error.extensions?.code)?.extensions?.code;
  }

  get field(): string | undefined {
    return this.errors.find((error) => error.extensions?.field)?.extensions?.field;
  }
}

/** The server could not be reached (offline, or the connection dropped). */
export class NetworkError extends Error {
  override readonly name = 'NetworkError';
}

/** A request that needs no access token: the session mutations, which present the refresh cookie instead. */
export async function publicRequest<D extends AnyDocument>(
  document: D & SchemaChecked<D>,
  variables: VariablesOf<D>,
): Promise<ResultOf<D>> {
  let response: Response;
  try {
    response = await fetch(GRAPHQL_URL, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', Accept: 'application/graphql-response+json, application/json' },
      body: requestBody(document, variables),
    });
  } catch (error) {
    throw new NetworkError(error instanceof Error ? error.message : String(error));
  }
  const answer = readAnswer<ResultOf<D>>(response.status, await response.text());
  if (answer.errors?.length) throw new ApiError(answer.errors, response.status);
  if (!answer.data) throw new ApiError([{ message: `HTTP ${response.status}` }], response.status);
  return answer.data;
}
