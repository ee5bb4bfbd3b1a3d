import '../../../forms/zod-jitless.ts';
import { ScheduleLectureInput } from '@qingmiao/schema';
import { Alert, Button, Form, Input, Select } from 'antd';
import { type FormEvent, useState } from 'react';
import { describedBy, Field } from '../../../forms/field.tsx';
import { type FormAnswer, useFormSending } from '../../../forms/form-sending.ts';
import { isoFromChinaInput } from './china-time.ts';
import { lectureFieldErrors } from './lecture-errors.ts';

interface Option {
  readonly id: string;
  readonly name: string;
}

interface Props {
  readonly campaigns: readonly Option[];
  readonly lecturers: readonly Option[];
  readonly schools: readonly Option[];
  /** Sends the checked input; resolves to the server's problems (empty when it took it). */
  readonly onSubmit: (input: ScheduleLectureInput) => Promise<FormAnswer>;
  readonly onCancel: () => void;
}

interface Draft {
  campaignId: string;
  lecturerId: string;
  schoolId: string;
  venue: string;
  topic: string;
  scheduledAt: string;
}

const EMPTY: Draft = { campaignId: '', lecturerId: '', schoolId: '', venue: '', topic: '', scheduledAt: '' };

const options = (items: readonly Option[]) => items.map(({ id, name }) => ({ value: id, label: name }));

/**
 * 安排讲座: campaign, lecturer, the hosting school or a community venue, topic and time (China time). Checked with the
 * server's own zod schema before sending; the form's lecture key is made once, so sending twice schedules one lecture.
 */
export function ScheduleForm({ campaigns, lecturers, schools, onSubmit, onCancel }: Props) {
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [lectureKey] = useState(() => crypto.randomUUID());
  const { errors, message, sending, show, send } = useFormSending();
  const set = (field: keyof Draft) => (value: string | undefined) => setDraft({ ...draft, [field]: value ?? '' });

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (sending) return;
    const parsed = ScheduleLectureInput.safeParse({
      lectureId: lectureKey,
      campaignId: draft.campaignId,
      lecturerId: draft.lecturerId,
      schoolId: draft.schoolId || undefined,
      venue: draft.venue || undefined,
      topic: draft.topic,
      scheduledAt: isoFromChinaInput(draft.scheduledAt),
    });
    if (!parsed.success) {
      show({ errors: lectureFieldErrors(parsed.error.issues), message: '请按提示修改后再提交。' });
      return;
    }
    await send(() => onSubmit(parsed.data));
  };

  return (
    <Form layout="vertical" component={false}>
      <form className="lecture-form" onSubmit={submit} noValidate aria-labelledby="schedule-title">
        <h2 id="schedule-title">安排讲座</h2>
        {message && <Alert type="error" showIcon role="alert" title={message} />}
        {campaigns.length === 0 && <p className="hint">没有进行中的讲座活动：请先在“活动”中创建并开启一个讲座活动。</p>}
        <Field id="lecture-campaign" label="活动" error={errors.campaignId} required>
          <Select
            id="lecture-campaign"
            value={draft.campaignId || undefined}
            options={options(campaigns)}
            onChange={set('campaignId')}
            placeholder="选择讲座活动"
            {...describedBy('lecture-campaign', errors.campaignId)}
          />
        </Field>
        <Field id="lecture-lecturer" label="讲师" error={errors.lecturerId} required>
          <Select
            id="lecture-lecturer"
            showSearch={{ optionFilterProp: 'label' }}
            value={draft.lecturerId || undefined}
            options={options(lecturers)}
            onChange={set('lecturerId')}
            placeholder="选择讲师"
            {...describedBy('lecture-lecturer', errors.lecturerId)}
          />
        </Field>
        <Field id="lecture-school" label="学校" error={errors.schoolId}>
          <Select
            id="lecture-school"
            showSearch={{ optionFilterProp: 'label' }}
            allowClear
            value={draft.schoolId || undefined}
            options={options(schools)}
            onChange={set('schoolId')}
            placeholder="在社区或村举办时不选"
            {...describedBy('lecture-school', errors.schoolId)}
          />
        </Field>
        <Field id="lecture-venue" label="地点" error={errors.venue}>
          <Input
            id="lecture-venue"
            value={draft.venue}
            onChange={(event) => set('venue')(event.target.value)}
            placeholder="如 城厢镇东门社区；在学校举办可不填"
            {...describedBy('lecture-venue', errors.venue)}
          />
        </Field>
        <Field id="lecture-topic" label="题目" error={errors.topic} required>
          <Input
            id="lecture-topic"
            value={draft.topic}
            onChange={(event) => set('topic')(event.target.value)}
            {...describedBy('lecture-topic', errors.topic)}
          />
        </Field>
        <Field id="lecture-time" label="时间（北京时间）" error={errors.scheduledAt} required>
          <Input
            id="lecture-time"
            type="datetime-local"
            value={draft.scheduledAt}
            onChange={(event) => set('scheduledAt')(event.target.value)}
            {...describedBy('lecture-time', errors.scheduledAt)}
          />
        </Field>
        <div className="form-actions">
          <Button onClick={onCancel}>关闭</Button>
          <Button type="primary" htmlType="submit" disabled={sending}>
            {sending ? '正在安排…' : '安排'}
          </Button>
        </div>
      </form>
    </Form>
  );
}
