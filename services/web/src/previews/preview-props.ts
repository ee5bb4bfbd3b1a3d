/** A file as the entry query returns it: its signed links are valid for 10 minutes. */
export interface PreviewedFile {
  readonly id: string;
  readonly name: string;
  readonly mediaType: string;
  /** The signed download link. */
  readonly url: string;
  /** The signed link that shows the file inline, when the type has a preview. */
  readonly previewUrl?: string | null;
}

export interface PreviewProps {
  readonly file: PreviewedFile;
  /** Asks the page for fresh signed links (it refetches the entry); the preview retries when they arrive. */
  readonly renewLinks: () => void;
}
