/**
 * The read-model build process (./read-model-build-process.ts): builds a fresh read-model file from the whole log
 * with the projection runner, opening the log as the server does (personal data opened with the key store's keys),
 * and ends once the file is complete, when asked to stop, or when the server is gone.
 */
import { ProjectionRunner, projections } from '@qingmiao/projections';
import { openEventLog } from './event-log.ts';
import type { BuilderData, BuilderReply, BuilderRequest } from './read-model-build-process.ts';

function reply(message: BuilderReply): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send?.(message, () => resolve())) resolve();
  });
}

async function build({ settings, path }: BuilderData, stopped: Promise<false>): Promise<void> {
  const { store } = openEventLog(settings);
  try {
    const runner = new ProjectionRunner({
      store,
      projections,
      path,
      onUnknownEvent: (event) => void reply({ kind: 'unknown', event }),
    });
    try {
      const built = await Promise.race([runner.start().then(() => true), stopped]);
      // Its peak, for operators sizing a machine: the build is the most a start can hold at once.
      if (built) await reply({ kind: 'built', peakRssBytes: process.resourceUsage().maxRSS * 1024 });
    } finally {
      await runner.stop();
    }
  } finally {
    await store.close();
  }
}

if (!process.send) throw new Error('read-model-builder runs as a child process of the server, with a channel to it');
// The server stops the build when it stops (a terminal's Ctrl-C or the service manager's SIGTERM reach this process
// too); if the server is gone, its end of the channel closes and the build stops between two pages of the log.
process.on('SIGINT', () => undefined);
process.on('SIGTERM', () => undefined);
const stopped = new Promise<false>((resolve) => {
  process.on('disconnect', () => resolve(false));
  process.on('message', (request: BuilderRequest) => {
    if (request.kind === 'stop') resolve(false);
    else void run(request.data);
  });
});

async function run(data: BuilderData): Promise<void> {
  try {
    await build(data, stopped);
  } catch (error) {
    process.exitCode = 1;
    await reply({ kind: 'failed', error: error instanceof Error ? error : new Error(String(error)) });
  }
  // The channel was the last thing holding the process open.
  if (process.connected) process.disconnect();
}
