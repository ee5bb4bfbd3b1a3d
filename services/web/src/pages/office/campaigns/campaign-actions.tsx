import '../../../forms/zod-jitless.ts';
import { CancelCampaignInput, CopyCampaignInput, ExtendDeadlineInput } from '@qingmiao/schema';
import type { CombinedError } from '@urql/core';
import { App, Button, Input } from 'antd';
import { type ReactNode, useState } from 'react';
import { useNavigate } from 'react-router';
import { useMutation } from 'urql';
import { errorMessage, fieldLabel } from '../../../error-messages.ts';
import { fieldErrors } from '../../../forms/field-errors.ts';
import { ActionDialog } from './action-dialog.tsx';
import type { OfficeCampaignData } from './campaign-page.tsx';
import { chinaInputToIso, chinaTime, isoToChinaInput } from './china-time.ts';
import {
  CancelCampaign,
  CloseCampaign,
  CopyCampaign,
  ExtendDeadline,
  OpenCampaign,
  PublishResults,
} from './documents.ts';

type Action = 'open' | 'extend' | 'close' | 'cancel' | 'publish' | 'copy';

/** The actions each status allows, as the domain's lifecycle decider does (services/domain/src/campaigns/lifecycle.ts). */
const ALLOWED: Readonly<Record<OfficeCampaignData['status'], readonly Action[]>> = {
  DRAFT: ['open', 'extend', 'cancel', 'copy'],
  OPEN: ['extend', 'close', 'cancel', 'copy'],
  CLOSED: ['publish', 'cancel', 'copy'],
  RESULTS_PUBLISHED: ['copy'],
  CANCELLED: ['copy'],
};

const LABELS: Readonly<Record<Action, string>> = {
  open: '开启活动',
  extend: '延期',
  close: '截止活动',
  cancel: '取消活动',
  publish: '公布结果',
  copy: '复制到下一年',
};

/** The server's refusal in one sentence, naming the refused field in Chinese. */
function refused(error: CombinedError): string {
  const field = error.graphQLErrors.find((each) => each.extensions?.field)?.extensions?.field;
  const sentence = errorMessage(error);
  return typeof field === 'string' && !sentence.includes('“') ? `${fieldLabel(field)}：${sentence}` : sentence;
}

/** The first problem zod finds in a dialog's input, in Chinese. */
const firstProblem = (issues: Parameters<typeof fieldErrors>[0], field: string, fallback: string) =>
  fieldErrors(issues)[field] ?? fallback;

/** The id of next year's copy: this year's number swapped for the next, else the year appended. */
function nextYearId(id: string, year: number, next: number): string {
  const swapped = id.replace(String(year), String(next));
  return swapped !== id ? swapped : `${id}-${next}`.slice(0, 63);
}

interface Props {
  readonly campaign: OfficeCampaignData;
  /** Asks for the campaign again once an action went through. */
  readonly onChanged: () => void;
}

/**
 * 编辑 (a draft's settings, on a page of its own), then 开启 / 延期 / 截止 / 取消 / 公布结果 / 复制到下一年: each asks
 * first (with what it needs: a later deadline, a reason, a year), says the server's answer, and refreshes the page.
 */
