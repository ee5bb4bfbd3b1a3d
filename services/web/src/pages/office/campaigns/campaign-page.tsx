import { CAMPAIGN_KIND_LABELS, SCHOOL_KIND_LABELS } from '@qingmiao/schema';
import type { ResultOf } from '@qingmiao/schema/graphql';
import { App, Button, Empty, Input, Progress } from 'antd';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { useQuery } from 'urql';
import { Loading, Problem } from '../../../shell/problems.tsx';
import { CampaignActions } from './campaign-actions.tsx';
import { chinaTime } from './china-time.ts';
import { OfficeCampaign } from './documents.ts';
import { StatusBadge } from './labels.tsx';
import { CampaignTimeline } from './timeline.tsx';

type Answer = ResultOf<typeof OfficeCampaign>;
export type OfficeCampaignData = NonNullable<Answer['campaign']>;
type School = Answer['schools'][number];

const percent = (share: number) => `${Math.round(share * 1000) / 10}%`;

/** The campaign's settings as they were given. */
function Settings({ campaign }: { readonly campaign: OfficeCampaignData }) {
  const takesEntries = campaign.takes === 'ENTRIES';
  return (
    <dl className="campaign-settings">
      <dt>编号</dt>
      <dd>{campaign.id}</dd>
      <dt>类型 · 年度</dt>
      <dd>
        {CAMPAIGN_KIND_LABELS[campaign.kind]} · {campaign.year} 年
      </dd>
      {campaign.theme && (
        <>
          <dt>主题</dt>
          <dd>{campaign.theme}</dd>
        </>
      )}
      <dt>开始时间</dt>
      <dd>{chinaTime(campaign.opensAt)}（北京时间）</dd>
      <dt>截止时间</dt>
      <dd>{chinaTime(campaign.closesAt)}（北京时间）</dd>
      <dt>可参加的学校</dt>
      <dd>{campaign.eligibleSchoolKinds.map((kind) => SCHOOL_KIND_LABELS[kind]).join('、')}</dd>
      {takesEntries ? (
        <>
          <dt>每校作品数上限</dt>
          <dd>{campaign.maxEntriesPerSchool ?? '不限'}</dd>
          <dt>获奖名额</dt>
          <dd>
            {campaign.awardQuota === null
              ? '不限'
              : `${percent(campaign.awardQuota)}：现可授 ${campaign.awardCap ?? 0} / 已授 ${campaign.awardsGranted}`}
          </dd>
          <dt>评分细则</dt>
          <dd>
            {campaign.rubric
              .map((criterion) => `${criterion.name}（权重 ${criterion.weight}，满分 ${criterion.maxScore}）`)
              .join('；')}
          </dd>
          <dt>匿名评审</dt>
          <dd>{campaign.blindJudging ? '是' : '否'}</dd>
          <dt>须监护人同意</dt>
          <dd>{campaign.requireGuardianConsent ? '是' : '否'}</dd>
        </>
      ) : (
        <>
          <dt>讲座进度</dt>
          <dd>
            已完成 {campaign.sessionsDelivered} / 目标 {campaign.targetSessions ?? '—'} 场
            {campaign.progress !== null && (
              <Progress percent={Math.round(campaign.progress * 1000) / 10} aria-label="讲座进度" />
            )}
          </dd>
        </>
      )}
      {campaign.copiedFrom && (
        <>
          <dt>复制自</dt>
          <dd>
            <Link to={`/office/campaigns/${campaign.copiedFrom}`}>{campaign.copiedFrom}</Link>
          </dd>
        </>
      )}
      {campaign.cancelReason && (
        <>
          <dt>取消原因</dt>
          <dd>{campaign.cancelReason}</dd>
        </>
      )}
    </dl>
  );
}

type EntryRow = OfficeCampaignData['entries'][number] & { readonly schoolName: string };

