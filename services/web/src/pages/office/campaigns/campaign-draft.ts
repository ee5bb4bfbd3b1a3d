import '../../../forms/zod-jitless.ts';
import { type CampaignKind, CreateCampaignInput, type SchoolKind } from '@qingmiao/schema';
import { type FieldErrors, fieldErrors } from '../../../forms/field-errors.ts';
import type { OfficeCampaignData } from './campaign-page.tsx';
import { chinaInputToIso, isoToChinaInput } from './china-time.ts';

/** One row of the rubric as typed. */
export interface CriterionRow {
  readonly key: string;
  readonly name: string;
  readonly weight: string;
  readonly maxScore: string;
}

/** What the wizard holds, as typed (numbers as text, times as China wall-clock `YYYY-MM-DDTHH:mm`). */
export interface CampaignDraft {
  readonly kind: CampaignKind;
  readonly id: string;
  /** Whether the id was typed rather than suggested: a typed id is kept when the year or kind change. */
  readonly idEdited: boolean;
  readonly title: string;
  readonly theme: string;
  readonly year: string;
  readonly opensAt: string;
  readonly closesAt: string;
  readonly eligibleSchoolKinds: readonly SchoolKind[];
  readonly maxEntriesPerSchool: string;
  /** Percent of live entries that may be awarded (15 for 15 %), blank for no quota. */
  readonly awardQuotaPercent: string;
  readonly targetSessions: string;
  readonly rubric: readonly CriterionRow[];
  readonly blindJudging: boolean;
  /** Every student of an entry needs the school's attestation of a guardian's signed consent form. */
  readonly requireGuardianConsent: boolean;
}

/**
 * What each kind asks for, as the domain's KIND_POLICIES decides (services/domain/src/campaigns/kinds.ts): lectures
 * count against a target and take no entries, rubric or awards; an evaluation takes exactly one application per school.
 */
export const KIND_FORM: Readonly<
  Record<
    CampaignKind,
    {
      readonly takesEntries: boolean;
      readonly fixedEntriesPerSchool: number | null;
      /** Entries name children (participantsRequired): the kinds a guardian's consent may be required for. */
      readonly namesChildren: boolean;
      readonly slug: string;
    }
  >
> = {
  ESSAY: { takesEntries: true, fixedEntriesPerSchool: null, namesChildren: true, slug: 'essay' },
  PERFORMANCE: { takesEntries: true, fixedEntriesPerSchool: null, namesChildren: true, slug: 'show' },
  LECTURE: { takesEntries: false, fixedEntriesPerSchool: null, namesChildren: false, slug: 'lecture' },
  EVALUATION: { takesEntries: true, fixedEntriesPerSchool: 1, namesChildren: false, slug: 'evaluation' },
};

/** The id the wizard proposes: `{year}-{kind}` with a short random tail, so two contests of a year do not collide. */
export function suggestedId(year: string, kind: CampaignKind, tail: string): string {
  const digits = /^\d{4}$/.test(year.trim()) ? year.trim() : 'draft';
  return `${digits}-${KIND_FORM[kind].slug}-${tail}`;
}

let rowCount = 0;
export const criterionRow = (name = '', weight = '1', maxScore = '100'): CriterionRow => ({
  key: `criterion-${++rowCount}`,
  name,
  weight,
  maxScore,
});

export function emptyCampaignDraft(kind: CampaignKind, year: number, tail: string): CampaignDraft {
  return {
    kind,
    id: suggestedId(String(year), kind, tail),
    idEdited: false,
    title: '',
    theme: '',
    year: String(year),
    opensAt: `${year}-03-01T00:00`,
    closesAt: `${year}-06-30T23:59`,
    eligibleSchoolKinds: [],
    maxEntriesPerSchool: kind === 'EVALUATION' ? '1' : '',
    awardQuotaPercent: kind === 'EVALUATION' ? '15' : '',
    targetSessions: '',
    rubric: kind === 'LECTURE' ? [] : [criterionRow('内容', '1', '100')],
    blindJudging: true,
    requireGuardianConsent: false,
  };
}

/** What the wizard edits of a campaign as the office reads it. */
export type CampaignSettings = Pick<
  OfficeCampaignData,
  | 'id'
  | 'kind'
  | 'title'
  | 'theme'
  | 'year'
  | 'opensAt'
  | 'closesAt'
  | 'eligibleSchoolKinds'
  | 'maxEntriesPerSchool'
  | 'targetSessions'
  | 'awardQuota'
  | 'rubric'
  | 'blindJudging'
  | 'requireGuardianConsent'
>;

/** The draft of a campaign as it is now, to edit its settings: its id is fixed, so never suggested again. */
export function campaignDraftOf(campaign: CampaignSettings): CampaignDraft {
  const text = (value: number | null) => (value === null ? '' : String(value));
  return {
    kind: campaign.kind,
    id: campaign.id,
    idEdited: true,
    title: campaign.title,
    theme: campaign.theme,
    year: String(campaign.year),
    opensAt: isoToChinaInput(campaign.opensAt),
    closesAt: isoToChinaInput(campaign.closesAt),
    eligibleSchoolKinds: campaign.eligibleSchoolKinds,
    maxEntriesPerSchool: text(campaign.maxEntriesPerSchool),
    // A share shown as a percent, rounded as the wizard sends it (0.15 → 15, not 15.000000000000002).
    awardQuotaPercent: campaign.awardQuota === null ? '' : String(Math.round(campaign.awardQuota * 1_000_000) / 10_000),
    targetSessions: text(campaign.targetSessions),
    rubric: campaign.rubric.map((criterion) =>
      criterionRow(criterion.name, String(criterion.weight), String(criterion.maxScore)),
    ),
    blindJudging: campaign.blindJudging,
    requireGuardianConsent: campaign.requireGuardianConsent,
  };
}

