import { Button, Result, Spin } from 'antd';
import { ERROR_MESSAGES, errorCode, errorMessage, isNetworkError, NETWORK_MESSAGE } from '../error-messages.ts';

/** A page the account's role may not see. */
export function Forbidden() {
  return <Result status="403" title="无权访问" subTitle={ERROR_MESSAGES.FORBIDDEN} />;
}

/** The server could not be reached; the person tries again when the network is back. */
export function Offline({ onRetry }: { readonly onRetry: () => void }) {
  return (
    <Result
      status="warning"
      title="网络连接失败"
      subTitle={NETWORK_MESSAGE}
      extra={
        <Button type="primary" size="large" onClick={onRetry}>
          重试
        </Button>
      }
    />
  );
}

/**
 * What a page shows when its query failed: FORBIDDEN as a plain sentence, a network failure with a retry button,
 * anything else as the code's Chinese message (UNAUTHENTICATED ends the session, which leads to sign-in).
 */
export function Problem({ error, onRetry }: { readonly error: unknown; readonly onRetry: () => void }) {
  if (errorCode(error) === 'FORBIDDEN') return <Forbidden />;
  if (isNetworkError(error)) return <Offline onRetry={onRetry} />;
  return (
    <Result
      status="error"
      title="出错了"
      subTitle={errorMessage(error)}
      extra={
        <Button size="large" onClick={onRetry}>
          重试
        </Button>
      }
    />
  );
}

/** While a page or the session loads. */
export function Loading() {
  return (
    <div className="qm-loading">
      <Spin size="large" />
    </div>
  );
}
