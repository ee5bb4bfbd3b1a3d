import '../../forms/zod-jitless.ts';
import { type CampaignKind, ReviseEntryInput, SubmitEntryInput } from '@qingmiao/schema';
import type { VariablesOf } from '@qingmiao/schema/graphql';
import { type FieldErrors, fieldErrors } from '../../forms/field-errors.ts';
import type { ReviseEntry, SubmitEntry } from './documents.ts';
import { isBlank, type ParticipantRow } from './participant-rows.ts';

/** A file of the entry: being uploaded, uploaded (with its id), or failed (to retry). */
export interface AttachmentItem {
  readonly key: string;
  readonly name: string;
  readonly size: number;
  readonly state: 'uploading' | 'done' | 'failed';
  /** 0–1 while uploading. */
  readonly progress: number;
  readonly id?: string;
  readonly error?: string;
  /** The picked file, kept to retry a failed upload; absent for files already on the entry. */
  readonly file?: File;
}

/** What the form holds, as typed. */
export interface EntryDraft {
  readonly title: string;
  readonly participants: readonly ParticipantRow[];
  readonly advisor: string;
  readonly body: string;
  readonly attachments: readonly AttachmentItem[];
  readonly genre: string;
  readonly minutes: string;
  readonly videoLink: string;
}

export const MAX_ATTACHMENTS = 10;

export const emptyDraft = (participants: readonly ParticipantRow[]): EntryDraft => ({
  title: '',
  participants,
  advisor: '',
  body: '',
  attachments: [],
  genre: '',
  minutes: '',
  videoLink: '',
});

type SubmitInput = VariablesOf<typeof SubmitEntry>['input'];
type ReviseInput = VariablesOf<typeof ReviseEntry>['input'];

/** Where the form sends: a new entry (its submissionId made once per form) or a revision of one. */
export type Target =
  | { readonly mode: 'submit'; readonly submissionId: string; readonly campaignId: string; readonly schoolId: string }
  | { readonly mode: 'revise'; readonly entryId: string };

export type Checked =
  | { readonly ok: true; readonly mode: 'submit'; readonly input: SubmitInput }
  | { readonly ok: true; readonly mode: 'revise'; readonly input: ReviseInput }
  | { readonly ok: false; readonly errors: FieldErrors };

const orNull = (text: string) => (text.trim() === '' ? null : text);

/** What the kind takes besides a title: participants (none for an EVALUATION application), and a performance. */
export const takesParticipants = (kind: CampaignKind) => kind !== 'EVALUATION';

/** What the form must ask of the campaign: whether each student needs a guardian's consent. */
export interface EntryRules {
  readonly kind: CampaignKind;
  readonly requireGuardianConsent: boolean;
}

/** A consent is sent only where the form asks for it: for students, in a campaign that requires it. */
const asksConsent = (rules: EntryRules, row: ParticipantRow) => rules.requireGuardianConsent && row.role === 'STUDENT';

function content(rules: EntryRules, draft: EntryDraft) {
  const participants = takesParticipants(rules.kind)
    ? draft.participants
        .filter((row) => !isBlank(row))
        .map((row) => ({
          name: row.name,
          role: row.role,
          grade: orNull(row.grade),
          key: orNull(row.key),
          guardianConsent: asksConsent(rules, row) && row.guardianConsent ? true : null,
        }))
    : [];
  const minutes = draft.minutes.trim();
  return {
    title: draft.title,
    participants,
    advisor: orNull(draft.advisor),
    body: orNull(draft.body),
    attachmentIds: draft.attachments.flatMap((item) => (item.id ? [item.id] : [])),
    performance:
      rules.kind === 'PERFORMANCE'
        ? {
            genre: draft.genre,
            durationMinutes: minutes === '' ? Number.NaN : Number(minutes),
            videoLink: orNull(draft.videoLink),
          }
        : null,
  };
}

/** Rules the server's decider applies that the form can know beforehand, worded for the page. */
function formRules(rules: EntryRules, draft: EntryDraft, input: ReturnType<typeof content>): FieldErrors {
  const errors: Record<string, string> = {};
  if (takesParticipants(rules.kind) && input.participants.length === 0) errors.participants = '请至少填写一名参赛人员';
  input.participants.forEach((participant, index) => {
    if (rules.requireGuardianConsent && participant.role === 'STUDENT' && participant.guardianConsent !== true) {
      errors[`participants.${index}.guardianConsent`] = '请确认已收到监护人签字的同意书';
    }
  });
  if (draft.attachments.some((item) => item.state === 'uploading')) errors.attachmentIds = '请等待文件上传完成';
  else if (draft.attachments.some((item) => item.state === 'failed'))
    errors.attachmentIds = '有文件上传失败：请重试或移除';
  return errors;
}

/**
 * The input to send as the same zod schema the server checks it with leaves it (trimmed, NFC, blank optional fields
 * absent); or the problems by field, in Chinese. Blank participant rows are left out.
 */
export function checkDraft(entryRules: EntryRules, draft: EntryDraft, target: Target): Checked {
  const body = content(entryRules, draft);
  const rules = formRules(entryRules, draft, body);
  const failed = (issues: Parameters<typeof fieldErrors>[0]): Checked => {
    const errors = { ...fieldErrors(issues), ...rules };
    return { ok: false, errors };
  };
  if (target.mode === 'submit') {
    const { mode: _, ...ids } = target;
    const parsed = SubmitEntryInput.safeParse({ ...ids, ...body });
    if (!parsed.success) return failed(parsed.error.issues);
    return Object.keys(rules).length ? failed([]) : { ok: true, mode: 'submit', input: parsed.data };
  }
  const parsed = ReviseEntryInput.safeParse({ entryId: target.entryId, ...body });
  if (!parsed.success) return failed(parsed.error.issues);
  return Object.keys(rules).length ? failed([]) : { ok: true, mode: 'revise', input: parsed.data };
}
