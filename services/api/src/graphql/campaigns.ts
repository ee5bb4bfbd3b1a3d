import type { CampaignRow } from '@qingmiao/projections';
import { CampaignKind, CampaignStatus } from '@qingmiao/schema';
import { builder, CampaignKindEnum, CampaignStatusEnum, SchoolKindEnum } from './builder.ts';
import { commandMeta } from './context.ts';
import { Entry } from './entries.ts';
import { mustExist } from './read.ts';

export const Campaign = builder.objectRef<CampaignRow>('Campaign').implement({
  description: 'A campaign of the year: an essay contest, a showcase, a lecture series or an evaluation.',
  fields: (t) => ({
    id: t.exposeID('id'),
    kind: t.field({ type: CampaignKindEnum, resolve: (campaign) => campaign.kind }),
    title: t.exposeString('title'),
    theme: t.exposeString('theme'),
    year: t.exposeInt('year'),
    opensAt: t.field({ type: 'DateTime', resolve: (campaign) => campaign.opensAt }),
    closesAt: t.field({ type: 'DateTime', resolve: (campaign) => campaign.closesAt }),
    eligibleSchoolKinds: t.field({ type: [SchoolKindEnum], resolve: (campaign) => campaign.eligibleSchoolKinds }),
    maxEntriesPerSchool: t.exposeInt('maxEntriesPerSchool', { nullable: true }),
    targetSessions: t.exposeInt('targetSessions', { nullable: true }),
    awardQuota: t.exposeFloat('awardQuota', { nullable: true }),
    status: t.field({ type: CampaignStatusEnum, resolve: (campaign) => campaign.status }),
    entryCount: t.exposeInt('entryCount', { description: 'Live (not withdrawn) entries.' }),
    schoolCount: t.exposeInt('schoolCount', { description: 'Schools with at least one live entry.' }),
    entries: t.field({
      type: [Entry],
      description: 'Entries, live and withdrawn. A school sees only its own; viewers see none.',
      authScopes: { organizer: true, judge: true, school: true },
      resolve: (campaign, _args, { read, actor }) =>
        read.entries(campaign.id, actor.role === 'school' ? actor.schoolId : undefined),
    }),
  }),
});

builder.queryFields((t) => ({
  campaigns: t.field({
    type: [Campaign],
    args: {
      year: t.arg.int(),
      kind: t.arg({ type: CampaignKindEnum }),
      status: t.arg({ type: CampaignStatusEnum }),
    },
    resolve: (_root, args, { read }) =>
      read.campaigns({
        year: args.year ?? undefined,
        kind: args.kind ? CampaignKind.parse(args.kind) : undefined,
        status: args.status ? CampaignStatus.parse(args.status) : undefined,
      }),
  }),
  campaign: t.field({
    type: Campaign,
    nullable: true,
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, { id }, { read }) => read.campaign(String(id)),
  }),
}));

const CreateCampaignInput = builder.inputType('CreateCampaignInput', {
  fields: (t) => ({
    id: t.id({ description: 'A short slug such as `essay-2022`; generated when omitted.' }),
    kind: t.field({ type: CampaignKindEnum, required: true }),
    title: t.string({ required: true }),
    theme: t.string(),
    year: t.int({ required: true }),
    opensAt: t.field({ type: 'DateTime', required: true }),
    closesAt: t.field({ type: 'DateTime', required: true }),
    eligibleSchoolKinds: t.field({ type: [SchoolKindEnum], description: 'Default: every kind.' }),
    maxEntriesPerSchool: t.int({ description: 'Most live entries one school may have; unlimited when omitted.' }),
    targetSessions: t.int({ description: 'LECTURE campaigns: sessions to deliver, e.g. 1000.' }),
    awardQuota: t.float({ description: 'Share of live entries that may win an award, e.g. 0.15.' }),
  }),
});

const CampaignRefInput = (name: string) =>
  builder.inputType(name, { fields: (t) => ({ id: t.id({ required: true }) }) });

const OpenCampaignInput = CampaignRefInput('OpenCampaignInput');
const CloseCampaignInput = CampaignRefInput('CloseCampaignInput');

builder.mutationFields((t) => ({
  createCampaign: t.field({
    type: Campaign,
    args: { input: t.arg({ type: CreateCampaignInput, required: true }) },
    resolve: async (_root, { input }, context) => {
      const { campaignId, position } = await context.commands.createCampaign(input, commandMeta(context));
      await context.projections.waitFor(position);
      return mustExist(context.read.campaign(campaignId), `Campaign ${campaignId}`);
    },
  }),
  openCampaign: t.field({
    type: Campaign,
    args: { input: t.arg({ type: OpenCampaignInput, required: true }) },
    resolve: async (_root, { input }, context) => {
      const { campaignId, position } = await context.commands.openCampaign(input, commandMeta(context));
      await context.projections.waitFor(position);
      return mustExist(context.read.campaign(campaignId), `Campaign ${campaignId}`);
    },
  }),
  closeCampaign: t.field({
    type: Campaign,
    args: { input: t.arg({ type: CloseCampaignInput, required: true }) },
    resolve: async (_root, { input }, context) => {
      const { campaignId, position } = await context.commands.closeCampaign(input, commandMeta(context));
      await context.projections.waitFor(position);
      return mustExist(context.read.campaign(campaignId), `Campaign ${campaignId}`);
    },
  }),
}));
