import type { ScheduleLectureInput } from '@qingmiao/schema';
import { fireEvent, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ConfigProvider } from 'antd';
import { describe, expect, it, vi } from 'vitest';
import type { FormAnswer } from '../src/forms/form-sending.ts';
import { ScheduleForm } from '../src/pages/office/lectures/schedule-form.tsx';

type OnSubmit = (input: ScheduleLectureInput) => Promise<FormAnswer>;

function renderForm(onSubmit = vi.fn<OnSubmit>(async () => ({}))) {
  // As the app renders buttons: 安排, not 安 排.
  render(
    <ConfigProvider button={{ autoInsertSpace: false }}>
      <ScheduleForm
        campaigns={[{ id: 'dangshi-2026', name: '千场党史报告进校园' }]}
        lecturers={[{ id: 'zhang-laoshi', name: '张建国' }]}
        schools={[{ id: 'tc-shiyan', name: '太仓市实验小学' }]}
        onSubmit={onSubmit}
        onCancel={() => undefined}
      />
    </ConfigProvider>,
  );
  return onSubmit;
}

/** The problem shown beside a field: the element its aria-describedby names. */
function problemBeside(label: string): string | null {
  const field = screen.getByLabelText(label);
  expect(field.getAttribute('aria-invalid')).toBe('true');
  const id = field.getAttribute('aria-describedby');
  return id ? (document.getElementById(id)?.textContent ?? null) : null;
}

/** Picks an option of the Ant Design select labelled `label`. */
async function choose(label: string, option: string) {
  fireEvent.mouseDown(screen.getByLabelText(label));
  const item = (await screen.findAllByTitle(option)).find((element) => element.classList.contains('ant-select-item'));
  if (!item) throw new Error(`no option ${option}`);
  fireEvent.click(item);
}

describe('安排讲座 checks what it sends with the server’s zod schema', () => {
  it('names every missing field beside it, in Chinese, and sends nothing', async () => {
    const onSubmit = renderForm();
    await userEvent.setup().click(screen.getByRole('button', { name: '安排' }));
    expect(problemBeside('活动')).toBe('请选择活动');
    expect(problemBeside('讲师')).toBe('请选择讲师');
    expect(problemBeside('题目')).toBe('不能为空');
    expect(problemBeside('时间（北京时间）')).toBe('请选择日期和时间');
    expect(problemBeside('地点')).toBe('不在学校举办时须填写地点（如社区、村）');
    expect(screen.getByRole('alert').textContent).toContain('请按提示修改后再提交');
    expect(onSubmit).not.toHaveBeenCalled();
  });

  it('says a topic is too long and a school needs no venue', async () => {
    const onSubmit = renderForm();
    const user = userEvent.setup();
    await choose('学校', '太仓市实验小学');
    fireEvent.change(screen.getByLabelText('题目'), { target: { value: '史'.repeat(201) } });
    await user.click(screen.getByRole('button', { name: '安排' }));
    expect(problemBeside('题目')).toBe('不能超过 200 个字');
    expect(screen.getByLabelText('地点').getAttribute('aria-invalid')).toBeNull();
    expect(onSubmit).not.toHaveBeenCalled();
  });

  it('sends China time as ISO with its offset, with one lecture key however often it is sent', async () => {
    const onSubmit = renderForm(vi.fn<OnSubmit>(async () => ({ message: '网络中断' })));
    const user = userEvent.setup();
    await choose('活动', '千场党史报告进校园');
    await choose('讲师', '张建国');
    await user.type(screen.getByLabelText('地点'), '城厢镇东门社区');
    await user.type(screen.getByLabelText('题目'), '百年党史中的太仓故事');
    fireEvent.change(screen.getByLabelText('时间（北京时间）'), { target: { value: '2026-05-04T09:00' } });
    await user.click(screen.getByRole('button', { name: '安排' }));
    await user.click(screen.getByRole('button', { name: '安排' }));
    expect(onSubmit).toHaveBeenCalledTimes(2);
    const [first, second] = onSubmit.mock.calls.map(([input]) => input);
    expect(first).toEqual({
      lectureId: expect.any(String),
      campaignId: 'dangshi-2026',
      lecturerId: 'zhang-laoshi',
      venue: '城厢镇东门社区',
      topic: '百年党史中的太仓故事',
      scheduledAt: '2026-05-04T09:00:00+08:00',
    });
    expect(second?.lectureId).toBe(first?.lectureId);
  });

  it('shows the server’s refusal beside the field it names', async () => {
    renderForm(
      vi.fn<OnSubmit>(async () => ({ errors: { topic: '服务器未接受此项，请检查' }, message: '“题目”填写有误' })),
    );
    const user = userEvent.setup();
    await choose('活动', '千场党史报告进校园');
    await choose('讲师', '张建国');
    await choose('学校', '太仓市实验小学');
    await user.type(screen.getByLabelText('题目'), '家风');
    fireEvent.change(screen.getByLabelText('时间（北京时间）'), { target: { value: '2026-05-04T09:00' } });
    await user.click(screen.getByRole('button', { name: '安排' }));
    expect(await screen.findByText('服务器未接受此项，请检查')).toBeTruthy();
    expect(problemBeside('题目')).toBe('服务器未接受此项，请检查');
    expect(screen.getByRole('alert').textContent).toContain('“题目”填写有误');
  });
});
