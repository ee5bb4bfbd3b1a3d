import { useEffect, useRef } from 'react';

/**
 * The browser's own modal dialog (focus kept inside, Esc cancels), shown as its component mounts: Ant Design's Modal
 * locks the page's scrolling with an inline style element, which the app's CSP refuses. Spread `dialogProps` on the
 * `<dialog>`; `finish` closes it once its action went through, `cancel` (or Esc) without; `onClose` hears which.
 */
export function useModalDialog(onClose: (done: boolean) => void) {
  const ref = useRef<HTMLDialogElement>(null);
  const done = useRef(false);
  useEffect(() => {
    ref.current?.showModal();
  }, []);
  return {
    dialogProps: { ref, className: 'qm-dialog', onClose: () => onClose(done.current) },
    finish: () => {
      done.current = true;
      ref.current?.close();
    },
    cancel: () => ref.current?.close(),
  };
}
