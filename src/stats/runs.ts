/**
 * Replicate runs as the top level of the comparison (Kalibera & Jones 2013, "Rigorous benchmarking in
 * reasonable time": a run is one launch of the probe, and the rounds of one run share its conditions, so
 * run-to-run variation cannot be seen from inside one run).
 *
 * Per side, each run's figure is f_r = ln median(its round figures); d = s·(mean f_cand - mean f_base),
 * s = +1 for lower-is-better, -1 for higher-is-better (d > 0: candidate worse), as in bootstrap.ts.
 *
 * Interval:
 * - 2-5 runs on each side: Welch's t interval across the run figures (Welch 1947),
 *   d ± t_ν(1-α/2)·sqrt(s²_B/m_B + s²_C/m_C), ν by Welch-Satterthwaite. With so few runs a bootstrap
 *   over runs treats a spread seen among 2-5 values as known, and cannot cover (a bootstrap over 3 runs
 *   has at most 10 distinct means); the t interval carries the uncertainty of the spread itself.
 * - one run on one side and several on the other: the run-to-run spread of the side with several runs
 *   stands for both (the gate's case: k baseline runs against one current run), ν = m - 1. Said in a note.
 * - 6 or more runs on each side: the three-level bootstrap below, percentile interval widened by
 *   t_ν/z as in bootstrap.ts.
 * Replicates for the overall index always come from the three-level bootstrap: resample runs, then the
 * rounds within each drawn run, then batches within each round (stage 2 from bootstrap.ts's pools); for
 * a t interval they are rescaled through `widening` so that the index sees the t interval's width.
 * p-value: Welch's t test on the run figures (a rank test over pooled rounds would treat rounds of one
 * run as independent of each other, which is exactly the error this module exists to avoid).
 */
import { buildPool, hashSide, medianInPlace, medianOf, type SideInput } from './bootstrap.js';
import { normQuantile, tCdf, tQuantile } from './distributions.js';
import { createRng } from './random.js';

/** Runs per side from which the three-level bootstrap interval replaces the t interval. */
export const RUNS_FOR_BOOTSTRAP = 6;

export interface RunsOptions {
  better: 'lower' | 'higher';
  resamples: number;
  level: number;
  seed: number;
}

export interface RunsResult {
  point: number;
  lo: number;
  hi: number;
  method: 'runs-t' | 'runs-bootstrap';
  /** Run figures per side (ln median of each run's rounds). */
  baseRuns: number;
  candRuns: number;
  /** Standard error of d and its degrees of freedom. */
  se: number;
  nu: number;
  /** Welch t two-sided p-value (1 when there is no spread). */
  pValue: number;
  /** True when one side had one run and borrowed the other side's run-to-run spread. */
  sharedSpread: boolean;
  /** Three-level bootstrap replicates of d (for the overall index), their variance, and the widening. */
  replicates: Float64Array;
  variance: number;
  widening: number;
  /** The interval at another confidence level (same data, same replicates). */
  intervalAt(level: number): { lo: number; hi: number };
}

function variance(xs: readonly number[]): number {
  const n = xs.length;
  if (n < 2) return 0;
  const m = xs.reduce((a, x) => a + x, 0) / n;
  return xs.reduce((a, x) => a + (x - m) ** 2, 0) / (n - 1);
}

/** Three-level bootstrap replicates of one side's mean run figure. */
function sideReplicates(runs: readonly SideInput[], opts: RunsOptions, seed: number): Float64Array {
  const rng = createRng(seed);
  const pools = runs.map((r) => ({ ...buildPool(r, opts.better, opts.resamples, rng), n: r.figures.length }));
  const m = runs.length;
  const maxN = Math.max(...pools.map((p) => p.n));
  const buf = new Float64Array(maxN);
  const reps = new Float64Array(opts.resamples);
  for (let b = 0; b < opts.resamples; b++) {
    let sum = 0;
    for (let j = 0; j < m; j++) {
      const p = pools[m === 1 ? 0 : rng.below(m)] as { pool: Float64Array; k: number; n: number };
      const total = p.n * p.k;
      for (let i = 0; i < p.n; i++) buf[i] = p.pool[rng.below(total)] as number;
      sum += Math.log(medianInPlace(buf, p.n));
    }
    reps[b] = sum / m;
  }
  return reps;
}

