import type { Actor } from '@qingmiao/schema';
import type { Plugin } from 'graphql-yoga';
import type { AccessLog } from '../access-log.ts';
import type { Context } from './context.ts';

/**
 * The entries whose participants' names one request read outside the reader's own school (PIPL: who saw a child's
 * data is on record). Resolvers note an entry each time they hand out its names; the access log gets one
 * READ_PARTICIPANTS entry per entry, however many fields, aliases or nestings named it, all in one commit.
 */
export class ParticipantReads {
  readonly #entries = new Set<string>();

  /** The reader saw the names of `entryId`'s participants. */
  note(entryId: string): void {
    this.#entries.add(entryId);
  }

  /** Records what was noted for `actor` and forgets it; throws (failing the request) when it cannot be written. */
  flush(accessLog: AccessLog, actor: Actor, address: string): void {
    const entries = [...this.#entries];
    this.#entries.clear();
    accessLog.recordAll(
      entries.map((subject) => ({ actor: actor.sub, role: actor.role, action: 'READ_PARTICIPANTS', subject, address })),
    );
  }
}

/**
 * Writes a request's participant reads once its execution is done, before its answer is sent: an answer whose
 * reads cannot be recorded is not sent (the error is masked like any other).
 */
export function useParticipantReadsLog(): Plugin<Context> {
  return {
    onExecute: () => ({
      onExecuteDone: ({ args }) => {
        const { participantReads, accessLog, actor, http } = args.contextValue;
        participantReads.flush(accessLog, actor, http.address);
      },
    }),
  };
}
