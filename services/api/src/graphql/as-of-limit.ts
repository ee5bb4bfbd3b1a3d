import { GraphQLError, type ValidationRule } from 'graphql';
import type { Plugin } from 'graphql-yoga';

/** Past moments one request may ask for: each moment not cached is a replay of a year's log (~100 ms of CPU). */
const MAX_AS_OF_PER_REQUEST = 2;

/** Counts the `participation` fields of a document that take an `asOf` argument, refusing more than allowed. */
const asOfMoments: ValidationRule = (context) => {
  let count = 0;
  return {
    Field(node) {
      if (context.getParentType()?.name !== 'Query' || node.name.value !== 'participation') return;
      if (!node.arguments?.some((argument) => argument.name.value === 'asOf')) return;
      count += 1;
      if (count !== MAX_AS_OF_PER_REQUEST + 1) return;
      context.reportError(
        new GraphQLError(`asOf: at most ${MAX_AS_OF_PER_REQUEST} participation fields with asOf per request`, {
          nodes: node,
          extensions: { code: 'BAD_USER_INPUT', field: 'asOf' },
        }),
      );
    },
  };
};

/** Stops documents asking for many past moments before they run (each moment is a replay). */
export const useAsOfLimit = (): Plugin => ({
  onValidate: ({ addValidationRule }) => addValidationRule(asOfMoments),
});
