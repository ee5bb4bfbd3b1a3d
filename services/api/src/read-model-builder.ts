/**
 * The read-model build thread (./read-model-build-thread.ts): builds a fresh read-model file from the whole log
 * with the projection runner, opening the log as the server does (personal data opened with the key store's keys),
 * and ends once the file is complete, or when asked to stop.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { ProjectionRunner, projections } from '@qingmiao/projections';
import { openEventLog } from './event-log.ts';
import type { BuilderData, BuilderReply, BuilderRequest } from './read-model-build-thread.ts';

async function build(port: NonNullable<typeof parentPort>, { settings, path }: BuilderData): Promise<void> {
  const { store } = openEventLog(settings);
  const reply = (message: BuilderReply) => port.postMessage(message);
  try {
    const runner = new ProjectionRunner({
      store,
      projections,
      path,
      onUnknownEvent: (event) => reply({ kind: 'unknown', event }),
    });
    const stopped = new Promise<false>((resolve) =>
      port.on('message', (request: BuilderRequest) => request.kind === 'stop' && resolve(false)),
    );
    try {
      const built = await Promise.race([runner.start().then(() => true), stopped]);
      if (built) reply({ kind: 'built' });
    } finally {
      await runner.stop();
    }
  } finally {
    await store.close();
    port.close();
  }
}

if (!parentPort) throw new Error('read-model-builder runs as a worker thread');
// A failure is thrown in the thread, which hands it to the server as the build's.
void build(parentPort, workerData as BuilderData);
