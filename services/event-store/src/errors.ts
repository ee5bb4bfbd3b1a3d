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

/**
 * A process has the embedded store's file open (a server, a backup, another command): replacing the file under it
 * would lose what it writes afterwards.
 */
export class StoreInUse extends Error {
  override readonly name = 'StoreInUse';
  constructor(
    readonly path: string,
    readonly pids: readonly number[],
  ) {
    const by = pids.length > 0 ? ` by ${pids.length > 1 ? 'pids' : 'pid'} ${pids.join(', ')}` : '';
    super(`the event store ${path} is in use${by} (a running server, backup or other command); stop it first`);
  }
}
