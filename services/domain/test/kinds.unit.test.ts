import { CampaignKind } from '@qingmiao/schema';
import { describe, expect, it } from 'vitest';
import { type CampaignCommand, campaignDecider } from '../src/campaigns/campaign.ts';
import { KIND_POLICIES, type KindPolicy } from '../src/campaigns/kinds.ts';
import { InvalidInput } from '../src/errors.ts';
import {
  asXinhua,
  CAMPAIGN,
  closed,
  createCommand,
  created,
  entryId,
  opened,
  submission,
  submitted,
  XINHUA,
} from './campaign-fixtures.ts';
import { given, onField } from './given-when-then.ts';

// A kind added to CampaignKind without a policy is a compile error, not a campaign no decider knows how to run.
// @ts-expect-error Property 'EXHIBITION' is missing in type 'Readonly<Record<CampaignKind, KindPolicy>>'
const withoutPolicy: Record<CampaignKind | 'EXHIBITION', KindPolicy> = KIND_POLICIES;

const PERFORMANCE = { genre: '合唱', durationMinutes: 5 };

/** The kinds a policy's rule holds for, read from the record so the tests follow it as kinds are added. */
const kinds = (holds: (policy: KindPolicy) => boolean) => CampaignKind.options.filter((k) => holds(KIND_POLICIES[k]));
const takingEntries = kinds((p) => p.takes === 'entries');
const takingLectures = kinds((p) => p.takes === 'lectures');
const rulesOf = (kind: CampaignKind) => {
  const policy = KIND_POLICIES[kind];
  if (policy.takes !== 'entries') throw new Error(`${kind} takes no entries`);
  return policy.entries;
};
/** The smallest entry its kind accepts: a performance only where required, nobody named where nobody must be. */
const minimalEntry = (kind: CampaignKind) => {
  const rules = rulesOf(kind);
  return {
    participants: rules.participantsRequired ? submission().participants : [],
    performance: rules.performance ? PERFORMANCE : undefined,
  };
};
const submit = (overrides: Parameters<typeof submission>[0]): CampaignCommand => ({
  type: 'SubmitEntry',
  input: submission(overrides),
  school: XINHUA,
  attachments: [],
});

describe('campaign kinds', () => {
  it('has a policy for every kind, and each kind takes entries or lectures', () => {
    expect(Object.keys(withoutPolicy).sort()).toEqual([...CampaignKind.options].sort());
    expect(takingEntries).toEqual(['ESSAY', 'PERFORMANCE', 'EVALUATION']);
    expect(takingLectures).toEqual(['LECTURE']);
  });

  describe.each(takingEntries)('%s (takes entries)', (kind) => {
    const rules = rulesOf(kind);
    const running = [created({ kind, maxEntriesPerSchool: rules.entriesPerSchool?.exactly ?? null }), opened()];

    it('accepts the smallest entry its rules allow', () => {
      const entry = minimalEntry(kind);
      given(campaignDecider, running)
        .when(submit(entry), asXinhua)
        .then([submitted(entry)]);
    });

    it('refuses targetSessions at creation', () => {
      given(campaignDecider)
        .when(createCommand({ kind, targetSessions: 10 }))
        .thenThrows(InvalidInput, `targetSessions: is only for ${takingLectures.join(' or ')} campaigns`);
    });

    it(rules.performance ? 'requires a performance' : 'refuses a performance', () => {
      const entry = { ...minimalEntry(kind), performance: rules.performance ? undefined : PERFORMANCE };
      given(campaignDecider, running).when(submit(entry), asXinhua).thenThrows(InvalidInput, onField('performance'));
    });

    it(rules.starRatings ? 'takes star ratings after closing' : 'refuses star ratings', () => {
      const entry = minimalEntry(kind);
      const rate = { type: 'RateEntry', input: { entryId: entryId('sub-1'), stars: 4 } } as const;
      const rating = given(campaignDecider, [...running, submitted(entry), closed()]).when(rate);
      if (rules.starRatings) rating.then([{ type: 'EntryRated', data: { campaignId: CAMPAIGN, ...rate.input } }]);
      else rating.thenThrows(InvalidInput, onField('entryId'));
    });
  });

  describe.each(takingLectures)('%s (takes lectures)', (kind) => {
    it('refuses entries, naming campaignId', () => {
      given(campaignDecider, [created({ kind }), opened()])
        .when(submit({}), asXinhua)
        .thenThrows(InvalidInput, `campaignId: is a ${kind} campaign: it records lectures, not entries`);
    });

    it('takes targetSessions at creation', () => {
      given(campaignDecider)
        .when(createCommand({ kind, targetSessions: 1000 }))
        .then([created({ kind, targetSessions: 1000 })]);
    });
  });

  it('stores the entries per school a kind fixes, and refuses any other number, naming the field', () => {
    for (const kind of kinds((p) => p.takes === 'entries' && p.entries.entriesPerSchool !== null)) {
      const exactly = rulesOf(kind).entriesPerSchool?.exactly ?? null;
      given(campaignDecider)
        .when(createCommand({ kind }))
        .then([created({ kind, maxEntriesPerSchool: exactly })]);
      given(campaignDecider)
        .when(createCommand({ kind, maxEntriesPerSchool: (exactly ?? 0) + 1 }))
        .thenThrows(InvalidInput, onField('maxEntriesPerSchool'));
    }
  });
});
