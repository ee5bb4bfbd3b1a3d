import { execFileSync } from 'node:child_process';
import { prepareWebApp } from '@qingmiao/api';
import { ROOT } from './server-process.ts';

/**
 * Built once before any test file runs: the production bundle (with its web app) that every server process runs, and
 * the web app the in-process servers serve (on a clean clone Vite takes its seconds here, not inside the first
 * server start of whichever files run first, each waiting on the build lock).
 */
export default function setup(): void {
  execFileSync('npm', ['run', '--silent', 'build', '--workspace', '@qingmiao/api'], { cwd: ROOT, stdio: 'inherit' });
  prepareWebApp();
}
