import { spawn } from 'node:child_process';
import { BUNDLE, ROOT } from './server-process.ts';

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * `qingmiao …` as its own process from the repository root, the way the backup unit runs it
 * (deploy/qingmiao-backup): `node services/api/dist/qingmiao.mjs`, the production bundle the global setup builds
 * (`npm run qingmiao`, the same CLI from the sources through tsx, is what the README's blocks run). The environment
 * is the test's without DEBUG (which adds stack traces), plus `env`; a variable set to undefined there is removed.
 */
export function runCli(
  args: readonly string[],
  env: Readonly<Record<string, string | undefined>> = {},
): Promise<CliResult> {
  const environment: NodeJS.ProcessEnv = { ...process.env, DEBUG: undefined, ...env };
  for (const [name, value] of Object.entries(environment)) if (value === undefined) delete environment[name];
  const child = spawn(process.execPath, [BUNDLE, ...args], {
    cwd: ROOT,
    env: environment,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}
