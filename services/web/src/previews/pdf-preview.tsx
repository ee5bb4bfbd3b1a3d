import { type PDFDocumentProxy, RenderingCancelledException, type RenderTask, TextLayer } from 'pdfjs-dist';
import { useEffect, useRef, useState } from 'react';
import type { PreviewFailure } from './file-bytes.ts';
import { openPdf } from './pdf-document.ts';
import { PreviewFailed, PreviewLoading } from './preview-notice.tsx';
import type { PreviewProps } from './preview-props.ts';
import { useFileBytes } from './use-file-bytes.ts';
import './pdf-preview.css';

/** Pages are drawn at most this wide (CSS pixels); narrower panes get narrower pages. */
const MAX_PAGE_WIDTH = 960;

type Opened =
  | { readonly status: 'opening' }
  | { readonly status: 'open'; readonly pdf: PDFDocumentProxy; readonly aspect: number }
  | { readonly status: 'failed'; readonly failure: PreviewFailure };

/**
 * A PDF drawn by pdf.js: each page a canvas with pdf.js's text layer over it, so the text can be selected, searched
 * and read by screen readers. Pages are drawn when they come near the screen and their canvases released when they
 * leave it, so a long document costs only the pages being read.
 */
export default function PdfPreview({ file, renewLinks }: PreviewProps) {
  const { state, retry } = useFileBytes(file, renewLinks);
  const [opened, setOpened] = useState<Opened>({ status: 'opening' });
  const frame = useRef<HTMLDivElement>(null);
  const width = useWidth(frame);

  useEffect(() => {
    if (state.status !== 'loaded') return;
    setOpened({ status: 'opening' });
    const task = openPdf(state.bytes);
    let current = true;
    task.promise
      .then(async (pdf) => {
        const first = (await pdf.getPage(1)).getViewport({ scale: 1 });
        if (current) setOpened({ status: 'open', pdf, aspect: first.height / first.width });
      })
      .catch(() => {
        if (current) setOpened({ status: 'failed', failure: 'unreadable' });
      });
    return () => {
      current = false;
      void task.destroy();
    };
  }, [state]);

  let content: React.ReactNode;
  if (state.status === 'failed') content = <PreviewFailed failure={state.failure} retry={retry} />;
  else if (state.status === 'loading' || opened.status === 'opening') content = <PreviewLoading name={file.name} />;
  else if (opened.status === 'failed') content = <PreviewFailed failure={opened.failure} downloadUrl={file.url} />;
  else {
    const { pdf, aspect } = opened;
    content =
      width > 0 &&
      Array.from({ length: pdf.numPages }, (_, index) => index + 1).map((number) => (
        <PdfPage key={number} pdf={pdf} number={number} width={width} aspect={aspect} />
      ));
  }
  return (
    <div className="qm-pdf" ref={frame}>
      {content}
    </div>
  );
}

function PdfPage({
  pdf,
  number,
  width,
  aspect,
}: {
  readonly pdf: PDFDocumentProxy;
  readonly number: number;
  readonly width: number;
  /** Height over width of the first page: the size of a page not drawn yet. */
  readonly aspect: number;
}) {
  const box = useRef<HTMLElement>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const textRef = useRef<HTMLDivElement>(null);
  const near = useNearScreen(box);
  const [height, setHeight] = useState(Math.round(width * aspect));
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    const canvas = canvasRef.current;
    const container = textRef.current;
    if (!near || !canvas || !container) return;
    let current = true;
    let render: RenderTask | undefined;
    let text: TextLayer | undefined;
    (async () => {
      const page = await pdf.getPage(number);
      if (!current) return;
      const viewport = page.getViewport({ scale: width / page.getViewport({ scale: 1 }).width });
      setHeight(Math.round(viewport.height));
      const ratio = window.devicePixelRatio || 1;
      canvas.width = Math.floor(viewport.width * ratio);
      canvas.height = Math.floor(viewport.height * ratio);
      render = page.render({ canvas, viewport, transform: ratio === 1 ? undefined : [ratio, 0, 0, ratio, 0, 0] });
      container.replaceChildren();
      container.style.setProperty('--total-scale-factor', String(viewport.scale));
      text = new TextLayer({ textContentSource: page.streamTextContent(), container, viewport });
      await Promise.all([render.promise, text.render()]);
      render = undefined;
      text = undefined;
    })().catch((error: unknown) => {
      if (current && !(error instanceof RenderingCancelledException)) setFailed(true);
    });
    return () => {
      current = false;
      render?.cancel();
      text?.cancel();
      // The text stays for searching and reading; the pixels are let go.
      canvas.width = 0;
      canvas.height = 0;
    };
  }, [near, pdf, number, width]);

  return (
    <section
      ref={box}
      className="qm-pdf-page"
      aria-label={`第 ${number} 页，共 ${pdf.numPages} 页`}
      style={{ width, height }}
    >
      <canvas ref={canvasRef} width={0} height={0} />
      <div ref={textRef} className="textLayer" />
      {failed && <PreviewFailed failure="unreadable" />}
    </section>
  );
}

/** The element's content width, followed as the pane resizes. */
function useWidth(ref: React.RefObject<HTMLElement | null>): number {
  const [width, setWidth] = useState(0);
  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    const observer = new ResizeObserver(([entry]) => {
      if (entry) setWidth(Math.min(MAX_PAGE_WIDTH, Math.floor(entry.contentRect.width)));
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, [ref]);
  return width;
}

/** Whether the element is on screen or within one screen of it. */
function useNearScreen(ref: React.RefObject<HTMLElement | null>): boolean {
  const [near, setNear] = useState(false);
  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    const observer = new IntersectionObserver(([entry]) => setNear(entry?.isIntersecting ?? false), {
      rootMargin: '100% 0px',
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, [ref]);
  return near;
}
