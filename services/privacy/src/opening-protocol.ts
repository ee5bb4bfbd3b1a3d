/**
 * Messages between the opening thread and its worker (./opening-worker.ts). Values travel as the strings they are
 * stored as and come back as the JSON text they were sealed from: flat strings cost a copy to send, while objects
 * would cost the event loop a structured clone each way.
 */

/** Sealed values to open: the `i`-th with the `i`-th 32-byte key of `keys` and the `i`-th associated data. */
export interface OpenRequest {
  readonly id: number;
  readonly keys: Uint8Array;
  readonly ciphertexts: readonly string[];
  readonly associated: readonly string[];
}

/** The plaintexts in the request's order; `null` where a value does not open with its key. */
export type OpenReply =
  | { readonly id: number; readonly plaintexts: readonly (string | null)[] }
  | { readonly id: number; readonly error: string };
