import { DomainError, TooManyAttempts } from '@qingmiao/domain';
import { ReplaysBusy } from '@qingmiao/projections';
import { GraphQLError } from 'graphql';
import { maskError as maskUnexpected, type YogaServerOptions } from 'graphql-yoga';
import { BlobStoreUnavailable } from '../files/blob-store.ts';
import { ErasedFilesNotDeleted } from '../files/erased-file-deletion.ts';

type MaskError = NonNullable<
  Exclude<YogaServerOptions<object, object>['maskedErrors'], boolean | undefined>['maskError']
>;

/**
 * The refusal behind an error (possibly wrapped by GraphQL at a field's path), if it is one: a DomainError, or a
 * full as-of replay queue. Refusals are the API working as meant, not failures.
 */
export function refusalOf(error: unknown): DomainError | ReplaysBusy | undefined {
  const original = error instanceof GraphQLError ? (error.originalError ?? error) : error;
  return original instanceof DomainError || original instanceof ReplaysBusy ? original : undefined;
}

/**
 * The one place where refusals become GraphQL errors: a DomainError's code goes to `extensions.code` (with
 * `extensions.field` when it is about one field: bad input, an attachment not found or not the sender's); a full
 * as-of replay queue answers HTTP 503 and too many sign-in attempts HTTP 429, both with Retry-After; unreachable
 * file storage is STORAGE_UNAVAILABLE (HTTP 503); anything unexpected is masked by Yoga's default.
 */
export const maskError: MaskError = (error, message, isDev) => {
  const original = error instanceof GraphQLError ? error.originalError : error;
  if (original instanceof BlobStoreUnavailable) {
    const message =
      original instanceof ErasedFilesNotDeleted
        ? 'The erasure is recorded, but file storage is unavailable: its files are deleted once it is back (within ' +
          'the hour, or retry now)'
        : 'File storage is unavailable; nothing was kept, try again later';
    return new GraphQLError(message, {
      ...(error instanceof GraphQLError ? { nodes: error.nodes, path: error.path } : {}),
      extensions: { code: 'STORAGE_UNAVAILABLE', http: { status: 503, headers: { 'Retry-After': '30' } } },
    });
  }
  const refusal = refusalOf(error);
  if (!refusal) return maskUnexpected(error, message, isDev);
  const retryAfter = (status: number, seconds: number) => ({
    code: refusal.code,
    http: { status, headers: { 'Retry-After': String(Math.ceil(seconds)) } },
  });
  const extensions =
    refusal instanceof ReplaysBusy
      ? retryAfter(503, refusal.retryAfterSeconds)
      : refusal instanceof TooManyAttempts
        ? retryAfter(429, refusal.retryAfterSeconds)
        : { code: refusal.code, ...(refusal.field === undefined ? {} : { field: refusal.field }) };
  return new GraphQLError(refusal.message, {
    ...(error instanceof GraphQLError ? { nodes: error.nodes, path: error.path } : {}),
    extensions,
  });
};
