import type { ServerResponse } from 'node:http';
import type { CommandMeta, CommandOutcome, Commands } from '@qingmiao/domain';
import type { AsOfReplayer, ReadModelQueries, ReadSide } from '@qingmiao/projections';
import type { Actor } from '@qingmiao/schema';
import type { AccessLog } from '../access-log.ts';
import type { BlobStore } from '../files/blob-store.ts';
import type { FileLocks } from '../files/file-locks.ts';
import type { FileLinks } from '../files/signed-links.ts';
import type { UploadRegistry } from '../files/upload-registry.ts';
import type { PersonalDataEraser } from '../personal-data-erasure.ts';
import type { RetentionJob } from '../retention.ts';
import type { SessionIssuer } from '../sessions.ts';
import type { SignInThrottle } from '../sign-in-throttle.ts';
import type { ParticipantReads } from './participant-reads.ts';

/** What every resolver gets: the authenticated actor and the application's services. */
export interface Context {
  readonly actor: Actor;
  readonly correlationId: string;
  readonly commands: Commands;
  /** The read models serving this request. */
  readonly read: ReadModelQueries;
  /** The read side across rebuilds: waits for positions, serves the newest generation. */
  readonly readSide: ReadSide;
  /** Participation figures at past moments (`asOf`), replayed from the log. */
  readonly pastFigures: AsOfReplayer;
  /** Sign-ins, sign-outs, exports, reads of participants: who, when, from where (not events). */
  readonly accessLog: AccessLog;
  /** The entries whose participants this request read outside the reader's school, for the access log. */
  readonly participantReads: ParticipantReads;
  readonly signInThrottle: SignInThrottle;
  /** Uploaded files: their bytes (content addressed), who uploaded which, one keeper or sweeper per file at a time. */
  readonly blobStore: BlobStore;
  readonly uploads: UploadRegistry;
  readonly fileLocks: FileLocks;
  /** Signs the `/files/{id}` links handed out with attachments. */
  readonly fileLinks: FileLinks;
  /** Aborted when the server begins to stop: subscriptions end then, cleanly. */
  readonly draining: AbortSignal;
  /** Login sessions: what signIn, activateAccount, refreshSession and signOut start, renew and end. */
  readonly sessions: SessionIssuer;
  /** Erases children's personal data: destroys its keys, records the erasure, drops every copy the server holds. */
  readonly eraser: PersonalDataEraser;
  /** When each campaign year's personal data expires. */
  readonly retention: RetentionJob;
  /** The HTTP exchange, for the session cookie: what the request carries and where the answer sets it. */
  readonly http: {
    readonly cookie: string | undefined;
    readonly response: ServerResponse;
    /** The login session of the access token (`sid`); undefined for service tokens and anonymous calls. */
    readonly session: string | undefined;
    /** The client's address as the server sees it (express's `req.ip`: the TCP peer, or a trusted proxy's client). */
    readonly address: string;
  };
}

export function commandMeta(context: Context): CommandMeta {
  return { actor: context.actor, correlationId: context.correlationId };
}

/**
 * Runs a command and returns what it changed as the read models show it once they include the command's events:
 * a mutation's result is already visible to any query sent after it returns.
 */
export async function mutate<Outcome extends CommandOutcome, Row>(
  context: Context,
  run: (commands: Commands, meta: CommandMeta) => Promise<Outcome>,
  readBack: (outcome: Outcome, read: ReadModelQueries) => Row | undefined | Promise<Row | undefined>,
): Promise<Row> {
  const outcome = await run(context.commands, commandMeta(context));
  await context.readSide.waitFor(outcome.position);
  const row = await readBack(outcome, context.readSide.read);
  if (row === undefined) throw new Error('A successful command left nothing to read back');
  return row;
}
