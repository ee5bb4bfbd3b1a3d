import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const FIXTURE = fileURLToPath(new URL('./fixtures/log-then-fail.ts', import.meta.url));
/** Far more than one asynchronous write takes: most lines are still in the logger's buffer when the process ends. */
const LINES = 20_000;

/** Runs the fixture in a process of its own, stdout a pipe as under a service manager; its log lines. */
function linesOf(how: string): { status: number | null; lines: number[] } {
  const run = spawnSync(process.execPath, ['--import', 'tsx', FIXTURE, how, String(LINES)], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const lines = run.stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => (JSON.parse(line) as { line: number }).line);
  return { status: run.status, lines };
}

describe('the asynchronous log', () => {
  it.each([
    ['throw', 1],
    ['reject', 1],
    ['exit', 3],
    ['end', 0],
  ])('reaches stdout whole and in order when the process ends by %s', (how, status) => {
    const result = linesOf(how);
    expect(result.status).toBe(status);
    expect(result.lines).toHaveLength(LINES);
    expect(result.lines.every((line, i) => line === i)).toBe(true);
  });
});
