/**
 * Descriptive statistics of rounds and batches.
 * Quantiles: linear interpolation between order statistics (Hyndman & Fan 1996, type 7; R's default,
 * the same as tinybench), so quantile([1..6], 0.75) = 4.75. All from simple-statistics, whose quantileSorted is
 * type 7 (since 7.x) and whose mean and sample variance are the plain formulas with compensated sums; what is
 * hand-written here is only the project's edge conventions (NaN for nothing, no spread below two values).
 */
import {
  mean as ssMean,
  quantileSorted as ssQuantileSorted,
  sampleStandardDeviation,
  sampleVariance as ssSampleVariance,
} from 'simple-statistics';
import type { Better, Round, Summary } from '../types.js';

/** Sorted ascending; produced only by `sortedOf`, so quantile functions can trust their input. */
export type SortedSamples = readonly number[] & { readonly __sorted: unique symbol };

export function sortedOf(xs: readonly number[]): SortedSamples {
  return [...xs].sort((a, b) => a - b) as unknown as SortedSamples;
}

/** Type-7 quantile of sorted samples (simple-statistics), p clamped to [0, 1]. NaN for an empty input. */
export function quantileSorted(s: SortedSamples, p: number): number {
  return s.length === 0 ? Number.NaN : ssQuantileSorted(s as unknown as number[], Math.min(1, Math.max(0, p)));
}

export function median(xs: readonly number[]): number {
  return quantileSorted(sortedOf(xs), 0.5);
}

/** Arithmetic mean (simple-statistics, compensated summation); NaN for an empty input. */
export function mean(xs: readonly number[]): number {
  return xs.length === 0 ? Number.NaN : ssMean(xs as number[]);
}

/** Sample variance (n - 1, simple-statistics); 0 for fewer than two values. */
export function sampleVariance(xs: readonly number[]): number {
  return xs.length < 2 ? 0 : ssSampleVariance(xs as number[]);
}

/** Sample standard deviation (n - 1, simple-statistics); 0 for fewer than two values. */
export function stddev(xs: readonly number[]): number {
  return xs.length < 2 ? 0 : sampleStandardDeviation(xs as number[]);
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
