import { DomainError, InvalidInput } from '@qingmiao/domain';
import { ReplaysBusy } from '@qingmiao/projections';
import { GraphQLError } from 'graphql';
import { maskError as maskUnexpected, type YogaServerOptions } from 'graphql-yoga';

type MaskError = NonNullable<
  Exclude<YogaServerOptions<object, object>['maskedErrors'], boolean | undefined>['maskError']
>;

/**
 * The one place where refusals become GraphQL errors: a DomainError's code goes to `extensions.code` (with
 * `extensions.field` for bad input); a full as-of replay queue answers HTTP 503 with Retry-After; anything
 * unexpected is masked by Yoga's default.
 */
export const maskError: MaskError = (error, message, isDev) => {
  const original = error instanceof GraphQLError ? (error.originalError ?? error) : error;
  if (original instanceof ReplaysBusy) {
    return new GraphQLError(original.message, {
      ...(error instanceof GraphQLError ? { nodes: error.nodes, path: error.path } : {}),
      extensions: {
        code: original.code,
        http: { status: 503, headers: { 'Retry-After': String(original.retryAfterSeconds) } },
      },
    });
  }
  if (original instanceof DomainError) {
    return new GraphQLError(original.message, {
      ...(error instanceof GraphQLError ? { nodes: error.nodes, path: error.path } : {}),
      extensions: { code: original.code, ...(original instanceof InvalidInput ? { field: original.field } : {}) },
    });
  }
  return maskUnexpected(error, message, isDev);
};
