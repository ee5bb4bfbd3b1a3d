import { GlobalWorkerOptions, getDocument, type PDFDocumentLoadingTask, version } from 'pdfjs-dist';
import workerUrl from 'pdfjs-dist/build/pdf.worker.min.mjs?url';

/**
 * pdf.js under the app's CSP: the worker is a hashed asset of this origin (script-src/worker-src 'self'; no blob: or
 * data: workers), PDF functions are interpreted rather than compiled with `new Function` (no 'unsafe-eval'), and the
 * character maps, standard fonts, decoders and colour profiles come from the versioned folder vite-pdfjs-assets.ts
 * publishes.
 */
GlobalWorkerOptions.workerSrc = workerUrl;

const assets = (folder: string) => new URL(`/assets/pdfjs-${version}/${folder}/`, document.baseURI).href;

/**
 * Opens a PDF from bytes already fetched (the signed link may expire while the reader is still reading). pdf.js
 * hands its buffer to the worker, so it gets a copy and the caller's bytes stay usable.
 */
export function openPdf(bytes: ArrayBuffer): PDFDocumentLoadingTask {
  return getDocument({
    data: new Uint8Array(bytes.slice(0)),
    cMapUrl: assets('cmaps'),
    standardFontDataUrl: assets('standard_fonts'),
    wasmUrl: assets('wasm'),
    iccUrl: assets('iccs'),
    useWorkerFetch: true,
    isEvalSupported: false,
    enableXfa: false,
  });
}
