/**
 * `npm run bench` — the benchmark suite. Every figure is measured beside its baseline in the same run and given
 * as a ratio; figures are medians of several runs. Writes BENCHMARKS.md at the repository root.
 *
 *   npm run bench                 full sizes (5 runs; catch-up and growth to 1M events; ~10 min on 2 cores)
 *   npm run bench -- --quick      CI smoke sizes (2 runs; 20k / 30k events; about 2 min). Asserts no figure; exits 1 when a benchmark fails.
 *   --only 1,3,6                  a subset (1 = appends incl. 1b and 2, 3 = submitEntry, 4 = catch-up,
 *                                 5 = participation, 6 = growth, 7 = uploads, 8 = the web app in Chromium,
 *                                 9 = what encrypting personal data costs appends and catch-up)
 *   --out FILE                    write somewhere else than BENCHMARKS.md
 *   --profile DIR                 run the servers under `node --cpu-prof` and keep their profiles in DIR
 *
 * Benchmark 1b's baseline (Emmett on node-sqlite3) is not installed by `npm ci`: the first run of benchmark 1
 * installs it into scripts/bench/emmett (`npm run bench:emmett`, which compiles node-sqlite3's SQLite).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, release, totalmem } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { appendBenchmarks, EMMETT_PACKAGE } from './appends.ts';
import { catchUpBenchmark } from './catch-up.ts';
import { encryptionBenchmark } from './encryption.ts';
import { growthBenchmark } from './growth.ts';
import {
  bytes,
  type Context,
  formatNumber,
  makeWorkDir,
  modeFrom,
  ROOT,
  type Section,
  table,
  yesNo,
} from './harness.ts';
import { submitBenchmark } from './http-submit.ts';
import { LogCache } from './log.ts';
import { participationBenchmark } from './participation-http.ts';
import { uploadBenchmark } from './uploads.ts';
import { webBenchmark } from './web.ts';

const argv = process.argv.slice(2);
const option = (name: string): string | undefined => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : argv.find((a) => a.startsWith(`${name}=`))?.slice(name.length + 1);
};
const mode = modeFrom(argv);
const only = option('--only')
  ?.split(',')
  .map((s) => s.trim())
  .filter(Boolean);
const out = resolve(ROOT, option('--out') ?? 'BENCHMARKS.md');
const profile = option('--profile');
if (profile) {
  const dir = isAbsolute(profile) ? profile : resolve(ROOT, profile);
  mkdirSync(dir, { recursive: true });
  process.env.QINGMIAO_BENCH_PROFILE_DIR = dir;
}
const command = `npm run bench${argv.length > 0 ? ` -- ${argv.join(' ')}` : ''}`;
const wanted = (id: string) => !only || only.includes(id);

function git(...args: string[]): string {
  try {
    return execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return 'unknown';
  }
}

function versionOf(pkg: string, from = ROOT): string {
  // Not every package exports its package.json: look for it on disk, as Node's resolution would find the package.
  for (let dir = from; ; dir = join(dir, '..')) {
    try {
      return (JSON.parse(readFileSync(join(dir, 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string })
        .version;
    } catch {
      if (dir === '/' || resolve(dir) === resolve(dir, '..')) return 'not installed';
    }
  }
}

/** A `## ` section of an existing file, heading included, up to the next `## ` heading. */
function keptSection(path: string, heading: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  const start = text.indexOf(`${heading}\n`);
  if (start < 0) return undefined;
  const next = text.slice(start + heading.length).search(/\n## /);
  return text.slice(start, next < 0 ? undefined : start + heading.length + next).trim();
}

function machine(): string[][] {
  const memory = new Database(':memory:');
  const sqlite = (memory.prepare('SELECT sqlite_version() AS v').get() as { v: string }).v;
  memory.close();
  const scripts = join(ROOT, 'scripts');
  const emmett = dirname(EMMETT_PACKAGE);
  return [
    ['CPU', `${cpus()[0]?.model ?? 'unknown'}`],
    ['cores', String(availableParallelism())],
    ['memory', bytes(totalmem())],
    ['OS', `Linux ${release()}`],
    ['Node', process.version],
    [`SQLite (better-sqlite3 ${versionOf('better-sqlite3')})`, sqlite],
    [
      'Emmett',
      `@event-driven-io/emmett-sqlite ${versionOf('@event-driven-io/emmett-sqlite', emmett)} on sqlite3 ${versionOf('sqlite3', emmett)}`,
    ],
    ['load generator', `autocannon ${versionOf('autocannon', scripts)}, in the benchmark process on the same machine`],
  ];
}

/** How many benchmarks failed: the file is still written, and the command fails, so CI sees it. */
let failed = 0;

async function main(): Promise<void> {
  const work = makeWorkDir();
  const started = Date.now();
  const loadBefore = loadavg();
  const commitBefore = git('rev-parse', '--short', 'HEAD');
  const log = (message: string) =>
    process.stderr.write(`[bench ${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${message}\n`);
  const ctx: Context = { mode, work: work.dir, log };
  const logs = new LogCache(work.dir);
  const sections: Section[] = [];
  const attempt = async (id: string, title: string, run: () => Promise<Section | Section[]>) => {
    if (!wanted(id)) return;
    log(`${title}…`);
    const t = Date.now();
    const before = loadavg()[0] ?? 0;
    try {
      const result = await run();
      const after = loadavg()[0] ?? 0;
      // Other work on the machine lowers figures: say how busy it was around each benchmark.
      const note = `\n\n_Load average (1 min) of the machine: ${before.toFixed(2)} before this benchmark, ${after.toFixed(2)} after._`;
      const list = Array.isArray(result) ? result : [result];
      sections.push(...list.map((section) => ({ ...section, markdown: `${section.markdown}${note}` })));
    } catch (error) {
      failed += 1;
      log(`${title} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      sections.push({
        title,
        markdown: `**This benchmark failed in this run:** \`${error instanceof Error ? error.message.split('\n')[0] : String(error)}\``,
        headlines: [{ benchmark: title, figure: 'failed', goal: '', met: undefined }],
      });
    }
    log(`${title} done in ${((Date.now() - t) / 1000).toFixed(0)} s`);
  };
  try {
    await attempt('1', '1/1b/2. appends', () => appendBenchmarks(ctx));
    await attempt('4', '4. projection catch-up', () => catchUpBenchmark(ctx, logs));
    await attempt('3', '3. submitEntry over HTTP', () => submitBenchmark(ctx));
    await attempt('5', '5. participation over HTTP', () => participationBenchmark(ctx, logs));
    await attempt('6', '6. cost as the log grows', () => growthBenchmark(ctx, logs));
    await attempt('7', '7. uploads', () => uploadBenchmark(ctx));
    await attempt('8', '8. the web app in the browser', () => webBenchmark(ctx));
    await attempt('9', '9. encryption of personal data', () => encryptionBenchmark(ctx, logs));
  } finally {
    work.remove();
  }
  const seconds = (Date.now() - started) / 1000;
  const loadAfter = loadavg();
  const order = ['1.', '2.', '3.', '4.', '5.', '6.', '7.', '8.', '9.'];
  sections.sort(
    (a, b) => order.findIndex((p) => a.title.startsWith(p)) - order.findIndex((p) => b.title.startsWith(p)),
  );
  const headlines = sections.flatMap((s) => s.headlines);
  const analysis = readFileSync(new URL('./analysis.md', import.meta.url), 'utf8').trim();
  // The long reliability load test writes its own section into the same file: carry it over.
  const kept = keptSection(out, '## Load (reliability)');
  const markdown = [
    '# Benchmarks',
    '',
    `Written by \`${command}\`${mode.quick ? ' — **quick mode**: a CI smoke run at small sizes with 2 runs per figure; the reference figures come from the full run (`npm run bench`)' : ''}. Each figure is measured beside its baseline in the same run and given as a ratio; figures are medians of ${mode.runs} runs. Every Qingmiao server runs the production bundle in the configuration the product ships with (QINGMIAO_LOG_LEVEL unset: info, one request log line per request, to a log collector process) unless its section says otherwise. Nothing here is asserted: goals are reported, met or not.`,
    '',
    table(
      ['', ''],
      [
        ['date', `${new Date(started).toISOString().slice(0, 16).replace('T', ' ')} UTC`],
        [
          'commit',
          `${commitBefore}${git('rev-parse', '--short', 'HEAD') === commitBefore ? '' : ` at the start, ${git('rev-parse', '--short', 'HEAD')} at the end (the tree changed during the run)`}${git('status', '--porcelain', '--untracked-files=no') ? ' (with uncommitted changes)' : ''}`,
        ],
        ['command', `\`${command}\``],
        ['duration', `${formatNumber(seconds / 60, 1)} min`],
        ...machine(),
        [
          'load average (1/5/15 min)',
          `before ${loadBefore.map((l) => l.toFixed(2)).join(' / ')}, after ${loadAfter.map((l) => l.toFixed(2)).join(' / ')}`,
        ],
        [
          'sizes',
          `catch-up ${formatNumber(mode.catchUpEvents)} events; growth ${mode.growthSizes.map((n) => formatNumber(n)).join(', ')} events${only ? `; only benchmarks ${only.join(', ')}` : ''}`,
        ],
      ],
    ),
    '',
    '## Summary',
    '',
    table(
      ['benchmark', 'figure', 'goal', 'result'],
      headlines.map((h) => [h.benchmark, h.figure, h.goal, yesNo(h.met)]),
    ),
    '',
    ...sections.flatMap((s) => [`## ${s.title}`, '', s.markdown, '']),
    analysis,
    '',
    ...(kept ? [kept, ''] : []),
  ].join('\n');
  // The repository lints markdown too (`biome ci .`): written as the formatter would write it. The text goes through
  // stdin, since biome ignores a path outside the repository (`--out` in a temporary directory, as CI does).
  let formatted = markdown;
  try {
    formatted = execFileSync(
      join(ROOT, 'node_modules', '.bin', 'biome'),
      ['format', '--stdin-file-path=BENCHMARKS.md'],
      {
        cwd: ROOT,
        input: markdown,
        encoding: 'utf8',
        stdio: ['pipe', 'pipe', 'ignore'],
      },
    );
  } catch {
    log(`could not format ${out} with biome: written unformatted, which \`biome ci\` refuses inside the repository`);
  }
  writeFileSync(out, formatted);
  log(`wrote ${out} in ${formatNumber(seconds / 60, 1)} min`);
}

await main();
// Child processes are stopped; close whatever else (e.g. autocannon agents) may still hold the loop.
if (failed > 0) console.error(`${failed} benchmark(s) failed; see the file`);
process.exit(failed > 0 ? 1 : 0);
