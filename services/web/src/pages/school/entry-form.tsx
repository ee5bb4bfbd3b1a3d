import { LoadingOutlined } from '@ant-design/icons';
import type { CampaignKind } from '@qingmiao/schema';
import { Alert, Button, Form, Input } from 'antd';
import { type FormEvent, useState } from 'react';
import { describedBy, Field } from '../../forms/field.tsx';
import { type FormAnswer, useFormSending } from '../../forms/form-sending.ts';
import { AttachmentsField, type Upload } from './attachments-field.tsx';
import { type Checked, checkDraft, type EntryDraft, type Target, takesParticipants } from './entry-draft.ts';
import { ParticipantsTable } from './participants-table.tsx';

type Accepted = Extract<Checked, { ok: true }>;

interface Props {
  readonly kind: CampaignKind;
  /** Each student needs the school's attestation of a guardian's signed consent form. */
  readonly requireGuardianConsent: boolean;
  readonly initial: EntryDraft;
  readonly target: Target;
  readonly upload: Upload;
  /** Sends the checked input; resolves to the server's problems by field (empty when it took it) or rejects. */
  readonly onSubmit: (accepted: Accepted) => Promise<FormAnswer>;
}

/**
 * The entry of one campaign, new or revised: 作品标题, 参赛人员 (not for an EVALUATION application), 指导老师, 正文,
 * 上传附件, and for a PERFORMANCE its genre, minutes and video link. Checked with the server's zod schema before it
 * is sent; 提交 stays disabled while sending, and the target's submissionId is the form's own, so sending twice
 * makes one entry.
 */
export function EntryForm({ kind, requireGuardianConsent, initial, target, upload, onSubmit }: Props) {
  const [draft, setDraft] = useState(initial);
  const { errors, message, sending, show, send } = useFormSending();

  const set = (change: Partial<EntryDraft>) => setDraft((current) => ({ ...current, ...change }));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (sending) return;
    const checked = checkDraft({ kind, requireGuardianConsent }, draft, target);
    if (!checked.ok) {
      show({ errors: checked.errors, message: '请按提示修改后再提交' });
      return;
    }
    await send(() => onSubmit(checked));
  };

  const isPerformance = kind === 'PERFORMANCE';
  return (
    <Form layout="vertical" component={false}>
      <form className="entry-form" onSubmit={submit} noValidate aria-label="作品">
        {message && <Alert type="error" title={message} showIcon className="form-message" role="alert" />}
        <Field id="entry-title" label="作品标题" error={errors.title} required>
          <Input
            id="entry-title"
            value={draft.title}
            onChange={(event) => set({ title: event.target.value })}
            {...describedBy('entry-title', errors.title)}
          />
        </Field>
        {takesParticipants(kind) && (
          <Field id="entry-participants" label="参赛人员" error={errors.participants} required>
            <div id="entry-participants" {...describedBy('entry-participants', errors.participants)}>
              <ParticipantsTable
                rows={draft.participants}
                askConsent={requireGuardianConsent}
                errors={errors}
                disabled={sending}
                onChange={(participants) => set({ participants })}
              />
            </div>
          </Field>
        )}
        <Field id="entry-advisor" label="指导老师" error={errors.advisor}>
          <Input
            id="entry-advisor"
            value={draft.advisor}
            onChange={(event) => set({ advisor: event.target.value })}
            {...describedBy('entry-advisor', errors.advisor)}
          />
        </Field>
        {isPerformance && (
          <>
            <Field id="entry-genre" label="节目类型" error={errors['performance.genre']} required>
              <Input
                id="entry-genre"
                placeholder="如 合唱、朗诵、舞蹈"
                value={draft.genre}
                onChange={(event) => set({ genre: event.target.value })}
                {...describedBy('entry-genre', errors['performance.genre'])}
              />
            </Field>
            <Field id="entry-minutes" label="时长（分钟）" error={errors['performance.durationMinutes']} required>
              <Input
                id="entry-minutes"
                inputMode="numeric"
                value={draft.minutes}
                onChange={(event) => set({ minutes: event.target.value })}
                {...describedBy('entry-minutes', errors['performance.durationMinutes'])}
              />
            </Field>
            <Field id="entry-video-link" label="视频链接" error={errors['performance.videoLink']}>
              <Input
                id="entry-video-link"
                type="url"
                inputMode="url"
                placeholder="https://…（也可在附件中上传 MP4 视频）"
                value={draft.videoLink}
                onChange={(event) => set({ videoLink: event.target.value })}
                {...describedBy('entry-video-link', errors['performance.videoLink'])}
              />
            </Field>
          </>
        )}
        <Field id="entry-body" label="正文" error={errors.body}>
          <Input.TextArea
            id="entry-body"
            rows={10}
            showCount
            value={draft.body}
            onChange={(event) => set({ body: event.target.value })}
            {...describedBy('entry-body', errors.body)}
          />
        </Field>
        <div className="form-section">
          <AttachmentsField
            items={draft.attachments}
            upload={upload}
            error={errors.attachmentIds}
            disabled={sending}
            onChange={(update) => setDraft((current) => ({ ...current, attachments: update(current.attachments) }))}
          />
        </div>
        <Button
          type="primary"
          htmlType="submit"
          size="large"
          block
          autoInsertSpace={false}
          // Not antd's `loading`: its spinner leaves through a CSS motion that headless Chromium was seen never to
          // finish, keeping a spinner and the name "loading 提交" on the button after a refusal.
          icon={sending ? <LoadingOutlined aria-hidden /> : undefined}
          disabled={sending}
        >
          提交
        </Button>
      </form>
    </Form>
  );
}
