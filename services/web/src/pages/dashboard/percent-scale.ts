/**
 * The scale of a percentage axis: a round step, and as many decimals as that step needs, so that no two ticks read
 * the same (0.5%, 1.0%, 1.5% — never 1%, 1%, 2%). ECharts is given the step and the maximum rather than left to pick
 * them, because its own formatter knows nothing of the step and rounds neighbouring ticks to one text.
 */
export interface PercentScale {
  readonly max: number;
  readonly interval: number;
  /** Decimals of the step in percent: 0 for 10%, 1 for 0.5%, 2 for 0.25%. */
  readonly decimals: number;
}

/** Steps of a nice axis within one power of ten. */
const NICE = [1, 2, 2.5, 5, 10] as const;

/** Decimals a number needs to be written exactly (up to 6; beyond that floating point noise). */
function decimalsOf(value: number): number {
  for (let decimals = 0; decimals < 6; decimals += 1) {
    const scaled = value * 10 ** decimals;
    if (Math.abs(scaled - Math.round(scaled)) < 1e-6) return decimals;
  }
  return 6;
}

/**
 * A scale from 0 up to at least `largest` (a share, 0.125 = 12.5 %) in about `splits` steps; an empty or all-zero
 * series gets 0–1 %. `largest` above 1 (a target exceeded) stretches the axis likewise.
 */
export function percentScale(largest: number, splits = 5): PercentScale {
  const top = Number.isFinite(largest) && largest > 0 ? largest : 0.01;
  const raw = top / splits;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = NICE.map((nice) => nice * magnitude).find((candidate) => candidate >= raw * (1 - 1e-9)) ?? raw;
  // Rounded to the step's own precision, so that 0.1 + 0.2 noise does not leak into the labels.
  const interval = Number(step.toPrecision(6));
  const max = Number((Math.ceil(top / interval - 1e-9) * interval).toPrecision(12));
  return { max, interval, decimals: decimalsOf(interval * 100) };
}

/** A share as a percentage with fixed decimals: 0.015 → 1.5%. */
export function formatPercent(share: number, decimals: number): string {
  return `${(share * 100).toFixed(decimals)}%`;
}

/** The tick labels the axis shows, from 0 to max. */
export function percentTicks(scale: PercentScale): string[] {
  const steps = Math.round(scale.max / scale.interval);
  return Array.from({ length: steps + 1 }, (_, i) => formatPercent(i * scale.interval, scale.decimals));
}
