import type { ExpectedRevision } from './port.ts';

/** The stream was not at the revision the writer expected. `actualRevision` is -1 for a missing stream. */
export class WrongExpectedVersion extends Error {
  override readonly name = 'WrongExpectedVersion';
  constructor(
    readonly stream: string,
    readonly expectedRevision: ExpectedRevision,
    readonly actualRevision: number,
  ) {
    super(`Stream ${stream}: expected revision ${String(expectedRevision)}, actual ${actualRevision}`);
  }
}

/**
 * Some but not all of the appended event ids exist already, or they exist in another stream or order: this is
 * not a retry of an earlier write, and appending would duplicate or reorder events.
 */
export class DuplicateEventIds extends Error {
  override readonly name = 'DuplicateEventIds';
  constructor(
    readonly stream: string,
    readonly ids: readonly string[],
  ) {
    super(`Stream ${stream}: event ids already used by another write: ${ids.join(', ')}`);
  }
}
