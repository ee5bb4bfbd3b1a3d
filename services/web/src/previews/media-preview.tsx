import { useEffect, useRef, useState } from 'react';
import { PreviewError, type PreviewFailure, probeFileLink } from './file-bytes.ts';
import { useLinkRenewal } from './link-renewal.ts';
import { PreviewFailed, PreviewLoading } from './preview-notice.tsx';
import type { PreviewProps } from './preview-props.ts';

type MediaKind = 'image' | 'audio' | 'video';

/**
 * Pictures, sound and video straight from the signed link: the browser fetches them itself (the route answers range
 * requests, so players can seek). A player that fails cannot say why, so the link is asked: refused means a fresh
 * link (playback resumes where it stopped); served means another try with the same link (the failure may have
 * passed), and when that fails too, the browser cannot show this file.
 */
export function MediaPreview({ file, renewLinks, kind }: PreviewProps & { readonly kind: MediaKind }) {
  const { generation, renewing, latest, renew, refused } = useLinkRenewal(file, renewLinks);
  const [src, setSrc] = useState(latest.current);
  const [failure, setFailure] = useState<PreviewFailure | null>(null);
  const [attempt, setAttempt] = useState(0);
  const retried = useRef(false);
  const position = useRef(0);

  // biome-ignore lint/correctness/useExhaustiveDependencies: a fresh link arrives as a new generation
  useEffect(() => {
    if (generation === 0) return;
    retried.current = false;
    setFailure(null);
    setSrc(latest.current);
  }, [generation]);

  const failed = () => {
    probeFileLink(src, AbortSignal.timeout(30_000))
      .then(() => {
        if (retried.current) {
          setFailure('unsupported');
          return;
        }
        retried.current = true;
        setAttempt((n) => n + 1);
      })
      .catch((error: unknown) => {
        const why = error instanceof PreviewError ? error.failure : 'network';
        if (why === 'link' && refused()) return;
        setFailure(why);
      });
  };

  if (renewing) return <PreviewLoading name={file.name} />;
  if (failure) {
    const retry =
      failure === 'link'
        ? renew
        : () => {
            setFailure(null);
            setAttempt((n) => n + 1);
          };
    return <PreviewFailed failure={failure} retry={retry} downloadUrl={file.url} />;
  }
  const resume = (event: React.SyntheticEvent<HTMLMediaElement>) => {
    if (position.current > 0) event.currentTarget.currentTime = position.current;
  };
  const remember = (event: React.SyntheticEvent<HTMLMediaElement>) => {
    position.current = event.currentTarget.currentTime;
  };
  switch (kind) {
    case 'image':
      return (
        <img
          key={`${attempt}:${src}`}
          className="qm-image"
          src={src}
          alt={file.name}
          referrerPolicy="no-referrer"
          onError={failed}
        />
      );
    case 'audio':
      return (
        // biome-ignore lint/a11y/useMediaCaption: uploaded recordings come without captions
        <audio
          key={`${attempt}:${src}`}
          controls
          preload="metadata"
          src={src}
          aria-label={file.name}
          onError={failed}
          onLoadedMetadata={resume}
          onTimeUpdate={remember}
        />
      );
    case 'video':
      return (
        // biome-ignore lint/a11y/useMediaCaption: uploaded performances come without captions
        <video
          key={`${attempt}:${src}`}
          className="qm-video"
          controls
          preload="metadata"
          src={src}
          aria-label={file.name}
          onError={failed}
          onLoadedMetadata={resume}
          onTimeUpdate={remember}
        />
      );
  }
}
