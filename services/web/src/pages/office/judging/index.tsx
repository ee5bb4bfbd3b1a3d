import { Empty, Tag, Typography } from 'antd';
import { useCallback } from 'react';
import { useParams } from 'react-router';
import { useQuery } from 'urql';
import { Loading, Problem } from '../../../shell/problems.tsx';
import { STATUS_NAMES } from '../../judge/campaign-list.tsx';
import '../../judge/judging.css';
import { Awards } from './awards.tsx';
import { OfficeJudging } from './documents.ts';
import { Panel } from './panel.tsx';
import { PublishButton } from './publish.tsx';

/**
 * `/office/campaigns/:campaignId/judging`: the panel of judges and how far each is, the leaderboard, the awards
 * within the campaign's quota, and publishing the results. Every figure is the server's; every refusal is shown as
 * the server gave it, in Chinese.
 */
export default function JudgingPage() {
  const { campaignId = '' } = useParams();
  const [{ data, error, fetching }, refetch] = useQuery({
    query: OfficeJudging,
    variables: { id: campaignId },
    requestPolicy: 'cache-and-network',
  });
  const reload = useCallback(() => refetch({ requestPolicy: 'network-only' }), [refetch]);
  if (fetching && !data) return <Loading />;
  if (error && !data) return <Problem error={error} onRetry={reload} />;
  const campaign = data?.campaign;
  if (!campaign) return <Empty description="活动不存在" />;
  const schoolNames = new Map((data?.schools ?? []).map((school) => [school.id, school.name]));
  return (
    <section className="qm-judging">
      <Typography.Title level={1} style={{ fontSize: 22 }}>
        评审与授奖：{campaign.year} 年 · {campaign.title} <Tag>{STATUS_NAMES[campaign.status]}</Tag>
      </Typography.Title>
      <Panel campaign={campaign} judgeAccounts={data?.accounts ?? []} onChanged={reload} />
      <Awards campaign={campaign} schoolNames={schoolNames} onChanged={reload} />
      <PublishButton campaign={campaign} onChanged={reload} />
    </section>
  );
}
