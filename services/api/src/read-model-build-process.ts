import { type ChildProcess, type ForkOptions, fork } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { RecordedEvent } from '@qingmiao/event-store';
import type { BuildFresh } from '@qingmiao/projections';
import type { EventLogSettings } from './event-log.ts';

/** What the build process is given: how to open the log (as this process does) and the file to build. */
export interface BuilderData {
  readonly settings: EventLogSettings;
  readonly path: string;
}

export type BuilderRequest = { readonly kind: 'build'; readonly data: BuilderData } | { readonly kind: 'stop' };

export type BuilderReply =
  | { readonly kind: 'unknown'; readonly event: RecordedEvent }
  | { readonly kind: 'built'; readonly peakRssBytes: number }
  | { readonly kind: 'failed'; readonly error: Error };

/**
 * The build process's entry: beside the bundle (services/api/build.ts) in production; from the sources (tsx,
 * vitest) the process loads tsx first. Its messages use the structured clone (positions are bigints, failures
 * errors); it writes nothing to stdout, and its stderr is the server's.
 */
function startBuilder(): ChildProcess {
  const options: ForkOptions = { serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] };
  if (!import.meta.url.endsWith('.ts')) {
    return fork(fileURLToPath(new URL('./read-model-builder.mjs', import.meta.url)), [], { ...options, execArgv: [] });
  }
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  return fork(fileURLToPath(new URL('./read-model-builder.ts', import.meta.url)), [], {
    ...options,
    execArgv: ['--import', tsx],
  });
}

/**
 * Builds fresh read models in a child process that opens its own connections to the log and the key store: what a
 * catch-up of the whole log allocates (V8's heap, SQLite's bulk page cache, the C heap it leaves fragmented) goes
 * back to the system when the process ends, where a thread's would stay in this one (glibc keeps an exited thread's
 * malloc arena, 64 MiB resident after a build of 1M events). The process's failure is the build's; a stop ends the
 * build between two pages of the log, and the process ends by itself if this one goes (its channel closes).
 */
export function buildInChildProcess(
  settings: EventLogSettings,
  on: {
    readonly unknownEvent: (event: RecordedEvent) => void;
    /** The file is complete; the process's peak resident memory (its maxRSS). */
    readonly built?: (peakRssBytes: number) => void;
  },
): BuildFresh {
  return (path) => {
    const child = startBuilder();
    let stopping = false;
    const done = new Promise<boolean>((resolve, reject) => {
      let built = false;
      let failure: Error | undefined;
      child.on('message', (reply: BuilderReply) => {
        if (reply.kind === 'unknown') on.unknownEvent(reply.event);
        else if (reply.kind === 'failed') failure = reply.error;
        else {
          built = true;
          on.built?.(reply.peakRssBytes);
        }
      });
      // A process that could not start, or a channel that broke: `close` follows either way.
      child.on('error', (error) => {
        failure ??= error;
      });
      child.on('close', (code, signal) => {
        if (failure) reject(failure);
        else if (built || stopping) resolve(built);
        else reject(new Error(`the read-model build process exited with ${signal ?? `code ${code}`}`));
      });
    });
    child.send({ kind: 'build', data: { settings, path } } satisfies BuilderRequest);
    return {
      done,
      async stop() {
        stopping = true;
        if (child.connected) child.send({ kind: 'stop' } satisfies BuilderRequest);
        await done.catch(() => undefined);
      },
    };
  };
}
