import { readFileSync } from 'node:fs';
import { printSchema } from 'graphql';
import { describe, expect, it } from 'vitest';
import { schema } from '../src/graphql/schema.ts';

describe('GraphQL contract', () => {
  it('matches the checked-in schema/schema.graphql (run `npm run schema:print` after changing the API)', () => {
    const checkedIn = readFileSync(new URL('../../../schema/schema.graphql', import.meta.url), 'utf8');
    expect(`${printSchema(schema)}\n`).toBe(checkedIn);
  });

  it('keeps the names clients rely on', () => {
    const sdl = printSchema(schema);
    for (const name of [
      'registerSchool(input: RegisterSchoolInput!): School!',
      'recordEnrollment(input: RecordEnrollmentInput!): Enrollment!',
      'createCampaign(input: CreateCampaignInput!): Campaign!',
      'openCampaign(input: OpenCampaignInput!): Campaign!',
      'closeCampaign(input: CloseCampaignInput!): Campaign!',
      'submitEntry(input: SubmitEntryInput!): Entry!',
      'withdrawEntry(input: WithdrawEntryInput!): Entry!',
      'participation(asOf: DateTime, campaignId: ID, groupBy: ParticipationGrouping! = SCHOOL, year: Int!)',
      'entryHistory(entryId: ID!): [EntryEvent!]!',
    ]) {
      expect(sdl).toContain(name);
    }
  });
});
