import { defineConfig, mergeConfig } from 'vitest/config';
import shared from '../vitest.shared.ts';

/**
 * Files that measure how long something takes under load (the event loop's answer to /healthz while as-of replays
 * run, a load test, the server's own timeouts): beside another file's servers and Chromium on two cores they would
 * measure that file. They run after the others, one at a time.
 */
const ALONE = [
  'e2e/as-of-load.e2e.test.ts',
  'e2e/http-hardening.e2e.test.ts',
  'reliability/load.e2e.test.ts',
  'reliability/crash.e2e.test.ts',
];

/**
 * Three files at a time otherwise: most of a file's time is spent waiting on servers, Chromium and the disk. On the
 * two cores, two at once took the suite from 16.6 to 11.6 min with every test passing but the timed ones above;
 * three took `npm test` from 10.2 to 8.4 min (each run clean, without turbo's cache).
 */
export default mergeConfig(
  shared,
  defineConfig({
    test: {
      globalSetup: ['support/global-setup.ts'],
      projects: [
        {
          extends: true,
          test: { name: 'together', exclude: [...ALONE, '**/node_modules/**'], maxWorkers: 3 },
        },
        {
          extends: true,
          test: { name: 'alone', include: ALONE, fileParallelism: false, sequence: { groupOrder: 1 } },
        },
      ],
    },
  }),
);
