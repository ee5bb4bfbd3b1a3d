/**
 * Type tests, checked by `tsc -p services/api` (typecheck): GraphQL inputs cannot drift from the zod command inputs.
 * Each `@ts-expect-error` fails the typecheck if the error it expects stops happening.
 */
import type { Commands } from '@qingmiao/domain';
import { type CommandName, RegisterSchoolInput } from '@qingmiao/schema';
import { expectTypeOf } from 'vitest';
import { z } from 'zod';
import { type InputFieldBuilder, type InputOptions, SchoolKindEnum } from '../src/graphql/builder.ts';
import type { CommandInputOptions, CommandsYielding } from '../src/graphql/command-mutations.ts';

/** The fields of `RegisterSchoolInput` as the API declares them. */
const registerSchool = {
  fields: (t: InputFieldBuilder) => ({
    id: t.id(),
    name: t.string({ required: true }),
    kind: t.field({ type: SchoolKindEnum, required: true }),
    town: t.string({ required: true }),
    private: t.boolean(),
  }),
};
registerSchool satisfies CommandInputOptions<'registerSchool'>;

// A field added to the zod input, required or optional, that GraphQL lacks does not compile.
const WithMotto = RegisterSchoolInput.extend({ motto: z.string().nullish() });
// @ts-expect-error Property 'motto' is missing
registerSchool satisfies InputOptions<z.input<typeof WithMotto>>;

// A GraphQL field of a type the zod input refuses does not compile.
const withYearAsText = {
  fields: (t: InputFieldBuilder) => ({
    schoolId: t.id({ required: true }),
    year: t.string({ required: true }),
    students: t.int({ required: true }),
  }),
};
// @ts-expect-error Type 'string' is not assignable to type 'number'
withYearAsText satisfies CommandInputOptions<'recordEnrollment'>;

// Nor does an optional GraphQL field for one the zod input requires.
const withOptionalTown = {
  fields: (t: InputFieldBuilder) => ({ ...registerSchool.fields(t), town: t.string() }),
};
// @ts-expect-error Type 'undefined' is not assignable to type 'string'
withOptionalTown satisfies CommandInputOptions<'registerSchool'>;

// Every command has its input in the catalogue the mutations are derived from, and no more.
expectTypeOf<CommandName>().toEqualTypeOf<keyof Commands>();

// Mutations are grouped by what their command's outcome names, not by hand-written lists.
expectTypeOf<'assignJudge'>().toExtend<CommandsYielding<'campaignId'>>();
expectTypeOf<'scheduleLecture'>().not.toExtend<CommandsYielding<'campaignId'>>();
