import type { ResultOf } from '@qingmiao/schema/graphql';
import type { OfficeCampaigns } from './documents.ts';

type Status = ResultOf<typeof OfficeCampaigns>['campaigns'][number]['status'];

/** Each status in Chinese with the class of its badge (campaigns.css: colours with enough contrast). */
const STATUS_TAGS: Readonly<Record<Status, { readonly label: string; readonly tone: string }>> = {
  DRAFT: { label: '草稿', tone: 'is-draft' },
  OPEN: { label: '进行中', tone: 'is-open' },
  CLOSED: { label: '已截止', tone: 'is-closed' },
  RESULTS_PUBLISHED: { label: '已公布结果', tone: 'is-published' },
  CANCELLED: { label: '已取消', tone: 'is-cancelled' },
};

/** A campaign's status as a badge. */
export function StatusBadge({ status }: { readonly status: Status }) {
  return <span className={`badge ${STATUS_TAGS[status].tone}`}>{STATUS_TAGS[status].label}</span>;
}
