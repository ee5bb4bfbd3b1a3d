import { useCallback, useEffect, useState } from 'react';
import { fetchFileBytes, PreviewError, type PreviewFailure } from './file-bytes.ts';
import { useLinkRenewal } from './link-renewal.ts';
import type { PreviewedFile } from './preview-props.ts';

export type FileBytes =
  | { readonly status: 'loading' }
  | { readonly status: 'loaded'; readonly bytes: ArrayBuffer }
  | { readonly status: 'failed'; readonly failure: PreviewFailure };

/**
 * The bytes behind a signed link, fetched once per link generation (see useLinkRenewal). `retry` asks for a fresh
 * link when the last one was refused, else fetches again.
 */
export function useFileBytes(file: PreviewedFile, renewLinks: () => void): { state: FileBytes; retry: () => void } {
  const { generation, renewing, latest, renew, refused } = useLinkRenewal(file, renewLinks);
  const [attempt, setAttempt] = useState(0);
  const [state, setState] = useState<FileBytes>({ status: 'loading' });

  // biome-ignore lint/correctness/useExhaustiveDependencies: generation and attempt are the triggers; the link is read from `latest`
  useEffect(() => {
    const abort = new AbortController();
    setState({ status: 'loading' });
    fetchFileBytes(latest.current, abort.signal).then(
      (bytes) => setState({ status: 'loaded', bytes }),
      (error: unknown) => {
        if (abort.signal.aborted) return;
        const failure = error instanceof PreviewError ? error.failure : 'network';
        if (failure === 'link' && refused()) return;
        setState({ status: 'failed', failure });
      },
    );
    return () => abort.abort();
  }, [generation, attempt]);

  const retry = useCallback(() => {
    if (state.status === 'failed' && state.failure === 'link') renew();
    else setAttempt((n) => n + 1);
  }, [state, renew]);

  return { state: renewing ? { status: 'loading' } : state, retry };
}
