import { type Actor, DEFAULT_RUBRIC, type EventOf, SchoolKind, type SubmitEntryInput } from '@qingmiao/schema';
import type { CampaignCommand, CampaignEvent } from '../src/campaigns/campaign.ts';
import { entryIdFor } from '../src/campaigns/entry-id.ts';
import { schoolActor } from './given-when-then.ts';

/** Fixtures of one campaign year shared by the campaign decider tests: a 征文 (essay) campaign unless overridden. */
export const CAMPAIGN = 'medal-essay-2022';

export type Definition = EventOf<'CampaignCreated'>['data'];

export const definition = (overrides: Partial<Definition> = {}): Definition => ({
  campaignId: CAMPAIGN,
  kind: 'ESSAY',
  title: '《勋章》读书征文',
  theme: '',
  year: 2022,
  opensAt: '2022-03-01T00:00:00+08:00',
  closesAt: '2022-06-30T23:59:59+08:00',
  eligibleSchoolKinds: [...SchoolKind.options],
  maxEntriesPerSchool: null,
  targetSessions: null,
  awardQuota: null,
  rubric: DEFAULT_RUBRIC,
  copiedFrom: null,
  blindJudging: true,
  requireGuardianConsent: false,
  ...overrides,
});

type CreateInput = Extract<CampaignCommand, { type: 'CreateCampaign' }>['input'];

/** The command creating the campaign that `created()` describes, with the optional fields left out. */
export const createCommand = (overrides: Partial<CreateInput> = {}): CampaignCommand => ({
  type: 'CreateCampaign',
  input: {
    id: CAMPAIGN,
    kind: 'ESSAY',
    title: '《勋章》读书征文',
    theme: undefined,
    year: 2022,
    opensAt: '2022-03-01T00:00:00+08:00',
    closesAt: '2022-06-30T23:59:59+08:00',
    eligibleSchoolKinds: undefined,
    maxEntriesPerSchool: undefined,
    targetSessions: undefined,
    awardQuota: undefined,
    rubric: undefined,
    blindJudging: true,
    requireGuardianConsent: false,
    ...overrides,
  },
});

export const created = (overrides: Partial<Definition> = {}): CampaignEvent => ({
  type: 'CampaignCreated',
  data: definition(overrides),
});
export const opened = (campaignId = CAMPAIGN): CampaignEvent => ({ type: 'CampaignOpened', data: { campaignId } });
export const closed = (campaignId = CAMPAIGN): CampaignEvent => ({ type: 'CampaignClosed', data: { campaignId } });
export const published = (campaignId = CAMPAIGN): CampaignEvent => ({
  type: 'ResultsPublished',
  data: { campaignId },
});
export const cancelled = (campaignId = CAMPAIGN, reason = '疫情防控'): CampaignEvent => ({
  type: 'CampaignCancelled',
  data: { campaignId, reason },
});
export const judgeAssigned = (judge: string, campaignId = CAMPAIGN): CampaignEvent => ({
  type: 'JudgeAssigned',
  data: { campaignId, judge },
});
export const judgeUnassigned = (judge: string, campaignId = CAMPAIGN): CampaignEvent => ({
  type: 'JudgeUnassigned',
  data: { campaignId, judge },
});

export const XINHUA = { id: 'xinhua-primary', kind: 'PRIMARY' } as const;
export const YUCAI = { id: 'yucai-junior', kind: 'JUNIOR_HIGH' } as const;
export const asXinhua = { actor: schoolActor(XINHUA.id) };
export const asYucai = { actor: schoolActor(YUCAI.id) };
export const judgeActor = (sub: string): Actor => ({ sub, role: 'judge' });

export const entryId = (submissionId: string, campaignId = CAMPAIGN): string => entryIdFor(campaignId, submissionId);

export const submission = (overrides: Partial<SubmitEntryInput> = {}): SubmitEntryInput => ({
  submissionId: 'sub-1',
  campaignId: CAMPAIGN,
  schoolId: XINHUA.id,
  title: '我读《勋章》',
  participants: [{ name: '张小明', role: 'STUDENT', grade: '五年级' }],
  advisor: '李老师',
  performance: undefined,
  body: undefined,
  attachmentIds: [],
  ...overrides,
});

/** The event a successful submission of `submission(overrides)` appends. */
export const submitted = (overrides: Partial<SubmitEntryInput> = {}): CampaignEvent => {
  const input = submission(overrides);
  return {
    type: 'EntrySubmitted',
    data: {
      campaignId: input.campaignId,
      entryId: entryIdFor(input.campaignId, input.submissionId),
      submissionId: input.submissionId,
      schoolId: input.schoolId,
      title: input.title,
      participants: input.participants,
      advisor: input.advisor ?? null,
      performance: input.performance ?? null,
    },
  };
};

/** `count` live entries `sub-1` … `sub-{count}`, all from 新华小学 (the campaign sets no per-school limit). */
export const submittedEntries = (count: number, campaignId = CAMPAIGN): CampaignEvent[] =>
  Array.from({ length: count }, (_, i) => submitted({ campaignId, submissionId: `sub-${i + 1}` }));

export const withdrawn = (submissionId: string, reason = '重复提交', campaignId = CAMPAIGN): CampaignEvent => ({
  type: 'EntryWithdrawn',
  data: { campaignId, entryId: entryId(submissionId, campaignId), reason },
});
