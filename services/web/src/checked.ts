import type { AnyDocument, SchemaChecked } from '@qingmiao/schema/graphql';

/**
 * A GraphQL document for urql, refused by the type checker when it selects a field the schema does not have
 * (gql.tada alone types such a field `unknown` and lets the query through): `useQuery({ query: checked(graphql(…)) })`.
 */
export function checked<D extends AnyDocument>(document: D & SchemaChecked<D>): D {
  return document;
}
