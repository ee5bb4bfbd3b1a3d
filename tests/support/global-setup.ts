import { prepareWebApp } from '@qingmiao/api';

/**
 * The web app every started server serves, built once before any test file runs (on a clean clone Vite takes its
 * seconds here, not inside the first server start of whichever files run first, each waiting on the build lock).
 */
export default function setup(): void {
  prepareWebApp();
}
