/**
 * Why a file could not be shown. `link`: the server refused the signed link (403: expired after its 10 minutes, or
 * not valid for this reader), which a fresh link from the entry cures; `missing`: the file is gone (404);
 * `network`: the server could not be reached; `unreadable`: the bytes are not a document the viewer can open;
 * `unsupported`: a type the browser has no preview for.
 */
export type PreviewFailure = 'link' | 'missing' | 'network' | 'unreadable' | 'unsupported';

/** What the reader is told for each failure, in the app's language. */
export const FAILURE_MESSAGES: Readonly<Record<PreviewFailure, string>> = {
  link: '文件链接已过期，请重新获取链接。',
  missing: '文件不存在或已被删除。',
  network: '无法连接服务器，请检查网络后重试。',
  unreadable: '文件已损坏或格式无法识别，无法预览。',
  unsupported: '此类型的文件不支持在线预览，请下载后查看。',
};

/** A failure with its kind, thrown by the loaders below and caught by the previews. */
export class PreviewError extends Error {
  constructor(
    readonly failure: PreviewFailure,
    options?: ErrorOptions,
  ) {
    super(FAILURE_MESSAGES[failure], options);
    this.name = 'PreviewError';
  }
}

/** Asks the file route with the link; the answer, or why there is none. */
async function askFor(url: string, method: 'GET' | 'HEAD', signal: AbortSignal): Promise<Response> {
  let response: Response;
  try {
    // Credentials are omitted: the signature is the whole permission, and the session cookie has no business
    // travelling with a file download.
    response = await fetch(url, { method, credentials: 'omit', referrerPolicy: 'no-referrer', signal });
  } catch (error) {
    if (signal.aborted) throw error;
    throw new PreviewError('network', { cause: error });
  }
  if (response.status === 403) throw new PreviewError('link');
  if (response.status === 404) throw new PreviewError('missing');
  if (!response.ok) throw new PreviewError('network', { cause: new Error(`HTTP ${response.status}`) });
  return response;
}

/** The file's bytes from its signed link. */
export async function fetchFileBytes(url: string, signal: AbortSignal): Promise<ArrayBuffer> {
  return (await askFor(url, 'GET', signal)).arrayBuffer();
}

/** Whether the link serves its file now (HEAD: a 50 MB video is not fetched to learn that); throws why not. */
export async function probeFileLink(url: string, signal: AbortSignal): Promise<void> {
  await askFor(url, 'HEAD', signal);
}
