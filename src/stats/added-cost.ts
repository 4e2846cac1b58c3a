/**
 * Added time per operation (issue 22, docs/compare.md): for workloads whose figure is a time per operation
 * (lower is better, unit `ns/...`, `us/...`, `ms/...` or a bare `ns`/`us`/`ms`: sys.*, mem.pagefault,
 * mem.latency, proc.spawn, sched.ctxswitch, io.* at queue depth 1, net.tcp-rtt, net.http), the candidate's time
 * per operation minus the base's, in the workload's unit, with its interval. It is the platform's own cost,
 * independent of the caller's share: Node's ~0.8 us of its own per stat dilutes the ratio of a stat loop but not
 * the added microseconds, which a C loop and virtax agree on. `advise --app` prices operations with it.
 *
 * The same estimand and method as the row's overhead, on the linear scale:
 * - one run per side: medC - medB of the round figures; exact bootstrap distribution of the two medians
 *   (bootstrap.ts, Maritz & Jarrett 1978) where small enough, else seeded Monte Carlo over rounds; percentile
 *   interval widened by t_ν/z (ν from the two sides' bootstrap variances);
 * - replicate runs: Welch's t interval across the runs' median figures (runs.ts);
 * - paired duel rounds: Hodges-Lehmann on per-pair differences with the Walsh-average interval (paired.ts).
 */
import { mean, sampleVariance } from './describe.js';
import {
  atomsQuantiles,
  atomsVariance,
  differenceAtoms,
  EXACT_PAIRS_LIMIT,
  exactMedianDistribution,
  medianOf,
  welchSatterthwaite,
  wideningAt,
} from './bootstrap.js';
import { hodgesLehmann, walshInterval } from './paired.js';
import { createRng } from './random.js';
import { tInterval, welch } from './runs.js';
import type { AddedCost } from './types.js';

/** Whether a workload's figure is a time per operation (so that a difference of figures is an added time per operation). */
export function isTimePerOperation(unit: string, better: 'lower' | 'higher'): boolean {
  return better === 'lower' && /^(ns|us|µs|ms)(\/[A-Za-z-]+)?$/.test(unit);
}

/** Added time per operation from one run per side (each side's round figures, two or more each). */
export function addedCostOfRounds(
  base: readonly number[],
  cand: readonly number[],
  unit: string,
  o: { level: number; seed: number; resamples: number },
): AddedCost {
  const point = medianOf(cand) - medianOf(base);
  const p = (1 - o.level) / 2;
  let qLo: number;
  let qHi: number;
  let vB: number;
  let vC: number;
  const atoms = (n: number) => (n % 2 === 1 ? n : (n * (n + 1)) / 2);
  if (atoms(base.length) * atoms(cand.length) <= EXACT_PAIRS_LIMIT) {
    const b = exactMedianDistribution(base, false);
    const c = exactMedianDistribution(cand, false);
    vB = atomsVariance(b);
    vC = atomsVariance(c);
    ({ lo: qLo, hi: qHi } = atomsQuantiles(differenceAtoms(b, c, 1), p));
  } else {
    const rng = createRng(o.seed);
    const draw = (xs: readonly number[]) => {
      const buf = new Float64Array(xs.length);
      for (let i = 0; i < xs.length; i++) buf[i] = xs[rng.below(xs.length)] as number;
      return medianOf([...buf]);
    };
    const reps: number[] = [];
    const mb: number[] = [];
    const mc: number[] = [];
    for (let b = 0; b < o.resamples; b++) {
      const x = draw(base);
      const y = draw(cand);
      mb.push(x);
      mc.push(y);
      reps.push(y - x);
    }
    reps.sort((x, y) => x - y);
    const k = Math.max(0, Math.floor((reps.length + 1) * p) - 1);
    qLo = reps[k] as number;
    qHi = reps[reps.length - 1 - k] as number;
    vB = sampleVariance(mb);
    vC = sampleVariance(mc);
  }
  const c = wideningAt(o.level, welchSatterthwaite(vB, vC, base.length, cand.length));
  return {
    point,
    lo: Math.min(point, point - c * (point - qLo)),
    hi: Math.max(point, point + c * (qHi - point)),
    level: o.level,
    unit,
    method: 'percentile',
  };
}

/** Added time per operation from replicate runs: each run's median figure, Welch across runs. */
export function addedCostOfRuns(base: readonly number[], cand: readonly number[], unit: string, level: number): AddedCost {
  const point = mean(cand) - mean(base);
  const { se, nu } = welch(base, cand);
  const { lo, hi } = tInterval(point, se, nu, level);
  return { point, lo, hi, level, unit, method: 'runs-t' };
}

/** Added time per operation from paired rounds: Hodges-Lehmann of cand - base per pair, Walsh-average interval. */
export function addedCostOfPairs(base: readonly number[], cand: readonly number[], unit: string, level: number): AddedCost {
  const d = cand.map((c, i) => c - (base[i] as number));
  const point = hodgesLehmann(d);
  const w = walshInterval(d, level);
  return { point, lo: Math.min(point, w.lo), hi: Math.max(point, w.hi), level, unit, method: 'walsh' };
}
