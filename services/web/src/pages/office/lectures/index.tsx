import { App, Button, Calendar, Progress, Select, Tabs } from 'antd';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import { useState } from 'react';
import { type CombinedError, useMutation, useQuery } from 'urql';
import { errorMessage } from '../../../error-messages.ts';
import { Loading, Problem } from '../../../shell/problems.tsx';
import { refusal } from '../../school/mutation-answer.ts';
import { chinaClock, chinaDateTime, chinaDay } from './china-time.ts';
import { OfficeLectures, ScheduleLecture } from './documents.ts';
import { type LectureAction, LectureDialog } from './lecture-dialog.tsx';
import { PlainTable } from './plain-table.tsx';
import { ScheduleForm } from './schedule-form.tsx';
import './lectures.css';

type Data = NonNullable<ReturnType<typeof useOfficeLectures>[0]['data']>;
type LectureRow = Data['campaigns'][number]['lectures'][number];
type Status = LectureRow['status'];

const useOfficeLectures = () => useQuery({ query: OfficeLectures, requestPolicy: 'cache-and-network' });

const STATUS: Record<Status, { label: string }> = {
  SCHEDULED: { label: '待举办' },
  DELIVERED: { label: '已完成' },
  CANCELLED: { label: '已取消' },
};

// The calendar's weekday names and first day of the week (Monday) come from dayjs's locale, not Ant Design's.
dayjs.locale('zh-cn');

const byTime = (a: LectureRow, b: LectureRow) => a.scheduledAt.localeCompare(b.scheduledAt);

/** The day shown first: today in China. */
const today = () => chinaDay(new Date().toISOString());

interface Filters {
  campaignId?: string;
  lecturerId?: string;
  schoolId?: string;
  status?: Status;
}

/**
 * 讲座: progress to each campaign's target and each lecturer's sessions, a month calendar and a filtered list of the
 * lectures of every LECTURE campaign, 安排讲座, and per lecture 改期, 取消 (with a reason) and 记录完成 (audience,
 * minutes). Times are China time.
 */
