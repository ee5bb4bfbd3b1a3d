import type { Prize } from '@qingmiao/schema';
import { describe, it } from 'vitest';
import { type CampaignCommand, type CampaignEvent, campaignDecider } from '../src/campaigns/campaign.ts';
import { Conflict, InvalidInput, NotFound, QuotaExceeded } from '../src/errors.ts';
import {
  CAMPAIGN,
  cancelled,
  closed,
  created,
  entryId,
  opened,
  published,
  submitted,
  submittedEntries,
  withdrawn,
} from './campaign-fixtures.ts';
import { given, onField } from './given-when-then.ts';

const award = (submissionId: string, prize: Prize = 'FIRST'): CampaignCommand => ({
  type: 'AwardEntry',
  input: { entryId: entryId(submissionId), prize },
});
const awarded = (submissionId: string, prize: Prize = 'FIRST'): CampaignEvent => ({
  type: 'EntryAwarded',
  data: { campaignId: CAMPAIGN, entryId: entryId(submissionId), prize },
});
const revoke = (submissionId: string, reason = '复核发现抄袭'): CampaignCommand => ({
  type: 'RevokeAward',
  input: { entryId: entryId(submissionId), reason },
});
const revoked = (submissionId: string, reason = '复核发现抄袭'): CampaignEvent => ({
  type: 'AwardRevoked',
  data: { campaignId: CAMPAIGN, entryId: entryId(submissionId), reason },
});
const withdraw = (submissionId: string, reason = '取消资格'): CampaignCommand => ({
  type: 'WithdrawEntry',
  input: { entryId: entryId(submissionId), reason },
});

/** A closed campaign of `count` live entries and the given award quota (null: no quota). */
const closedWith = (count: number, awardQuota: number | null): CampaignEvent[] => [
  created({ awardQuota }),
  opened(),
  ...submittedEntries(count),
  closed(),
];

