import { type CampaignKind, DEFAULT_RUBRIC, type EventOf } from '@qingmiao/schema';

/** A campaign of 2022 as an organizer creates it. */
export const campaignCreated = (campaignId: string, kind: CampaignKind = 'ESSAY'): EventOf<'CampaignCreated'> => ({
  type: 'CampaignCreated',
  data: {
    campaignId,
    kind,
    title: '《勋章》读书征文',
    theme: '童心向党',
    year: 2022,
    opensAt: '2022-03-01T00:00:00+08:00',
    closesAt: '2022-06-30T23:59:59+08:00',
    eligibleSchoolKinds: ['PRIMARY', 'JUNIOR_HIGH'],
    maxEntriesPerSchool: 3,
    targetSessions: null,
    awardQuota: 0.15,
    rubric: DEFAULT_RUBRIC,
    copiedFrom: null,
    blindJudging: true,
    requireGuardianConsent: false,
  },
});
