import { graphql, queryText, type ResultOf } from '@qingmiao/schema/graphql';

/**
 * One file to the API as a GraphQL multipart request (operations, map, the file), sent with XMLHttpRequest because
 * fetch reports no upload progress. The server refuses a multipart body without the preflight header, so a
 * cross-site form can never post one.
 */
const UPLOAD_PREFLIGHT_HEADER = 'GraphQL-Require-Preflight';

const UploadFile = graphql(`
  mutation UploadFile($file: File!) {
    uploadFile(file: $file) {
      id
      name
      mediaType
      size
    }
  }
`);

export type UploadedFile = ResultOf<typeof UploadFile>['uploadFile'];

/** An upload that did not give a file: what to tell the user, in Chinese. */
class UploadFailed extends Error {}

export interface UploadOptions {
  readonly endpoint?: string;
  /** The Authorization header's value, asked for just before sending so a renewed token is used. */
  readonly authorization: () => Promise<string | undefined>;
  readonly onProgress: (share: number) => void;
  readonly signal?: AbortSignal;
}

interface Answer {
  readonly data?: { readonly uploadFile?: UploadedFile } | null;
  readonly errors?: ReadonlyArray<{ readonly message: string; readonly extensions?: { readonly code?: string } }>;
}

const REFUSALS: Readonly<Record<string, string>> = {
  BAD_USER_INPUT: '文件类型不受支持（可上传 PDF、Word、JPEG、PNG、MP4、MP3）',
  PAYLOAD_TOO_LARGE: '文件过大',
  STORAGE_UNAVAILABLE: '文件存储暂时不可用，请稍后重试',
  UNAUTHENTICATED: '登录已过期，请重新登录后重试',
  FORBIDDEN: '没有上传文件的权限',
  RATE_LIMITED: '上传过于频繁，请稍后重试',
};

function failure(status: number, answer: Answer | undefined): UploadFailed {
  const code = answer?.errors?.[0]?.extensions?.code;
  if (code && REFUSALS[code]) return new UploadFailed(REFUSALS[code]);
  if (status === 413) return new UploadFailed(REFUSALS.PAYLOAD_TOO_LARGE);
  if (status === 429) return new UploadFailed(REFUSALS.RATE_LIMITED);
  return new UploadFailed(`上传失败（${status || '网络中断'}），请重试`);
}

export async function uploadFile(file: File, options: UploadOptions): Promise<UploadedFile> {
  const authorization = await options.authorization();
  const body = new FormData();
  body.append('operations', JSON.stringify({ query: queryText(UploadFile), variables: { file: null } }));
  body.append('map', JSON.stringify({ 0: ['variables.file'] }));
  body.append('0', file, file.name);
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open('POST', options.endpoint ?? '/graphql');
    request.setRequestHeader(UPLOAD_PREFLIGHT_HEADER, '1');
    request.setRequestHeader('Accept', 'application/graphql-response+json, application/json');
    if (authorization) request.setRequestHeader('Authorization', authorization);
    request.upload.addEventListener('progress', (event) => {
      if (event.lengthComputable) options.onProgress(event.loaded / event.total);
    });
    request.addEventListener('load', () => {
      let answer: Answer | undefined;
      try {
        answer = JSON.parse(request.responseText) as Answer;
      } catch {
        answer = undefined;
      }
      const uploaded = answer?.data?.uploadFile;
      if (uploaded && !answer?.errors?.length) resolve(uploaded);
      else reject(failure(request.status, answer));
    });
    request.addEventListener('error', () => reject(failure(0, undefined)));
    request.addEventListener('abort', () => reject(new UploadFailed('已取消上传')));
    options.signal?.addEventListener('abort', () => request.abort(), { once: true });
    request.send(body);
  });
}
