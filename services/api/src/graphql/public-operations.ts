import type { Actor } from '@qingmiao/schema';
import { Kind, type OperationDefinitionNode, parse } from 'graphql';

/** The mutations that need no access token: they are how one gets one, or gives it up. */
const PUBLIC_MUTATIONS = new Set(['activateAccount', 'signIn', 'refreshSession', 'signOut']);

/** Who sends a public mutation without a token: it can reach nothing else (see `isPublicOperation`). */
export const ANONYMOUS: Actor = { sub: 'anonymous', role: 'viewer' };

/**
 * Whether the operation to run is a mutation that selects public mutations only (no fragments, nothing else), so
 * that a request without a token may run it. A document that does not parse is not public: the context then asks
 * for a token, as before.
 */
export function isPublicOperation(query: string | undefined, operationName: string | null | undefined): boolean {
  if (!query) return false;
  let operations: OperationDefinitionNode[];
  try {
    operations = parse(query).definitions.filter((node) => node.kind === Kind.OPERATION_DEFINITION);
  } catch {
    return false;
  }
  const operation =
    operationName == null
      ? operations.length === 1
        ? operations[0]
        : undefined
      : operations.find((o) => o.name?.value === operationName);
  return (
    operation?.operation === 'mutation' &&
    operation.selectionSet.selections.every(
      (selection) => selection.kind === Kind.FIELD && PUBLIC_MUTATIONS.has(selection.name.value),
    )
  );
}
