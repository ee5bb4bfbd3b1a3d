import { useCallback, useEffect, useRef, useState } from 'react';
import type { PreviewedFile } from './preview-props.ts';

/** The link a preview uses: the inline one when the server gives it. */
const previewLink = (file: PreviewedFile) => file.previewUrl ?? file.url;

/**
 * Signed links live 10 minutes, and a reader may open a file later than that. When the server refuses a link, the
 * preview asks the page for fresh links (the page refetches the entry) and tries again once the refetched file
 * arrives: by itself the first time, afterwards when the reader presses the button, so a link that keeps failing
 * does not loop. `generation` counts the fresh links received; `latest` is the newest link. Files refetched for
 * other reasons (another preview asked) change neither, so a document already shown is not loaded again.
 */
export function useLinkRenewal(file: PreviewedFile, renewLinks: () => void) {
  const [generation, setGeneration] = useState(0);
  const [renewing, setRenewing] = useState(false);
  const latest = useRef(previewLink(file));
  const current = useRef(file);
  const renewRef = useRef(renewLinks);
  const askedWith = useRef<PreviewedFile | null>(null);
  const automatic = useRef(true);

  useEffect(() => {
    latest.current = previewLink(file);
    current.current = file;
    renewRef.current = renewLinks;
    // The page answers with the file refetched: a new object, whether or not its link text changed.
    if (askedWith.current !== null && askedWith.current !== file) {
      askedWith.current = null;
      setRenewing(false);
      setGeneration((n) => n + 1);
    }
  }, [file, renewLinks]);

  const renew = useCallback(() => {
    askedWith.current = current.current;
    setRenewing(true);
    renewRef.current();
  }, []);

  /** After a refusal: renews by itself the first time and says so; later refusals are the reader's to retry. */
  const refused = useCallback((): boolean => {
    if (!automatic.current) return false;
    automatic.current = false;
    renew();
    return true;
  }, [renew]);

  return { generation, renewing, latest, renew, refused };
}
