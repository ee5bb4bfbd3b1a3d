import { DomainError, InvalidInput } from '@qingmiao/domain';
import { GraphQLError } from 'graphql';
import { maskError as maskUnexpected, type YogaServerOptions } from 'graphql-yoga';

type MaskError = NonNullable<
  Exclude<YogaServerOptions<object, object>['maskedErrors'], boolean | undefined>['maskError']
>;

/** The refusal behind an error (a DomainError, possibly wrapped by GraphQL at a field's path), if it is one. */
export function refusalOf(error: unknown): DomainError | undefined {
  const original = error instanceof GraphQLError ? (error.originalError ?? error) : error;
  return original instanceof DomainError ? original : undefined;
}

/**
 * The one place where refusals become GraphQL errors: a DomainError's code goes to `extensions.code` (with
 * `extensions.field` for bad input); anything unexpected is masked by Yoga's default.
 */
export const maskError: MaskError = (error, message, isDev) => {
  const refusal = refusalOf(error);
  if (refusal) {
    return new GraphQLError(refusal.message, {
      ...(error instanceof GraphQLError ? { nodes: error.nodes, path: error.path } : {}),
      extensions: { code: refusal.code, ...(refusal instanceof InvalidInput ? { field: refusal.field } : {}) },
    });
  }
  return maskUnexpected(error, message, isDev);
};