/** Compare two sides given as lists of runs (each run: its rounds). At least one side needs 2 runs. */
export function compareRuns(base: readonly SideInput[], cand: readonly SideInput[], opts: RunsOptions): RunsResult {
  const mB = base.length;
  const mC = cand.length;
  if (mB < 1 || mC < 1 || mB + mC < 3) throw new Error('compareRuns needs at least one run per side and two on one side');
  const s = opts.better === 'lower' ? 1 : -1;
  const fig = (r: SideInput) => Math.log(medianOf(r.figures));
  const fB = base.map(fig);
  const fC = cand.map(fig);
  const mean = (xs: number[]) => xs.reduce((a, x) => a + x, 0) / xs.length;
  const point = s * (mean(fC) - mean(fB));
  const vB = variance(fB);
  const vC = variance(fC);
  let se: number;
  let nu: number;
  let sharedSpread = false;
  if (mB >= 2 && mC >= 2) {
    const a = vB / mB;
    const c = vC / mC;
    se = Math.sqrt(a + c);
    nu = a + c > 0 ? (a + c) ** 2 / ((a * a) / (mB - 1) + (c * c) / (mC - 1)) : Number.POSITIVE_INFINITY;
  } else {
    sharedSpread = true;
    const v = mB >= 2 ? vB : vC;
    se = Math.sqrt(v * (1 / mB + 1 / mC));
    nu = Math.max(mB, mC) - 1;
  }

  const joined = (runs: readonly SideInput[]): SideInput => ({ figures: runs.flatMap((r) => r.figures), samples: runs.flatMap((r) => r.samples) });
  const hB = hashSide(joined(base));
  let hC = hashSide(joined(cand));
  if (hC === hB) hC = (hC + 1) | 0;
  const rb = sideReplicates(base, opts, (opts.seed ^ hB) | 0);
  const rc = sideReplicates(cand, opts, (opts.seed ^ hC) | 0);
  const B = opts.resamples;
  const replicates = new Float64Array(B);
  let m1 = 0;
  for (let b = 0; b < B; b++) {
    const v = s * ((rc[b] as number) - (rb[b] as number));
    replicates[b] = v;
    m1 += v;
  }
  m1 /= B;
  let v2 = 0;
  for (let b = 0; b < B; b++) v2 += ((replicates[b] as number) - m1) ** 2;
  const repVar = B > 1 ? v2 / (B - 1) : 0;
  const sorted = Float64Array.from(replicates).sort();
  const useBootstrap = mB >= RUNS_FOR_BOOTSTRAP && mC >= RUNS_FOR_BOOTSTRAP;

  const intervalAt = (level: number): { lo: number; hi: number } => {
    const q = 1 - (1 - level) / 2;
    if (useBootstrap) {
      const c = Number.isFinite(nu) && nu > 0 ? Math.max(1, tQuantile(q, nu) / normQuantile(q)) : 1;
      const k = Math.min(B - 1, Math.max(0, Math.floor((B + 1) * (1 - q)) - 1));
      return { lo: Math.min(point, point - c * (point - (sorted[k] as number))), hi: Math.max(point, point + c * ((sorted[B - 1 - k] as number) - point)) };
    }
    const t = Number.isFinite(nu) ? tQuantile(q, nu) : normQuantile(q);
    return { lo: point - t * se, hi: point + t * se };
  };
  const { lo, hi } = intervalAt(opts.level);
  const q = 1 - (1 - opts.level) / 2;
  const zq = normQuantile(q);
  // The index sees this row's interval width: replicate spread times `widening` ~ the interval's half-width.
  const widening = repVar > 0 && hi > lo ? (hi - lo) / 2 / (zq * Math.sqrt(repVar)) : 1;
  const tStat = se > 0 ? Math.abs(point) / se : point === 0 ? 0 : Number.POSITIVE_INFINITY;
  const pValue = se > 0 ? Math.min(1, 2 * (1 - tCdf(tStat, nu))) : 1;
  return {
    point,
    lo,
    hi,
    method: useBootstrap ? 'runs-bootstrap' : 'runs-t',
    baseRuns: mB,
    candRuns: mC,
    se,
    nu,
    pValue,
    sharedSpread,
    replicates,
    variance: repVar,
    widening,
    intervalAt,
  };
}
