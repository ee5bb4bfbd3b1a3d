import {
  createCounter,
  createHistogram,
  type FillLabelsFnParams,
  usePrometheus,
} from '@graphql-yoga/plugin-prometheus';
import {
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  getOperationAST,
  Kind,
  type SelectionSetNode,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Registry } from 'prom-client';

/** Introspection fields every root type answers besides its own. */
const META_FIELDS = new Set(['__typename', '__schema', '__type']);

export interface OperationLabels {
  readonly operationType: string;
  readonly operation: string;
}

/**
 * Labels of a GraphQL request that a caller cannot multiply: the operation type, and the schema's root field it
 * selects (aliases counted as the field), `multiple` when it selects several, `other` for anything the schema does
 * not know. Root fields are a fixed set (~45) that says where time goes for every client, README examples and
 * scripts alike, whereas the caller's operation name is free text: 10,000 names made 10,000 series. The name the
 * caller asked for only picks which of the document's operations is labelled (the only one when it names none).
 */
export function operationLabels(
  schema: GraphQLSchema,
  document: DocumentNode | undefined,
  operationName: string | undefined,
): OperationLabels {
  const operation = document && (getOperationAST(document, operationName) ?? getOperationAST(document));
  const root = operation && schema.getRootType(operation.operation);
  if (!document || !operation || !root) return { operationType: 'unknown', operation: 'other' };
  const fields = rootFields(document, operation.selectionSet);
  const [only] = fields;
  const known = only !== undefined && (Object.hasOwn(root.getFields(), only) || META_FIELDS.has(only));
  return {
    operationType: operation.operation,
    operation: fields.size > 1 ? 'multiple' : known ? only : 'other',
  };
}

/** The field names an operation selects at its root, through inline fragments and fragment spreads. */
function rootFields(document: DocumentNode, selectionSet: SelectionSetNode): ReadonlySet<string> {
  const fragments = new Map(
    document.definitions
      .filter((definition): definition is FragmentDefinitionNode => definition.kind === Kind.FRAGMENT_DEFINITION)
      .map((fragment) => [fragment.name.value, fragment]),
  );
  const names = new Set<string>();
  // Not yet validated when the parse phase is labelled: a fragment may spread itself.
  const spread = new Set<string>();
  const walk = (set: SelectionSetNode) => {
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) names.add(selection.name.value);
      else if (selection.kind === Kind.INLINE_FRAGMENT) walk(selection.selectionSet);
      else if (!spread.has(selection.name.value)) {
        spread.add(selection.name.value);
        const fragment = fragments.get(selection.name.value);
        if (fragment) walk(fragment.selectionSet);
      }
    }
  };
  walk(selectionSet);
  return names;
}

type HttpParams = FillLabelsFnParams & { readonly request: Request; readonly response: Response };

/**
 * Yoga's Prometheus metrics with bounded labels only: operation labels as above, the HTTP method and status, never
 * the URL (its query string is the caller's: ?pad=… made a series per request, and a refused GET /graphql?query=…
 * carried children's names into it) nor the error's path (aliases are the caller's). The plugin's other metrics are
 * off: README documents these three.
 */
export function useOperationMetrics(schema: GraphQLSchema, registry: Registry): Plugin {
  const labelsOf = ({ document, operationName }: FillLabelsFnParams) =>
    operationLabels(schema, document, operationName);
  return usePrometheus({
    registry,
    endpoint: false,
    metrics: {
      graphql_yoga_http_duration: createHistogram<
        'request',
        keyof OperationLabels | 'method' | 'statusCode',
        HttpParams
      >({
        registry,
        histogram: {
          name: 'graphql_yoga_http_duration',
          help: 'Time spent on HTTP requests to /graphql',
          labelNames: ['operationType', 'operation', 'method', 'statusCode'],
        },
        fillLabelsFn: (params) => ({
          ...labelsOf(params),
          method: params.request.method,
          statusCode: params.response.status,
        }),
      }),
      graphql_envelop_request_duration: createHistogram<'execute' | 'subscribe', keyof OperationLabels>({
        registry,
        histogram: {
          name: 'graphql_envelop_request_duration',
          help: 'Time spent on running the GraphQL operation from parse to execute',
          labelNames: ['operationType', 'operation'],
        },
        fillLabelsFn: labelsOf,
      }),
      graphql_envelop_error_result: createCounter<
        'parse' | 'validate' | 'context' | 'execute' | 'subscribe',
        keyof OperationLabels | 'phase'
      >({
        registry,
        counter: {
          name: 'graphql_envelop_error_result',
          help: 'Errors in GraphQL results, by the phase that caused them',
          labelNames: ['operationType', 'operation', 'phase'],
        },
        fillLabelsFn: (params) => ({ ...labelsOf(params), phase: params.errorPhase ?? 'execute' }),
      }),
      graphql_envelop_deprecated_field: false,
      graphql_envelop_request: false,
      graphql_envelop_request_time_summary: false,
      graphql_envelop_phase_parse: false,
      graphql_envelop_phase_validate: false,
      graphql_envelop_phase_context: false,
      graphql_envelop_phase_execute: false,
      graphql_envelop_phase_subscribe: false,
      graphql_envelop_schema_change: false,
    },
  });
}
