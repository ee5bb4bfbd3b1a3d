import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Role } from '@qingmiao/schema';
import { Kind, parse } from 'graphql';
import { marked, type Token, type Tokens } from 'marked';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataOf, type GraphQLResult, readAnswer } from '../support/graphql-http.ts';
import { ROOT, removeDataDir, type ServerProcess, startServerProcess, TEST_SECRET } from '../support/server-process.ts';

/**
 * README's examples, run as a newcomer would run them, in order, against a server started on an empty data dir:
 * shell blocks pasted into one shell (variables and functions carry over from block to block), GraphQL blocks sent
 * as GraphiQL sends them with the token their first line names. A block not meant to run says why in an HTML
 * comment right before it (`<!-- not run: … -->`); `text` blocks are pictures, not code.
 */

const README = join(ROOT, 'README.md');
/** What the README's export example writes into the repository folder; removed before and after. */
const WORKBOOK = join(ROOT, 'participation-2022.xlsx');
const NOT_RUN = /^<!--\s*not run:\s*(\S.*?)\s*-->$/s;

interface Block {
  readonly lang: string;
  readonly text: string;
  /** Why it is not run, from the comment before it; undefined for a block that runs. */
  readonly notRun: string | undefined;
}

/** Fenced code blocks in document order, each with the `not run` comment that precedes it, if any. */
function codeBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  let previous: Token | undefined;
  const visit = (tokens: readonly Token[]) => {
    for (const token of tokens) {
      if (token.type === 'space') continue;
      if (token.type === 'code') {
        const { lang = '', text } = token as Tokens.Code;
        const comment = previous?.type === 'html' ? (previous as Tokens.HTML).text.trim() : '';
        blocks.push({ lang, text, notRun: NOT_RUN.exec(comment)?.[1] });
      }
      previous = token;
      if (token.type === 'list') visit((token as Tokens.List).items.flatMap((item) => item.tokens));
      if (token.type === 'blockquote') visit((token as Tokens.Blockquote).tokens);
    }
  };
  visit(marked.lexer(markdown));
  return blocks;
}

/** `# as organizer`, `# as viewer`, `# as school tc-shiyan`, `# as judge judge-wang` on a GraphQL block's first line. */
function tokenHolder(block: string): { role: Role; sub?: string; schoolId?: string } {
  const match = /^# as (organizer|viewer|school|judge)(?: (\S+))?\s*$/.exec(block.split('\n')[0] ?? '');
  if (!match) throw new Error(`a GraphQL block must say whose token it takes on its first line:\n${block}`);
  const role = Role.parse(match[1]);
  if (role === 'school') return { role, ...(match[2] ? { schoolId: match[2] } : {}) };
  return { role, ...(match[2] ? { sub: match[2] } : {}) };
}

/**
 * One bash for the whole README, as a second terminal would be: each block is sourced in it (stdin from /dev/null so
 * nothing reads the blocks that follow) and followed by a marker that says it finished. `set -euo pipefail` makes a
 * failing command end the shell, and with it the test, naming the block. Closing kills the shell's process group.
 */
class Shell {
  readonly #child: ChildProcessWithoutNullStreams;
  readonly #dir = mkdtempSync(join(tmpdir(), 'qingmiao-readme-'));
  #stdout = '';
  #stderr = '';
  #exit: number | null | undefined;
  #waiting: (() => void) | undefined;

