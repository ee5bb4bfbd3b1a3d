import { Alert, Button, Spin } from 'antd';
import { FAILURE_MESSAGES, type PreviewFailure } from './file-bytes.ts';

/** Shown while a file loads. */
export function PreviewLoading({ name }: { readonly name: string }) {
  return (
    <div className="qm-preview-loading" role="status">
      <Spin size="small" /> 正在加载“{name}”…
    </div>
  );
}

/** Why the file is not shown, and a way out: a fresh link, another attempt, or the download. */
export function PreviewFailed({
  failure,
  retry,
  downloadUrl,
}: {
  readonly failure: PreviewFailure;
  readonly retry?: () => void;
  readonly downloadUrl?: string;
}) {
  const actions = (
    <>
      {retry && failure !== 'unsupported' && failure !== 'missing' && (
        <Button size="small" onClick={retry}>
          {failure === 'link' ? '重新获取链接' : '重试'}
        </Button>
      )}
      {downloadUrl && failure !== 'link' && failure !== 'missing' && (
        <Button size="small" href={downloadUrl} rel="noreferrer">
          下载文件
        </Button>
      )}
    </>
  );
  return (
    <Alert
      type={failure === 'unsupported' ? 'info' : 'warning'}
      showIcon
      title={FAILURE_MESSAGES[failure]}
      action={actions}
    />
  );
}
