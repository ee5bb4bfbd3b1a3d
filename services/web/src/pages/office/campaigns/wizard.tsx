import { CAMPAIGN_KIND_LABELS, type CampaignKind, SCHOOL_KIND_LABELS, SchoolKind } from '@qingmiao/schema';
import type { CombinedError } from '@urql/core';
import { Alert, Button, Checkbox, Form, Input, Switch } from 'antd';
import { type FormEvent, useState } from 'react';
import { errorMessage } from '../../../error-messages.ts';
import { describedBy, Field } from '../../../forms/field.tsx';
import type { FieldErrors } from '../../../forms/field-errors.ts';
import { type FormAnswer, useFormSending } from '../../../forms/form-sending.ts';
import {
  awardsAllowed,
  type CampaignDraft,
  type CreateInput,
  type CriterionRow,
  checkCampaignDraft,
  criterionRow,
  KIND_FORM,
  suggestedId,
} from './campaign-draft.ts';

/**
 * The server's refusal as the wizard shows it: the sentence, and the refused field marked beside its input; a
 * CONFLICT as the caller words it (a taken id when creating, a campaign no longer a draft when editing).
 */
export function wizardRefusal(error: CombinedError, conflict: FormAnswer): FormAnswer {
  const first = error.graphQLErrors.find((graphQLError) => graphQLError.extensions?.code);
  const code = first?.extensions?.code;
  const field = first?.extensions?.field;
  const message = errorMessage(error);
  if (code === 'BAD_USER_INPUT' && typeof field === 'string')
    return { errors: { [field]: '服务器未接受此项，请检查' }, message };
  if (code === 'CONFLICT') return conflict;
  return { message };
}

interface Props {
  readonly initial: CampaignDraft;
  /** Editing a draft's settings: its kind, year and id stay as they are. */
  readonly editing?: boolean;
  /** The random tail of suggested ids, fixed for the wizard so that retrying sends the same id. */
  readonly idTail: string;
  /** Sends the checked input; resolves to the server's problems (nothing when it took it). */
  readonly onSubmit: (input: CreateInput) => Promise<FormAnswer>;
}

const KIND_HINTS: Readonly<Record<CampaignKind, string>> = {
  ESSAY: '学校提交文章，评委按评分细则打分，按名额授奖。',
  PERFORMANCE: '学校报送节目（类型、时长、视频），老少同台单独统计。',
  LECTURE: '由办公室安排讲座场次，按目标场次统计完成进度，不收作品。',
  EVALUATION: '每校申报一项，按名额授奖（如不超过申报数的 15%），可评星级。',
};

/** Where the server names a problem with a field the draft holds under another name. */
const ERROR_FIELDS: Partial<Record<keyof CampaignDraft, string>> = { awardQuotaPercent: 'awardQuota' };

/**
 * A new campaign year takes the dates along: those in the year the campaign opened in move to it, so that a year
 * typed digit by digit (2, 20, 202, 2027) does not leave the dates behind.
 */
function withYear(before: CampaignDraft, next: CampaignDraft): CampaignDraft {
  const from = next.opensAt.slice(0, 4);
  if (next.year === before.year || !/^\d{4}$/.test(next.year) || !/^\d{4}$/.test(from)) return next;
  const move = (local: string) => (local.startsWith(from) ? next.year + local.slice(4) : local);
  return { ...next, opensAt: move(next.opensAt), closesAt: move(next.closesAt) };
}

/**
 * 新建活动 for one kind: the fields the kind takes (entries, limit, quota and rubric; or a target of lectures),
 * checked with the server's CreateCampaignInput before it is sent, each problem beside its field in Chinese. The
 * same form edits a draft's settings (`editing`), with its year and id fixed.
 */
