/**
 * Descriptive statistics of rounds and batches.
 * Quantiles: linear interpolation between order statistics (Hyndman & Fan 1996, type 7; R's default,
 * the same as tinybench), so quantile([1..6], 0.75) = 4.75.
 */
import type { Better, Round, Summary } from '../types.js';

/** Sorted ascending; produced only by `sortedOf`, so quantile functions can trust their input. */
export type SortedSamples = readonly number[] & { readonly __sorted: unique symbol };

export function sortedOf(xs: readonly number[]): SortedSamples {
  return [...xs].sort((a, b) => a - b) as unknown as SortedSamples;
}

/** Type-7 quantile of sorted samples, p in [0, 1]. NaN for an empty input. */
export function quantileSorted(s: SortedSamples, p: number): number {
  const n = s.length;
  if (n === 0) return Number.NaN;
  const h = (n - 1) * Math.min(1, Math.max(0, p));
  const lo = Math.floor(h);
  const a = s[lo] as number;
  const b = s[Math.min(n - 1, lo + 1)] as number;
  return a + (h - lo) * (b - a);
}

export function median(xs: readonly number[]): number {
  return quantileSorted(sortedOf(xs), 0.5);
}

export function mean(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}

/** Sample standard deviation (n - 1); 0 for fewer than two values. */
export function stddev(xs: readonly number[]): number {
  if (xs.length < 2) return 0;
  const m = mean(xs);
  let s = 0;
  for (const x of xs) s += (x - m) ** 2;
  return Math.sqrt(s / (xs.length - 1));
}

/** Summary of a workload's rounds. p99 is taken in the worse direction of the metric. */
export function summarize(rounds: readonly Round[], better: Better): Summary {
  const figs = rounds.map((r) => r.figure);
  const all = sortedOf(rounds.flatMap((r) => r.samples));
  const steals = rounds.map((r) => r.stealPct).filter((x): x is number => x !== null);
  const m = mean(figs);
  return {
    rounds: rounds.length,
    median: median(figs),
    mean: m,
    min: Math.min(...figs),
    max: Math.max(...figs),
    cv: m !== 0 ? stddev(figs) / Math.abs(m) : 0,
    p50: quantileSorted(all, 0.5),
    p99: quantileSorted(all, better === 'lower' ? 0.99 : 0.01),
    stealPct: steals.length ? mean(steals) : null,
  };
}
