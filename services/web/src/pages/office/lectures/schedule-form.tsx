import '../../school/zod-jitless.ts';
import { ScheduleLectureInput } from '@qingmiao/schema';
import { Alert, Button, Form, Input, Select } from 'antd';
import { type FormEvent, type ReactNode, useState } from 'react';
import type { FieldErrors } from '../../school/field-errors.ts';
import { isoFromChinaInput } from './china-time.ts';
import { lectureFieldErrors } from './lecture-errors.ts';

/** What the form shows after the server answered: a sentence, and refused fields marked beside their inputs. */
export interface FormAnswer {
  readonly errors?: FieldErrors;
  readonly message?: string;
}

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

function Field(props: { id: string; label: string; error?: string; required?: boolean; children: ReactNode }) {
  const { id, label, error, required, children } = props;
  return (
    <Form.Item
      label={label}
      htmlFor={id}
      required={required}
      validateStatus={error ? 'error' : undefined}
      help={error ? <span id={`${id}-error`}>{error}</span> : undefined}
    >
      {children}
    </Form.Item>
  );
}

const describedBy = (id: string, error: string | undefined) =>
  error ? { 'aria-describedby': `${id}-error`, 'aria-invalid': true } : {};

const options = (items: readonly Option[]) => items.map(({ id, name }) => ({ value: id, label: name }));

/**
 * 安排讲座: campaign, lecturer, the hosting school or a community venue, topic and time (China time). Checked with the
 * server's own zod schema before sending; the form's lecture key is made once, so sending twice schedules one lecture.
 */
export function ScheduleForm({ campaigns, lecturers, schools, onSubmit, onCancel }: Props) {
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [lectureKey] = useState(() => crypto.randomUUID());
  const [errors, setErrors] = useState<FieldErrors>({});
  const [message, setMessage] = useState<string>();
  const [busy, setBusy] = useState(false);
  const set = (field: keyof Draft) => (value: string | undefined) => setDraft({ ...draft, [field]: value ?? '' });

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
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
      setErrors(lectureFieldErrors(parsed.error.issues));
      setMessage('请按提示修改后再提交。');
      return;
    }
    setErrors({});
    setMessage(undefined);
    setBusy(true);
    try {
      const answer = await onSubmit(parsed.data);
      setErrors(answer.errors ?? {});
      setMessage(answer.message);
    } finally {
      setBusy(false);
    }
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
          <Button type="primary" htmlType="submit" disabled={busy}>
            {busy ? '正在安排…' : '安排'}
          </Button>
        </div>
      </form>
    </Form>
  );
}
