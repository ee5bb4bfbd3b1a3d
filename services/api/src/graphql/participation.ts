import { InvalidInput } from '@qingmiao/domain';
import type { ParticipationRow } from '@qingmiao/projections';
import { Year } from '@qingmiao/schema';
import { builder } from './builder.ts';

const ParticipationGrouping = builder.enumType('ParticipationGrouping', {
  values: ['SCHOOL', 'TOWN', 'SCHOOL_KIND', 'CAMPAIGN', 'MONTH'] as const,
});

const Participation = builder.objectRef<ParticipationRow>('ParticipationRow').implement({
  description: 'Participation figures of one group (a school, a town, …) in a year.',
  fields: (t) => ({
    key: t.exposeID('key', { description: 'School id, town name, SchoolKind, campaign id or YYYY-MM.' }),
    label: t.exposeString('label'),
    schools: t.exposeInt('schools', { description: 'Schools with at least one live entry.' }),
    entries: t.exposeInt('entries', { description: 'Live (not withdrawn) entries.' }),
    students: t.exposeInt('students', { description: 'Distinct participating students.' }),
    participants: t.exposeInt('participants', { description: 'Distinct participants of every role.' }),
    retiredTeachers: t.exposeInt('retiredTeachers'),
    enrolled: t.exposeInt('enrolled', { nullable: true, description: 'Students enrolled that year.' }),
    participationRate: t.exposeFloat('participationRate', {
      nullable: true,
      description: 'students / enrolled; null without enrollment figures.',
    }),
    awards: t.exposeInt('awards', { description: 'Live entries holding a prize.' }),
    lecturesDelivered: t.exposeInt('lecturesDelivered', {
      description: 'Lectures delivered at (hosted by) the group.',
    }),
    audience: t.exposeInt('audience', { description: 'People reached by those lectures.' }),
  }),
});

builder.queryFields((t) => ({
  participation: t.field({
    type: [Participation],
    args: {
      year: t.arg.int({ required: true }),
      groupBy: t.arg({ type: ParticipationGrouping, defaultValue: 'SCHOOL', required: true }),
      campaignId: t.arg.id(),
      asOf: t.arg({ type: 'DateTime' }),
    },
    resolve: (_root, args, { read }) => {
      const year = Year.safeParse(args.year);
      if (!year.success) throw new InvalidInput('year', year.error.issues[0]?.message ?? 'is invalid');
      if (args.groupBy !== 'SCHOOL') throw new InvalidInput('groupBy', 'only SCHOOL is available in this version');
      if (args.asOf) throw new InvalidInput('asOf', 'is not available in this version');
      return read.participationBySchool(year.data, args.campaignId ? String(args.campaignId) : undefined);
    },
  }),
}));
