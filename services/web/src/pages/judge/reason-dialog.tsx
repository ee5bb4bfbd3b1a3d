import { Button, Input } from 'antd';
import { type FormEvent, type ReactNode, useId, useState } from 'react';
import './judging.css';
import { useModalDialog } from '../../shell/modal-dialog.ts';

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
 * A question before an action that cannot be undone (recuse, revoke an award, publish results), in a modal dialog.
 * The organizer's judging page uses it too.
 */
export function ReasonDialog({ title, hint, reasonLabel, confirmLabel, danger, onConfirm, onClose }: Props) {
  const id = useId();
  const [reason, setReason] = useState('');
  const [problem, setProblem] = useState<string>();
  const [busy, setBusy] = useState(false);
  const { dialogProps, finish, cancel } = useModalDialog(onClose);
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
    else finish();
  };
  return (
    <dialog {...dialogProps} aria-labelledby={`${id}-title`}>
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
          <Button onClick={cancel}>取消</Button>
          <Button danger={danger} type="primary" htmlType="submit" disabled={busy}>
            {confirmLabel}
          </Button>
        </div>
      </form>
    </dialog>
  );
}