describe('AwardEntry', () => {
  it('awards a live entry once the campaign is CLOSED', () => {
    given(campaignDecider, closedWith(3, null))
      .when(award('sub-1', 'SECOND'))
      .then([awarded('sub-1', 'SECOND')]);
  });

  it.each([
    ['OPEN', [created(), opened(), submitted()]],
    ['CANCELLED', [created(), opened(), submitted(), closed(), cancelled()]],
  ])('refuses while the campaign is %s', (status, events) => {
    given(campaignDecider, events).when(award('sub-1')).thenThrows(Conflict, status);
  });

  it('refuses once the results are published: they are frozen', () => {
    given(campaignDecider, [...closedWith(3, null), published()])
      .when(award('sub-1'))
      .thenThrows(Conflict, 'published');
    given(campaignDecider, [...closedWith(3, null), awarded('sub-1', 'THIRD'), published()])
      .when(award('sub-1', 'FIRST'))
      .thenThrows(Conflict, 'published');
  });

  it('refuses a withdrawn entry', () => {
    given(campaignDecider, [...closedWith(3, null), withdrawn('sub-2')])
      .when(award('sub-2'))
      .thenThrows(Conflict, 'withdrawn');
  });

  it('refuses an entry that does not exist', () => {
    given(campaignDecider, closedWith(3, null))
      .when(award('never-submitted'))
      .thenThrows(NotFound, entryId('never-submitted'));
  });

  it('appends nothing for the prize the entry already holds, even once results are published', () => {
    given(campaignDecider, [...closedWith(3, null), awarded('sub-1', 'SECOND')])
      .when(award('sub-1', 'SECOND'))
      .then([]);
    given(campaignDecider, [...closedWith(3, null), awarded('sub-1', 'SECOND'), published()])
      .when(award('sub-1', 'SECOND'))
      .then([]);
  });

  it('awards any number of entries without a quota', () => {
    const all = [...closedWith(3, null), awarded('sub-1'), awarded('sub-2', 'SECOND')];
    given(campaignDecider, all)
      .when(award('sub-3', 'THIRD'))
      .then([awarded('sub-3', 'THIRD')]);
  });

  describe('award quota: floor(awardQuota × live entries)', () => {
    // 0.5 × 5 live entries = 2.5: two awards.
    const halfOfFive = closedWith(5, 0.5);

    it('grants awards up to the cap exactly', () => {
      given(campaignDecider, halfOfFive)
        .when(award('sub-1'))
        .then([awarded('sub-1')]);
      given(campaignDecider, [...halfOfFive, awarded('sub-1')])
        .when(award('sub-2', 'SECOND'))
        .then([awarded('sub-2', 'SECOND')]);
    });

    it('refuses an award beyond the cap', () => {
      given(campaignDecider, [...halfOfFive, awarded('sub-1'), awarded('sub-2', 'SECOND')])
        .when(award('sub-3', 'THIRD'))
        .thenThrows(QuotaExceeded, '2');
    });

    it("changes an awarded entry's prize at the cap: it takes no other place", () => {
      given(campaignDecider, [...halfOfFive, awarded('sub-1'), awarded('sub-2', 'SECOND')])
        .when(award('sub-2', 'FIRST'))
        .then([awarded('sub-2', 'FIRST')]);
    });

    it('frees a place when an award is revoked', () => {
      given(campaignDecider, [...halfOfFive, awarded('sub-1'), awarded('sub-2', 'SECOND'), revoked('sub-1')])
        .when(award('sub-3', 'THIRD'))
        .then([awarded('sub-3', 'THIRD')]);
    });

    it('counts only live entries: withdrawals lower the cap', () => {
      // Six entries, two withdrawn: 0.5 × 4 = 2 awards, not 3.
      const fourLive = [
        created({ awardQuota: 0.5 }),
        opened(),
        ...submittedEntries(6),
        withdrawn('sub-5'),
        withdrawn('sub-6'),
        closed(),
      ];
      given(campaignDecider, [...fourLive, awarded('sub-1'), awarded('sub-2')])
        .when(award('sub-3'))
        .thenThrows(QuotaExceeded);
      given(campaignDecider, [...fourLive, awarded('sub-1')])
        .when(award('sub-3'))
        .then([awarded('sub-3')]);
    });

    it('grants none when the quota rounds down to zero', () => {
      // 0.1 × 5 = 0.5.
      given(campaignDecider, closedWith(5, 0.1)).when(award('sub-1')).thenThrows(QuotaExceeded, '0');
    });

    it('reaches a whole cap despite floating point: 0.58 × 50 is 29, not 28.999…', () => {
      const fifty = closedWith(50, 0.58);
      const first28 = Array.from({ length: 28 }, (_, i) => awarded(`sub-${i + 1}`, 'EXCELLENCE'));
      given(campaignDecider, [...fifty, ...first28])
        .when(award('sub-29', 'EXCELLENCE'))
        .then([awarded('sub-29', 'EXCELLENCE')]);
      given(campaignDecider, [...fifty, ...first28, awarded('sub-29', 'EXCELLENCE')])
        .when(award('sub-30', 'EXCELLENCE'))
        .thenThrows(QuotaExceeded, '29');
    });
  });
});

describe('RevokeAward', () => {
  it('revokes an award while the campaign is CLOSED, keeping the reason', () => {
    given(campaignDecider, [...closedWith(3, null), awarded('sub-1')])
      .when(revoke('sub-1'))
      .then([revoked('sub-1')]);
  });

  it('appends nothing for an entry without an award, even once results are published', () => {
    given(campaignDecider, closedWith(3, null)).when(revoke('sub-1')).then([]);
    given(campaignDecider, [...closedWith(3, null), awarded('sub-1'), revoked('sub-1')])
      .when(revoke('sub-1'))
      .then([]);
    given(campaignDecider, [...closedWith(3, null), published()])
      .when(revoke('sub-1'))
      .then([]);
  });

  it('refuses once the results are published', () => {
    given(campaignDecider, [...closedWith(3, null), awarded('sub-1'), published()])
      .when(revoke('sub-1'))
      .thenThrows(Conflict, 'published');
  });

  it('refuses an entry that does not exist', () => {
    given(campaignDecider, closedWith(3, null))
      .when(revoke('never-submitted'))
      .thenThrows(NotFound, entryId('never-submitted'));
  });
});

