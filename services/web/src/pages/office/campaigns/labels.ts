import type { ResultOf } from '@qingmiao/schema/graphql';
import type { OfficeCampaigns } from './documents.ts';

type Status = ResultOf<typeof OfficeCampaigns>['campaigns'][number]['status'];

/** Each status in Chinese with the colour of its tag. */
export const STATUS_TAGS: Readonly<Record<Status, { readonly label: string; readonly color: string }>> = {
  DRAFT: { label: '草稿', color: 'default' },
  OPEN: { label: '进行中', color: 'green' },
  CLOSED: { label: '已截止', color: 'orange' },
  RESULTS_PUBLISHED: { label: '已公布结果', color: 'blue' },
  CANCELLED: { label: '已取消', color: 'red' },
};
