import type { ResultOf } from '@qingmiao/schema/graphql';
import { useQuery } from 'urql';
import { useAccount } from '../../session/context.tsx';
import { SchoolCampaigns } from './documents.ts';

export type SchoolCampaign = ResultOf<typeof SchoolCampaigns>['campaigns'][number];

/** Statuses a school sees a campaign in: open for entries, or over with (or awaiting) its results. */
const SHOWN = new Set<SchoolCampaign['status']>(['OPEN', 'CLOSED', 'RESULTS_PUBLISHED']);

/**
 * The signed-in school and the campaigns open to its kind, each with the school's own entries and lectures (the API
 * shows a school only its own). `reload` asks again, bypassing the cache, after a change.
 */
export function useSchoolCampaigns() {
  const schoolId = useAccount().schoolId ?? undefined;
  const [answer, reexecute] = useQuery({
    query: SchoolCampaigns,
    variables: { schoolId: schoolId ?? '' },
    pause: schoolId === undefined,
    // An entry just submitted or withdrawn must show even where the cached answer had no entry to invalidate.
    requestPolicy: 'cache-and-network',
  });
  const school = answer.data?.school ?? undefined;
  const campaigns = (answer.data?.campaigns ?? [])
    .filter((campaign) => SHOWN.has(campaign.status) && school && campaign.eligibleSchoolKinds.includes(school.kind))
    .sort((a, b) => b.year - a.year || a.closesAt.localeCompare(b.closesAt));
  return {
    schoolId,
    school,
    campaigns,
    fetching: answer.fetching,
    error: answer.error,
    /** A school account without its school (the API refuses to make one; said rather than shown empty). */
    noSchool: schoolId === undefined,
    reload: () => reexecute({ requestPolicy: 'network-only' }),
  };
}

/** Live (not withdrawn) entries of the school in a campaign. */
export const liveEntries = (campaign: SchoolCampaign) => campaign.entries.filter((entry) => entry.status === 'LIVE');

/** Whether the school may still add an entry: open, taking entries, and under its limit. */
export const mayEnter = (campaign: SchoolCampaign) =>
  campaign.status === 'OPEN' &&
  campaign.takes === 'ENTRIES' &&
  (campaign.maxEntriesPerSchool === null || liveEntries(campaign).length < campaign.maxEntriesPerSchool);

const DATE_TIME = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: 'long',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
});

/** A time as the bureau reads it: China time. */
export const formatTime = (iso: string) => DATE_TIME.format(new Date(iso));

const DAY = 86_400_000;
const HOUR = 3_600_000;

/** Time left before a deadline, said when it is within the last week; null otherwise (or past). */
export function countdown(closesAt: string, now: number): string | null {
  const left = Date.parse(closesAt) - now;
  if (left <= 0 || left > 7 * DAY) return null;
  const days = Math.floor(left / DAY);
  const hours = Math.floor((left % DAY) / HOUR);
  if (days > 0) return `还剩 ${days} 天 ${hours} 小时`;
  const minutes = Math.max(1, Math.floor((left % HOUR) / 60_000));
  return hours > 0 ? `还剩 ${hours} 小时 ${minutes} 分钟` : `还剩 ${minutes} 分钟`;
}
