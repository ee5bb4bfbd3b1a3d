import { Card, Typography } from 'antd';
import { lazy, Suspense } from 'react';
import { Link, Route, Routes } from 'react-router';
import { useQuery } from 'urql';
import { useSession } from '../../../session/context.tsx';
import { Loading } from '../../../shell/problems.tsx';
import { downloadReport } from '../../dashboard/download.ts';
import { DownloadButton, downloadWinners } from './downloads.tsx';
import { RETENTION_QUERY } from './queries.ts';
import { useReportYear, YearSelect } from './year.tsx';
import './reports.css';

// Each report is its own chunk: the year summary carries the charts, the others do not.
const WinnersList = lazy(() => import('./winners.tsx'));
const InactiveSchools = lazy(() => import('./inactive-schools.tsx'));
const YearSummary = lazy(() => import('./year-summary.tsx'));

const shanghaiDate = (at: string) =>
  new Intl.DateTimeFormat('zh-CN', { timeZone: 'Asia/Shanghai', dateStyle: 'long' }).format(new Date(at));

/**
 * When the year's personal data is deleted (QINGMIAO_PII_RETENTION_YEARS after the year), or that it was: the
 * entries, awards and figures stay.
 */
function RetentionLine({ year }: { readonly year: number }) {
  const [{ data }] = useQuery({ query: RETENTION_QUERY });
  const row = data?.personalDataRetention.find((candidate) => candidate.year === year);
  if (!row) return null;
  const what = `${year}年${row.entries}件作品的个人信息(参赛人员姓名、年级、学号,指导老师,作品正文,文件及文件名)`;
  return (
    <p className="report-retention" data-retention={year}>
      {row.expired && row.expiredAt
        ? `${what}已于${shanghaiDate(row.expiredAt)}按保留期限删除;作品、获奖和统计数字仍保留。`
        : `${what}将于${shanghaiDate(row.dueAt)}按保留期限删除;作品、获奖和统计数字仍保留。`}
    </p>
  );
}

/** 报表: the year's reports, each a download or a page of its own. */
function ReportsHome() {
  const session = useSession();
  const report = useReportYear();
  const { year } = report;
  const query = year === undefined ? '' : `?year=${year}`;
  return (
    <div className="office-report">
      <div className="report-header">
        <Typography.Title level={1} className="report-title">
          报表
        </Typography.Title>
        <div className="report-tools">
          <YearSelect report={report} />
        </div>
      </div>
      {year !== undefined && <RetentionLine year={year} />}
      {year !== undefined && (
        <div className="report-cards">
          <Card title={<h2 className="report-card-title">参与情况统计表</h2>}>
            <p>按学校、镇区、学校类型、活动和月份统计的参与学校、作品、学生、参与率、获奖与讲座(Excel)。</p>
            <DownloadButton label="下载参与情况报表" save={() => downloadReport(session.fetch, year, null)} />
          </Card>
          <Card title={<h2 className="report-card-title">获奖名单</h2>}>
            <p>各活动的获奖作品、学校、指导老师和参赛人员,可打印或下载 Excel。</p>
            <div className="report-actions">
              <Link to={`winners${query}`}>查看获奖名单</Link>
              <DownloadButton label="下载获奖名单" save={() => downloadWinners(session.fetch, year, null)} />
            </div>
          </Card>
          <Card title={<h2 className="report-card-title">未参与活动的学校</h2>}>
            <p>本年度没有任何作品、也没有举办讲座的学校,可复制名单用于提醒。</p>
            <Link to={`inactive${query}`}>查看未参与学校</Link>
          </Card>
          <Card title={<h2 className="report-card-title">年度总结</h2>}>
            <p>一页纸的年度概况:总体数字、统计图、各活动获奖和讲座完成情况,可打印或保存为 PDF。</p>
            <Link to={`summary${query}`}>查看年度总结</Link>
          </Card>
        </div>
      )}
    </div>
  );
}

/** `/office/reports/*`: the reports home and its pages. */
export default function Reports() {
  return (
    <Suspense fallback={<Loading />}>
      <Routes>
        <Route index element={<ReportsHome />} />
        <Route path="winners" element={<WinnersList />} />
        <Route path="inactive" element={<InactiveSchools />} />
        <Route path="summary" element={<YearSummary />} />
      </Routes>
    </Suspense>
  );
}
