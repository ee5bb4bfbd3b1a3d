import { InvalidInput } from '@qingmiao/domain';
import type { ParticipationRow } from '@qingmiao/projections';
import { ParticipationGrouping, type Prize, Year } from '@qingmiao/schema';
import { yearFigures } from '../year-figures.ts';
import { builder, PrizeEnum } from './builder.ts';
import { awardsCounted } from './entry-access.ts';

const ParticipationGroupingEnum = builder.enumType('ParticipationGrouping', { values: ParticipationGrouping.options });

const METRICS = [
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
] as const satisfies readonly (keyof ParticipationRow)[];

const ParticipationMetric = builder.enumType('ParticipationMetric', {
  description: 'A figure of a participation row, to rank groups by.',
  values: METRICS,
});

const PrizeCount = builder.objectRef<{ prize: Prize; count: number }>('PrizeCount').implement({
  fields: (t) => ({
    prize: t.field({ type: PrizeEnum, resolve: (row) => row.prize }),
    count: t.exposeInt('count'),
  }),
});

type RankedRow = ParticipationRow & { readonly rank: number | null };

const Participation = builder.objectRef<RankedRow>('ParticipationRow').implement({
  description: 'Participation figures of one group (a school, a town, …) in a year.',
  fields: (t) => ({
    key: t.exposeID('key', { description: 'School id, town name, SchoolKind, campaign id or YYYY-MM.' }),
    label: t.exposeString('label'),
    rank: t.exposeInt('rank', { nullable: true, description: 'Place by `rankBy` (1 = highest); null without it.' }),
    schools: t.exposeInt('schools', { description: 'Schools with a live entry or a hosted lecture.' }),
    entries: t.exposeInt('entries', { description: 'Live (not withdrawn) entries.' }),
    students: t.exposeInt('students', {
      description: 'Distinct participating students (by participant key, else name + grade within a school).',
    }),
    participants: t.exposeInt('participants', { description: 'Distinct participants of every role.' }),
    retiredTeachers: t.exposeInt('retiredTeachers'),
    enrolled: t.exposeInt('enrolled', { nullable: true, description: 'Students enrolled that year.' }),
    participationRate: t.exposeFloat('participationRate', {
      nullable: true,
      description: 'students / enrolled; null without enrollment figures.',
    }),
    awards: t.exposeInt('awards', { description: 'Live entries holding a prize.' }),
    awardsByPrize: t.field({
      type: [PrizeCount],
      resolve: (row) => Object.entries(row.awardsByPrize).map(([prize, count]) => ({ prize: prize as Prize, count })),
    }),
    lecturesDelivered: t.exposeInt('lecturesDelivered', {
      description: 'Lectures delivered at (hosted by) the group.',
    }),
    audience: t.exposeInt('audience', { description: 'People reached by those lectures.' }),
  }),
});

function rank(rows: readonly ParticipationRow[], metric: (typeof METRICS)[number] | null | undefined): RankedRow[] {
  if (!metric) return rows.map((row) => ({ ...row, rank: null }));
  const value = (row: ParticipationRow) => row[metric] ?? Number.NEGATIVE_INFINITY;
  const sorted = [...rows].sort((a, b) => value(b) - value(a) || a.key.localeCompare(b.key));
  // Competition ranking: equal figures share a place (1, 2, 2, 4).
  return sorted.map((row) => ({ ...row, rank: sorted.filter((other) => value(other) > value(row)).length + 1 }));
}

export function validYear(value: number): number {
  const year = Year.safeParse(value);
  if (!year.success) throw new InvalidInput('year', year.error.issues[0]?.message ?? 'is invalid');
  return year.data;
}

builder.queryFields((t) => ({
  participation: t.field({
    type: [Participation],
    description: 'Participation of a year per group; groups without activity appear with zeros.',
    args: {
      year: t.arg.int({ required: true }),
      groupBy: t.arg({ type: ParticipationGroupingEnum, defaultValue: 'SCHOOL', required: true }),
      campaignId: t.arg.id(),
      asOf: t.arg({ type: 'DateTime', description: 'The figures as they were at that moment (replaying the log).' }),
      rankBy: t.arg({ type: ParticipationMetric, description: 'Sort by this figure, highest first, with ranks.' }),
    },
    resolve: async (_root, args, { readSide, pastFigures, actor }) => {
      const year = validYear(args.year);
      const campaignId = args.campaignId ? String(args.campaignId) : undefined;
      const awards = awardsCounted(actor);
      const [rows = []] = await yearFigures(
        { readSide, pastFigures },
        {
          year,
          asOf: args.asOf ? new Date(args.asOf) : undefined,
          memoKey: `participation:${year}:${args.groupBy}:${campaignId ?? ''}:${awards}`,
        },
        [{ groupBy: args.groupBy, campaignId, awards }],
      );
      return rank(rows, args.rankBy);
    },
  }),
  participationTotals: t.field({
    type: Participation,
    description:
      'Participation of a year as one row keyed by the year: what the groups of any grouping add up to, lectures at venues outside schools included.',
    args: { year: t.arg.int({ required: true }), campaignId: t.arg.id() },
    resolve: (_root, args, { readSide, actor }) => {
      const year = validYear(args.year);
      const campaignId = args.campaignId ? String(args.campaignId) : undefined;
      const awards = awardsCounted(actor);
      const totals = readSide.memo(`participationTotals:${year}:${campaignId ?? ''}:${awards}`, (models) =>
        models.participationTotals(year, campaignId, awards),
      );
      return { ...totals, rank: null };
    },
  }),
}));
