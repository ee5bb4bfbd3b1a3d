import type { ResultOf } from '@qingmiao/schema/graphql';
import { Empty, List, Tag, Typography } from 'antd';
import { Link } from 'react-router';
import { useQuery } from 'urql';
import { Loading, Problem } from '../../shell/problems.tsx';
import { JudgeCampaigns } from './documents.ts';

type Status = ResultOf<typeof JudgeCampaigns>['campaigns'][number]['status'];

/** Campaign statuses as the office and the judges read them. */
export const STATUS_NAMES: Readonly<Record<Status, string>> = {
  DRAFT: '草稿',
  OPEN: '进行中',
  CLOSED: '已截止',
  RESULTS_PUBLISHED: '已公布结果',
  CANCELLED: '已取消',
};

/** A judge's home: the campaigns they are assigned to, with how many entries they have scored of how many. */
export default function JudgeCampaignList() {
  const [{ data, error, fetching }, refetch] = useQuery({ query: JudgeCampaigns, requestPolicy: 'cache-and-network' });
  if (fetching && !data) return <Loading />;
  if (error) return <Problem error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />;
  const assigned = (data?.campaigns ?? []).filter((campaign) => campaign.assignedToMe);
  return (
    <section className="qm-judging">
      <Typography.Title level={1} style={{ fontSize: 22 }}>
        我的评审活动
      </Typography.Title>
      {assigned.length === 0 ? (
        <Empty description="暂无分配给您的活动" />
      ) : (
        <List
          bordered
          dataSource={assigned}
          renderItem={(campaign) => (
            <List.Item
              actions={[
                <Link key="open" to={`/judge/campaigns/${campaign.id}`} aria-label={`进入评审：${campaign.title}`}>
                  进入评审
                </Link>,
              ]}
            >
              <List.Item.Meta
                title={`${campaign.year} 年 · ${campaign.title}`}
                description={
                  campaign.myProgress
                    ? `评了 ${campaign.myProgress.scored} / 共 ${campaign.myProgress.assigned}`
                    : undefined
                }
              />
              <Tag>{STATUS_NAMES[campaign.status]}</Tag>
            </List.Item>
          )}
        />
      )}
    </section>
  );
}
