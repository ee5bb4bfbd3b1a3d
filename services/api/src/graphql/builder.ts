import SchemaBuilder, { type InputFieldRef, type RecursivelyNormalizeNullableFields } from '@pothos/core';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import { CampaignKind, CampaignStatus, ParticipantRole, Prize, SchoolKind } from '@qingmiao/schema';
import { GraphQLError } from 'graphql';
import type { StagedUpload } from '../files/multipart-upload.ts';
import type { Context } from './context.ts';
import { DateTimeResolver } from './date-time.ts';

export const builder = new SchemaBuilder<{
  Context: Context;
  DefaultFieldNullability: false;
  Scalars: { DateTime: { Input: string; Output: string }; File: { Input: StagedUpload; Output: never } };
  AuthScopes: { organizer: boolean; judge: boolean; school: boolean };
}>({
  plugins: [ScopeAuthPlugin],
  defaultFieldNullability: false,
  scopeAuth: {
    authScopes: ({ actor }) => ({
      organizer: actor.role === 'organizer',
      judge: actor.role === 'judge',
      school: actor.role === 'school',
    }),
    unauthorizedError: () => new GraphQLError(`Not allowed`, { extensions: { code: 'FORBIDDEN' } }),
  },
});

builder.addScalarType('DateTime', DateTimeResolver);

// Enum values come from the zod schemas, so GraphQL and validation cannot drift apart.
export const SchoolKindEnum = builder.enumType('SchoolKind', { values: SchoolKind.options });
export const CampaignKindEnum = builder.enumType('CampaignKind', { values: CampaignKind.options });
export const CampaignStatusEnum = builder.enumType('CampaignStatus', { values: CampaignStatus.options });
export const PrizeEnum = builder.enumType('Prize', { values: Prize.options });
export const ParticipantRoleEnum = builder.enumType('ParticipantRole', { values: ParticipantRole.options });

builder.queryType({});
builder.mutationType({});

export type Types = typeof builder extends PothosSchemaTypes.SchemaBuilder<infer T> ? T : never;

/**
 * The fields of an input object that mirrors `Shape`: one for every key, optional ones too, each of a type that
 * `Shape` accepts. (Pothos's own `implement` lets optional keys go missing.)
 */
type FieldsOf<Shape> = { [K in keyof Shape]-?: InputFieldRef<Types, Shape[K]> };

/** An input object's options, its fields checked against `Shape`, what a zod schema accepts (`z.input`). */
export type InputOptions<Shape> = PothosSchemaTypes.InputObjectTypeOptions<
  Types,
  FieldsOf<RecursivelyNormalizeNullableFields<Shape>>
>;

export type InputFieldBuilder = PothosSchemaTypes.InputFieldBuilder<Types, 'InputObject'>;

/**
 * The input object `name` that mirrors a zod schema, typed by what the schema accepts (`inputOf<z.input<typeof X>>`):
 * a field the schema has and GraphQL lacks, or a GraphQL field of a type the schema refuses, does not compile.
 */
export const inputOf = <Shape extends object>(name: string, options: InputOptions<Shape>) =>
  builder.inputRef<Shape>(name).implement(options);
