import type { Browser } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { HAS_CHROMIUM, launchChromium } from './browser.ts';
import { removeDataDir, type ServerProcess, type StartOptions, startServerProcess } from './server-process.ts';

export interface BrowserSuite {
  readonly server: ServerProcess;
  readonly browser: Browser;
}

/**
 * A browser test file's server (the production configuration unless `options` say otherwise) and Chromium, started
 * before its tests and stopped after them, the server's data removed; nothing starts without Chromium (the file's
 * tests skip). A file's own `beforeAll` (its seed), registered after this call, runs once both are up. The function
 * returned gives both, and throws before they are.
 */
export function serverAndChromium(options: StartOptions = { env: { NODE_ENV: 'production' } }): () => BrowserSuite {
  let server: ServerProcess | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    if (!HAS_CHROMIUM) return;
    server = await startServerProcess(options);
    browser = await launchChromium();
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    if (server) removeDataDir(server.dataDir);
  });
  return () => {
    if (!server || !browser) throw new Error('the server and Chromium have not started');
    return { server, browser };
  };
}
