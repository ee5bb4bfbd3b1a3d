import { useCallback, useEffect, useRef, useState } from 'react';

/**
 * Signed links live 10 minutes, and a reader may open a file later than that. When the server refuses a link, the
 * preview asks the page for fresh links (the page refetches the entry) and tries again once the new link arrives:
 * by itself the first time, afterwards when the reader presses the button, so a link that keeps failing does not
 * loop. `generation` counts the fresh links received; `latest` is the newest link. Links renewed for other reasons
 * (the page refetched the entry) change neither, so a document already shown is not loaded again.
 */
export function useLinkRenewal(url: string, renewLinks: () => void) {
  const [generation, setGeneration] = useState(0);
  const [renewing, setRenewing] = useState(false);
  const latest = useRef(url);
  const renewRef = useRef(renewLinks);
  const askedWith = useRef<string | null>(null);
  const automatic = useRef(true);

  useEffect(() => {
    latest.current = url;
    renewRef.current = renewLinks;
    if (askedWith.current !== null && askedWith.current !== url) {
      askedWith.current = null;
      setRenewing(false);
      setGeneration((n) => n + 1);
    }
  }, [url, renewLinks]);

  const renew = useCallback(() => {
    askedWith.current = latest.current;
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
