import { describe, expect, it } from 'vitest';
import { type CampaignEvent, campaignDecider } from '../src/campaigns/campaign.ts';
import type { Campaign } from '../src/campaigns/state.ts';
import { evolveAll } from '../src/decider.ts';
import { created, entryId, opened, submitted, submittedEntries, withdrawn, XINHUA } from './campaign-fixtures.ts';

const fold = (events: readonly CampaignEvent[]): Campaign => {
  const state = evolveAll(campaignDecider, campaignDecider.initialState, events);
  if (!state.created) throw new Error('no campaign');
  return state;
};

describe('campaign state', () => {
  // The runner decides a batch on a cached state and keeps that state when the append is refused.
  it('leaves every earlier state as it was when later events are folded', () => {
    const earlier = fold([created(), opened(), ...submittedEntries(3)]);
    const later = evolveAll(campaignDecider, earlier, [
      submitted({ submissionId: 'sub-4' }),
      withdrawn('sub-1'),
      {
        type: 'EntryAwarded',
        data: { campaignId: earlier.definition.campaignId, entryId: entryId('sub-2'), prize: 'FIRST' },
      },
    ]);
    expect(earlier.entries.size).toBe(3);
    expect(earlier.entries.get(entryId('sub-1'))).toMatchObject({ live: true, prize: null });
    expect(earlier.entries.get(entryId('sub-2'))?.prize).toBeNull();
    expect(earlier.liveEntriesBySchool.get(XINHUA.id)).toBe(3);
    if (!later.created) throw new Error('no campaign');
    expect(later.entries.size).toBe(4);
    expect(later.entries.get(entryId('sub-1'))?.live).toBe(false);
    expect(later.entries.get(entryId('sub-2'))?.prize).toBe('FIRST');
    expect(later.liveEntriesBySchool.get(XINHUA.id)).toBe(3);
  });
});
