import { defineConfig, mergeConfig } from 'vitest/config';
import shared from '../vitest.shared.ts';

/**
 * One file at a time (Vitest's default on two cores): the files start servers, Chromium and nginx of their own, and
 * two at once on two cores starved each other into timeouts without finishing sooner.
 */
export default mergeConfig(shared, defineConfig({ test: { globalSetup: ['support/global-setup.ts'] } }));