export function CampaignWizard({ initial, editing = false, idTail, onSubmit }: Props) {
  const [draft, setDraft] = useState(initial);
  const { errors, message, sending, show, send } = useFormSending();
  const rules = KIND_FORM[draft.kind];

  /** A field edited is no longer wrong as far as the page knows: its problem goes until the next check. */
  const forget = (fields: readonly string[]) => {
    const stale = (key: string) => fields.some((field) => key === field || key.startsWith(`${field}.`));
    const kept = Object.fromEntries(Object.entries(errors).filter(([key]) => !stale(key)));
    if (Object.keys(kept).length === Object.keys(errors).length) return;
    show(Object.keys(kept).length === 0 ? {} : { errors: kept, message });
  };
  const set = (change: Partial<CampaignDraft>) => {
    forget(Object.keys(change).map((field) => ERROR_FIELDS[field as keyof CampaignDraft] ?? field));
    setDraft((current) => {
      const next = withYear(current, { ...current, ...change });
      return next.idEdited ? next : { ...next, id: suggestedId(next.year, next.kind, idTail) };
    });
  };
  const setRow = (key: string, change: Partial<CriterionRow>) =>
    set({ rubric: draft.rubric.map((row) => (row.key === key ? { ...row, ...change } : row)) });

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (sending) return;
    const checked = checkCampaignDraft(draft);
    if (!checked.ok) {
      show({ errors: checked.errors, message: editing ? '请按提示修改后再保存' : '请按提示修改后再创建' });
      return;
    }
    await send(() => onSubmit(checked.input));
  };

  const quota = Number(draft.awardQuotaPercent);
  const quotaHint =
    draft.awardQuotaPercent.trim() !== '' && Number.isFinite(quota) && quota > 0
      ? `例：100 份${draft.kind === 'EVALUATION' ? '申报' : '作品'}最多授奖 ${awardsAllowed(quota, 100)} 项（向下取整）`
      : '不填则不限获奖数';
  const weightTotal = draft.rubric.reduce((sum, row) => sum + (Number(row.weight) || 0), 0);

  return (
    <Form layout="vertical" component={false}>
      <form className="campaign-wizard" onSubmit={submit} noValidate aria-label={editing ? '编辑活动' : '新建活动'}>
        <p className="kind-hint">
          {CAMPAIGN_KIND_LABELS[draft.kind]}：{KIND_HINTS[draft.kind]}
        </p>
        {message && <Alert type="error" title={message} showIcon className="form-message" role="alert" />}
        <Field id="campaign-title" label="活动名称" error={errors.title} required>
          <Input
            id="campaign-title"
            value={draft.title}
            onChange={(event) => set({ title: event.target.value })}
            {...describedBy('campaign-title', errors.title)}
          />
        </Field>
        <Field id="campaign-theme" label="主题" error={errors.theme}>
          <Input.TextArea
            id="campaign-theme"
            rows={2}
            value={draft.theme}
            onChange={(event) => set({ theme: event.target.value })}
            {...describedBy('campaign-theme', errors.theme)}
          />
        </Field>
        <div className="field-row">
          <Field id="campaign-year" label="年度" error={errors.year} required>
            <Input
              id="campaign-year"
              inputMode="numeric"
              value={draft.year}
              disabled={editing}
              onChange={(event) => set({ year: event.target.value })}
              {...describedBy('campaign-year', errors.year)}
            />
          </Field>
          <Field
            id="campaign-id"
            label="活动编号"
            error={errors.id}
            required
            extra={editing ? '创建后不能更改' : '按年度和类型建议，可修改；创建后不能更改'}
          >
            <Input
              id="campaign-id"
              value={draft.id}
              disabled={editing}
              onChange={(event) => {
                forget(['id']);
                setDraft((current) => ({ ...current, id: event.target.value, idEdited: true }));
              }}
              {...describedBy('campaign-id', errors.id)}
            />
          </Field>
        </div>
        <div className="field-row">
          <Field id="campaign-opens" label="开始时间（北京时间）" error={errors.opensAt} required>
            <Input
              id="campaign-opens"
              type="datetime-local"
              value={draft.opensAt}
              onChange={(event) => set({ opensAt: event.target.value })}
              {...describedBy('campaign-opens', errors.opensAt)}
            />
          </Field>
          <Field id="campaign-closes" label="截止时间（北京时间）" error={errors.closesAt} required>
            <Input
              id="campaign-closes"
              type="datetime-local"
              value={draft.closesAt}
              onChange={(event) => set({ closesAt: event.target.value })}
              {...describedBy('campaign-closes', errors.closesAt)}
            />
          </Field>
        </div>
        <Field id="campaign-school-kinds" label="可参加的学校类型" error={errors.eligibleSchoolKinds} required>
          <fieldset
            id="campaign-school-kinds"
            className="school-kinds"
            aria-label="可参加的学校类型"
            {...describedBy('campaign-school-kinds', errors.eligibleSchoolKinds)}
          >
            <Checkbox.Group
              value={[...draft.eligibleSchoolKinds]}
              onChange={(kinds) => set({ eligibleSchoolKinds: kinds as SchoolKind[] })}
              options={SchoolKind.options.map((kind) => ({ value: kind, label: SCHOOL_KIND_LABELS[kind] }))}
            />
            <Button size="small" onClick={() => set({ eligibleSchoolKinds: [...SchoolKind.options] })}>
              全选
            </Button>
          </fieldset>
        </Field>
        {rules.takesEntries ? (
          <>
            <div className="field-row">
              <Field
                id="campaign-limit"
                label="每校作品数上限"
                error={errors.maxEntriesPerSchool}
                extra={rules.fixedEntriesPerSchool !== null ? '评比活动每校申报一项' : '不填则不限'}
              >
                <Input
                  id="campaign-limit"
                  inputMode="numeric"
                  value={draft.maxEntriesPerSchool}
                  disabled={rules.fixedEntriesPerSchool !== null}
                  onChange={(event) => set({ maxEntriesPerSchool: event.target.value })}
                  {...describedBy('campaign-limit', errors.maxEntriesPerSchool)}
                />
              </Field>
              <Field id="campaign-quota" label="获奖名额（%）" error={errors.awardQuota} extra={quotaHint}>
                <Input
                  id="campaign-quota"
                  inputMode="decimal"
                  suffix="%"
                  value={draft.awardQuotaPercent}
                  onChange={(event) => set({ awardQuotaPercent: event.target.value })}
                  {...describedBy('campaign-quota', errors.awardQuota)}
                />
              </Field>
            </div>
            <RubricRows
              rows={draft.rubric}
              errors={errors}
              weightTotal={weightTotal}
              onChange={(rubric) => set({ rubric })}
              onRow={setRow}
            />
            <div className="switch-field">
              <Switch
                id="campaign-blind"
                checked={draft.blindJudging}
                onChange={(blindJudging) => set({ blindJudging })}
                aria-describedby="campaign-blind-hint"
              />
              <label htmlFor="campaign-blind">匿名评审</label>
              <span id="campaign-blind-hint" className="hint">
                评委看不到学校、指导老师和参赛人员
              </span>
            </div>
            {rules.namesChildren && (
              <div className="switch-field">
                <Switch
                  id="campaign-consent"
                  checked={draft.requireGuardianConsent}
                  onChange={(requireGuardianConsent) => set({ requireGuardianConsent })}
                  aria-describedby="campaign-consent-hint"
                />
                <label htmlFor="campaign-consent">须监护人同意</label>
                <span id="campaign-consent-hint" className="hint">
                  学校须确认已收到每名学生监护人签字的同意书
                </span>
              </div>
            )}
          </>
        ) : (
          <Field id="campaign-target" label="目标场次" error={errors.targetSessions} required>
            <Input
              id="campaign-target"
              inputMode="numeric"
              value={draft.targetSessions}
              onChange={(event) => set({ targetSessions: event.target.value })}
              {...describedBy('campaign-target', errors.targetSessions)}
            />
          </Field>
        )}
        <Button type="primary" htmlType="submit" size="large" autoInsertSpace={false} disabled={sending}>
          {editing ? (sending ? '正在保存…' : '保存修改') : sending ? '正在创建…' : '创建活动'}
        </Button>
      </form>
    </Form>
  );
}

