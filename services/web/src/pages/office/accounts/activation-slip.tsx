import { Button } from 'antd';
import { useRef, useState } from 'react';

interface Props {
  readonly login: string;
  readonly displayName: string;
  readonly code: string;
  /** 完成: the code leaves the page for good. */
  readonly onDone: () => void;
}

/**
 * The one-time activation code, shown once (it lives in this component's state only, and the server keeps just its
 * hash): 复制 puts it on the clipboard, or selects it where the clipboard is not allowed; 打印 prints this slip alone
 * (the print stylesheet hides the rest of the page) to hand over with the address to open.
 */
export function ActivationSlip({ login, displayName, code, onDone }: Props) {
  const codeText = useRef<HTMLElement>(null);
  const [copied, setCopied] = useState<string>();
  const address = `${window.location.origin}/activate`;

  const select = () => {
    const element = codeText.current;
    const selection = window.getSelection();
    if (!element || !selection) return;
    const range = document.createRange();
    range.selectNodeContents(element);
    selection.removeAllRanges();
    selection.addRange(range);
  };

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(code);
      setCopied('已复制激活码');
    } catch {
      select();
      setCopied('无法访问剪贴板，激活码已选中，请按 Ctrl+C 复制');
    }
  };

  return (
    <section className="activation-slip" aria-labelledby="slip-title">
      <h2 id="slip-title">账号激活单</h2>
      <dl>
        <dt>姓名</dt>
        <dd>{displayName}</dd>
        <dt>登录名</dt>
        <dd data-testid="slip-login">{login}</dd>
        <dt>激活码</dt>
        <dd>
          <code ref={codeText} className="activation-code" data-testid="activation-code">
            {code}
          </code>
        </dd>
        <dt>激活地址</dt>
        <dd>{address}</dd>
      </dl>
      <p>请打开激活地址，输入登录名和激活码并设置密码。激活码 7 天内有效，只能使用一次。</p>
      <p className="hint no-print">激活码只显示这一次，关闭后无法再查看；遗失时请重置账号。</p>
      <div className="slip-actions no-print">
        <Button onClick={copy}>复制激活码</Button>
        <Button onClick={() => window.print()}>打印激活单</Button>
        <Button type="primary" onClick={onDone}>
          完成
        </Button>
      </div>
      <p className="no-print" role="status">
        {copied}
      </p>
    </section>
  );
}
