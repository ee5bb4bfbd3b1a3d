import '../../../forms/zod-jitless.ts';
import { CancelLectureInput, RecordLectureDeliveredInput, RescheduleLectureInput } from '@qingmiao/schema';
import type { CombinedError } from '@urql/core';
import { Alert, Button, Input, InputNumber } from 'antd';
import { type FormEvent, useState } from 'react';
import { useMutation } from 'urql';
import { errorMessage } from '../../../error-messages.ts';
import type { FieldErrors } from '../../../forms/field-errors.ts';
import { useFormSending } from '../../../forms/form-sending.ts';
import { useModalDialog } from '../../../shell/modal-dialog.ts';
import { chinaDateTime, chinaLocalInput, isoFromChinaInput } from './china-time.ts';
import { CancelLecture, RecordLectureDelivered, RescheduleLecture } from './documents.ts';
import { lectureFieldErrors } from './lecture-errors.ts';

export type LectureAction = 'reschedule' | 'cancel' | 'deliver';

interface Props {
  readonly action: LectureAction;
  readonly lecture: { readonly id: string; readonly topic: string; readonly scheduledAt: string };
  /** Called once the dialog is closed: `done` when the server took the change. */
  readonly onClose: (done: boolean) => void;
}

const TITLES: Record<LectureAction, string> = { reschedule: '改期', cancel: '取消讲座', deliver: '记录完成' };

/** A whole number typed into a number field, or the text as typed for zod to refuse. */
const count = (value: string) => (value.trim() === '' ? undefined : Number(value));

/**
 * 改期, 取消 (with a reason) and 记录完成 (audience and minutes) of one lecture, in a modal dialog. Checked
 * with the server's zod schemas; the server's refusal is shown in the dialog.
 */
export function LectureDialog({ action, lecture, onClose }: Props) {
  const [when, setWhen] = useState(() => chinaLocalInput(lecture.scheduledAt));
  const [reason, setReason] = useState('');
  const [audience, setAudience] = useState('');
  const [minutes, setMinutes] = useState('');
  const { errors, message, sending, send } = useFormSending();
  const [, rescheduleLecture] = useMutation(RescheduleLecture);
  const [, cancelLecture] = useMutation(CancelLecture);
  const [, recordDelivered] = useMutation(RecordLectureDelivered);
  const { dialogProps, finish, cancel: close } = useModalDialog(onClose);

  const request = async (): Promise<{ errors?: FieldErrors; error?: CombinedError }> => {
    const lectureId = lecture.id;
    if (action === 'reschedule') {
      const parsed = RescheduleLectureInput.safeParse({ lectureId, scheduledAt: isoFromChinaInput(when) });
      if (!parsed.success) return { errors: lectureFieldErrors(parsed.error.issues) };
      return { error: (await rescheduleLecture({ input: parsed.data })).error };
    }
    if (action === 'cancel') {
      const parsed = CancelLectureInput.safeParse({ lectureId, reason });
      if (!parsed.success) return { errors: lectureFieldErrors(parsed.error.issues) };
      return { error: (await cancelLecture({ input: parsed.data })).error };
    }
    const parsed = RecordLectureDeliveredInput.safeParse({
      lectureId,
      audience: count(audience),
      durationMinutes: count(minutes),
    });
    if (!parsed.success) return { errors: lectureFieldErrors(parsed.error.issues) };
    return { error: (await recordDelivered({ input: parsed.data })).error };
  };

  const confirm = async (event: FormEvent) => {
    event.preventDefault();
    await send(async () => {
      const { errors, error } = await request();
      if (!errors && !error) finish();
      return { errors, message: error && errorMessage(error) };
    });
  };

  const fieldError = (field: string, id: string) =>
    errors[field] && (
      <div id={`${id}-error`} className="field-error">
        {errors[field]}
      </div>
    );
  const describedBy = (field: string, id: string) =>
    errors[field] ? { 'aria-describedby': `${id}-error`, 'aria-invalid': true } : {};

  return (
    <dialog {...dialogProps} aria-labelledby="lecture-dialog-title">
      <form onSubmit={confirm} noValidate>
        <h2 id="lecture-dialog-title" className="qm-dialog-title">
          {TITLES[action]}：{lecture.topic}
        </h2>
        <p className="hint">原定 {chinaDateTime(lecture.scheduledAt)}（北京时间）</p>
        {message && <Alert type="error" showIcon role="alert" title={message} />}
        {action === 'reschedule' && (
          <div className="dialog-field">
            <label htmlFor="lecture-new-time" className="field-label">
              新的时间（北京时间）
            </label>
            <Input
              id="lecture-new-time"
              type="datetime-local"
              value={when}
              onChange={(event) => setWhen(event.target.value)}
              {...describedBy('scheduledAt', 'lecture-new-time')}
            />
            {fieldError('scheduledAt', 'lecture-new-time')}
          </div>
        )}
        {action === 'cancel' && (
          <div className="dialog-field">
            <label htmlFor="lecture-cancel-reason" className="field-label">
              取消原因
            </label>
            <Input.TextArea
              id="lecture-cancel-reason"
              rows={3}
              value={reason}
              onChange={(event) => setReason(event.target.value)}
              {...describedBy('reason', 'lecture-cancel-reason')}
            />
            {fieldError('reason', 'lecture-cancel-reason')}
          </div>
        )}
        {action === 'deliver' && (
          <>
            <div className="dialog-field">
              <label htmlFor="lecture-audience" className="field-label">
                听众人数
              </label>
              <InputNumber
                id="lecture-audience"
                className="number-field"
                value={audience}
                stringMode
                onChange={(value) => setAudience(value ?? '')}
                {...describedBy('audience', 'lecture-audience')}
              />
              {fieldError('audience', 'lecture-audience')}
            </div>
            <div className="dialog-field">
              <label htmlFor="lecture-minutes" className="field-label">
                时长（分钟）
              </label>
              <InputNumber
                id="lecture-minutes"
                className="number-field"
                value={minutes}
                stringMode
                onChange={(value) => setMinutes(value ?? '')}
                {...describedBy('durationMinutes', 'lecture-minutes')}
              />
              {fieldError('durationMinutes', 'lecture-minutes')}
            </div>
          </>
        )}
        <div className="qm-dialog-actions">
          <Button onClick={close}>关闭</Button>
          <Button type="primary" danger={action === 'cancel'} htmlType="submit" disabled={sending}>
            {action === 'cancel' ? '确认取消' : '保存'}
          </Button>
        </div>
      </form>
    </dialog>
  );
}
