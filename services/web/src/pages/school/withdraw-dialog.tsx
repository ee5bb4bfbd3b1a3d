import '../../forms/zod-jitless.ts';
import { WithdrawEntryInput } from '@qingmiao/schema';
import { Button, Input } from 'antd';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { useMutation } from 'urql';
import { errorMessage } from '../../error-messages.ts';
import { fieldErrors } from '../../forms/field-errors.ts';
import { WithdrawEntry } from './documents.ts';

interface Props {
  readonly entry: { readonly id: string; readonly title: string };
  /** Called once the dialog is closed: `done` when the entry was withdrawn. */
  readonly onClose: (done: boolean) => void;
}

/**
 * 撤回 asks for the reason in the browser's own modal dialog (focus kept inside, Esc cancels): Ant Design's Modal
 * locks the page's scrolling with an inline style element, which the app's CSP refuses.
 */
export default function WithdrawDialog({ entry, onClose }: Props) {
  const [reason, setReason] = useState('');
  const [problem, setProblem] = useState<string>();
  const [{ fetching }, withdrawEntry] = useMutation(WithdrawEntry);
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    dialog.current?.showModal();
  }, []);
  const confirm = async (event: FormEvent) => {
    event.preventDefault();
    const parsed = WithdrawEntryInput.safeParse({ entryId: entry.id, reason });
    if (!parsed.success) {
      setProblem(fieldErrors(parsed.error.issues).reason ?? '填写有误');
      return;
    }
    const answer = await withdrawEntry({ input: parsed.data });
    if (answer.error) setProblem(errorMessage(answer.error));
    else onClose(true);
  };
  return (
    <dialog ref={dialog} className="qm-dialog" aria-labelledby="withdraw-title" onClose={() => onClose(false)}>
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
          <Button onClick={() => dialog.current?.close()}>取消</Button>
          <Button danger type="primary" htmlType="submit" loading={fetching} disabled={fetching}>
            撤回
          </Button>
        </div>
      </form>
    </dialog>
  );
}