const blank = (text: string) => text.trim() === '';
/** A typed number: blank is absent; anything not a number reaches zod as NaN, which it words as "请填写数字". */
const numberOrNull = (text: string) => (blank(text) ? null : Number(text.trim()));

export type CreateInput = ReturnType<typeof CreateCampaignInput.parse>;
export type CheckedCampaign =
  | { readonly ok: true; readonly input: CreateInput }
  | { readonly ok: false; readonly errors: FieldErrors };

/** The create input the draft stands for: what the kind does not take is left out, so the server never refuses it. */
function toInput(draft: CampaignDraft) {
  const rules = KIND_FORM[draft.kind];
  const quota = numberOrNull(draft.awardQuotaPercent);
  return {
    id: draft.id,
    kind: draft.kind,
    title: draft.title,
    theme: blank(draft.theme) ? null : draft.theme,
    year: blank(draft.year) ? Number.NaN : Number(draft.year.trim()),
    opensAt: chinaInputToIso(draft.opensAt),
    closesAt: chinaInputToIso(draft.closesAt),
    eligibleSchoolKinds: draft.eligibleSchoolKinds.length ? [...draft.eligibleSchoolKinds] : null,
    maxEntriesPerSchool: rules.takesEntries ? numberOrNull(draft.maxEntriesPerSchool) : null,
    targetSessions: rules.takesEntries ? null : numberOrNull(draft.targetSessions),
    // Typed as a percent, sent as a share; rounded so that 15 is 0.15, not 0.15000000000000002.
    awardQuota: rules.takesEntries && quota !== null ? Math.round(quota * 100) / 10_000 : null,
    rubric: rules.takesEntries
      ? draft.rubric.map((row) => ({
          name: row.name,
          weight: blank(row.weight) ? Number.NaN : Number(row.weight),
          maxScore: blank(row.maxScore) ? Number.NaN : Number(row.maxScore),
        }))
      : null,
    blindJudging: rules.takesEntries ? draft.blindJudging : null,
    requireGuardianConsent: rules.namesChildren ? draft.requireGuardianConsent : null,
  };
}

/** Rules of the domain the form knows beforehand, worded for the page; zod's own checks come from the schema. */
function kindRules(draft: CampaignDraft): Record<string, string> {
  const errors: Record<string, string> = {};
  if (blank(draft.opensAt)) errors.opensAt = '必填';
  if (blank(draft.closesAt)) errors.closesAt = '必填';
  if (draft.eligibleSchoolKinds.length === 0) errors.eligibleSchoolKinds = '请至少选择一种学校类型';
  if (draft.kind === 'LECTURE' && blank(draft.targetSessions)) errors.targetSessions = '讲座活动须填写目标场次';
  const fixed = KIND_FORM[draft.kind].fixedEntriesPerSchool;
  if (fixed !== null && !blank(draft.maxEntriesPerSchool) && Number(draft.maxEntriesPerSchool) !== fixed) {
    errors.maxEntriesPerSchool = `评比活动每校只能申报 ${fixed} 项`;
  }
  return errors;
}

type Issues = Parameters<typeof fieldErrors>[0];

/** Chinese for what the school portal's wording does not cover: exclusive bounds (weight > 0) and the refinements. */
function campaignMessages(issues: Issues): FieldErrors {
  const errors = fieldErrors(issues);
  const worded: Record<string, string> = { ...errors };
  for (const issue of issues) {
    const path = issue.path.map(String).join('.');
    if (
      issue.code === 'too_small' &&
      issue.origin === 'number' &&
      !issue.inclusive &&
      errors[path]?.startsWith('不能小于')
    ) {
      worded[path] = `须大于 ${issue.minimum}`;
    }
  }
  // Typed as a percent, checked as a share: the schema's bounds 0 and 1 would read wrong.
  if (errors.awardQuota && errors.awardQuota !== '请填写数字') worded.awardQuota = '须大于 0%，不超过 100%';
  if (errors.closesAt === '填写有误') worded.closesAt = '截止时间须晚于开始时间';
  if (errors.rubric === '填写有误') worded.rubric = '评分项名称不能重复';
  if (errors.id && errors.id !== '不能为空')
    worded.id = '只能用小写字母、数字和连字符，以字母或数字开头，最多 63 个字符';
  return worded;
}

/**
 * The input to send as the server's own zod schema leaves it, or the problems by field in Chinese (`title`,
 * `rubric.1.weight`, …). The server checks again; this only saves a round trip and says it beside the field.
 */
export function checkCampaignDraft(draft: CampaignDraft): CheckedCampaign {
  const rules = kindRules(draft);
  const parsed = CreateCampaignInput.safeParse(toInput(draft));
  if (!parsed.success) return { ok: false, errors: { ...campaignMessages(parsed.error.issues), ...rules } };
  return Object.keys(rules).length ? { ok: false, errors: rules } : { ok: true, input: parsed.data };
}

/** The most awards a quota allows for a number of live entries, as the domain's awardCap counts it. */
export const awardsAllowed = (percent: number, liveEntries: number) =>
  Math.floor((Math.round(percent * 100) / 10_000) * liveEntries);
