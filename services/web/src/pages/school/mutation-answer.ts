import type { CombinedError } from '@urql/core';
import { errorMessage } from '../../error-messages.ts';
import type { FormAnswer } from '../../forms/form-sending.ts';

/** What the form shows after the server refused a mutation: a sentence, and the refused field marked beside it. */
export function refusal(error: CombinedError): FormAnswer {
  const first = error.graphQLErrors.find((graphQLError) => graphQLError.extensions?.code);
  const field = first?.extensions?.field;
  const message = errorMessage(error);
  if (first?.extensions?.code === 'BAD_USER_INPUT' && typeof field === 'string') {
    return { errors: { [field]: '服务器未接受此项，请检查' }, message };
  }
  return { message };
}
