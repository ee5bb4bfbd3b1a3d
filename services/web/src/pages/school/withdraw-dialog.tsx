import '../../forms/zod-jitless.ts';
import { WithdrawEntryInput } from '@qingmiao/schema';
import { Button, Input } from 'antd';
import { type FormEvent, useState } from 'react';
import { useMutation } from 'urql';
import { errorMessage } from '../../error-messages.ts';
import { fieldErrors } from '../../forms/field-errors.ts';
import { useModalDialog } from '../../shell/modal-dialog.ts';
import { WithdrawEntry } from './documents.ts';

interface Props {
  readonly entry: { readonly id: string; readonly title: string };
  /** Called once the dialog is closed: `done` when the entry was withdrawn. */
  readonly onClose: (done: boolean) => void;
}

/** 撤回 asks for the reason in a modal dialog. */
export default function WithdrawDialog({ entry, onClose }: Props) {
  const [reason, setReason] = useState('');
  const [problem, setProblem] = useState<string>();
  const [{ fetching }, withdrawEntry] = useMutation(WithdrawEntry);
  const { dialogProps, finish, cancel } = useModalDialog(onClose);
  const confirm = async (event: FormEvent) => {
    event.preventDefault();
    const parsed = WithdrawEntryInput.safeParse({ entryId: entry.id, reason });
    if (!parsed.success) {
      setProblem(fieldErrors(parsed.error.issues).reason ?? '填写有误');
      return;
    }
    const answer = await withdrawEntry({ input: parsed.data });
    if (answer.error) setProblem(errorMessage(answer.error));
    else finish();
  };
  return (
    <dialog {...dialogProps} aria-labelledby="withdraw-title">
      <form onSubmit={confirm} noValidate>
        <h2 id="withdraw-title" className="qm-dialog-title">
          撤回作品：{entry.title}
        </h2>
        <label htmlFor="withdraw-reason" className="field-label">
          撤回原因
        </label>
        <Input.TextArea
          id="withdraw-reason"
          rows={3}
          value={reason}
          status={problem ? 'error' : undefined}
          aria-describedby={problem ? 'withdraw-reason-error' : 'withdraw-hint'}
          aria-invalid={problem ? true : undefined}
          onChange={(event) => setReason(event.target.value)}
        />
        {problem && (
          <div id="withdraw-reason-error" className="field-error" role="alert">
            {problem}
          </div>
        )}
        <p id="withdraw-hint" className="hint">
          撤回后名额空出，可重新提交；撤回不能取消。
        </p>
        <div className="qm-dialog-actions">
          <Button onClick={cancel}>取消</Button>
          <Button danger type="primary" htmlType="submit" loading={fetching} disabled={fetching}>
            撤回
          </Button>
        </div>
      </form>
    </dialog>
  );
}
