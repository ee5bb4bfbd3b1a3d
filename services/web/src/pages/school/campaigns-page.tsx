import { CAMPAIGN_KIND_LABELS, PRIZE_LABELS } from '@qingmiao/schema/labels';
import { Alert, Card, Empty, Skeleton, Tag } from 'antd';
import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import {
  countdown,
  formatTime,
  liveEntries,
  mayEnter,
  type SchoolCampaign,
  useSchoolCampaigns,
} from './school-data.ts';

const MINUTE = 60_000;

/** The clock the countdowns read, ticking each minute. */
function useNow(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), MINUTE);
    return () => clearInterval(timer);
  }, []);
  return now;
}

const percent = (share: number) => `${Math.round(share * 1000) / 10}%`;

interface CardProps {
  readonly campaign: SchoolCampaign;
  readonly schoolId: string;
}

/** The lectures of a campaign held at the school. */
const ours = (campaign: SchoolCampaign, schoolId: string) =>
  campaign.lectures.filter((lecture) => lecture.schoolId === schoolId);

function OpenCampaign({ campaign, schoolId, now }: CardProps & { readonly now: number }) {
  const used = liveEntries(campaign).length;
  const left = countdown(campaign.closesAt, now);
  const lectures = ours(campaign, schoolId).filter((lecture) => lecture.status === 'SCHEDULED');
  return (
    <Card className="campaign-card" title={<h3 className="card-title">{campaign.title}</h3>}>
      <p className="campaign-meta">
        <Tag>{CAMPAIGN_KIND_LABELS[campaign.kind]}</Tag>
        {campaign.theme && <span>{campaign.theme}</span>}
      </p>
      <dl className="facts">
        <dt>截止时间</dt>
        <dd>
          {formatTime(campaign.closesAt)}
          {left && <span className="badge is-urgent countdown">{left}</span>}
        </dd>
        {campaign.takes === 'ENTRIES' && (
          <>
            <dt>本校作品</dt>
            <dd>
              已提交 {used} 件{campaign.maxEntriesPerSchool !== null ? `，最多 ${campaign.maxEntriesPerSchool} 件` : ''}
            </dd>
          </>
        )}
        {campaign.awardQuota !== null && (
          <>
            <dt>获奖比例</dt>
            <dd>
              {percent(campaign.awardQuota)}
              {campaign.awardCap !== null && `（目前最多 ${campaign.awardCap} 件获奖）`}
            </dd>
          </>
        )}
      </dl>
      {campaign.takes === 'LECTURES' ? (
        <LectureList lectures={lectures} />
      ) : mayEnter(campaign) ? (
        <Link className="action-link" to={`campaigns/${campaign.id}/submit`}>
          {campaign.kind === 'EVALUATION' ? '提交申请' : '提交作品'}
          <span className="visually-hidden">：{campaign.title}</span>
        </Link>
      ) : (
        <p className="hint">本校已达到提交上限。</p>
      )}
    </Card>
  );
}

function LectureList({ lectures }: { readonly lectures: SchoolCampaign['lectures'] }) {
  if (lectures.length === 0) return <p className="hint">本校暂无已安排的讲座。讲座由关工委办公室安排。</p>;
  return (
    <ul className="lecture-list" aria-label="本校已安排的讲座">
      {lectures.map((lecture) => (
        <li key={lecture.id}>
          <strong>{lecture.topic}</strong>
          <span className="hint">
            {formatTime(lecture.scheduledAt)}
            {lecture.venue ? ` · ${lecture.venue}` : ''}
          </span>
        </li>
      ))}
    </ul>
  );
}

function Results({ campaign, schoolId }: CardProps) {
  const entries = liveEntries(campaign);
  const published = campaign.status === 'RESULTS_PUBLISHED';
  return (
    <Card className="campaign-card" title={<h3 className="card-title">{campaign.title}</h3>}>
      <p className="campaign-meta">
        <Tag>{CAMPAIGN_KIND_LABELS[campaign.kind]}</Tag>
        <span className={`badge ${published ? 'is-done' : 'is-plain'}`}>{published ? '结果已公布' : '评审中'}</span>
      </p>
      {campaign.takes === 'LECTURES' ? (
        <p>本校讲座：已开展 {ours(campaign, schoolId).filter((lecture) => lecture.status === 'DELIVERED').length} 场</p>
      ) : entries.length === 0 ? (
        <p className="hint">本校没有参加。</p>
      ) : (
        <ul className="result-list" aria-label={`${campaign.title} 本校结果`}>
          {entries.map((entry) => (
            <li key={entry.id}>
              <span>{entry.title}</span>
              {published ? (
                <span className="result">
                  {entry.prize ? (
                    <span className="badge is-prize">{PRIZE_LABELS[entry.prize]}</span>
                  ) : entry.stars ? null : (
                    '未获奖'
                  )}
                  {entry.stars !== null && (
                    <span>
                      {'★'.repeat(entry.stars)}（{entry.stars} 星）
                    </span>
                  )}
                  {entry.meanScore !== null && <span className="hint">平均分 {entry.meanScore.toFixed(1)}</span>}
                </span>
              ) : (
                <span className="hint">结果公布后可见</span>
              )}
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}

/** 本校活动: what the school may enter now, and what is over with its results. */
export default function CampaignsPage() {
  const { campaigns, school, schoolId = '', fetching, error, noSchool } = useSchoolCampaigns();
  const now = useNow();
  if (noSchool) return <Alert type="warning" title="当前账号不属于任何学校。" />;
  if (error) return <Alert type="error" title="活动加载失败，请刷新重试。" />;
  if (fetching && !school) return <Skeleton active />;
  const open = campaigns.filter((campaign) => campaign.status === 'OPEN');
  const over = campaigns.filter((campaign) => campaign.status !== 'OPEN');
  return (
    <>
      <h1 className="page-title">本校活动</h1>
      {school && <p className="hint">{school.name}</p>}
      <section aria-labelledby="open-campaigns">
        <h2 id="open-campaigns">进行中</h2>
        {open.length === 0 ? (
          <Empty description="暂无可参加的活动" />
        ) : (
          open.map((campaign) => <OpenCampaign key={campaign.id} campaign={campaign} schoolId={schoolId} now={now} />)
        )}
      </section>
      <section aria-labelledby="past-campaigns">
        <h2 id="past-campaigns">已结束</h2>
        {over.length === 0 ? (
          <Empty description="暂无已结束的活动" />
        ) : (
          over.map((campaign) => <Results key={campaign.id} campaign={campaign} schoolId={schoolId} />)
        )}
      </section>
    </>
  );
}
