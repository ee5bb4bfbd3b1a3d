import { graphql, type ResultOf } from '@qingmiao/schema/graphql';
import { Descriptions, Empty, Typography } from 'antd';
import { lazy, type ReactNode, Suspense, useCallback } from 'react';
import { useParams } from 'react-router';
import { useQuery } from 'urql';
import { PreviewLoading } from '../previews/preview-notice.tsx';
import { useAccount } from '../session/context.tsx';
import { Loading, Problem } from '../shell/problems.tsx';
import './entry-reading.css';

// pdf.js and mammoth load only when an entry has such a file (see previews/attachment-preview.tsx).
const AttachmentPreview = lazy(() => import('../previews/attachment-preview.tsx'));

/**
 * What the reader may see of the entry: the API leaves out what a judge of a blind campaign must not know (school,
 * advisor, file names); participants are asked for only by the roles that may read them (judges never may).
 */
const ENTRY = graphql(`
  query EntryReading($id: ID!, $withPeople: Boolean!) {
    entry(id: $id) {
      id
      campaignId
      schoolId
      title
      body
      advisor
      status
      submittedAt
      participants @include(if: $withPeople) { name role grade }
      performance { genre durationMinutes videoLink }
      attachments { id name mediaType size url previewUrl erased }
    }
  }
`);

const CAMPAIGN = graphql('query EntryReadingCampaign($id: ID!) { campaign(id: $id) { id title year } }');
const SCHOOL = graphql('query EntryReadingSchool($id: ID!) { school(id: $id) { id name } }');

type ReadEntry = NonNullable<ResultOf<typeof ENTRY>['entry']>;
type Role = NonNullable<ReadEntry['participants']>[number]['role'];

const ROLE_NAMES: Readonly<Record<Role, string>> = {
  STUDENT: '学生',
  TEACHER: '教师',
  RETIRED_TEACHER: '退休教师',
  PARENT: '家长',
};

const size = (bytes: number) =>
  bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`;

/** `/entries/:entryId/read`: the reading pane of one entry. */
export default function EntryReading() {
  const { entryId = '' } = useParams();
  return <EntryReadingView entryId={entryId} />;
}

/**
 * The reading pane for organizers and judges: the entry's title, its text as written (line breaks kept) and every
 * file shown in the page, with the entry's facts beside it. The judges' workspace puts its rubric form into the side
 * area (`children`, above the facts). Signed file links live 10 minutes: a preview that meets an expired one
 * refetches the entry for fresh ones.
 */
export function EntryReadingView({ entryId, children }: { readonly entryId: string; readonly children?: ReactNode }) {
  const { role } = useAccount();
  const [{ data, error, fetching }, refetch] = useQuery({
    query: ENTRY,
    variables: { id: entryId, withPeople: role === 'organizer' || role === 'school' },
  });
  const renewLinks = useCallback(() => refetch({ requestPolicy: 'network-only' }), [refetch]);

  // Another entry's answer, kept while this one loads, is not shown under this entry's form.
  if (fetching && data?.entry?.id !== entryId) return <Loading />;
  if (error && !data?.entry) return <Problem error={error} onRetry={renewLinks} />;
  const entry = data?.entry;
  if (!entry) return <Empty description="作品不存在或已被删除" />;

  return (
    <div className="qm-reading">
      <article className="qm-reading-pane" aria-labelledby="entry-title">
        <Typography.Title level={1} id="entry-title" className="qm-reading-title">
          {entry.title}
        </Typography.Title>
        <section aria-labelledby="entry-body">
          <Typography.Title level={2} id="entry-body" className="qm-reading-heading">
            正文
          </Typography.Title>
          {entry.body ? <div className="qm-entry-body">{entry.body}</div> : <p className="qm-muted">未填写正文</p>}
        </section>
        <section aria-labelledby="entry-files">
          <Typography.Title level={2} id="entry-files" className="qm-reading-heading">
            附件（{entry.attachments.length}）
          </Typography.Title>
          {entry.attachments.length === 0 && <p className="qm-muted">没有附件</p>}
          {entry.attachments.map((file, index) => (
            <section key={file.id} id={`file-${index + 1}`} className="qm-reading-file" aria-label={file.name}>
              <Typography.Title level={3} className="qm-reading-file-name">
                {file.name}
              </Typography.Title>
              {file.erased ? (
                // Its bytes are gone with the entry's personal data: no link, no preview.
                <p className="qm-muted">文件已随作品的个人信息删除</p>
              ) : (
                <>
                  <p className="qm-muted">
                    {size(file.size)} ·{' '}
                    <a href={file.url} rel="noreferrer">
                      下载
                    </a>
                  </p>
                  <Suspense fallback={<PreviewLoading name={file.name} />}>
                    <AttachmentPreview file={file} renewLinks={renewLinks} />
                  </Suspense>
                </>
              )}
            </section>
          ))}
        </section>
      </article>
      <aside className="qm-reading-side" aria-label="作品信息">
        {children}
        <EntryFacts entry={entry} />
      </aside>
    </div>
  );
}

/** The entry's facts, as far as the reader may know them. */
function EntryFacts({ entry }: { readonly entry: ReadEntry }) {
  const [campaign] = useQuery({ query: CAMPAIGN, variables: { id: entry.campaignId } });
  const schoolId = entry.schoolId;
  const [school] = useQuery({ query: SCHOOL, variables: { id: schoolId ?? '' }, pause: !schoolId });
  const items = [
    { key: 'campaign', label: '活动', children: campaign.data?.campaign?.title ?? entry.campaignId },
    schoolId && { key: 'school', label: '学校', children: school.data?.school?.name ?? schoolId },
    entry.advisor && { key: 'advisor', label: '指导老师', children: entry.advisor },
    entry.participants && {
      key: 'participants',
      label: '参赛人员',
      children: entry.participants
        .map((person) => [person.name, ROLE_NAMES[person.role], person.grade].filter(Boolean).join(' '))
        .join('，'),
    },
    entry.performance && {
      key: 'performance',
      label: '节目',
      children: `${entry.performance.genre} · ${entry.performance.durationMinutes} 分钟`,
    },
    entry.performance?.videoLink && {
      key: 'video',
      label: '视频链接',
      children: (
        <a href={entry.performance.videoLink} target="_blank" rel="noreferrer noopener">
          {entry.performance.videoLink}
        </a>
      ),
    },
    {
      key: 'status',
      label: '状态',
      children: entry.status === 'LIVE' ? '有效' : '已撤回',
    },
    { key: 'submitted', label: '提交时间', children: new Date(entry.submittedAt).toLocaleString('zh-CN') },
  ].filter((item) => !!item);
  return (
    <>
      <Descriptions title="作品信息" column={1} size="small" items={items} />
      {entry.attachments.length > 0 && (
        <nav aria-label="附件目录" className="qm-reading-index">
          <ol>
            {entry.attachments.map((file, index) => (
              <li key={file.id}>
                <a href={`#file-${index + 1}`}>{file.name}</a>
              </li>
            ))}
          </ol>
        </nav>
      )}
    </>
  );
}