/** 各校作品: every entry, live and withdrawn, by school, each with a link to read it. */
function EntriesBySchool({ rows }: { readonly rows: readonly EntryRow[] }) {
  if (rows.length === 0) return <Empty description="还没有学校提交作品" />;
  return (
    <div className="table-scroll">
      <table className="qm-table" aria-label="各校作品">
        <thead>
          <tr>
            <th scope="col">学校</th>
            <th scope="col">作品</th>
            <th scope="col">状态</th>
            <th scope="col">提交时间</th>
            <th scope="col">操作</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((entry) => (
            <tr key={entry.id}>
              <td>{entry.schoolName}</td>
              <td>{entry.title}</td>
              <td>
                {entry.status === 'LIVE' ? (
                  <span className="badge is-open">有效</span>
                ) : (
                  <span className="badge is-draft">已撤回</span>
                )}
              </td>
              <td>{chinaTime(entry.submittedAt)}</td>
              <td>
                <Link to={`/entries/${encodeURIComponent(entry.id)}/read`} aria-label={`阅读 ${entry.title}`}>
                  阅读
                </Link>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** 未参加的学校: eligible schools without a live entry, as a list to copy into a reminder. */
function NotEntered({ schools }: { readonly schools: readonly School[] }) {
  const { message } = App.useApp();
  const [copied, setCopied] = useState(false);
  if (schools.length === 0) return <p>可参加的学校都已提交。</p>;
  const text = schools.map((school) => `${school.name}（${school.town}）`).join('\n');
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setCopied(true);
      message.success(`已复制 ${schools.length} 所学校`);
    } catch {
      message.error('无法写入剪贴板：请在下框中全选后复制');
    }
  };
  return (
    <div>
      <p>
        共 {schools.length} 所可参加的学校还没有有效作品。
        <Button size="small" onClick={copy}>
          {copied ? '已复制' : '复制名单'}
        </Button>
      </p>
      <Input.TextArea
        className="reminder-list"
        aria-label="未参加学校名单"
        readOnly
        value={text}
        autoSize={{ minRows: 3, maxRows: 12 }}
      />
    </div>
  );
}

/** `/office/campaigns/:id`: a campaign's settings, its lifecycle actions, entries by school, who has not entered, and its timeline. */
export function CampaignPage() {
  const { campaignId = '' } = useParams();
  const [{ data, error, fetching }, refetch] = useQuery({
    query: OfficeCampaign,
    variables: { id: campaignId },
    requestPolicy: 'cache-and-network',
  });
  const reload = () => refetch({ requestPolicy: 'network-only' });
  if (error) return <Problem error={error} onRetry={reload} />;
  if (fetching && !data) return <Loading />;
  const campaign = data?.campaign;
  if (!campaign) {
    return (
      <section>
        <h1 className="page-title">找不到活动 {campaignId}</h1>
        <Link to="/office/campaigns">返回活动列表</Link>
      </section>
    );
  }
  const schools = new Map((data?.schools ?? []).map((school) => [school.id, school]));
  const people = new Map(
    (data?.accounts ?? []).map((account) => [account.id, `${account.displayName}（${account.login}）`]),
  );
  const entries: EntryRow[] = campaign.entries
    .map((entry) => ({ ...entry, schoolName: schools.get(entry.schoolId ?? '')?.name ?? entry.schoolId ?? '—' }))
    .sort((a, b) => a.schoolName.localeCompare(b.schoolName, 'zh-CN') || a.submittedAt.localeCompare(b.submittedAt));
  const entered = new Set(campaign.entries.filter((entry) => entry.status === 'LIVE').map((entry) => entry.schoolId));
  const notEntered = (data?.schools ?? [])
    .filter((school) => campaign.eligibleSchoolKinds.includes(school.kind) && !entered.has(school.id))
    .sort((a, b) => a.town.localeCompare(b.town, 'zh-CN') || a.name.localeCompare(b.name, 'zh-CN'));
  const takesEntries = campaign.takes === 'ENTRIES';

  return (
    <section>
      <p>
        <Link to="/office/campaigns">← 活动列表</Link>
      </p>
      <h1 className="page-title">
        {campaign.title} <StatusBadge status={campaign.status} />
      </h1>
      <CampaignActions campaign={campaign} onChanged={reload} />
      {takesEntries && (
        <p>
          <Link to={`/office/campaigns/${encodeURIComponent(campaign.id)}/judging`}>评审与授奖</Link>
          <span className="hint">
            {' '}
            有效作品 {campaign.entryCount} 件，来自 {campaign.schoolCount} 所学校
          </span>
        </p>
      )}
      <h2 className="section-title">活动设置</h2>
      <Settings campaign={campaign} />
      {takesEntries && (
        <>
          <h2 className="section-title">各校作品</h2>
          <EntriesBySchool rows={entries} />
          <h2 className="section-title">未参加的学校</h2>
          <NotEntered schools={notEntered} />
        </>
      )}
      <h2 className="section-title">时间线</h2>
      <CampaignTimeline campaign={campaign} people={people} />
    </section>
  );
}
