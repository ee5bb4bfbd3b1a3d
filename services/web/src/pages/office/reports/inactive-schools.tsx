import { SCHOOL_KIND_LABELS } from '@qingmiao/schema/labels';
import { App, Button, Typography } from 'antd';
import { useId, useMemo } from 'react';
import { useQuery } from 'urql';
import { Loading, Problem } from '../../../shell/problems.tsx';
import { count } from '../../dashboard/figures.ts';
import { INACTIVE_SCHOOLS_QUERY } from './queries.ts';
import { useReportYear, YearSelect } from './year.tsx';

/**
 * 未参与活动的学校: the registered schools that took part in nothing in the year — no live (not withdrawn) entry in
 * any of the year's campaigns and no delivered lecture held at the school (the `schools` figure of participation is
 * 0). A scheduled lecture not yet delivered, or an entry withdrawn, is not taking part. The names copy as one list,
 * one school a line, for a reminder.
 */
export default function InactiveSchools() {
  const { message } = App.useApp();
  const report = useReportYear();
  const { year } = report;
  const listId = useId();
  const [{ data, error, fetching }, reexecute] = useQuery({
    query: INACTIVE_SCHOOLS_QUERY,
    variables: { year: year ?? 0 },
    pause: year === undefined,
  });
  const rows = useMemo(() => {
    if (!data) return [];
    const schools = new Map(data.schools.map((school) => [school.id, school]));
    return data.participation
      .filter((row) => row.schools === 0)
      .map((row) => ({ ...row, kind: schools.get(row.key)?.kind, town: schools.get(row.key)?.town ?? '' }));
  }, [data]);
  const list = rows.map((row) => row.label).join('\n');
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(list);
      void message.success(`已复制 ${rows.length} 所学校的名单`);
    } catch {
      void message.error('无法写入剪贴板,请在下方名单中全选后复制');
    }
  };
  return (
    <div className="office-report" data-state={data && !fetching ? 'ready' : 'loading'}>
      <div className="report-header">
        <Typography.Title level={1} className="report-title">
          {year === undefined ? '' : `${year}年`}未参与活动的学校
        </Typography.Title>
        <div className="report-tools">
          <YearSelect report={report} />
        </div>
      </div>
      <p className="report-note">
        “参与”指本年度任一活动中有未撤回的作品,或在本校举办过已完成的讲座;仅安排未举办的讲座、已撤回的作品不算参与。
      </p>
      {error && <Problem error={error} onRetry={() => reexecute({ requestPolicy: 'network-only' })} />}
      {!data && !error && <Loading />}
      {data && (
        <>
          <p role="status" data-inactive-count={rows.length}>
            {rows.length === 0
              ? `全部 ${data.participation.length} 所学校本年度都参与了活动`
              : `共 ${data.participation.length} 所学校,其中 ${rows.length} 所本年度未参与任何活动`}
          </p>
          {rows.length > 0 && (
            <>
              <div className="report-table-frame">
                <table className="report-table" data-inactive-schools="">
                  <caption className="visually-hidden">未参与活动的学校</caption>
                  <thead>
                    <tr>
                      <th scope="col">学校名称</th>
                      <th scope="col">学校代码</th>
                      <th scope="col">学校类型</th>
                      <th scope="col">镇/区</th>
                      <th scope="col">在校学生</th>
                    </tr>
                  </thead>
                  <tbody>
                    {rows.map((row) => (
                      <tr key={row.key} data-key={row.key}>
                        <th scope="row" data-field="label">
                          {row.label}
                        </th>
                        <td data-field="key">{row.key}</td>
                        <td data-field="kind">{row.kind ? SCHOOL_KIND_LABELS[row.kind] : ''}</td>
                        <td data-field="town">{row.town}</td>
                        <td data-field="enrolled">{count(row.enrolled)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              <div className="report-copy">
                <label htmlFor={listId}>名单(每行一所学校)</label>
                <textarea id={listId} readOnly value={list} rows={Math.min(rows.length, 10)} />
                <Button onClick={copy}>复制名单</Button>
              </div>
            </>
          )}
        </>
      )}
    </div>
  );
}
