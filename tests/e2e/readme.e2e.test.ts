import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeDataDir, type ServerProcess, startServerProcess, TEST_SECRET } from '../support/server-process.ts';

const ROOT = new URL('../../', import.meta.url);
const run = promisify(execFile);

/** The README's "Example session" block, exactly as a newcomer would paste it. */
function exampleSession(): string {
  const readme = readFileSync(new URL('README.md', ROOT), 'utf8');
  const section = readme.slice(readme.indexOf('## Example session'));
  const block = section.match(/```bash\n([\s\S]*?)```/)?.[1];
  if (!block) throw new Error('README has no example session block');
  return block;
}

describe('README example session', () => {
  let server: ServerProcess;

  beforeAll(async () => {
    server = await startServerProcess();
  });

  afterAll(async () => {
    await server?.stop();
    if (server) removeDataDir(server.dataDir);
  });

  it('works when pasted into a shell', async () => {
    const script = exampleSession().replaceAll('http://localhost:4000', server.url);
    const { stdout } = await run('bash', ['-euo', 'pipefail', '-c', script], {
      cwd: ROOT,
      env: { ...process.env, QINGMIAO_DATA_DIR: server.dataDir, QINGMIAO_AUTH_SECRET: TEST_SECRET },
      timeout: 60_000,
    });
    const answers = stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { data?: Record<string, unknown>; errors?: unknown[] });
    expect(answers.length).toBe(6);
    for (const answer of answers) expect(answer.errors, JSON.stringify(answer)).toBeUndefined();
    const participation = answers.at(-1)?.data?.participation;
    expect(participation).toEqual([
      {
        key: 'tc-shiyan',
        label: '太仓市实验小学',
        entries: 1,
        students: 1,
        participants: 1,
        enrolled: 1200,
        participationRate: 1 / 1200,
      },
    ]);
  });
});
