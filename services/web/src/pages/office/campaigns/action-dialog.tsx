import { Button } from 'antd';
import { type FormEvent, type ReactNode, useEffect, useRef, useState } from 'react';

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

/**
 * A confirmation in the browser's own modal dialog (focus kept inside, Esc cancels): Ant Design's Modal locks the
 * page's scrolling with an inline style element, which the app's CSP refuses. The server's refusal stays in the
 * dialog, so nothing fails silently.
 */
export function ActionDialog({ title, confirmLabel, danger, children, onConfirm, onClose }: Props) {
  const dialog = useRef<HTMLDialogElement>(null);
  const done = useRef(false);
  const [problem, setProblem] = useState<string>();
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    dialog.current?.showModal();
  }, []);
  const confirm = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    setProblem(undefined);
    try {
      const refused = await onConfirm();
      if (refused) setProblem(refused);
      else {
        done.current = true;
        dialog.current?.close();
      }
    } finally {
      setBusy(false);
    }
  };
  return (
    <dialog
      ref={dialog}
      className="qm-dialog action-dialog"
      aria-labelledby="action-title"
      onClose={() => onClose(done.current)}
    >
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
          <Button onClick={() => dialog.current?.close()}>取消</Button>
          <Button type="primary" danger={danger} htmlType="submit" disabled={busy} autoInsertSpace={false}>
            {busy ? '请稍候…' : confirmLabel}
          </Button>
        </div>
      </form>
    </dialog>
  );
}
