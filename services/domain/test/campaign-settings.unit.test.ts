import { DEFAULT_RUBRIC, SchoolKind } from '@qingmiao/schema';
import { describe, it } from 'vitest';
import { type CampaignCommand, type CampaignEvent, campaignDecider } from '../src/campaigns/campaign.ts';
import { Conflict, InvalidInput, NotFound } from '../src/errors.ts';
import { CAMPAIGN, cancelled, closed, created, opened, published } from './campaign-fixtures.ts';
import { given, onField } from './given-when-then.ts';

type SettingsInput = Extract<CampaignCommand, { type: 'ChangeCampaignSettings' }>['input'];
type Settings = Extract<CampaignEvent, { type: 'CampaignSettingsChanged' }>['data'];

const RUBRIC = [
  { name: '立意', weight: 2, maxScore: 40 },
  { name: '文采', weight: 1, maxScore: 60 },
];

/** The settings of the fixture's draft as the wizard sends them again, with `overrides`. */
const change = (overrides: Partial<SettingsInput> = {}): CampaignCommand => ({
  type: 'ChangeCampaignSettings',
  input: {
    id: CAMPAIGN,
    title: '《勋章》读书征文',
    theme: undefined,
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

const changed = (overrides: Partial<Settings> = {}): CampaignEvent => ({
  type: 'CampaignSettingsChanged',
  data: {
    campaignId: CAMPAIGN,
    title: '《勋章》读书征文',
    theme: '',
    opensAt: '2022-03-01T00:00:00+08:00',
    closesAt: '2022-06-30T23:59:59+08:00',
    eligibleSchoolKinds: [...SchoolKind.options],
    maxEntriesPerSchool: null,
    targetSessions: null,
    awardQuota: null,
    rubric: DEFAULT_RUBRIC,
    blindJudging: true,
    requireGuardianConsent: false,
    ...overrides,
  },
});

const edited = {
  title: '童心喜迎二十大 征文',
  theme: '讲好身边的故事',
  closesAt: '2022-07-31T23:59:59+08:00',
  eligibleSchoolKinds: ['PRIMARY', 'JUNIOR_HIGH'],
  maxEntriesPerSchool: 3,
  awardQuota: 0.2,
  rubric: RUBRIC,
  blindJudging: false,
} as const satisfies Partial<SettingsInput>;

describe('ChangeCampaignSettings', () => {
  it("replaces a draft's settings as a whole", () => {
    given(campaignDecider, [created()])
      .when(change({ ...edited, eligibleSchoolKinds: [...edited.eligibleSchoolKinds], rubric: RUBRIC }))
      .then([changed({ ...edited, eligibleSchoolKinds: [...edited.eligibleSchoolKinds], rubric: RUBRIC })]);
  });

  it('gives what is left out its default, as creation does', () => {
    const customised = created({ theme: '主题', awardQuota: 0.5, rubric: RUBRIC, maxEntriesPerSchool: 2 });
    given(campaignDecider, [customised]).when(change()).then([changed()]);
  });

  it('appends nothing when the settings are those in force: a retry, or a form saved unchanged', () => {
    given(campaignDecider, [created()]).when(change()).then([]);
    given(campaignDecider, [created(), changed({ title: '新标题' })])
      .when(change({ title: '新标题' }))
      .then([]);
  });

  it('decides against the settings last changed, not those of creation', () => {
    given(campaignDecider, [created(), changed({ title: '新标题' })])
      .when(change())
      .then([changed()]);
  });

  it("counts a draft's extended deadline as its setting", () => {
    const extended: CampaignEvent = {
      type: 'DeadlineExtended',
      data: { campaignId: CAMPAIGN, closesAt: '2022-07-15T23:59:59+08:00' },
    };
    given(campaignDecider, [created(), extended])
      .when(change({ closesAt: '2022-07-15T23:59:59+08:00' }))
      .then([]);
    given(campaignDecider, [created(), extended]).when(change()).then([changed()]);
  });

  it.each([
    ['OPEN', [created(), opened()]],
    ['CLOSED', [created(), opened(), closed()]],
    ['RESULTS_PUBLISHED', [created(), opened(), closed(), published()]],
    ['CANCELLED', [created(), cancelled()]],
  ] as const)('refuses a %s campaign: schools may have entered under its settings', (status, history) => {
    given(campaignDecider, history)
      .when(change({ title: '新标题' }))
      .thenThrows(Conflict, status);
  });

  it('refuses a campaign that does not exist', () => {
    given(campaignDecider).when(change()).thenThrows(NotFound, CAMPAIGN);
  });

  it("keeps the kind's rules, naming the field", () => {
    given(campaignDecider, [created()])
      .when(change({ targetSessions: 100 }))
      .thenThrows(InvalidInput, onField('targetSessions'));
    given(campaignDecider, [created({ kind: 'EVALUATION', maxEntriesPerSchool: 1 })])
      .when(change({ maxEntriesPerSchool: 2 }))
      .thenThrows(InvalidInput, onField('maxEntriesPerSchool'));
    given(campaignDecider, [created({ kind: 'LECTURE' })])
      .when(change({ targetSessions: 500 }))
      .then([changed({ targetSessions: 500 })]);
  });

  it('fixes the entries per school where the kind does, as at creation', () => {
    given(campaignDecider, [created({ kind: 'EVALUATION', maxEntriesPerSchool: 1 })])
      .when(change({ title: '星级家长学校复评' }))
      .then([changed({ title: '星级家长学校复评', maxEntriesPerSchool: 1 })]);
  });

  it('is what later decisions go by: the new deadline, and a copy to next year', () => {
    const history = [created(), changed({ ...edited, eligibleSchoolKinds: ['PRIMARY'], rubric: RUBRIC })];
    given(campaignDecider, [...history, opened()])
      .when({ type: 'ExtendDeadline', input: { id: CAMPAIGN, closesAt: '2022-07-15T23:59:59+08:00' } })
      .thenThrows(InvalidInput, '2022-07-31T23:59:59+08:00');
    // The shell copies the definition the source's stream folds to.
    const source = history.reduce(campaignDecider.evolve, campaignDecider.initialState);
    const copy: CampaignCommand = {
      type: 'CopyCampaign',
      input: { sourceId: CAMPAIGN, id: 'medal-essay-2023', year: 2023, opensAt: undefined, closesAt: undefined },
      source: source.created ? source.definition : undefined,
    };
    given(campaignDecider)
      .when(copy)
      .then([
        created({
          ...edited,
          eligibleSchoolKinds: ['PRIMARY'],
          rubric: RUBRIC,
          campaignId: 'medal-essay-2023',
          year: 2023,
          opensAt: '2023-03-01T00:00:00+08:00',
          closesAt: '2023-07-31T23:59:59+08:00',
          copiedFrom: CAMPAIGN,
        }),
      ]);
  });
});
