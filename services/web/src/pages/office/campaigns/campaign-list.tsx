import '../../../forms/zod-jitless.ts';
import { CAMPAIGN_KIND_LABELS, CampaignKind } from '@qingmiao/schema';
import type { ResultOf } from '@qingmiao/schema/graphql';
import { Button, Empty, Progress, Select } from 'antd';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { useQuery } from 'urql';
import { Loading, Problem } from '../../../shell/problems.tsx';
import { chinaTime, chinaYear } from './china-time.ts';
import { OfficeCampaigns } from './documents.ts';
import { StatusBadge } from './labels.tsx';

type Row = ResultOf<typeof OfficeCampaigns>['campaigns'][number];

const ALL = 'all';

/** Lecture progress as the list shows it: sessions delivered of the target. */
function LectureProgress({ campaign }: { readonly campaign: Row }) {
  if (campaign.targetSessions === null) return <span>{campaign.sessionsDelivered} 场</span>;
  return (
    <div>
      <span>
        {campaign.sessionsDelivered} / {campaign.targetSessions} 场
      </span>
      <Progress
        percent={Math.round((campaign.progress ?? 0) * 1000) / 10}
        size="small"
        aria-label={`${campaign.title} 讲座进度`}
      />
    </div>
  );
}

/**
 * 活动: the campaigns of a year (by default this one, in China time) and of a kind, kept in the address
 * (`?year=2022&kind=ESSAY`), each with its status, entries and schools (or lectures against the target).
 */
export function CampaignList() {
  const [params, setParams] = useSearchParams();
  const navigate = useNavigate();
  const thisYear = chinaYear(Date.now());
  const yearParam = params.get('year');
  const year = yearParam === ALL ? null : Number(yearParam ?? thisYear);
  const kindParam = params.get('kind');
  const kind = CampaignKind.safeParse(kindParam).success ? (kindParam as CampaignKind) : null;
  const [{ data, error, fetching }, refetch] = useQuery({
    query: OfficeCampaigns,
    variables: { year, kind },
    requestPolicy: 'cache-and-network',
  });
  const choose = (key: string, value: string) => {
    const next = new URLSearchParams(params);
    next.set(key, value);
    if (key === 'kind' && value === ALL) next.delete('kind');
    setParams(next, { replace: true });
  };
  const years = Array.from({ length: 6 }, (_, index) => thisYear + 1 - index);
  const campaigns = [...(data?.campaigns ?? [])].sort((a, b) => b.year - a.year || a.opensAt.localeCompare(b.opensAt));

  return (
    <section>
      <h1 className="page-title">活动</h1>
      <div className="toolbar">
        <Select
          aria-label="年度"
          value={year === null ? ALL : String(year)}
          onChange={(value) => choose('year', value)}
          options={[
            { value: ALL, label: '全部年度' },
            ...years.map((option) => ({ value: String(option), label: `${option} 年` })),
          ]}
        />
        <Select
          aria-label="类型"
          value={kind ?? ALL}
          onChange={(value) => choose('kind', value)}
          options={[
            { value: ALL, label: '全部类型' },
            ...CampaignKind.options.map((option) => ({ value: option, label: CAMPAIGN_KIND_LABELS[option] })),
          ]}
        />
        <Button type="primary" autoInsertSpace={false} onClick={() => navigate('/office/campaigns/new')}>
          新建活动
        </Button>
      </div>
      {error ? (
        <Problem error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />
      ) : fetching && !data ? (
        <Loading />
      ) : campaigns.length === 0 ? (
        <Empty description="这一年还没有活动" />
      ) : (
        <div className="table-scroll">
          <table className="qm-table" aria-label="活动列表">
            <thead>
              <tr>
                <th scope="col">活动</th>
                <th scope="col">类型</th>
                <th scope="col">年度</th>
                <th scope="col">状态</th>
                <th scope="col">截止时间</th>
                <th scope="col">作品 / 学校 · 讲座</th>
              </tr>
            </thead>
            <tbody>
              {campaigns.map((campaign) => (
                <tr key={campaign.id}>
                  <td>
                    <Link to={`/office/campaigns/${campaign.id}`}>{campaign.title}</Link>
                  </td>
                  <td>{CAMPAIGN_KIND_LABELS[campaign.kind]}</td>
                  <td>{campaign.year}</td>
                  <td>
                    <StatusBadge status={campaign.status} />
                  </td>
                  <td>{chinaTime(campaign.closesAt)}</td>
                  <td>
                    {campaign.takes === 'LECTURES' ? (
                      <LectureProgress campaign={campaign} />
                    ) : (
                      `${campaign.entryCount} 件 / ${campaign.schoolCount} 校`
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
