import { graphql, type ResultOf } from '@qingmiao/schema/graphql';
import { Empty, List, Tag, Typography } from 'antd';
import { useQuery } from 'urql';
import { checked } from '../../checked.ts';
import { Loading, Problem } from '../../shell/problems.tsx';

const ASSIGNED = checked(
  graphql(`
  query JudgeCampaigns { campaigns { id title year status closesAt assignedToMe } }
`),
);

type Status = ResultOf<typeof ASSIGNED>['campaigns'][number]['status'];

const STATUS_NAMES: Readonly<Record<Status, string>> = {
  DRAFT: '草稿',
  OPEN: '进行中',
  CLOSED: '已截止',
  RESULTS_PUBLISHED: '已公布结果',
  CANCELLED: '已取消',
};

/** A judge's home until judging lands in the app: the campaigns it is assigned to. */
export default function JudgeHome() {
  const [{ data, error, fetching }, refetch] = useQuery({ query: ASSIGNED, requestPolicy: 'cache-and-network' });
  if (fetching && !data) return <Loading />;
  if (error) return <Problem error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />;
  const assigned = (data?.campaigns ?? []).filter((campaign) => campaign.assignedToMe);
  return (
    <section>
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
            <List.Item>
              <span>
                {campaign.year} 年 · {campaign.title}
              </span>
              <Tag>{STATUS_NAMES[campaign.status]}</Tag>
            </List.Item>
          )}
        />
      )}
    </section>
  );
}
