import { InvalidInput } from '@qingmiao/domain';
import type { WinnerRow } from '@qingmiao/projections';
import { Id } from '@qingmiao/schema';
import { builder, CampaignKindEnum, CampaignStatusEnum, PrizeEnum } from './builder.ts';
import { Participant } from './entries.ts';
import { awardsCounted, participantsFor } from './entry-access.ts';
import { validYear } from './participation.ts';

const Winner = builder.objectRef<WinnerRow>('Winner').implement({
  description: 'An awarded entry of the winners list: its campaign, prize, title, school and advisor.',
  fields: (t) => ({
    entryId: t.exposeID('entryId'),
    campaignId: t.exposeID('campaignId'),
    campaignTitle: t.exposeString('campaignTitle'),
    campaignKind: t.field({ type: CampaignKindEnum, resolve: (row) => row.campaignKind }),
    campaignStatus: t.field({
      type: CampaignStatusEnum,
      description: 'RESULTS_PUBLISHED once the list is public; organizers also see awards before that.',
      resolve: (row) => row.campaignStatus,
    }),
    prize: t.field({ type: PrizeEnum, resolve: (row) => row.prize }),
    title: t.exposeString('title'),
    schoolId: t.exposeID('schoolId'),
    schoolName: t.exposeString('schoolName'),
    advisor: t.exposeString('advisor', { nullable: true }),
    participants: t.field({
      type: [Participant],
      description: "Children's and teachers' names, without keys: organizers only (FORBIDDEN to everyone else).",
      authScopes: { organizer: true },
      resolve: (row, _args, { actor, participantReads }) =>
        participantsFor(actor, { id: row.entryId, schoolId: row.schoolId }, row.participants, participantReads),
    }),
  }),
});

builder.queryField('winners', (t) =>
  t.field({
    type: [Winner],
    description:
      "The awarded (live) entries of a year's campaigns, or of one: by campaign, prize (first to excellence), " +
      'school. Organizers see every award; everyone else only those of campaigns whose results are published. ' +
      'Cancelled campaigns have no winners.',
    args: { year: t.arg.int({ required: true }), campaignId: t.arg.id() },
    resolve: (_root, args, { readSide, actor }) => {
      const year = validYear(args.year);
      const campaignId =
        args.campaignId === null || args.campaignId === undefined ? undefined : String(args.campaignId);
      if (campaignId !== undefined && !Id.safeParse(campaignId).success) {
        throw new InvalidInput('campaignId', 'is not a campaign id');
      }
      const awards = awardsCounted(actor);
      return readSide.memo(`winners:${year}:${campaignId ?? ''}:${awards}`, (models) =>
        models.winners(year, campaignId, awards),
      );
    },
  }),
);
