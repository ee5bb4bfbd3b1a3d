import { readFileSync } from 'node:fs';
import { printSchema } from 'graphql';
import { describe, expect, it } from 'vitest';
import { schema } from '../src/graphql/schema.ts';

const MUTATIONS: Record<string, string> = {
  registerSchool: 'School',
  recordEnrollment: 'Enrollment',
  registerLecturer: 'Lecturer',
  createCampaign: 'Campaign',
  openCampaign: 'Campaign',
  closeCampaign: 'Campaign',
  publishResults: 'Campaign',
  submitEntry: 'Entry',
  reviseEntry: 'Entry',
  withdrawEntry: 'Entry',
  scoreEntry: 'Entry',
  awardEntry: 'Entry',
  scheduleLecture: 'Lecture',
  recordLectureDelivered: 'Lecture',
  cancelLecture: 'Lecture',
};

describe('GraphQL contract', () => {
  it('matches the checked-in schema/schema.graphql (run `npm run schema:print` after changing the API)', () => {
    const checkedIn = readFileSync(new URL('../../../schema/schema.graphql', import.meta.url), 'utf8');
    expect(`${printSchema(schema)}\n`).toBe(checkedIn);
  });

  it('keeps the names clients rely on: each mutation takes one input named after it', () => {
    const mutations = schema.getMutationType()?.getFields() ?? {};
    for (const [name, returns] of Object.entries(MUTATIONS)) {
      const field = mutations[name];
      expect(field, name).toBeDefined();
      expect(field?.args.map((arg) => `${arg.name}: ${String(arg.type)}`)).toEqual([
        `input: ${name[0]?.toUpperCase()}${name.slice(1)}Input!`,
      ]);
      expect(String(field?.type)).toBe(`${returns}!`);
    }
  });

  it('keeps the query and subscription names and arguments', () => {
    const queries = schema.getQueryType()?.getFields() ?? {};
    const args = (name: string) => queries[name]?.args.map((arg) => arg.name).sort();
    expect(args('participation')).toEqual(expect.arrayContaining(['asOf', 'campaignId', 'groupBy', 'year']));
    expect(args('campaigns')).toEqual(['kind', 'status', 'year']);
    expect(args('entryHistory')).toEqual(['entryId']);
    for (const name of ['schools', 'school', 'campaign', 'lecturers']) expect(queries[name], name).toBeDefined();
    const campaign = schema.getType('Campaign');
    const fields = campaign && 'getFields' in campaign ? Object.keys(campaign.getFields()) : [];
    expect(fields).toEqual(
      expect.arrayContaining([
        'status',
        'entries',
        'lectures',
        'entryCount',
        'schoolCount',
        'awardsGranted',
        'targetSessions',
        'sessionsDelivered',
        'progress',
      ]),
    );
    const row = schema.getType('ParticipationRow');
    expect(row && 'getFields' in row ? Object.keys(row.getFields()) : []).toEqual(
      expect.arrayContaining([
        'key',
        'label',
        'schools',
        'entries',
        'students',
        'participants',
        'retiredTeachers',
        'enrolled',
        'participationRate',
        'awards',
        'lecturesDelivered',
        'audience',
      ]),
    );
    expect(Object.keys(schema.getSubscriptionType()?.getFields() ?? {})).toContain('participationChanged');
    expect(schema.getType('ParticipationGrouping')?.toString()).toBe('ParticipationGrouping');
  });
});
