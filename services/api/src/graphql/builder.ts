import SchemaBuilder, { type InputObjectRef } from '@pothos/core';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import { CampaignKind, CampaignStatus, ParticipantRole, Prize, SchoolKind } from '@qingmiao/schema';
import { GraphQLError } from 'graphql';
import type { Context } from './context.ts';
import { DateTimeResolver } from './date-time.ts';

export const builder = new SchemaBuilder<{
  Context: Context;
  DefaultFieldNullability: false;
  Scalars: { DateTime: { Input: string; Output: string } };
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

type Types = typeof builder extends PothosSchemaTypes.SchemaBuilder<infer T> ? T : never;

/** Any input object type of this schema, for helpers that build several similar mutations. */
export type InputRef = InputObjectRef<Types, unknown>;