  constructor(env: NodeJS.ProcessEnv) {
    // A process group of its own, so that whatever a block leaves running ends with the shell.
    this.#child = spawn('bash', ['--noprofile', '--norc'], {
      cwd: ROOT,
      env,
      detached: true,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.#child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      this.#stdout += chunk;
      this.#waiting?.();
    });
    this.#child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      this.#stderr += chunk;
    });
    this.#child.once('exit', (code) => {
      this.#exit = code;
      this.#waiting?.();
    });
    this.#child.stdin.write('set -euo pipefail\n');
  }

  /** Runs a block and gives what it printed on stdout. */
  async run(script: string, timeoutMs: number): Promise<string> {
    const file = join(this.#dir, `${randomUUID()}.sh`);
    writeFileSync(file, script);
    const marker = `README-BLOCK-DONE-${randomUUID()}`;
    this.#stdout = '';
    this.#stderr = '';
    this.#child.stdin.write(`source '${file}' </dev/null\nprintf '\\n%s\\n' '${marker}'\n`);
    const deadline = Date.now() + timeoutMs;
    while (!this.#stdout.includes(`\n${marker}\n`)) {
      if (this.#exit !== undefined || Date.now() > deadline) {
        const why =
          this.#exit === undefined ? `did not finish within ${timeoutMs} ms` : `ended the shell (${this.#exit})`;
        throw new Error(`README block ${why}:\n${script}\n--- stdout\n${this.#stdout}\n--- stderr\n${this.#stderr}`);
      }
      await new Promise<void>((resolve) => {
        this.#waiting = resolve;
        setTimeout(resolve, 200);
      });
    }
    return this.#stdout.slice(0, this.#stdout.indexOf(`\n${marker}\n`));
  }

  close(): void {
    try {
      if (this.#child.pid !== undefined) process.kill(-this.#child.pid, 'SIGKILL');
    } catch {
      // the group is gone already
    }
    rmSync(this.#dir, { recursive: true, force: true });
  }
}

/** The GraphQL answers a shell block printed: its JSON lines. */
function answersIn(stdout: string): GraphQLResult<Record<string, unknown>>[] {
  return stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => readAnswer(200, line));
}

describe('README', () => {
  let server: ServerProcess;
  let shell: Shell;

  beforeAll(async () => {
    rmSync(WORKBOOK, { force: true });
    server = await startServerProcess();
    shell = new Shell({ ...process.env, QINGMIAO_DATA_DIR: server.dataDir, QINGMIAO_AUTH_SECRET: TEST_SECRET });
  });

  afterAll(async () => {
    shell?.close();
    rmSync(WORKBOOK, { force: true });
    await server?.stop();
    if (server) removeDataDir(server.dataDir);
  });

  it('marks every block that is not run with a reason, and runs only bash and GraphQL', () => {
    for (const block of codeBlocks(readFileSync(README, 'utf8'))) {
      if (block.notRun !== undefined || block.lang === 'text') continue;
      expect(['bash', 'graphql'], `a block of language "${block.lang}":\n${block.text}`).toContain(block.lang);
    }
  });

  it('runs every example in order, as pasted, from an empty data dir, and each answer carries no errors', async () => {
    const blocks = codeBlocks(readFileSync(README, 'utf8')).filter(
      (block) => block.notRun === undefined && (block.lang === 'bash' || block.lang === 'graphql'),
    );
    let answers = 0;
    for (const block of blocks) {
      if (block.lang === 'bash') {
        const stdout = await shell.run(block.text.replaceAll('http://localhost:4000', server.url), 120_000);
        const printed = answersIn(stdout);
        // Every `gql` whose answer is not kept in a variable prints exactly one answer.
        expect(printed.length, `answers of:\n${block.text}\n---\n${stdout}`).toBe(
          block.text.split('\n').filter((line) => line.startsWith('gql ')).length,
        );
        for (const answer of printed) {
          expect(answer.errors, JSON.stringify(answer)).toBeUndefined();
          expect(answer.data, JSON.stringify(answer)).toBeTruthy();
        }
        answers += printed.length;
        continue;
      }
      const holder = tokenHolder(block.text);
      const token = await server.token(holder.role, holder);
      const operations = parse(block.text).definitions.filter(
        (definition) => definition.kind === Kind.OPERATION_DEFINITION,
      );
      for (const operation of operations) {
        const response = await fetch(`${server.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({ query: block.text, operationName: operation.name?.value }),
        });
        const answer = readAnswer<Record<string, unknown>>(response.status, await response.text());
        expect(answer.errors, `${block.text}\n${JSON.stringify(answer)}`).toBeUndefined();
        expect(response.status).toBe(200);
        expect(answer.data).toBeTruthy();
        answers++;
      }
    }
    expect(answers).toBeGreaterThan(30);

    // What the examples did is there: the session's figures, a published contest, a delivered lecture, a rated
    // application that names nobody, next year's copy, and the downloaded workbook.
    const organizer = await server.token('organizer');
    const state = dataOf(
      await server.graphql(
        `{
          participation(year: 2022, groupBy: SCHOOL) { key entries students enrolled }
          contest: campaign(id: "tongxin-2022") { status awardsGranted entries { title prize } }
          lectures: campaign(id: "dangshi-2022") { sessionsDelivered audience }
          rating: campaign(id: "xingji-2022") { entries { stars participants { name } } }
          copy: campaign(id: "dangshi-2023") { status copiedFrom }
        }`,
        {},
        organizer,
      ),
    );
    expect(state).toMatchObject({
      participation: [{ key: 'tc-shiyan', entries: 5, students: 2, enrolled: 1200 }],
      contest: { status: 'RESULTS_PUBLISHED', awardsGranted: 1 },
      lectures: { sessionsDelivered: 1, audience: 150 },
      rating: { entries: [{ stars: 4, participants: [] }] },
      copy: { status: 'DRAFT', copiedFrom: 'dangshi-2022' },
    });
    expect(state.contest).toMatchObject({
      entries: expect.arrayContaining([{ title: '红领巾心向党,童心喜迎二十大', prize: 'FIRST' }]),
    });
    expect(readFileSync(WORKBOOK).subarray(0, 2).toString()).toBe('PK');
  }, 300_000);
});
