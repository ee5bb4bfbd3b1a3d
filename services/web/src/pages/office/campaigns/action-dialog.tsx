import { Button } from 'antd';
import { type FormEvent, type ReactNode, useState } from 'react';
import { useModalDialog } from '../../../shell/modal-dialog.ts';

interface Props {
  readonly title: string;
  readonly confirmLabel: string;
  readonly danger?: boolean;
  /** What the action does, and the inputs it needs. */
  readonly children?: ReactNode;
  /** Does the action; resolves to the problem to show in the dialog, or nothing once it is done. */
  readonly onConfirm: () => Promise<string | undefined>;
  /** Called once the dialog is closed: `done` when the action went through. */
  readonly onClose: (done: boolean) => void;
}

/** A confirmation in a modal dialog. The server's refusal stays in the dialog, so nothing fails silently. */
export function ActionDialog({ title, confirmLabel, danger, children, onConfirm, onClose }: Props) {
  const [problem, setProblem] = useState<string>();
  const [busy, setBusy] = useState(false);
  const { dialogProps, finish, cancel } = useModalDialog(onClose);
  const confirm = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    setProblem(undefined);
    try {
      const refused = await onConfirm();
      if (refused) setProblem(refused);
      else finish();
    } finally {
      setBusy(false);
    }
  };
  return (
    <dialog {...dialogProps} className="qm-dialog action-dialog" aria-labelledby="action-title">
      <form onSubmit={confirm} noValidate>
        <h2 id="action-title" className="qm-dialog-title">
          {title}
        </h2>
        {children}
        {problem && (
          <div className="field-error" role="alert">
            {problem}
          </div>
        )}
        <div className="qm-dialog-actions">
          <Button onClick={cancel}>取消</Button>
          <Button type="primary" danger={danger} htmlType="submit" disabled={busy} autoInsertSpace={false}>
            {busy ? '请稍候…' : confirmLabel}
          </Button>
        </div>
      </form>
    </dialog>
  );
}
