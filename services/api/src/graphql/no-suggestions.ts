import { type ExecutionResult, GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';

/** graphql-js's hints at names a typo was close to: fields, arguments, types and enum values alike. */
const SUGGESTION = /\s*Did you mean [^?]*\?/g;

const withoutSuggestions = (error: GraphQLError) => {
  const message = error.message.replace(SUGGESTION, '');
  if (message === error.message) return error;
  return new GraphQLError(message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    originalError: error.originalError,
    extensions: error.extensions,
  });
};

const cleaned = <R extends ExecutionResult>(result: R): R =>
  result.errors ? { ...result, errors: result.errors.map(withoutSuggestions) } : result;

/**
 * Removes "Did you mean …?" from every error answered, so that a production schema cannot be guessed by typos. Armor's
 * blockFieldSuggestion only rewrites validation errors of one wording; enum values and variables escape it.
 */
export const useNoSuggestions = (): Plugin => ({
  onResultProcess({ result, setResult }) {
    if (Symbol.asyncIterator in result) return;
    setResult(Array.isArray(result) ? result.map(cleaned) : cleaned(result));
  },
});
