import type { AttachmentMediaType } from '@qingmiao/schema';
import { Component, lazy, type ReactNode, Suspense } from 'react';
import { MediaPreview } from './media-preview.tsx';
import { PreviewFailed, PreviewLoading } from './preview-notice.tsx';
import type { PreviewProps } from './preview-props.ts';
import './previews.css';

// pdf.js and mammoth are chunks of their own, fetched only when an entry has such a file.
const PdfPreview = lazy(() => import('./pdf-preview.tsx'));
const DocxPreview = lazy(() => import('./docx-preview.tsx'));

const VIEWERS: Readonly<Record<AttachmentMediaType, (props: PreviewProps) => ReactNode>> = {
  'application/pdf': (props) => <PdfPreview {...props} />,
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': (props) => <DocxPreview {...props} />,
  'image/jpeg': (props) => <MediaPreview {...props} kind="image" />,
  'image/png': (props) => <MediaPreview {...props} kind="image" />,
  'audio/mpeg': (props) => <MediaPreview {...props} kind="audio" />,
  'video/mp4': (props) => <MediaPreview {...props} kind="video" />,
};

const viewerFor = (mediaType: string) =>
  Object.hasOwn(VIEWERS, mediaType) ? VIEWERS[mediaType as AttachmentMediaType] : undefined;

/** One attached file shown in the page, by its media type; other types are offered for download. */
export default function AttachmentPreview(props: PreviewProps) {
  const viewer = viewerFor(props.file.mediaType);
  if (!viewer) return <PreviewFailed failure="unsupported" downloadUrl={props.file.url} />;
  return (
    <ChunkFailure>
      <Suspense fallback={<PreviewLoading name={props.file.name} />}>{viewer(props)}</Suspense>
    </ChunkFailure>
  );
}

/** The viewer's code could not be fetched (offline, or the app was updated meanwhile): say so, offer a reload. */
class ChunkFailure extends Component<{ readonly children: ReactNode }, { readonly failed: boolean }> {
  override state = { failed: false };

  static getDerivedStateFromError() {
    return { failed: true };
  }

  override render() {
    return this.state.failed ? (
      <PreviewFailed failure="network" retry={() => window.location.reload()} />
    ) : (
      this.props.children
    );
  }
}