export default function LecturesSection() {
  const { message } = App.useApp();
  const [{ data, error, fetching }, reexecute] = useOfficeLectures();
  const [, scheduleLecture] = useMutation(ScheduleLecture);
  const [scheduling, setScheduling] = useState(false);
  const [acting, setActing] = useState<{ action: LectureAction; lecture: LectureRow }>();
  const [filters, setFilters] = useState<Filters>({});
  const [day, setDay] = useState(today);
  const reload = () => reexecute({ requestPolicy: 'network-only' });

  if (error && !data) return <Problem error={error} onRetry={reload} />;
  if (!data) return fetching ? <Loading /> : null;

  const campaignName = new Map(data.campaigns.map((campaign) => [campaign.id, campaign.title]));
  const lecturerName = new Map(data.lecturers.map((lecturer) => [lecturer.id, lecturer.name]));
  const schoolName = new Map(data.schools.map((school) => [school.id, school.name]));
  const lectures = data.campaigns.flatMap((campaign) => campaign.lectures).sort(byTime);
  const place = (lecture: LectureRow) =>
    [lecture.schoolId ? (schoolName.get(lecture.schoolId) ?? lecture.schoolId) : undefined, lecture.venue]
      .filter(Boolean)
      .join(' · ');
  const shown = lectures.filter(
    (lecture) =>
      (!filters.campaignId || lecture.campaignId === filters.campaignId) &&
      (!filters.lecturerId || lecture.lecturerId === filters.lecturerId) &&
      (!filters.schoolId || lecture.schoolId === filters.schoolId) &&
      (!filters.status || lecture.status === filters.status),
  );
  const onDay = (key: string) => shown.filter((lecture) => chinaDay(lecture.scheduledAt) === key);
  const openCampaigns = data.campaigns.filter((campaign) => campaign.status === 'OPEN');

  const schedule = async (input: Parameters<typeof scheduleLecture>[0]['input']) => {
    const answer = await scheduleLecture({ input });
    if (answer.error) return refusal(answer.error as CombinedError);
    message.success('已安排讲座');
    setScheduling(false);
    setDay(chinaDay(input.scheduledAt));
    reload();
    return {};
  };

  const actions = (lecture: LectureRow) =>
    lecture.status === 'SCHEDULED' ? (
      <span className="lecture-actions">
        <Button size="small" onClick={() => setActing({ action: 'deliver', lecture })}>
          记录完成
        </Button>
        <Button size="small" onClick={() => setActing({ action: 'reschedule', lecture })}>
          改期
        </Button>
        <Button size="small" danger onClick={() => setActing({ action: 'cancel', lecture })}>
          取消
        </Button>
      </span>
    ) : null;

  const describe = (lecture: LectureRow) => (
    <>
      <span className={`status-tag status-${lecture.status}`}>{STATUS[lecture.status].label}</span>
      {lecture.status === 'DELIVERED' && `听众 ${lecture.audience} 人 · ${lecture.durationMinutes} 分钟`}
      {lecture.status === 'CANCELLED' && `原因：${lecture.cancelReason}`}
    </>
  );

  const filter = <K extends keyof Filters>(key: K, label: string, options: { value: string; label: string }[]) => (
    <div className="lecture-filter">
      <label htmlFor={`filter-${key}`}>{label}</label>
      <Select
        id={`filter-${key}`}
        allowClear
        placeholder="全部"
        value={filters[key]}
        options={options}
        onChange={(value) => setFilters({ ...filters, [key]: value })}
      />
    </div>
  );

  const list = (
    <>
      <div className="lecture-filters">
        {filter(
          'campaignId',
          '活动',
          data.campaigns.map((campaign) => ({ value: campaign.id, label: campaign.title })),
        )}
        {filter(
          'lecturerId',
          '讲师',
          data.lecturers.map((lecturer) => ({ value: lecturer.id, label: lecturer.name })),
        )}
        {filter(
          'schoolId',
          '学校',
          data.schools.map((school) => ({ value: school.id, label: school.name })),
        )}
        {filter(
          'status',
          '状态',
          Object.entries(STATUS).map(([value, { label }]) => ({ value, label })),
        )}
      </div>
      <PlainTable<LectureRow>
        className="lecture-list"
        rows={shown}
        rowKey={(lecture) => lecture.id}
        empty="没有符合条件的讲座"
        columns={[
          { title: '时间', render: (lecture) => chinaDateTime(lecture.scheduledAt) },
          { title: '题目', render: (lecture) => lecture.topic },
          { title: '讲师', render: (lecture) => lecturerName.get(lecture.lecturerId) },
          { title: '地点', render: (lecture) => place(lecture) },
          { title: '活动', render: (lecture) => campaignName.get(lecture.campaignId) },
          { title: '状态', render: (lecture) => describe(lecture) },
          { title: '操作', render: (lecture) => actions(lecture) },
        ]}
      />
    </>
  );

  const calendar = (
    <div className="lecture-calendar">
      <Calendar
        headerRender={({ value, onChange }) => (
          <div className="calendar-head">
            <Button onClick={() => onChange(value.subtract(1, 'month'))}>上个月</Button>
            <h3 aria-live="polite">{value.format('YYYY 年 M 月')}</h3>
            <Button onClick={() => onChange(value.add(1, 'month'))}>下个月</Button>
          </div>
        )}
        onSelect={(date) => setDay(date.format('YYYY-MM-DD'))}
        cellRender={(date, info) => {
          if (info.type !== 'date') return info.originNode;
          const held = onDay(date.format('YYYY-MM-DD'));
          if (held.length === 0) return null;
          // A phone has room for the count only; the day's list below the calendar says which.
          return (
            <>
              <span className="day-count">{held.length} 场</span>
              <ul className="day-items">
                {held.map((lecture) => (
                  <li key={lecture.id} className={`status-${lecture.status}`}>
                    {chinaClock(lecture.scheduledAt)} {lecture.topic}
                  </li>
                ))}
              </ul>
            </>
          );
        }}
      />
      <section aria-labelledby="day-title" className="lecture-day">
        <h3 id="day-title">{day} 的讲座</h3>
        {onDay(day).length === 0 ? (
          <p className="hint">这一天没有讲座。</p>
        ) : (
          <ul className="day-lectures">
            {onDay(day).map((lecture) => (
              <li key={lecture.id}>
                <strong>{chinaClock(lecture.scheduledAt)}</strong> {lecture.topic}
                <div className="hint">
                  {lecturerName.get(lecture.lecturerId)} · {place(lecture)}
                </div>
                <div>{describe(lecture)}</div>
                {actions(lecture)}
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );

  return (
    <div className="office-lectures">
      <div className="section-head">
        <h1>讲座</h1>
        <Button type="primary" onClick={() => setScheduling(true)} disabled={scheduling}>
          安排讲座
        </Button>
      </div>
      {error && <p role="alert">{errorMessage(error)}</p>}
      {scheduling && (
        <ScheduleForm
          campaigns={openCampaigns.map((campaign) => ({ id: campaign.id, name: campaign.title }))}
          lecturers={data.lecturers.filter((lecturer) => !lecturer.retired)}
          schools={data.schools}
          onSubmit={schedule}
          onCancel={() => setScheduling(false)}
        />
      )}
      <section aria-labelledby="progress-title">
        <h2 id="progress-title">完成进度</h2>
        {data.campaigns.length === 0 && <p className="hint">还没有讲座类活动。</p>}
        <ul className="campaign-progress">
          {data.campaigns.map((campaign) => (
            <li key={campaign.id}>
              <span id={`progress-${campaign.id}`}>{campaign.title}</span>
              {campaign.targetSessions ? (
                <>
                  <Progress
                    percent={Math.round((campaign.progress ?? 0) * 1000) / 10}
                    aria-labelledby={`progress-${campaign.id}`}
                    format={() => `${campaign.sessionsDelivered} / ${campaign.targetSessions}`}
                  />
                  <span className="hint">
                    已完成 {campaign.sessionsDelivered} 场，目标 {campaign.targetSessions} 场，听众 {campaign.audience}{' '}
                    人
                  </span>
                </>
              ) : (
                <span className="hint">
                  已完成 {campaign.sessionsDelivered} 场（未设目标），听众 {campaign.audience} 人
                </span>
              )}
            </li>
          ))}
        </ul>
        <PlainTable
          className="lecturer-progress"
          caption="讲师完成场次"
          rows={data.lecturers}
          rowKey={(lecturer) => lecturer.id}
          empty="还没有讲师"
          columns={[
            { title: '讲师', render: (lecturer) => lecturer.name },
            { title: '已完成', render: (lecturer) => lecturer.lecturesDelivered },
            { title: '待举办', render: (lecturer) => lecturer.lecturesScheduled },
            { title: '听众', render: (lecturer) => lecturer.audience },
          ]}
        />
      </section>
      <Tabs
        items={[
          { key: 'calendar', label: '日历', children: calendar },
          { key: 'list', label: '列表', children: list },
        ]}
      />
      {acting && (
        <LectureDialog
          action={acting.action}
          lecture={acting.lecture}
          onClose={(done) => {
            setActing(undefined);
            if (done) {
              message.success('已保存');
              reload();
            }
          }}
        />
      )}
    </div>
  );
}
