import { Button, Input } from 'antd';
import { type FormEvent, type ReactNode, useEffect, useId, useRef, useState } from 'react';
import './judging.css';

interface Props {
  readonly title: string;
  /** What the action does, said under the title. */
  readonly hint: ReactNode;
  /** The label of the reason's field; without it the dialog only asks to confirm. */
  readonly reasonLabel?: string;
  readonly confirmLabel: string;
  readonly danger?: boolean;
  /** Runs the action; resolves to the refusal to show (the dialog stays open) or undefined when it is done. */
  readonly onConfirm: (reason: string) => Promise<string | undefined>;
  /** Called once the dialog is closed: `done` when the action succeeded. */
  readonly onClose: (done: boolean) => void;
}

/**
 * A question before an action that cannot be undone (recuse, revoke an award, publish results), in the browser's own
 * modal dialog (focus kept inside, Esc cancels): Ant Design's Modal locks the page's scrolling with an inline style
 * element, which the app's CSP refuses. The organizer's judging page uses it too.
 */
export function ReasonDialog({ title, hint, reasonLabel, confirmLabel, danger, onConfirm, onClose }: Props) {
  const id = useId();
  const [reason, setReason] = useState('');
  const [problem, setProblem] = useState<string>();
  const [busy, setBusy] = useState(false);
  const dialog = useRef<HTMLDialogElement>(null);
  const done = useRef(false);
  useEffect(() => {
    dialog.current?.showModal();
  }, []);
  const confirm = async (event: FormEvent) => {
    event.preventDefault();
    if (reasonLabel && reason.trim() === '') {
      setProblem(`请填写${reasonLabel}。`);
      return;
    }
    setBusy(true);
    const refused = await onConfirm(reason.trim());
    setBusy(false);
    if (refused) setProblem(refused);
    else {
      done.current = true;
      dialog.current?.close();
    }
  };
  return (
    <dialog ref={dialog} className="qm-dialog" aria-labelledby={`${id}-title`} onClose={() => onClose(done.current)}>
      <form onSubmit={confirm} noValidate>
        <h2 id={`${id}-title`} className="qm-dialog-title">
          {title}
        </h2>
        <p id={`${id}-hint`} className="qm-dialog-hint">
          {hint}
        </p>
        {reasonLabel && (
          <>
            <label htmlFor={`${id}-reason`} className="qm-field-label">
              {reasonLabel}
            </label>
            <Input.TextArea
              id={`${id}-reason`}
              rows={3}
              value={reason}
              status={problem ? 'error' : undefined}
              aria-describedby={problem ? `${id}-problem` : `${id}-hint`}
              aria-invalid={problem ? true : undefined}
              onChange={(event) => setReason(event.target.value)}
            />
          </>
        )}
        {problem && (
          <div id={`${id}-problem`} className="qm-field-error" role="alert">
            {problem}
          </div>
        )}
        <div className="qm-dialog-actions">
          <Button onClick={() => dialog.current?.close()}>取消</Button>
          <Button danger={danger} type="primary" htmlType="submit" disabled={busy}>
            {confirmLabel}
          </Button>
        </div>
      </form>
    </dialog>
  );
}
