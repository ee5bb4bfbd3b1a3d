import { awardCap, KIND_POLICIES } from '@qingmiao/domain';
import type { CampaignHistoryRow, CampaignRow } from '@qingmiao/projections';
import { CampaignKind, CampaignStatus, type Criterion, type CriterionInput } from '@qingmiao/schema';
import type { z } from 'zod';
import {
  builder,
  CampaignKindEnum,
  CampaignStatusEnum,
  type InputFieldBuilder,
  inputOf,
  SchoolKindEnum,
} from './builder.ts';
import { type CommandInputOptions, type CommandsYielding, commandMutation } from './command-mutations.ts';
import { Entry } from './entries.ts';
import { entryScope, visibleEntries } from './entry-access.ts';

const CriterionType = builder.objectRef<Criterion>('Criterion').implement({
  description: 'One weighted criterion of the judging rubric.',
  fields: (t) => ({
    name: t.exposeString('name'),
    weight: t.exposeFloat('weight'),
    maxScore: t.exposeFloat('maxScore'),
  }),
});

const CampaignTakesEnum = builder.enumType('CampaignTakes', {
  description: 'What a campaign of its kind takes: entries from schools, or lectures counted against a target.',
  values: ['ENTRIES', 'LECTURES'] as const,
});

const CampaignEvent = builder.objectRef<CampaignHistoryRow>('CampaignEvent').implement({
  description:
    'One change to a campaign itself: created (or copied), its settings as a draft, opened, extended, closed, ' +
    'cancelled, published, judges.',
  fields: (t) => ({
    type: t.exposeString('type', {
      description:
        'CampaignCreated, CampaignSettingsChanged, CampaignOpened, DeadlineExtended, CampaignClosed, ' +
        'CampaignCancelled, ResultsPublished, JudgeAssigned or JudgeUnassigned.',
    }),
    recordedAt: t.field({ type: 'DateTime', resolve: (row) => row.recordedAt }),
    actor: t.exposeString('actor'),
    role: t.exposeString('role'),
    closesAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: "The deadline it set (creation, a draft's new settings, extension).",
      resolve: (row) => row.closesAt,
    }),
    reason: t.exposeString('reason', { nullable: true, description: 'Why it was cancelled.' }),
    judge: t.exposeString('judge', { nullable: true, description: 'The judge assigned or unassigned.' }),
    copiedFrom: t.exposeID('copiedFrom', { nullable: true, description: 'The campaign a copy was made from.' }),
  }),
});

