import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

/**
 * Starts a worker thread whose entry is `source` beside the calling module (`from`, its `import.meta.url`) in the
 * sources, where tsx or vitest run it, and `bundled` beside the bundle (services/api/build.ts) in production. Node
 * runs no TypeScript of its own: from the sources the worker registers tsx's loader before it imports the entry.
 */
export function startWorkerThread(
  from: string,
  entry: { readonly source: string; readonly bundled: string },
  workerData?: unknown,
): Worker {
  const options = { execArgv: [], ...(workerData === undefined ? {} : { workerData }) };
  if (!from.endsWith('.ts')) return new Worker(new URL(entry.bundled, from), options);
  // tsx's CommonJS hooks load synchronously in the worker; its ES module hooks would start a thread of their own.
  const require = createRequire(from);
  const bootstrap = `require(${JSON.stringify(require.resolve('tsx/cjs/api'))}).register();
require(${JSON.stringify(fileURLToPath(new URL(entry.source, from)))});`;
  return new Worker(bootstrap, { ...options, eval: true });
}
