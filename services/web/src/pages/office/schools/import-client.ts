import type { ImportKind, ImportLine, ImportPreview } from '@qingmiao/schema';
import { ApiError } from '../../../session/api-request.ts';

type Fetch = typeof fetch;

/** What the import asks of the server besides the file: the enrollment year and the columns chosen. */
export interface ImportRequest {
  readonly kind: ImportKind;
  readonly file: File;
  readonly year?: number;
  readonly mapping?: Readonly<Partial<Record<string, string>>>;
  readonly validOnly?: boolean;
}

function url(path: string, { year, mapping, validOnly }: Omit<ImportRequest, 'kind' | 'file'>): string {
  const search = new URLSearchParams();
  if (year !== undefined) search.set('year', String(year));
  if (mapping) search.set('mapping', JSON.stringify(mapping));
  if (validOnly) search.set('validOnly', 'true');
  return `${path}?${search}`;
}

/** The refusal of an /imports route (`{ error: { code, field, message } }`) as the ApiError errorMessage reads. */
async function refusal(response: Response): Promise<ApiError> {
  const body = (await response.json().catch(() => ({}))) as {
    error?: { code?: string; field?: string; message?: string };
  };
  const { code = 'BAD_REQUEST', field, message = `HTTP ${response.status}` } = body.error ?? {};
  return new ApiError([{ message, extensions: { code, field } }], response.status);
}

const post = (fetchFn: Fetch, path: string, file: File) =>
  fetchFn(path, { method: 'POST', body: file, headers: { 'content-type': file.type || 'application/octet-stream' } });

/** What importing the file would do, row by row; nothing is written. */
export async function previewImport(fetchFn: Fetch, { kind, file, ...options }: ImportRequest): Promise<ImportPreview> {
  const response = await post(fetchFn, url(`/imports/${kind}/preview`, options), file);
  if (!response.ok) throw await refusal(response);
  return (await response.json()) as ImportPreview;
}

/** Imports the file, calling `onLine` with each line of the server's answer as it arrives (the progress). */
export async function runImport(
  fetchFn: Fetch,
  { kind, file, ...options }: ImportRequest,
  onLine: (line: ImportLine) => void,
): Promise<void> {
  const response = await post(fetchFn, url(`/imports/${kind}`, options), file);
  if (!response.ok || !response.body) throw await refusal(response);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let pending = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    pending += value;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) if (line.trim()) onLine(JSON.parse(line) as ImportLine);
  }
}

/** Saves the import's template workbook (fetched with the session's token: a bare link would get 401). */
export async function downloadTemplate(fetchFn: Fetch, kind: ImportKind, fileName: string): Promise<void> {
  const response = await fetchFn(`/imports/${kind}/template.xlsx`);
  if (!response.ok) throw await refusal(response);
  const link = document.createElement('a');
  link.href = URL.createObjectURL(await response.blob());
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 60_000);
}
