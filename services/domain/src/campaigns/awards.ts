import type { AwardEntryInput, RateEntryInput, RevokeAwardInput } from '@qingmiao/schema';
import { Conflict, QuotaExceeded } from '../errors.ts';
import { ratingStars } from './kinds.ts';
import {
  awardedLiveEntries,
  awardsAllowed,
  type Campaign,
  type CampaignEvent,
  type CampaignState,
  existingEntry,
} from './state.ts';

export type AwardCommand =
  | { readonly type: 'AwardEntry'; readonly input: AwardEntryInput }
  | { readonly type: 'RevokeAward'; readonly input: RevokeAwardInput }
  | { readonly type: 'RateEntry'; readonly input: RateEntryInput };

/** Results are decided after the campaign closes and frozen once published. */
function decidingResults(campaign: Campaign): void {
  const { status, definition } = campaign;
  if (status === 'RESULTS_PUBLISHED') throw new Conflict(`Campaign ${definition.campaignId} has published its results`);
  if (status !== 'CLOSED')
    throw new Conflict(`Campaign ${definition.campaignId} is ${status}; results come after it is CLOSED`);
}

export function decideAward(command: AwardCommand, state: CampaignState): CampaignEvent[] {
  const { entryId } = command.input;
  const { campaign, entry } = existingEntry(state, entryId);
  const campaignId = campaign.definition.campaignId;
  switch (command.type) {
    case 'AwardEntry': {
      const { prize } = command.input;
      if (entry.prize === prize) return [];
      decidingResults(campaign);
      if (!entry.live) throw new Conflict(`Entry ${entryId} was withdrawn`);
      // Changing an awarded entry's prize does not take another place under the quota.
      const cap = awardsAllowed(campaign);
      if (!entry.prize && awardedLiveEntries(campaign) >= cap) {
        throw new QuotaExceeded(`Campaign ${campaignId} has granted all ${cap} awards its quota allows`);
      }
      return [{ type: 'EntryAwarded', data: { campaignId, entryId, prize } }];
    }
    case 'RevokeAward': {
      if (!entry.prize) return [];
      decidingResults(campaign);
      return [{ type: 'AwardRevoked', data: { campaignId, entryId, reason: command.input.reason } }];
    }
    case 'RateEntry': {
      ratingStars(campaign);
      decidingResults(campaign);
      if (!entry.live) throw new Conflict(`Entry ${entryId} was withdrawn`);
      return [{ type: 'EntryRated', data: { campaignId, entryId, stars: command.input.stars } }];
    }
  }
}
