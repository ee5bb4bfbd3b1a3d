import type { CampaignKind } from '@qingmiao/schema';
import { cleanup, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { FormAnswer } from '../src/forms/form-sending.ts';
import {
  type CampaignSettings,
  type CreateInput,
  campaignDraftOf,
  checkCampaignDraft,
  emptyCampaignDraft,
} from '../src/pages/office/campaigns/campaign-draft.ts';
import { CampaignWizard } from '../src/pages/office/campaigns/wizard.tsx';

type OnSubmit = (input: CreateInput) => Promise<FormAnswer>;

function renderWizard(kind: CampaignKind = 'ESSAY', onSubmit = vi.fn<OnSubmit>(async () => ({}))) {
  render(<CampaignWizard initial={emptyCampaignDraft(kind, 2026, 'ab12')} idTail="ab12" onSubmit={onSubmit} />);
  return { onSubmit, user: userEvent.setup() };
}

/** The problem shown beside a field: the element its aria-describedby names. */
function problemBeside(field: HTMLElement): string | null {
  const id = field.getAttribute('aria-describedby');
  return id ? (document.getElementById(id)?.textContent ?? null) : null;
}

const create = () => screen.getByRole('button', { name: '创建活动' });

async function fillEssentials(user: ReturnType<typeof userEvent.setup>) {
  await user.type(screen.getByLabelText('活动名称'), '党的光辉照我心');
  await user.click(screen.getByRole('checkbox', { name: '小学' }));
}

describe('the campaign wizard checks what it sends with the server’s CreateCampaignInput', () => {
  it('says beside each field what is missing, in Chinese, and sends nothing', async () => {
    const { onSubmit, user } = renderWizard();
    await user.click(create());
    expect(problemBeside(screen.getByLabelText('活动名称'))).toBe('不能为空');
    expect(problemBeside(screen.getByRole('group', { name: '可参加的学校类型' }))).toBe('请至少选择一种学校类型');
    expect(screen.getByRole('alert').textContent).toContain('请按提示修改后再创建');
    expect(onSubmit).not.toHaveBeenCalled();
    // Edited, a field loses its problem; the others keep theirs until the next check.
    await user.type(screen.getByLabelText('活动名称'), '征文');
    expect(problemBeside(screen.getByLabelText('活动名称'))).toBeNull();
    expect(problemBeside(screen.getByRole('group', { name: '可参加的学校类型' }))).toBe('请至少选择一种学校类型');
  });

  it('refuses a deadline before the start beside 截止时间', async () => {
    const { onSubmit, user } = renderWizard();
    await fillEssentials(user);
    const closes = screen.getByLabelText('截止时间（北京时间）');
    await user.clear(closes);
    await user.type(closes, '2026-02-01T12:00');
    await user.click(create());
    expect(problemBeside(closes)).toBe('截止时间须晚于开始时间');
    expect(onSubmit).not.toHaveBeenCalled();
  });

  it('checks each rubric row (weight above 0, max score at most 1000) and that names differ', async () => {
    const { onSubmit, user } = renderWizard();
    await fillEssentials(user);
    await user.click(screen.getByRole('button', { name: '添加评分项' }));
    await user.type(screen.getByLabelText('评分项 2'), '内容');
    await user.clear(screen.getAllByLabelText('权重')[1] as HTMLElement);
    await user.type(screen.getAllByLabelText('权重')[1] as HTMLElement, '0');
    await user.clear(screen.getAllByLabelText('满分')[0] as HTMLElement);
    await user.type(screen.getAllByLabelText('满分')[0] as HTMLElement, '2000');
    await user.click(create());
    expect(problemBeside(screen.getAllByLabelText('权重')[1] as HTMLElement)).toBe('须大于 0');
    expect(problemBeside(screen.getAllByLabelText('满分')[0] as HTMLElement)).toBe('不能大于 1000');
    expect(onSubmit).not.toHaveBeenCalled();

    await user.clear(screen.getAllByLabelText('权重')[1] as HTMLElement);
    await user.type(screen.getAllByLabelText('权重')[1] as HTMLElement, '2');
    await user.clear(screen.getAllByLabelText('满分')[0] as HTMLElement);
    await user.type(screen.getAllByLabelText('满分')[0] as HTMLElement, '60');
    await user.click(create());
    expect(screen.getByRole('group', { name: '评分细则' }).textContent).toContain('评分项名称不能重复');
    expect(onSubmit).not.toHaveBeenCalled();

    await user.click(screen.getByRole('button', { name: '删除评分项 1' }));
    expect(screen.getAllByLabelText('权重')).toHaveLength(1);
    await user.click(create());
    expect(onSubmit).toHaveBeenCalledTimes(1);
    expect(onSubmit.mock.calls[0]?.[0].rubric).toEqual([{ name: '内容', weight: 2, maxScore: 100 }]);
  });

  it('sends China time as ISO with +08:00, blind judging on, and the id suggested from year and kind', async () => {
    const { onSubmit, user } = renderWizard();
    expect(screen.getByLabelText('活动编号')).toHaveProperty('value', '2026-essay-ab12');
    await user.clear(screen.getByLabelText('年度'));
    await user.type(screen.getByLabelText('年度'), '2027');
    expect(screen.getByLabelText('活动编号')).toHaveProperty('value', '2027-essay-ab12');
    await fillEssentials(user);
    await user.type(screen.getByLabelText('获奖名额（%）'), '30');
    await user.click(create());
    expect(onSubmit).toHaveBeenCalledTimes(1);
    expect(onSubmit.mock.calls[0]?.[0]).toMatchObject({
      id: '2027-essay-ab12',
      kind: 'ESSAY',
      title: '党的光辉照我心',
      year: 2027,
      opensAt: '2027-03-01T00:00:00+08:00',
      closesAt: '2027-06-30T23:59:00+08:00',
      eligibleSchoolKinds: ['PRIMARY'],
      awardQuota: 0.3,
      blindJudging: true,
    });
  });

  it('keeps an id typed by hand, and refuses one that is not a slug', async () => {
    const { onSubmit, user } = renderWizard();
    const id = screen.getByLabelText('活动编号');
    await user.clear(id);
    await user.type(id, 'Essay 2026');
    await user.clear(screen.getByLabelText('年度'));
    await user.type(screen.getByLabelText('年度'), '2028');
    expect(id).toHaveProperty('value', 'Essay 2026');
    await fillEssentials(user);
    await user.click(create());
    expect(problemBeside(id)).toContain('只能用小写字母');
    expect(onSubmit).not.toHaveBeenCalled();
  });

  it('asks a lecture series for its target instead of a rubric, and sends neither rubric nor quota', async () => {
    const { onSubmit, user } = renderWizard('LECTURE');
    expect(screen.queryByRole('group', { name: '评分细则' })).toBeNull();
    expect(screen.queryByLabelText('获奖名额（%）')).toBeNull();
    await fillEssentials(user);
    await user.click(create());
    expect(problemBeside(screen.getByLabelText('目标场次'))).toBe('讲座活动须填写目标场次');
    await user.type(screen.getByLabelText('目标场次'), '1000.5');
    await user.click(create());
    expect(problemBeside(screen.getByLabelText('目标场次'))).toBe('须为整数');
    await user.clear(screen.getByLabelText('目标场次'));
    await user.type(screen.getByLabelText('目标场次'), '1000');
    await user.click(create());
    expect(onSubmit.mock.calls[0]?.[0]).toMatchObject({
      kind: 'LECTURE',
      targetSessions: 1000,
      id: '2026-lecture-ab12',
    });
    expect(onSubmit.mock.calls[0]?.[0].rubric).toBeUndefined();
    expect(onSubmit.mock.calls[0]?.[0].awardQuota).toBeUndefined();
  });

  it('gives an evaluation one application per school and the 15 % cap, saying what it allows', async () => {
    const { onSubmit, user } = renderWizard('EVALUATION');
    expect(screen.getByLabelText('每校作品数上限')).toHaveProperty('disabled', true);
    expect(screen.getByText('例：100 份申报最多授奖 15 项（向下取整）')).toBeTruthy();
    await user.clear(screen.getByLabelText('获奖名额（%）'));
    await user.type(screen.getByLabelText('获奖名额（%）'), '150');
    await fillEssentials(user);
    await user.click(create());
    expect(problemBeside(screen.getByLabelText('获奖名额（%）'))).toBe('须大于 0%，不超过 100%');
    await user.clear(screen.getByLabelText('获奖名额（%）'));
    await user.type(screen.getByLabelText('获奖名额（%）'), '15');
    await user.click(create());
    expect(onSubmit.mock.calls[0]?.[0]).toMatchObject({ kind: 'EVALUATION', maxEntriesPerSchool: 1, awardQuota: 0.15 });
  });

  it('shows the server’s refusal beside the field it names', async () => {
    const onSubmit = vi.fn<OnSubmit>(async () => ({
      errors: { closesAt: '服务器未接受此项，请检查' },
      message: '“截止时间”填写有误，请检查后再提交。',
    }));
    const { user } = renderWizard('ESSAY', onSubmit);
    await fillEssentials(user);
    await user.click(create());
    expect(problemBeside(screen.getByLabelText('截止时间（北京时间）'))).toBe('服务器未接受此项，请检查');
    expect(within(screen.getByRole('alert')).getByText('“截止时间”填写有误，请检查后再提交。')).toBeTruthy();
  });
});

describe('a draft edited in the wizard', () => {
  const campaign: CampaignSettings = {
    id: 'tongxin-2022',
    kind: 'ESSAY',
    title: '童心喜迎二十大',
    theme: '',
    year: 2022,
    opensAt: '2022-03-01T00:00:00+08:00',
    closesAt: '2022-06-30T15:59:00Z',
    eligibleSchoolKinds: ['PRIMARY', 'JUNIOR_HIGH'],
    maxEntriesPerSchool: null,
    targetSessions: null,
    awardQuota: 0.29,
    rubric: [
      { name: '立意', weight: 2, maxScore: 40 },
      { name: '文采', weight: 0.5, maxScore: 60 },
    ],
    blindJudging: false,
    requireGuardianConsent: false,
  };

  it('starts from the settings in force and, saved unchanged, sends them back as they are', () => {
    const draft = campaignDraftOf(campaign);
    expect(draft).toMatchObject({ awardQuotaPercent: '29', closesAt: '2022-06-30T23:59', idEdited: true });
    const checked = checkCampaignDraft(draft);
    expect(checked).toEqual({
      ok: true,
      input: {
        id: 'tongxin-2022',
        kind: 'ESSAY',
        year: 2022,
        title: '童心喜迎二十大',
        theme: undefined,
        opensAt: '2022-03-01T00:00:00+08:00',
        closesAt: '2022-06-30T23:59:00+08:00',
        eligibleSchoolKinds: ['PRIMARY', 'JUNIOR_HIGH'],
        maxEntriesPerSchool: undefined,
        targetSessions: undefined,
        awardQuota: 0.29,
        rubric: [
          { name: '立意', weight: 2, maxScore: 40 },
          { name: '文采', weight: 0.5, maxScore: 60 },
        ],
        blindJudging: false,
        requireGuardianConsent: false,
      },
    });
  });

  it('keeps the year and id fixed and says 保存修改', () => {
    render(
      <CampaignWizard
        initial={campaignDraftOf(campaign)}
        editing
        idTail=""
        onSubmit={vi.fn<OnSubmit>(async () => ({}))}
      />,
    );
    expect(screen.getByRole('form', { name: '编辑活动' })).toBeTruthy();
    expect((screen.getByLabelText('年度') as HTMLInputElement).disabled).toBe(true);
    expect((screen.getByLabelText('活动编号') as HTMLInputElement).disabled).toBe(true);
    expect(screen.getByRole('button', { name: '保存修改' })).toBeTruthy();
  });
});

describe("the wizard's guardian consent switch", () => {
  it('is offered for essays and performances, off by default, and sent as set', async () => {
    for (const kind of ['ESSAY', 'PERFORMANCE'] as const) {
      const { onSubmit, user } = renderWizard(kind);
      const consent = screen.getByRole('switch', { name: '须监护人同意' });
      expect(consent.getAttribute('aria-checked')).toBe('false');
      await fillEssentials(user);
      await user.click(consent);
      await user.click(create());
      expect(onSubmit.mock.calls.at(-1)?.[0]).toMatchObject({ kind, requireGuardianConsent: true });
      cleanup();
    }
  });

  it('is not offered where entries name no children (lectures, evaluations), and not sent', async () => {
    for (const kind of ['LECTURE', 'EVALUATION'] as const) {
      const { onSubmit, user } = renderWizard(kind);
      expect(screen.queryByRole('switch', { name: '须监护人同意' })).toBeNull();
      await fillEssentials(user);
      if (kind === 'LECTURE') await user.type(screen.getByLabelText('目标场次'), '1000');
      await user.click(create());
      expect(onSubmit.mock.calls.at(-1)?.[0]).toMatchObject({ kind, requireGuardianConsent: false });
      cleanup();
    }
  });
});
