/**
 * Paired comparison of two sides measured round by round (the duel, docs/duel.md).
 *
 * Per pair i (round i of the base side and round i of the candidate, run back to back in random order):
 *   d_i = ln(worse-direction ratio) = ln(cand/base) for lower-is-better, ln(base/cand) for higher-is-better,
 * so d > 0 always means the candidate is worse.
 *
 * - Point estimate: the Hodges-Lehmann estimator of the pseudo-median of d (Hodges & Lehmann 1963): the
 *   median of the n(n+1)/2 Walsh averages (d_i + d_j)/2, i <= j. Robust to a stray round, efficient when
 *   the differences are near normal.
 * - Interval: the distribution-free Walsh-average interval that goes with the estimator (Tukey 1949;
 *   Hollander & Wolfe 1999, §3.3): with N = n(n+1)/2 sorted Walsh averages W_(1..N) and C the largest
 *   integer with P(T+ <= C - 1) <= α/2 under the exact signed-rank null, [W_(C), W_(N+1-C)] covers the
 *   pseudo-median with probability 1 - 2·P(T+ <= C - 1) >= 1 - α for any continuous symmetric
 *   distribution of d. When even [min, max] (C = 1) is below the level (n <= 5 at 95%), the widest
 *   interval is used and its real coverage 1 - 2/2^n (93.75% at n = 5) is stated in `achievedLevel`.
 *   Exact up to n = WALSH_EXACT_PAIRS (400), the normal approximation of C with continuity correction beyond. The percentile bootstrap over pairs
 *   used before covered only 88-89% at 5 pairs (an outside audit's simulation).
 * - Replicates: a percentile bootstrap over pairs (Efron & Tibshirani 1993, ch. 13) still supplies
 *   replicates for the overall index (seeded through createRng).
 * - p-value: Wilcoxon signed-rank test, two-sided (Wilcoxon 1945), zeros dropped; exact distribution for
 *   n <= 50 without ties (as scipy.stats.wilcoxon), otherwise the normal approximation with tie correction and continuity correction.
 * Multiplicity (Benjamini-Hochberg) and the overall index come from fdr.ts and overall.ts, as in compare.
 */
import type { Better } from '../types.js';
import { stddev } from './describe.js';
import { erfc, normQuantile } from './distributions.js';
import { pct } from './overall.js';
import type { Rng } from './random.js';
import type { Estimate } from './types.js';

/** Per-pair log ratios in the worse direction (positive = candidate worse). Inputs must be positive. */
export function pairedLogRatios(base: readonly number[], cand: readonly number[], better: Better): number[] {
  if (base.length !== cand.length) throw new Error(`paired figures differ in length (${base.length} vs ${cand.length})`);
  return base.map((b, i) => {
    const c = cand[i] as number;
    if (!(b > 0) || !(c > 0)) throw new Error(`pair ${i + 1} has a non-positive figure (${b}, ${c})`);
    return better === 'lower' ? Math.log(c / b) : Math.log(b / c);
  });
}

/** Median of the Walsh averages of `d` (taken by index through `idx` when given). NaN when empty. */
export function hodgesLehmann(d: readonly number[], idx?: ArrayLike<number>): number {
  const n = idx ? idx.length : d.length;
  if (n === 0) return Number.NaN;
  const at = (k: number) => (idx ? (d[idx[k] as number] as number) : (d[k] as number));
  const walsh = new Float64Array((n * (n + 1)) / 2);
  let w = 0;
  for (let i = 0; i < n; i++) {
    const x = at(i);
    for (let j = i; j < n; j++) walsh[w++] = (x + at(j)) / 2;
  }
  walsh.sort();
  const m = walsh.length;
  return m % 2 === 1 ? (walsh[(m - 1) / 2] as number) : ((walsh[m / 2 - 1] as number) + (walsh[m / 2] as number)) / 2;
}

/**
 * Exact null distribution of the signed-rank statistic T+ for n untied nonzero differences: P(T+ = s) for
 * s = 0..n(n+1)/2. Built as probabilities (each rank halves in or out), so it neither overflows nor loses
 * precision for large n, as counts of 2^n subsets would.
 */
function signedRankPmf(n: number): Float64Array {
  const max = (n * (n + 1)) / 2;
  const p = new Float64Array(max + 1);
  p[0] = 1;
  for (let r = 1; r <= n; r++) {
    const top = (r * (r + 1)) / 2;
    for (let s = top; s >= 0; s--) p[s] = ((p[s] as number) + (s >= r ? (p[s - r] as number) : 0)) / 2;
  }
  return p;
}

/** Up to this many pairs the Walsh interval's order statistic comes from the exact distribution (O(n³) work). */
export const WALSH_EXACT_PAIRS = 400;

/** Up to this many untied pairs the signed-rank p is exact (as scipy.stats.wilcoxon's default). */
export const SIGNED_RANK_EXACT_PAIRS = 50;

/** The smallest two-sided p-value the exact signed-rank test can give with n pairs: 2/2^n. */
export function signedRankMinP(n: number): number {
  return n <= 0 ? 1 : Math.min(1, 2 / 2 ** n);
}

/**
 * The Walsh-average (Tukey) interval for the Hodges-Lehmann estimate at `level` (see the file comment),
 * with the coverage it really has under the signed-rank null.
 */