interface RubricProps {
  readonly rows: readonly CriterionRow[];
  readonly errors: FieldErrors;
  readonly weightTotal: number;
  readonly onChange: (rows: readonly CriterionRow[]) => void;
  readonly onRow: (key: string, change: Partial<CriterionRow>) => void;
}

/** 评分细则: criteria with a weight and a maximum score, rows added and removed. */
function RubricRows({ rows, errors, weightTotal, onChange, onRow }: RubricProps) {
  return (
    <fieldset className="rubric" aria-describedby={errors.rubric ? 'campaign-rubric-error' : undefined}>
      <legend>评分细则</legend>
      {errors.rubric && (
        <div id="campaign-rubric-error" className="field-error" role="alert">
          {errors.rubric}
        </div>
      )}
      {rows.map((row, index) => {
        const id = `criterion-${index + 1}`;
        const problem = (field: string) => errors[`rubric.${index}.${field}`];
        return (
          <div key={row.key} className="rubric-row">
            <Field id={`${id}-name`} label={`评分项 ${index + 1}`} error={problem('name')}>
              <Input
                id={`${id}-name`}
                value={row.name}
                onChange={(event) => onRow(row.key, { name: event.target.value })}
                {...describedBy(`${id}-name`, problem('name'))}
              />
            </Field>
            <Field id={`${id}-weight`} label="权重" error={problem('weight')}>
              <Input
                id={`${id}-weight`}
                inputMode="decimal"
                value={row.weight}
                onChange={(event) => onRow(row.key, { weight: event.target.value })}
                {...describedBy(`${id}-weight`, problem('weight'))}
              />
            </Field>
            <Field id={`${id}-max`} label="满分" error={problem('maxScore')}>
              <Input
                id={`${id}-max`}
                inputMode="decimal"
                value={row.maxScore}
                onChange={(event) => onRow(row.key, { maxScore: event.target.value })}
                {...describedBy(`${id}-max`, problem('maxScore'))}
              />
            </Field>
            <Button
              danger
              aria-label={`删除评分项 ${index + 1}`}
              onClick={() => onChange(rows.filter((other) => other.key !== row.key))}
            >
              删除
            </Button>
          </div>
        );
      })}
      <div className="rubric-footer">
        <Button onClick={() => onChange([...rows, criterionRow()])}>添加评分项</Button>
        <span className="hint">权重合计 {weightTotal}；得分按权重折算为百分制</span>
      </div>
    </fieldset>
  );
}
