import type { CampaignKind } from '@qingmiao/schema';
import { fireEvent, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { FormAnswer } from '../src/forms/form-sending.ts';
import { emptyDraft, type Target } from '../src/pages/school/entry-draft.ts';
import { EntryForm } from '../src/pages/school/entry-form.tsx';
import { blankRow } from '../src/pages/school/participant-rows.ts';

const TARGET: Target = {
  mode: 'submit',
  submissionId: '6f1c2a4e-7d9b-4c1a-9e2f-0a1b2c3d4e5f',
  campaignId: 'essay-2026',
  schoolId: 'tc-shiyan',
};

const noUpload = () => Promise.reject(new Error('no uploads in this test'));

type OnSubmit = (accepted: unknown) => Promise<FormAnswer>;

function renderForm(
  onSubmit = vi.fn<OnSubmit>(async () => ({})),
  kind: CampaignKind = 'ESSAY',
  requireGuardianConsent = false,
) {
  render(
    <EntryForm
      kind={kind}
      requireGuardianConsent={requireGuardianConsent}
      initial={emptyDraft([blankRow()])}
      target={TARGET}
      upload={noUpload}
      onSubmit={onSubmit}
    />,
  );
  return onSubmit;
}

/** The problem shown beside a field: the element its aria-describedby names. */
function problemBeside(field: HTMLElement): string | null {
  const id = field.getAttribute('aria-describedby');
  return id ? (document.getElementById(id)?.textContent ?? null) : null;
}

describe('the entry form checks what it sends with the server’s zod schema', () => {
  it('says beside 作品标题 that a blank title will not do, and sends nothing', async () => {
    const onSubmit = renderForm();
    const user = userEvent.setup();
    await user.type(screen.getByRole('textbox', { name: '第 1 行 姓名' }), '王小明');
    await user.type(screen.getByLabelText('作品标题'), '   ');
    await user.click(screen.getByRole('button', { name: '提交' }));
    const title = screen.getByLabelText('作品标题');
    expect(title.getAttribute('aria-invalid')).toBe('true');
    expect(problemBeside(title)).toBe('不能为空');
    expect(onSubmit).not.toHaveBeenCalled();
  });

  it('says beside 正文 that it is too long', async () => {
    const onSubmit = renderForm();
    const user = userEvent.setup();
    await user.type(screen.getByLabelText('作品标题'), '我的家乡');
    await user.type(screen.getByRole('textbox', { name: '第 1 行 姓名' }), '王小明');
    fireEvent.change(screen.getByLabelText('正文'), { target: { value: '长'.repeat(20_001) } });
    await user.click(screen.getByRole('button', { name: '提交' }));
    expect(problemBeside(screen.getByLabelText('正文'))).toBe('不能超过 20000 个字');
    expect(screen.getByLabelText('作品标题').getAttribute('aria-invalid')).toBeNull();
    expect(onSubmit).not.toHaveBeenCalled();
  });

  it('says in the row which participant field is wrong', async () => {
    const onSubmit = renderForm();
    const user = userEvent.setup();
    await user.type(screen.getByLabelText('作品标题'), '我的家乡');
    // A grade without a name, and a second person whose name holds a zero-width space.
    await user.type(screen.getByRole('textbox', { name: '第 1 行 年级' }), '三年级');
    await user.click(screen.getByRole('button', { name: '添加一行' }));
    fireEvent.change(screen.getByRole('textbox', { name: '第 2 行 姓名' }), { target: { value: '李\u200b华' } });
    await user.click(screen.getByRole('button', { name: '提交' }));
    expect(problemBeside(screen.getByRole('textbox', { name: '第 1 行 姓名' }))).toBe('不能为空');
    expect(problemBeside(screen.getByRole('textbox', { name: '第 2 行 姓名' }))).toBe(
      '只能写一行，不能含不可见字符（如零宽空格）',
    );
    expect(problemBeside(screen.getByRole('textbox', { name: '第 1 行 年级' }))).toBeNull();
    expect(onSubmit).not.toHaveBeenCalled();
  });

  it('asks for at least one participant when every row is blank', async () => {
    const onSubmit = renderForm();
    const user = userEvent.setup();
    await user.type(screen.getByLabelText('作品标题'), '我的家乡');
    await user.click(screen.getByRole('button', { name: '提交' }));
    const table = screen.getByRole('table', { name: '参赛人员' });
    expect(table).toBeTruthy();
    expect(screen.getByText('请至少填写一名参赛人员')).toBeTruthy();
    expect(onSubmit).not.toHaveBeenCalled();
  });

  it('sends a valid entry once however often 提交 is clicked, with its own submissionId', async () => {
    let finish: (value: FormAnswer) => void = () => undefined;
    const onSubmit = vi.fn<OnSubmit>(() => new Promise((resolve) => (finish = resolve)));
    renderForm(onSubmit);
    const user = userEvent.setup();
    await user.type(screen.getByLabelText('作品标题'), ' 我的家乡 ');
    await user.type(screen.getByRole('textbox', { name: '第 1 行 姓名' }), '王小明');
    await user.selectOptions(screen.getByRole('combobox', { name: '第 1 行 身份' }), '学生');
    await user.type(screen.getByLabelText('正文'), '家乡的河。');
    const submit = screen.getByRole('button', { name: '提交' });
    await user.dblClick(submit);
    await user.click(submit);
    expect(onSubmit).toHaveBeenCalledTimes(1);
    expect(onSubmit.mock.calls[0]?.[0]).toMatchObject({
      ok: true,
      mode: 'submit',
      input: {
        submissionId: TARGET.submissionId,
        campaignId: 'essay-2026',
        schoolId: 'tc-shiyan',
        title: '我的家乡',
        participants: [{ name: '王小明', role: 'STUDENT' }],
        body: '家乡的河。',
      },
    });
    expect((submit as HTMLButtonElement).disabled).toBe(true);
    finish({});
    await vi.waitFor(() => expect((submit as HTMLButtonElement).disabled).toBe(false));
    expect(within(document.body).queryByRole('alert')).toBeNull();
  });

  it('checks a performance: its genre, whole minutes, and a link that is a web address', async () => {
    const onSubmit = renderForm(undefined, 'PERFORMANCE');
    const user = userEvent.setup();
    await user.type(screen.getByLabelText('作品标题'), '七子之歌');
    await user.type(screen.getByRole('textbox', { name: '第 1 行 姓名' }), '王小明');
    await user.type(screen.getByLabelText('时长（分钟）'), '4.5');
    fireEvent.change(screen.getByLabelText('视频链接'), { target: { value: 'javascript:alert(1)' } });
    await user.click(screen.getByRole('button', { name: '提交' }));
    expect(problemBeside(screen.getByLabelText('节目类型'))).toBe('不能为空');
    expect(problemBeside(screen.getByLabelText('时长（分钟）'))).toBe('须为整数');
    expect(problemBeside(screen.getByLabelText('视频链接'))).toBe('须为 http 或 https 网址，且不含用户名或密码');
    expect(onSubmit).not.toHaveBeenCalled();
    await user.type(screen.getByLabelText('节目类型'), '合唱');
    await user.clear(screen.getByLabelText('时长（分钟）'));
    await user.type(screen.getByLabelText('时长（分钟）'), '5');
    fireEvent.change(screen.getByLabelText('视频链接'), { target: { value: 'https://v.example.cn/qizi' } });
    await user.click(screen.getByRole('button', { name: '提交' }));
    expect(onSubmit.mock.calls[0]?.[0]).toMatchObject({
      input: { performance: { genre: '合唱', durationMinutes: 5, videoLink: 'https://v.example.cn/qizi' } },
    });
  });

  it('takes an EVALUATION application without participants', async () => {
    const onSubmit = renderForm(undefined, 'EVALUATION');
    const user = userEvent.setup();
    expect(screen.queryByRole('table', { name: '参赛人员' })).toBeNull();
    await user.type(screen.getByLabelText('作品标题'), '关工委工作示范校申报');
    await user.type(screen.getByLabelText('正文'), '本校关工委……');
    await user.click(screen.getByRole('button', { name: '提交' }));
    expect(onSubmit.mock.calls[0]?.[0]).toMatchObject({ input: { participants: [], body: '本校关工委……' } });
  });
});

describe('a campaign requiring guardian consent', () => {
  it('asks each student for it, refuses beside the box without it, and sends it once ticked', async () => {
    const onSubmit = renderForm(undefined, 'ESSAY', true);
    const user = userEvent.setup();
    await user.type(screen.getByLabelText('作品标题'), '我的家乡');
    await user.type(screen.getByRole('textbox', { name: '第 1 行 姓名' }), '王小明');
    await user.click(screen.getByRole('button', { name: '添加一行' }));
    await user.type(screen.getByRole('textbox', { name: '第 2 行 姓名' }), '李老师');
    await user.selectOptions(screen.getByRole('combobox', { name: '第 2 行 身份' }), 'TEACHER');
    // A teacher is not asked.
    expect(screen.queryByRole('checkbox', { name: '第 2 行 监护人已签字同意' })).toBeNull();
    await user.click(screen.getByRole('button', { name: '提交' }));
    const consent = screen.getByRole('checkbox', { name: '第 1 行 监护人已签字同意' });
    expect(consent.getAttribute('aria-invalid')).toBe('true');
    expect(problemBeside(consent)).toBe('请确认已收到监护人签字的同意书');
    expect(onSubmit).not.toHaveBeenCalled();
    await user.click(consent);
    await user.click(screen.getByRole('button', { name: '提交' }));
    expect(onSubmit).toHaveBeenCalledOnce();
    const [accepted] = onSubmit.mock.calls[0] ?? [];
    expect((accepted as { input: { participants: unknown[] } }).input.participants).toEqual([
      { name: '王小明', role: 'STUDENT', guardianConsent: true },
      { name: '李老师', role: 'TEACHER' },
    ]);
  });

  it('shows the refusal of the server beside the box of that participant', async () => {
    const onSubmit = vi.fn<OnSubmit>(async () => ({
      errors: { 'participants.0.guardianConsent': '须确认监护人同意' },
      message: '请按提示修改后再提交',
    }));
    renderForm(onSubmit, 'ESSAY', true);
    const user = userEvent.setup();
    await user.type(screen.getByLabelText('作品标题'), '我的家乡');
    await user.type(screen.getByRole('textbox', { name: '第 1 行 姓名' }), '王小明');
    await user.click(screen.getByRole('checkbox', { name: '第 1 行 监护人已签字同意' }));
    await user.click(screen.getByRole('button', { name: '提交' }));
    expect(problemBeside(screen.getByRole('checkbox', { name: '第 1 行 监护人已签字同意' }))).toBe('须确认监护人同意');
  });

  it('keeps the refused form as it was, 提交 enabled, and sends it again as it is', async () => {
    const onSubmit = vi
      .fn<OnSubmit>()
      .mockResolvedValueOnce({ errors: { 'participants.0.guardianConsent': '服务器未接受此项，请检查' } })
      .mockResolvedValueOnce({});
    renderForm(onSubmit, 'ESSAY', true);
    const user = userEvent.setup();
    await user.type(screen.getByLabelText('作品标题'), '我的家乡');
    await user.type(screen.getByRole('textbox', { name: '第 1 行 姓名' }), '王小明');
    await user.click(screen.getByRole('checkbox', { name: '第 1 行 监护人已签字同意' }));
    const submit = screen.getByRole('button', { name: '提交' }) as HTMLButtonElement;
    await user.click(submit);
    const consent = screen.getByRole('checkbox', { name: '第 1 行 监护人已签字同意' }) as HTMLInputElement;
    await vi.waitFor(() => expect(problemBeside(consent)).toBe('服务器未接受此项，请检查'));
    expect(submit.disabled).toBe(false);
    expect(consent.checked).toBe(true);
    expect((screen.getByLabelText('作品标题') as HTMLInputElement).value).toBe('我的家乡');
    await user.click(submit);
    expect(onSubmit).toHaveBeenCalledTimes(2);
    expect(onSubmit.mock.calls[1]?.[0]).toEqual(onSubmit.mock.calls[0]?.[0]);
    await vi.waitFor(() => expect(problemBeside(consent)).toBeNull());
  });

  it('is not asked when the campaign does not require it', () => {
    renderForm();
    expect(screen.queryByRole('checkbox')).toBeNull();
    expect(screen.queryByText('监护人同意')).toBeNull();
  });
});