export function walshInterval(d: readonly number[], level: number): { lo: number; hi: number; achievedLevel: number } {
  const n = d.length;
  if (n === 0) return { lo: Number.NaN, hi: Number.NaN, achievedLevel: 0 };
  const walsh: number[] = [];
  for (let i = 0; i < n; i++) for (let j = i; j < n; j++) walsh.push(((d[i] as number) + (d[j] as number)) / 2);
  walsh.sort((a, b) => a - b);
  const N = walsh.length;
  const half = (1 - level) / 2;
  let c = 1;
  let achieved: number;
  if (n <= WALSH_EXACT_PAIRS) {
    const pmf = signedRankPmf(n);
    let cdf = 0; // P(T+ <= c - 1)
    let cdfAtC = 0;
    for (let k = 1; k <= Math.floor(N / 2); k++) {
      const next = cdf + (pmf[k - 1] as number);
      if (next > half * (1 + 1e-12)) break;
      cdf = next;
      c = k;
      cdfAtC = cdf;
    }
    if (cdfAtC === 0) cdfAtC = pmf[0] as number; // c = 1 and even that is below the level
    achieved = 1 - 2 * cdfAtC;
  } else {
    // Normal approximation with continuity correction: the largest c with P(T+ <= c - 1) <= half.
    const z = normQuantile(1 - half);
    c = Math.max(1, Math.floor(N / 2 + 0.5 - z * Math.sqrt((n * (n + 1) * (2 * n + 1)) / 24)));
    achieved = level;
  }
  return { lo: walsh[c - 1] as number, hi: walsh[N - c] as number, achievedLevel: achieved };
}

/** Two-sided Wilcoxon signed-rank p-value of `d` against 0 (1 when nothing is left after dropping zeros). */
export function signedRankPValue(d: readonly number[]): number {
  const nz = d.filter((x) => x !== 0);
  const n = nz.length;
  if (n === 0) return 1;
  const order = nz.map((x, i) => ({ a: Math.abs(x), pos: x > 0, i })).sort((p, q) => p.a - q.a);
  const ranks = new Array<number>(n);
  let tieTerm = 0;
  let ties = false;
  for (let i = 0; i < n;) {
    let j = i;
    while (j + 1 < n && (order[j + 1] as { a: number }).a === (order[i] as { a: number }).a) j++;
    const t = j - i + 1;
    if (t > 1) {
      ties = true;
      tieTerm += t * t * t - t;
    }
    for (let k = i; k <= j; k++) ranks[k] = (i + j) / 2 + 1;
    i = j + 1;
  }
  let wPlus = 0;
  order.forEach((o, k) => {
    if (o.pos) wPlus += ranks[k] as number;
  });
  if (!ties && n <= SIGNED_RANK_EXACT_PAIRS) {
    // Exact null distribution of the rank sum of the positive differences.
    const max = (n * (n + 1)) / 2;
    const pmf = signedRankPmf(n);
    let lower = 0;
    for (let s = 0; s <= wPlus; s++) lower += pmf[s] as number;
    let upper = 0;
    for (let s = wPlus; s <= max; s++) upper += pmf[s] as number;
    return Math.min(1, 2 * Math.min(lower, upper));
  }
  const mean = (n * (n + 1)) / 4;
  const variance = (n * (n + 1) * (2 * n + 1)) / 24 - tieTerm / 48;
  if (!(variance > 0)) return 1;
  const z = Math.max(0, Math.abs(wPlus - mean) - 0.5) / Math.sqrt(variance);
  return Math.min(1, erfc(z / Math.SQRT2));
}

export interface PairedOptions {
  /** Confidence level of the interval (default 0.95). */
  level?: number;
  /** Bootstrap resamples (default 10,000). */
  resamples?: number;
  rng: Rng;
}

export interface PairedEstimate {
  /** Number of pairs. */
  n: number;
  /** Hodges-Lehmann estimate of the log ratio with its Walsh-average interval. */
  logRatio: Estimate;
  /** The same as a percentage, 100*(exp(d)-1) (asymmetric interval). */
  overheadPct: Estimate;
  /** Two-sided Wilcoxon signed-rank p-value. */
  pValue: number;
  /** Standard deviation of the per-pair log ratios (0 with one pair). */
  sdLog: number;
  /** The bootstrap replicates of the log-ratio estimate, in resampling order (for combined indices). */
  replicates: Float64Array;
  /** Variance of the replicates (the estimate's bootstrap variance). */
  replicateVariance: number;
  /** Coverage the interval really has (below the level when n is too small for it: 93.75% at 5 pairs). */
  achievedLevel: number;
}

/** Hodges-Lehmann estimate of paired log ratios `d` with its Walsh-average interval (and seeded bootstrap replicates). */
export function pairedEstimate(d: readonly number[], opts: PairedOptions): PairedEstimate {
  const n = d.length;
  if (n === 0) throw new Error('no pairs to compare');
  const level = opts.level ?? 0.95;
  const B = Math.max(1, Math.floor(opts.resamples ?? 10_000));
  const replicates = new Float64Array(B);
  const idx = new Uint32Array(n);
  for (let b = 0; b < B; b++) {
    for (let i = 0; i < n; i++) idx[i] = opts.rng.below(n);
    replicates[b] = hodgesLehmann(d, idx);
  }
  const point = hodgesLehmann(d);
  const w = walshInterval(d, level);
  const lo = Math.min(point, w.lo);
  const hi = Math.max(point, w.hi);
  return {
    n,
    logRatio: { point, lo, hi, level, method: 'walsh' },
    overheadPct: { point: pct(point), lo: pct(lo), hi: pct(hi), level, method: 'walsh' },
    pValue: signedRankPValue(d),
    sdLog: stddev(d),
    replicates,
    replicateVariance: stddev(Array.from(replicates)) ** 2,
    achievedLevel: w.achievedLevel,
  };
}