export function CampaignActions({ campaign, onChanged }: Props) {
  const { message } = App.useApp();
  const navigate = useNavigate();
  const [action, setAction] = useState<Action>();
  const [closesAt, setClosesAt] = useState('');
  const [reason, setReason] = useState('');
  const [copyYear, setCopyYear] = useState('');
  const [copyId, setCopyId] = useState('');
  const [, open] = useMutation(OpenCampaign);
  const [, close] = useMutation(CloseCampaign);
  const [, extend] = useMutation(ExtendDeadline);
  const [, cancel] = useMutation(CancelCampaign);
  const [, publish] = useMutation(PublishResults);
  const [, copy] = useMutation(CopyCampaign);
  const id = campaign.id;

  const start = (next: Action) => {
    setClosesAt(isoToChinaInput(new Date(Date.parse(campaign.closesAt) + 7 * 86_400_000).toISOString()));
    setReason('');
    setCopyYear(String(campaign.year + 1));
    setCopyId(nextYearId(id, campaign.year, campaign.year + 1));
    setAction(next);
  };

  /** Runs a mutation; on success says so and refreshes, else returns the sentence for the dialog. */
  const run = async (
    send: () => Promise<{ error?: CombinedError | undefined }>,
    done: string,
  ): Promise<string | undefined> => {
    const answer = await send();
    if (answer.error) return refused(answer.error);
    message.success(done);
    onChanged();
    return undefined;
  };

  const dialogs: Record<Action, { body?: ReactNode; danger?: boolean; confirm: () => Promise<string | undefined> }> = {
    open: {
      body: <p>开启后，可参加的学校即可提交作品，截止时间 {chinaTime(campaign.closesAt)}。</p>,
      confirm: () => run(() => open({ input: { id } }), '活动已开启'),
    },
    close: {
      body: <p>截止后学校不能再提交或修改作品，之后可以评审和授奖。</p>,
      confirm: () => run(() => close({ input: { id } }), '活动已截止'),
    },
    publish: {
      body: <p>公布后获奖、评分和星级都不能再更改，学校可以看到结果。</p>,
      confirm: () => run(() => publish({ input: { id } }), '结果已公布'),
    },
    extend: {
      body: (
        <>
          <p>当前截止时间：{chinaTime(campaign.closesAt)}（北京时间）。新的截止时间须更晚。</p>
          <label htmlFor="extend-closes">新的截止时间（北京时间）</label>
          <Input
            id="extend-closes"
            type="datetime-local"
            value={closesAt}
            onChange={(event) => setClosesAt(event.target.value)}
          />
        </>
      ),
      confirm: async () => {
        const parsed = ExtendDeadlineInput.safeParse({ id, closesAt: chinaInputToIso(closesAt) });
        if (!parsed.success) return '请填写新的截止时间';
        if (Date.parse(parsed.data.closesAt) <= Date.parse(campaign.closesAt)) return '新的截止时间须晚于当前截止时间';
        return run(() => extend({ input: parsed.data }), `截止时间已延至 ${chinaTime(parsed.data.closesAt)}`);
      },
    },
    cancel: {
      danger: true,
      body: (
        <>
          <p>取消后活动结束，不能恢复。</p>
          <label htmlFor="cancel-reason">取消原因</label>
          <Input.TextArea
            id="cancel-reason"
            rows={3}
            value={reason}
            onChange={(event) => setReason(event.target.value)}
          />
        </>
      ),
      confirm: async () => {
        const parsed = CancelCampaignInput.safeParse({ id, reason });
        if (!parsed.success) return `取消原因${firstProblem(parsed.error.issues, 'reason', '填写有误')}`;
        return run(() => cancel({ input: parsed.data }), '活动已取消');
      },
    },
    copy: {
      body: (
        <>
          <p>复制类型、名称、主题、参加范围、名额和评分细则，成为新年度的草稿；日期按年份顺延。</p>
          <label htmlFor="copy-year">新年度</label>
          <Input
            id="copy-year"
            inputMode="numeric"
            value={copyYear}
            onChange={(event) => setCopyYear(event.target.value)}
          />
          <label htmlFor="copy-id">新活动编号</label>
          <Input id="copy-id" value={copyId} onChange={(event) => setCopyId(event.target.value)} />
        </>
      ),
      confirm: async () => {
        const parsed = CopyCampaignInput.safeParse({ sourceId: id, id: copyId, year: Number(copyYear) });
        if (!parsed.success) {
          const errors = fieldErrors(parsed.error.issues);
          if (errors.year) return `新年度${errors.year}`;
          return '新活动编号只能用小写字母、数字和连字符，以字母或数字开头';
        }
        const answer = await copy({ input: parsed.data });
        if (answer.error) return refused(answer.error);
        const copied = answer.data?.copyCampaign;
        message.success(`已复制为 ${copied?.year} 年的草稿 ${copied?.id}`);
        if (copied) navigate(`/office/campaigns/${copied.id}`);
        return undefined;
      },
    },
  };

  const current = action ? dialogs[action] : undefined;
  return (
    <div className="campaign-actions">
      {campaign.status === 'DRAFT' && (
        <Button autoInsertSpace={false} onClick={() => navigate(`/office/campaigns/${encodeURIComponent(id)}/edit`)}>
          编辑
        </Button>
      )}
      {ALLOWED[campaign.status].map((each) => (
        <Button
          key={each}
          type={each === 'open' || each === 'publish' ? 'primary' : 'default'}
          danger={each === 'cancel'}
          autoInsertSpace={false}
          onClick={() => start(each)}
        >
          {LABELS[each]}
        </Button>
      ))}
      {action && current && (
        <ActionDialog
          key={action}
          title={`${LABELS[action]}：${campaign.title}`}
          confirmLabel={LABELS[action]}
          danger={current.danger}
          onConfirm={current.confirm}
          onClose={() => setAction(undefined)}
        >
          {current.body}
        </ActionDialog>
      )}
    </div>
  );
}
