/**
 * The small shared harness of the benchmark suite: the run mode and its sizes, medians and percentiles, ratio
 * formatting and the markdown pieces every benchmark writes into BENCHMARKS.md.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (where `npm run bench` runs and BENCHMARKS.md is written). */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface Mode {
  readonly quick: boolean;
  /** Runs per figure; the figure is their median. */
  readonly runs: number;
  /** Seconds of one throughput sample (appends). */
  readonly sampleSeconds: number;
  /** Seconds of one HTTP load sample. */
  readonly loadSeconds: number;
  /** Events of the projection catch-up benchmark, and its runs (a 1M-event rebuild takes a minute or two). */
  readonly catchUpEvents: number;
  readonly catchUpRuns: number;
  /** Log sizes of the growth benchmark. */
  readonly growthSizes: readonly number[];
}

export function modeFrom(argv: readonly string[]): Mode {
  const quick = argv.includes('--quick');
  return quick
    ? {
        // A smoke run: every benchmark end to end, twice, briefly; the larger growth log is participation's (made once).
        quick,
        runs: 2,
        sampleSeconds: 1,
        loadSeconds: 2,
        catchUpEvents: 20_000,
        catchUpRuns: 2,
        growthSizes: [10_000, 30_000],
      }
    : {
        quick,
        runs: 5,
        sampleSeconds: 4,
        loadSeconds: 8,
        catchUpEvents: 1_000_000,
        catchUpRuns: 3,
        growthSizes: [10_000, 100_000, 1_000_000],
      };
}

/** What a benchmark module hands back: a markdown section and its headline figures for the summary. */
export interface Section {
  readonly title: string;
  readonly markdown: string;
  readonly headlines: readonly Headline[];
}

interface Headline {
  readonly benchmark: string;
  readonly figure: string;
  readonly goal: string;
  /** undefined when the goal could not be evaluated (e.g. the baseline could not run). */
  readonly met: boolean | undefined;
}

export interface Context {
  readonly mode: Mode;
  /** A temporary folder of this run, removed at the end. */
  readonly work: string;
  log(message: string): void;
}

export function makeWorkDir(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'qingmiao-bench-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Nearest-rank percentile (p in 0..100) of unsorted samples. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = Float64Array.from(values).sort();
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] as number;
}

export function formatNumber(value: number, digits = 0): string {
  if (!Number.isFinite(value)) return 'n/a';
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** A rate, a latency or a size with a sensible number of digits. */
export function rate(value: number): string {
  return formatNumber(value, value < 100 ? 1 : 0);
}

export function ms(value: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  return `${formatNumber(value, value < 10 ? 2 : value < 100 ? 1 : 0)} ms`;
}

export function bytes(value: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let v = value;
  let unit = 0;
  while (v >= 1024 && unit < units.length - 1) {
    v /= 1024;
    unit++;
  }
  return `${formatNumber(v, unit === 0 ? 0 : 1)} ${units[unit]}`;
}

/** subject / baseline as "0.85×" (or "85 %" when asked). */
export function ratio(subject: number, baseline: number, style: 'times' | 'percent' = 'times'): string {
  if (!Number.isFinite(subject) || !Number.isFinite(baseline) || baseline === 0) return 'n/a';
  const r = subject / baseline;
  if (style === 'percent') return `${formatNumber(r * 100, r < 0.1 ? 1 : 0)} %`;
  return `${formatNumber(r, r < 10 ? 2 : 1)}×`;
}

export function yesNo(met: boolean | undefined): string {
  return met === undefined ? 'n/a' : met ? 'met' : '**not met**';
}

/** A GitHub markdown table; cells are escaped for pipes. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const esc = (cell: string) => cell.replaceAll('|', '\\|');
  const line = (cells: readonly string[]) => `| ${cells.map(esc).join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** "a, b, c" of per-run values, for the tables' "runs" column. */
export function runsOf(values: readonly number[], format: (value: number) => string = rate): string {
  return values.map(format).join(', ');
}

export const sleep = (milliseconds: number) => new Promise((resolve) => setTimeout(resolve, milliseconds));