export const Campaign = builder.objectRef<CampaignRow>('Campaign').implement({
  description: 'A campaign of the year: an essay contest, a showcase, a lecture series or an evaluation.',
  fields: (t) => ({
    id: t.exposeID('id'),
    kind: t.field({ type: CampaignKindEnum, resolve: (campaign) => campaign.kind }),
    takes: t.field({
      type: CampaignTakesEnum,
      description: "Said by the kind's policy, so that clients need not know which kinds take what.",
      resolve: (campaign) => (KIND_POLICIES[campaign.kind].takes === 'lectures' ? 'LECTURES' : 'ENTRIES'),
    }),
    title: t.exposeString('title'),
    theme: t.exposeString('theme'),
    year: t.exposeInt('year'),
    opensAt: t.field({ type: 'DateTime', resolve: (campaign) => campaign.opensAt }),
    closesAt: t.field({
      type: 'DateTime',
      description: 'The deadline in force, as extended.',
      resolve: (c) => c.closesAt,
    }),
    eligibleSchoolKinds: t.field({ type: [SchoolKindEnum], resolve: (campaign) => campaign.eligibleSchoolKinds }),
    maxEntriesPerSchool: t.exposeInt('maxEntriesPerSchool', { nullable: true }),
    targetSessions: t.exposeInt('targetSessions', { nullable: true }),
    awardQuota: t.exposeFloat('awardQuota', { nullable: true }),
    rubric: t.field({ type: [CriterionType], resolve: (campaign) => campaign.rubric }),
    copiedFrom: t.exposeID('copiedFrom', { nullable: true, description: 'The campaign this one was copied from.' }),
    blindJudging: t.exposeBoolean('blindJudging', {
      description: 'Judges see its entries without school, advisor, participants or file names (作品-1.pdf …).',
    }),
    requireGuardianConsent: t.exposeBoolean('requireGuardianConsent', {
      description:
        "Every STUDENT participant of an entry carries guardianConsent: true (the school attests it holds the guardian's signed form).",
    }),
    status: t.field({ type: CampaignStatusEnum, resolve: (campaign) => campaign.status }),
    cancelReason: t.exposeString('cancelReason', { nullable: true }),
    entryCount: t.exposeInt('entryCount', { description: 'Live (not withdrawn) entries.' }),
    schoolCount: t.exposeInt('schoolCount', { description: 'Schools with at least one live entry.' }),
    awardsGranted: t.exposeInt('awardsGranted', { description: 'Live entries holding an award.' }),
    awardCap: t.int({
      nullable: true,
      description: 'floor(awardQuota × live entries): most awards the quota allows now; null without a quota.',
      resolve: (c) => (c.awardQuota === null ? null : awardCap(c.awardQuota, c.entryCount)),
    }),
    intergenerationalEntries: t.exposeInt('intergenerationalEntries', {
      description: '老少同台: live entries with retired teachers and students together.',
    }),
    sessionsDelivered: t.exposeInt('sessionsDelivered', { description: 'Lectures delivered.' }),
    audience: t.exposeInt('audience', { description: 'People reached by delivered lectures.' }),
    progress: t.float({
      nullable: true,
      description: 'Share of targetSessions delivered (1.0 = target reached); null without a target.',
      resolve: (c) => (c.targetSessions ? c.sessionsDelivered / c.targetSessions : null),
    }),
    judges: t.stringList({
      description: 'Token subjects of the assigned judges (organizers only).',
      authScopes: { organizer: true },
      resolve: (campaign) => campaign.judges,
    }),
    history: t.field({
      type: [CampaignEvent],
      description: "The campaign's own changes in order, with time and actor (organizers only): its timeline.",
      authScopes: { organizer: true },
      resolve: (campaign, _args, { read }) => read.campaignHistory(campaign.id),
    }),
    assignedToMe: t.boolean({
      description: 'Whether the reader is one of the judges assigned to this campaign.',
      resolve: (campaign, _args, { actor }) => actor.role === 'judge' && campaign.judges.includes(actor.sub),
    }),
    entries: t.field({
      type: [Entry],
      description: 'Entries, live and withdrawn. A school sees only its own; judges those of campaigns they judge.',
      authScopes: (campaign, _args, { actor }) => entryScope(actor, campaign) !== undefined,
      resolve: (campaign, _args, { read, actor }) =>
        visibleEntries(actor, campaign, read.entries(campaign.id, entryScope(actor, campaign)?.schoolId)),
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

const CriterionInputType = inputOf<z.input<typeof CriterionInput>>('CriterionInput', {
  fields: (t) => ({
    name: t.string({ required: true }),
    weight: t.float({ required: true }),
    maxScore: t.float({ required: true }),
  }),
});

/** A mutation of one campaign that returns it as changed. */
export const campaignMutation = <N extends CommandsYielding<'campaignId'>>(
  name: N,
  input: CommandInputOptions<N>,
  description?: string,
) =>
  commandMutation(name, {
    type: Campaign,
    input,
    description,
    readBack: ({ campaignId }, read) => read.campaign(campaignId),
  });

const campaignRef = { fields: (t: InputFieldBuilder) => ({ id: t.id({ required: true }) }) };

/** What an organizer sets about a campaign: at creation, and again as a whole while it is a draft. */
const settingsFields = (t: InputFieldBuilder) => ({
  title: t.string({ required: true }),
  theme: t.string(),
  opensAt: t.field({ type: 'DateTime', required: true }),
  closesAt: t.field({ type: 'DateTime', required: true }),
  eligibleSchoolKinds: t.field({ type: [SchoolKindEnum], description: 'Default: every kind.' }),
  maxEntriesPerSchool: t.int({
    description: 'Most live entries one school may have; unlimited when omitted; always 1 for EVALUATION.',
  }),
  targetSessions: t.int({ description: 'LECTURE campaigns: sessions to deliver, e.g. 1000.' }),
  awardQuota: t.float({ description: 'Share of live entries that may win an award, e.g. 0.15.' }),
  rubric: t.field({ type: [CriterionInputType], description: 'Judging criteria; default one overall score of 100.' }),
  blindJudging: t.boolean({
    description:
      'Default true: judges see entries without school, advisor, participants or file names. A copy keeps it.',
  }),
  requireGuardianConsent: t.boolean({
    description:
      "Default false: when true, every STUDENT participant of an entry must carry guardianConsent: true (the school attests it holds the guardian's signed consent form); not for LECTURE campaigns. A copy keeps it.",
  }),
});

campaignMutation('createCampaign', {
  fields: (t) => ({
    id: t.id({ description: 'A short slug such as `essay-2022`; generated when omitted.' }),
    kind: t.field({ type: CampaignKindEnum, required: true }),
    year: t.int({ required: true }),
    ...settingsFields(t),
  }),
});
campaignMutation(
  'changeCampaignSettings',
  { fields: (t) => ({ id: t.id({ required: true }), ...settingsFields(t) }) },
  "Replaces a DRAFT campaign's settings as a whole (kind and year stay; what is omitted takes its default, as at " +
    'creation); CONFLICT once the campaign has opened or been cancelled.',
);
campaignMutation('copyCampaign', {
  fields: (t) => ({
    sourceId: t.id({ required: true }),
    id: t.id({ description: 'Id of the new campaign; generated when omitted.' }),
    year: t.int({ required: true }),
    opensAt: t.field({ type: 'DateTime', description: "Default: the source's, moved to the new year." }),
    closesAt: t.field({ type: 'DateTime', description: "Default: the source's, moved to the new year." }),
  }),
});
campaignMutation('openCampaign', campaignRef);
campaignMutation('closeCampaign', campaignRef);
campaignMutation('extendDeadline', {
  fields: (t) => ({ id: t.id({ required: true }), closesAt: t.field({ type: 'DateTime', required: true }) }),
});
campaignMutation('cancelCampaign', {
  fields: (t) => ({ id: t.id({ required: true }), reason: t.string({ required: true }) }),
});
campaignMutation('publishResults', campaignRef);
