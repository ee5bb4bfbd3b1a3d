import {
  CriterionInput,
  CriterionScoreInput,
  commandInputs,
  ParticipantInput,
  PerformanceInput,
} from '@qingmiao/schema';
import { isInputObjectType } from 'graphql';
import { describe, expect, it } from 'vitest';
import { schema } from '../src/graphql/schema.ts';

/**
 * The typecheck already refuses a zod field without its GraphQL twin (test/command-inputs.test-d.ts); this checks
 * the other way round, which types cannot: a GraphQL field that zod would silently strip.
 */
const graphqlFields = (typeName: string) => {
  const type = schema.getType(typeName);
  return isInputObjectType(type) ? Object.keys(type.getFields()).sort() : [];
};

describe('GraphQL inputs have exactly the fields of the zod command inputs', () => {
  it.each(Object.entries(commandInputs))('%s', (name, input) => {
    const inputType = `${name.charAt(0).toUpperCase()}${name.slice(1)}Input`;
    const mutation = schema.getMutationType()?.getFields()[name];
    expect(mutation?.args.map((arg) => `${arg.name}: ${String(arg.type)}`)).toEqual([`input: ${inputType}!`]);
    expect(graphqlFields(inputType)).toEqual(Object.keys(input.shape).sort());
  });

  it.each([
    ['CriterionInput', CriterionInput],
    ['CriterionScoreInput', CriterionScoreInput],
    ['ParticipantInput', ParticipantInput],
    ['PerformanceInput', PerformanceInput],
  ] as const)('%s', (inputType, input) => {
    expect(graphqlFields(inputType)).toEqual(Object.keys(input.shape).sort());
  });
});
