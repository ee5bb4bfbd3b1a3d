import mammoth from 'mammoth';
import { useEffect, useId, useRef, useState } from 'react';
import { PreviewFailed, PreviewLoading } from './preview-notice.tsx';
import type { PreviewProps } from './preview-props.ts';
import { sanitizeDocxHtml } from './sanitize-docx-html.ts';
import { useFileBytes } from './use-file-bytes.ts';
import './docx-preview.css';

type Converted = 'converting' | 'shown' | 'unreadable';

/**
 * A Word document as HTML: mammoth converts it in the browser, sanitizeDocxHtml keeps what is safe, and the nodes
 * go into the page. Ids get a prefix per preview so footnote links stay within their own document.
 */
export default function DocxPreview({ file, renewLinks }: PreviewProps) {
  const { state, retry } = useFileBytes(file, renewLinks);
  const [converted, setConverted] = useState<Converted>('converting');
  const body = useRef<HTMLDivElement>(null);
  const idPrefix = `docx${useId().replace(/[^a-zA-Z0-9]/g, '')}-`;

  useEffect(() => {
    if (state.status !== 'loaded') return;
    let current = true;
    setConverted('converting');
    mammoth
      .convertToHtml({ arrayBuffer: state.bytes }, { idPrefix, externalFileAccess: false })
      .then(({ value }) => {
        if (!current || !body.current) return;
        body.current.replaceChildren(sanitizeDocxHtml(value, window));
        setConverted('shown');
      })
      .catch(() => {
        if (current) setConverted('unreadable');
      });
    return () => {
      current = false;
    };
  }, [state, idPrefix]);

  return (
    <>
      {state.status === 'failed' && <PreviewFailed failure={state.failure} retry={retry} />}
      {state.status === 'loading' || (state.status === 'loaded' && converted === 'converting') ? (
        <PreviewLoading name={file.name} />
      ) : null}
      {converted === 'unreadable' && <PreviewFailed failure="unreadable" downloadUrl={file.url} />}
      <div ref={body} className="qm-docx" hidden={converted !== 'shown'} />
    </>
  );
}
