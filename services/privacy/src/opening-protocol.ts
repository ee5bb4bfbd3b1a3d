/**
 * Messages between the opening thread and its worker (./opening-worker.ts). Values travel as the text they are
 * stored as and come back as the JSON text they were sealed from, each list joined into one string by newlines
 * (which neither base64url, key ids, field names nor JSON text contain): one flat string costs a copy to send,
 * where an array of strings or objects would cost the event loop a structured clone of each.
 */

/** Sealed values to open: the `i`-th ciphertext with the `i`-th 32-byte key of `keys` and `i`-th associated data. */
export interface OpenRequest {
  readonly id: number;
  readonly keys: Uint8Array;
  readonly ciphertexts: string;
  readonly associated: string;
}

/** The plaintexts in the request's order, joined; an empty line where a value does not open with its key. */
export type OpenReply =
  | { readonly id: number; readonly plaintexts: string }
  | { readonly id: number; readonly error: string };

export const SEPARATOR = '\n';
