import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { RecordedEvent } from '@qingmiao/event-store';
import type { BuildFresh } from '@qingmiao/projections';
import type { EventLogSettings } from './event-log.ts';

/** What the build thread is given: how to open the log (as this process does) and the file to build. */
export interface BuilderData {
  readonly settings: EventLogSettings;
  readonly path: string;
}

export type BuilderRequest = { readonly kind: 'stop' };

export type BuilderReply = { readonly kind: 'unknown'; readonly event: RecordedEvent } | { readonly kind: 'built' };

/**
 * The build thread's entry: beside this module in the sources, where tsx or vitest run it, and beside the bundle
 * (services/api/build.ts) in production; from the sources the thread registers tsx's loader first, as the event
 * store's writer thread does.
 */
function startBuilder(data: BuilderData): Worker {
  if (!import.meta.url.endsWith('.ts')) {
    return new Worker(new URL('./read-model-builder.mjs', import.meta.url), { execArgv: [], workerData: data });
  }
  const require = createRequire(import.meta.url);
  const bootstrap = `require(${JSON.stringify(require.resolve('tsx/cjs/api'))}).register();
require(${JSON.stringify(fileURLToPath(new URL('./read-model-builder.ts', import.meta.url)))});`;
  return new Worker(bootstrap, { eval: true, execArgv: [], workerData: data });
}

/**
 * Builds fresh read models in a worker thread that opens its own connections to the log and the key store: the
 * garbage and the page cache of a catch-up of the whole log go with the thread instead of staying in the server's
 * heap. The thread's failure is the build's; a stop ends the build between two pages of the log.
 */
export function buildInThread(settings: EventLogSettings, onUnknownEvent: (event: RecordedEvent) => void): BuildFresh {
  return (path) => {
    const worker = startBuilder({ settings, path });
    let stopping = false;
    const done = new Promise<boolean>((resolve, reject) => {
      let built = false;
      let failure: Error | undefined;
      worker.on('message', (reply: BuilderReply) => {
        if (reply.kind === 'unknown') onUnknownEvent(reply.event);
        else built = true;
      });
      worker.on('error', (error) => {
        failure = error;
      });
      worker.on('exit', (code) => {
        if (failure) reject(failure);
        else if (built || stopping) resolve(built);
        else reject(new Error(`the read-model build thread exited with code ${code}`));
      });
    });
    return {
      done,
      async stop() {
        stopping = true;
        worker.postMessage({ kind: 'stop' } satisfies BuilderRequest);
        await done.catch(() => undefined);
      },
    };
  };
}