describe('WithdrawEntry after closing, against the award quota', () => {
  // 0.5 × 4 live entries = 2 awards, both granted.
  const atCap = [...closedWith(4, 0.5), awarded('sub-1'), awarded('sub-2', 'SECOND')];

  it('refuses an organizer withdrawal that would leave more awards than the new cap', () => {
    // 0.5 × 3 = 1.5: one award allowed, two held.
    given(campaignDecider, atCap).when(withdraw('sub-3')).thenThrows(QuotaExceeded, entryId('sub-3'));
  });

  it('withdraws an awarded entry: its award leaves with it', () => {
    given(campaignDecider, atCap)
      .when(withdraw('sub-2'))
      .then([
        { type: 'EntryWithdrawn', data: { campaignId: CAMPAIGN, entryId: entryId('sub-2'), reason: '取消资格' } },
      ]);
  });

  it('withdraws once an award is revoked first', () => {
    given(campaignDecider, [...atCap, revoked('sub-2')])
      .when(withdraw('sub-3'))
      .then([
        { type: 'EntryWithdrawn', data: { campaignId: CAMPAIGN, entryId: entryId('sub-3'), reason: '取消资格' } },
      ]);
  });

  it('withdraws when the awards still fit under the new cap', () => {
    given(campaignDecider, [...closedWith(4, 0.5), awarded('sub-1')])
      .when(withdraw('sub-3'))
      .then([
        { type: 'EntryWithdrawn', data: { campaignId: CAMPAIGN, entryId: entryId('sub-3'), reason: '取消资格' } },
      ]);
  });
});

describe('RateEntry', () => {
  const evaluation = [
    created({ kind: 'EVALUATION', maxEntriesPerSchool: 1 }),
    opened(),
    submitted(),
    submitted({ submissionId: 'sub-2', schoolId: 'yucai-junior', title: '育才初中读书活动总结' }),
  ];
  const rate = (stars: number, submissionId = 'sub-1'): CampaignCommand => ({
    type: 'RateEntry',
    input: { entryId: entryId(submissionId), stars },
  });
  const rated = (stars: number, submissionId = 'sub-1'): CampaignEvent => ({
    type: 'EntryRated',
    data: { campaignId: CAMPAIGN, entryId: entryId(submissionId), stars },
  });

  it.each([1, 3, 5])('records %i stars for an entry of a CLOSED EVALUATION campaign', (stars) => {
    given(campaignDecider, [...evaluation, closed()])
      .when(rate(stars))
      .then([rated(stars)]);
  });

  it.each(['ESSAY', 'PERFORMANCE'] as const)('refuses a %s campaign, naming entryId', (kind) => {
    const performance = kind === 'PERFORMANCE' ? { genre: '合唱', durationMinutes: 5 } : undefined;
    given(campaignDecider, [created({ kind }), opened(), submitted({ performance }), closed()])
      .when(rate(4))
      .thenThrows(InvalidInput, onField('entryId'));
  });

  it('refuses while the campaign is OPEN', () => {
    given(campaignDecider, evaluation).when(rate(4)).thenThrows(Conflict, 'OPEN');
  });

  it('refuses once the results are published', () => {
    given(campaignDecider, [...evaluation, closed(), published()])
      .when(rate(4))
      .thenThrows(Conflict, 'published');
  });

  it('refuses a withdrawn entry', () => {
    given(campaignDecider, [...evaluation, withdrawn('sub-2'), closed()])
      .when(rate(4, 'sub-2'))
      .thenThrows(Conflict, 'withdrawn');
  });
});
