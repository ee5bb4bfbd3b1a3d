import { availableParallelism } from 'node:os';
import { configDefaults, defineConfig, mergeConfig } from 'vitest/config';
import shared from '../vitest.shared.ts';

/**
 * Files that load the server to the limit, kill it, or time it (reliability, health checks under load, request
 * timeouts, rate-limit windows, reconnection delays): they run one at a time after the rest, alone on the machine.
 */
const ALONE = [
  'reliability/**/*.test.ts',
  'e2e/as-of-load.e2e.test.ts',
  'e2e/http-hardening.e2e.test.ts',
  'e2e/rate-limits.e2e.test.ts',
  'e2e/kurrentdb-unreachable.e2e.test.ts',
];

/**
 * The other files mostly wait on processes of their own (a server, Chromium, nginx), so they run side by side: at
 * least two at once, Vitest's default on two cores being one.
 */
const SIDE_BY_SIDE = Math.max(2, availableParallelism());

export default mergeConfig(
  shared,
  defineConfig({
    test: {
      globalSetup: ['support/global-setup.ts'],
      projects: [
        {
          extends: true,
          test: { name: 'side-by-side', exclude: [...configDefaults.exclude, ...ALONE], maxWorkers: SIDE_BY_SIDE },
        },
        {
          extends: true,
          test: { name: 'alone', include: ALONE, fileParallelism: false, sequence: { groupOrder: 1 } },
        },
      ],
    },
  }),
);
