/**
 * The messages between the embedded store (main thread) and its writer thread. Event data and metadata cross as the
 * JSON text the store keeps: serialised once on the main thread, copied as strings rather than cloned as objects.
 */
import Database from 'better-sqlite3';
import { DuplicateEventIds, WrongExpectedVersion } from './errors.ts';
import type { ExpectedRevision } from './port.ts';

export interface WriterOptions {
  readonly path: string;
  readonly maxBatch: number;
}

export interface EncodedEvent {
  readonly id: string;
  readonly type: string;
  readonly data: string;
  readonly metadata: string;
}

export interface EncodedAppend {
  readonly stream: string;
  readonly events: readonly EncodedEvent[];
  readonly expectedRevision: ExpectedRevision;
}

/**
 * To the writer: open a store's file, appends in the order they were issued, or the request to commit what is queued
 * and close the file (the thread then waits for the next store to open).
 */
export type WriterRequest =
  | { readonly kind: 'open'; readonly options: WriterOptions }
  | { readonly kind: 'append'; readonly appends: readonly EncodedAppend[] }
  | { readonly kind: 'close' };

type EncodedError =
  | {
      readonly kind: 'wrongExpectedVersion';
      readonly stream: string;
      readonly expected: ExpectedRevision;
      readonly actual: number;
    }
  | { readonly kind: 'duplicateEventIds'; readonly stream: string; readonly ids: readonly string[] }
  | { readonly kind: 'sqlite'; readonly message: string; readonly code: string }
  | { readonly kind: 'other'; readonly message: string };

export type EncodedOutcome =
  | { readonly ok: true; readonly nextExpectedRevision: number; readonly position: bigint }
  | { readonly ok: false; readonly error: EncodedError };

/**
 * From the writer, after a commit (and its fsync): the outcomes of the next appends, in the order issued; or that
 * everything before the close is committed and the file closed.
 */
export type WriterReply =
  | { readonly kind: 'committed'; readonly outcomes: readonly EncodedOutcome[] }
  | { readonly kind: 'closed' };

export function encodeError(error: unknown): EncodedError {
  if (error instanceof WrongExpectedVersion)
    return {
      kind: 'wrongExpectedVersion',
      stream: error.stream,
      expected: error.expectedRevision,
      actual: error.actualRevision,
    };
  if (error instanceof DuplicateEventIds) return { kind: 'duplicateEventIds', stream: error.stream, ids: error.ids };
  if (error instanceof Database.SqliteError) return { kind: 'sqlite', message: error.message, code: error.code };
  return { kind: 'other', message: error instanceof Error ? error.message : String(error) };
}

/** The error the writer thread met, as the type callers of `append` check for. */
export function decodeError(error: EncodedError): Error {
  switch (error.kind) {
    case 'wrongExpectedVersion':
      return new WrongExpectedVersion(error.stream, error.expected, error.actual);
    case 'duplicateEventIds':
      return new DuplicateEventIds(error.stream, error.ids);
    case 'sqlite':
      return new Database.SqliteError(error.message, error.code);
    case 'other':
      return new Error(error.message);
  }
}
