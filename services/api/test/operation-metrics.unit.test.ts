import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { operationLabels } from '../src/graphql/operation-metrics.ts';
import { schema } from '../src/graphql/schema.ts';

const labels = (document: string, operationName?: string) => operationLabels(schema, parse(document), operationName);

describe('operation labels', () => {
  it('name the root field whatever the caller calls the operation or aliases the field', () => {
    expect(labels('query Anything123 { schools { id } }', 'Anything123')).toEqual({
      operationType: 'query',
      operation: 'schools',
    });
    expect(labels('{ a: schools { id } b: schools { name } }')).toEqual({
      operationType: 'query',
      operation: 'schools',
    });
    expect(labels('mutation M($i: RegisterSchoolInput!) { registerSchool(input: $i) { id } }')).toEqual({
      operationType: 'mutation',
      operation: 'registerSchool',
    });
  });

  it('look through fragments at the root, even a fragment that spreads itself', () => {
    expect(labels('{ ...F } fragment F on Query { ... on Query { campaigns { id } } }').operation).toBe('campaigns');
    expect(labels('{ ...F } fragment F on Query { ...F campaigns { id } }').operation).toBe('campaigns');
  });

  it('say multiple for several root fields and other for what the schema does not know', () => {
    expect(labels('{ schools { id } campaigns { id } }').operation).toBe('multiple');
    expect(labels('{ noSuchField_8f3a { id } }').operation).toBe('other');
    expect(labels('{ constructor }').operation).toBe('other');
    expect(labels('query A { schools { id } } query B { campaigns { id } }')).toEqual({
      operationType: 'unknown',
      operation: 'other',
    });
    expect(labels('query A { schools { id } } query B { campaigns { id } }', 'B').operation).toBe('campaigns');
    expect(labels('{ __typename }').operation).toBe('__typename');
  });
});
