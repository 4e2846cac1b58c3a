/**
 * Bootstrap over rounds of the overhead of one workload: d = s·(ln median(cand round figures)
 * - ln median(base round figures)), s = +1 for lower-is-better (costs), -1 for higher-is-better (rates),
 * so d > 0 always means the candidate is worse (docs/compare.md).
 *
 * Method: resample the rounds of each side with replacement (rounds are independent by design: each is a
 * fresh process), take the median of the resampled round figures, and d* from the two sides. A round's figure
 * is its total work over its total time, as recorded; its batches are never resampled, because they are not
 * independent draws (a CFS quota or a steal burst stalls a run of consecutive batches; resampling them as
 * independent let a half-speed round under a quota resample anywhere between a tenth and all of full speed,
 * so the interval described another quantity than the point: issue 22).
 * Exact distribution: the bootstrap distribution of a median of n resampled values is known in closed form
 * (Maritz & Jarrett 1978; `exactLogMedianDistribution`), and the distribution of d is the convolution of the
 * two sides' distributions. Where that has at most EXACT_PAIRS_LIMIT atom pairs (any round count up to ~25 per
 * side) the bounds come from it: no Monte Carlo error, no bound that moves with the seed. Beyond it, and
 * always for the replicates the overall index sums, 10,000 Monte Carlo resamples (typed arrays, sorting
 * networks for the common 5 and 10 rounds, no allocation per resample).
 *
 * Interval: percentile (Efron & Tibshirani 1993, ch. 13) by default. BCa (Efron 1987) is available
 * (`bca: true`) but no longer the default: its acceleration comes from a jackknife over rounds, and the
 * jackknife is unreliable for a median (Efron & Tibshirani 1993, §11.6: the median is not smooth), so on
 * 5-10 rounds the BCa levels swung with the bootstrap seed (a real file's upper bound moved from +11.9%
 * to +30.8% between seeds) while the percentile bounds moved about one point. The Monte Carlo standard
 * error of the bounds is reported (`mcError`, binomial order-statistic rule: half the spread between the
 * order statistics ±sqrt(B·p·(1-p)) around the bound's index), and test/unit/stats-seed-stability.test.ts
 * checks the bounds across 20 seeds on a real results file. With BCa on, it falls back to the
 * percentile interval when the jackknife is degenerate (no spread), |a| > 0.25, |z0| > 1, or the adjusted
 * levels leave [1/B, 1 - 1/B].
 *
 * Small-sample correction: a bootstrap interval treats the spread it found among 5-10 rounds as if it
 * were known, as a z interval does. Each half of the interval is therefore widened about the point by
 *   c = t_ν(1-α/2) / z(1-α/2),
 * with ν the Welch-Satterthwaite degrees of freedom ν = (vB+vC)² / (vB²/(nB-1) + vC²/(nC-1)) (Welch
 * 1947) and vB, vC the bootstrap variances of each side's log median: c ≈ 1.18 with 5 rounds per side,
 * 1.07 with 10, → 1 with many. (A further (n-1)/n variance factor, right for a mean, over-covered here:
 * the bootstrap variance of a median of few values is not biased low.) Coverage in simulation
 * (test/unit/stats-coverage.test.ts: log-normal round and batch noise, outlier batches, 5-10 rounds) is
 * reported there; without the widening BCa dropped to about 94% with 5 rounds. At least two rounds
 * per side are required.
 *
 * Reproducibility and symmetry: each side's random stream is seeded from the seed and a scale-free hash
 * of that side's own data (its shape and order pattern), so a side is resampled identically whichever
 * role it plays: swapping base and candidate mirrors the interval of d exactly, [lo, hi] -> [-hi, -lo],
 * and scaling every number by a constant leaves the overhead and its interval unchanged.
 */
import { normCdf, normQuantile, tQuantile } from './distributions.js';
import { createRng, type Rng } from './random.js';

/** One side of one workload, ready for resampling. */
export interface SideInput {
  /** Recorded round figures (total work over total time), all finite and > 0. */
  figures: readonly number[];
  /** Per-round batch samples (same unit as the figure), all finite and > 0; may be empty. */
  samples: readonly (readonly number[])[];
}

export interface BootstrapOptions {
  better: 'lower' | 'higher';
  resamples: number;
  /** Confidence level, e.g. 0.95. */
  level: number;
  seed: number;
  /** Disable the small-sample widening (only for tests that show why it is there). */
  smallSampleCorrection?: boolean;
  /** Use BCa where it is stable (off by default: the jackknife is unsound for the median, see above). */
  bca?: boolean;
  /** Force the percentile interval (the default; kept for callers that ask for it explicitly). */
  forcePercentile?: boolean;
}

export interface BootstrapResult {
  /** d, the worse-direction log ratio of medians. */
  point: number;
  lo: number;
  hi: number;
  method: 'bca' | 'percentile';
  /** The replicates d* (length = resamples), kept for the overall index. */
  replicates: Float64Array;
  /** Bootstrap variances of each side's log median (vB, vC) and the widening factor applied. */
  varBase: number;
  varCand: number;
  widening: number;
  /** Welch-Satterthwaite degrees of freedom of the widening (Infinity when there was no spread). */
  nu: number;
  /** The replicates, sorted ascending (for intervals at other levels: `bootstrapIntervalAt`). */
  sorted: Float64Array;
  /** Monte Carlo standard error of the bounds on the log scale (the larger of the two); 0 when `exact`. */
  mcError: number;
  /** The exact bootstrap distribution of d, when it was small enough to build (the bounds come from it). */
  exact?: Atoms;
  /** Resamples the bounds were drawn from when more than `resamples` were needed to meet MC_ERROR_TARGET. */
  resamplesForBounds?: number;
}

/** Whether any entry is NaN (a plain loop: the bootstrap asks it of every replicate array). */
function hasNaN(xs: Float64Array): boolean {
  for (let i = 0; i < xs.length; i++) if (Number.isNaN(xs[i])) return true;
  return false;
}

/** Median of the first n entries of buf (sorts them in place). */
export function medianInPlace(buf: Float64Array, n: number): number {
  if (n <= 32) {
    for (let i = 1; i < n; i++) {
      const v = buf[i] as number;
      let j = i - 1;
      while (j >= 0 && (buf[j] as number) > v) {
        buf[j + 1] = buf[j] as number;
        j--;
      }
      buf[j + 1] = v;
    }
  } else {
    buf.subarray(0, n).sort();
  }
  const h = n >> 1;
  return n % 2 === 1 ? (buf[h] as number) : ((buf[h - 1] as number) + (buf[h] as number)) / 2;
}

/** Median of a plain array (copy). */
export function medianOf(xs: readonly number[]): number {
  const b = Float64Array.from(xs);
  return medianInPlace(b, b.length);
}

/**
 * A side's own seed component: FNV-1a over the side's shape (rounds, batches per round) and the order
 * pattern of its numbers (is each value below / within 1e-12 of / above the next). Scale-free, so multiplying all
 * samples by a constant resamples the same indices; different data almost surely hash differently.
 */
export function hashSide(side: SideInput): number {
  let h = 0x811c9dc5;
  const mix = (x: number) => {
    h = Math.imul(h ^ (x & 0xffff), 0x01000193);
    h = Math.imul(h ^ (x >>> 16), 0x01000193);
  };
  const pattern = (xs: readonly number[]) => {
    mix(xs.length);
    let bits = 0;
    let k = 0;
    for (let i = 0; i + 1 < xs.length; i++) {
      const a = xs[i] as number;
      const b = xs[i + 1] as number;
      // Relative comparison, so that values 1 ulp apart do not change pattern when scaled.
      const tol = 1e-12 * Math.max(Math.abs(a), Math.abs(b));
      bits = (bits << 2) | (b - a > tol ? 1 : Math.abs(b - a) <= tol ? 2 : 0);
      if (++k === 15) {
        mix(bits);
        bits = 0;
        k = 0;
      }
    }
    mix(bits);
  };
  pattern(side.figures);
  for (const r of side.samples) pattern(r);
  return h | 0;
}

/**
 * The resampling units of one side: its recorded round figures. Rounds are independent by design (each a fresh
 * process); the batches inside a round are not (a CFS quota or a steal burst stalls a run of consecutive
 * batches), so they are never resampled: a round's figure is its total work over its total time, taken as
 * recorded. (The earlier second stage, which resampled batches as independent draws, let a half-speed round
 * under a CPU quota resample anywhere between a tenth and all of full speed: an interval for another quantity
 * than the point, issue 22 and docs/compare.md.)
 */
export function buildPool(side: SideInput): { pool: Float64Array; k: number } {
  return { pool: Float64Array.from(side.figures), k: 1 };
}

/**
 * A pool ready for the sorting networks: its values sorted, and each entry's rank (the index of its value's
 * first occurrence in `sorted`, so equal values share a rank). Ranks order as the values do, so the
 * order statistics of drawn ranks name the order statistics of the drawn values.
 */
export function rankedPool(pool: Float64Array): { sorted: Float64Array; rank: Int32Array } {
  const sorted = pool.slice().sort();
  const rank = new Int32Array(pool.length);
  for (let j = 0; j < pool.length; j++) {
    const v = pool[j] as number;
    let lo = 0;
    let hi = sorted.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((sorted[mid] as number) < v) lo = mid + 1;
      else hi = mid;
    }
    rank[j] = lo;
  }
  return { sorted, rank };
}

/**
 * Median of the 10 pool values drawn at idx[at..at+10) (pool entries, ranked by rankedPool), by a sorting
 * network on their ranks (Waksman's 29 comparators, Knuth TAOCP vol. 3 §5.3.4) with branch-free integer
 * compare-exchanges: the values a full sort puts at positions 4 and 5, so the same number as
 * medianInPlace on the values, in about half the time of the insertion sort in the bootstrap's inner loop.
 * Ranks are below 2^21, so d - c cannot overflow.
 */
export function median10(sorted: Float64Array, rank: Int32Array, idx: Int32Array, at: number): number {
  let x0 = rank[idx[at + 0] as number] as number;
  let x1 = rank[idx[at + 1] as number] as number;
  let x2 = rank[idx[at + 2] as number] as number;
  let x3 = rank[idx[at + 3] as number] as number;
  let x4 = rank[idx[at + 4] as number] as number;
  let x5 = rank[idx[at + 5] as number] as number;
  let x6 = rank[idx[at + 6] as number] as number;
  let x7 = rank[idx[at + 7] as number] as number;
  let x8 = rank[idx[at + 8] as number] as number;
  let x9 = rank[idx[at + 9] as number] as number;
  let c: number;
  let d: number;
  let m: number;
  c = x0;
  d = x8;
  m = (c ^ d) & ((d - c) >> 31);
  x0 = c ^ m;
  x8 = d ^ m;
  c = x1;
  d = x9;
  m = (c ^ d) & ((d - c) >> 31);
  x1 = c ^ m;
  x9 = d ^ m;
  c = x2;
  d = x7;
  m = (c ^ d) & ((d - c) >> 31);
  x2 = c ^ m;
  x7 = d ^ m;
  c = x3;
  d = x5;
  m = (c ^ d) & ((d - c) >> 31);
  x3 = c ^ m;
  x5 = d ^ m;
  c = x4;
  d = x6;
  m = (c ^ d) & ((d - c) >> 31);
  x4 = c ^ m;
  x6 = d ^ m;
  c = x0;
  d = x2;
  m = (c ^ d) & ((d - c) >> 31);
  x0 = c ^ m;
  x2 = d ^ m;
  c = x1;
  d = x4;
  m = (c ^ d) & ((d - c) >> 31);
  x1 = c ^ m;
  x4 = d ^ m;
  c = x5;
  d = x8;
  m = (c ^ d) & ((d - c) >> 31);
  x5 = c ^ m;
  x8 = d ^ m;
  c = x7;
  d = x9;
  m = (c ^ d) & ((d - c) >> 31);
  x7 = c ^ m;
  x9 = d ^ m;
  c = x0;
  d = x3;
  m = (c ^ d) & ((d - c) >> 31);
  x0 = c ^ m;
  x3 = d ^ m;
  c = x2;
  d = x4;
  m = (c ^ d) & ((d - c) >> 31);
  x2 = c ^ m;
  x4 = d ^ m;
  c = x5;
  d = x7;
  m = (c ^ d) & ((d - c) >> 31);
  x5 = c ^ m;
  x7 = d ^ m;
  c = x6;
  d = x9;
  m = (c ^ d) & ((d - c) >> 31);
  x6 = c ^ m;
  x9 = d ^ m;
  c = x0;
  d = x1;
  m = (c ^ d) & ((d - c) >> 31);
  x0 = c ^ m;
  x1 = d ^ m;
  c = x3;
  d = x6;
  m = (c ^ d) & ((d - c) >> 31);
  x3 = c ^ m;
  x6 = d ^ m;
  c = x8;
  d = x9;
  m = (c ^ d) & ((d - c) >> 31);
  x8 = c ^ m;
  x9 = d ^ m;
  c = x1;
  d = x5;
  m = (c ^ d) & ((d - c) >> 31);
  x1 = c ^ m;
  x5 = d ^ m;
  c = x2;
  d = x3;
  m = (c ^ d) & ((d - c) >> 31);
  x2 = c ^ m;
  x3 = d ^ m;
  c = x4;
  d = x8;
  m = (c ^ d) & ((d - c) >> 31);
  x4 = c ^ m;
  x8 = d ^ m;
  c = x6;
  d = x7;
  m = (c ^ d) & ((d - c) >> 31);
  x6 = c ^ m;
  x7 = d ^ m;
  c = x1;
  d = x2;
  m = (c ^ d) & ((d - c) >> 31);
  x1 = c ^ m;
  x2 = d ^ m;
  c = x3;
  d = x5;
  m = (c ^ d) & ((d - c) >> 31);
  x3 = c ^ m;
  x5 = d ^ m;
  c = x4;
  d = x6;
  m = (c ^ d) & ((d - c) >> 31);
  x4 = c ^ m;
  x6 = d ^ m;
  c = x7;
  d = x8;
  m = (c ^ d) & ((d - c) >> 31);
  x7 = c ^ m;
  x8 = d ^ m;
  c = x2;
  d = x3;
  m = (c ^ d) & ((d - c) >> 31);
  x2 = c ^ m;
  x3 = d ^ m;
  c = x4;
  d = x5;
  m = (c ^ d) & ((d - c) >> 31);
  x4 = c ^ m;
  x5 = d ^ m;
  c = x6;
  d = x7;
  m = (c ^ d) & ((d - c) >> 31);
  x6 = c ^ m;
  x7 = d ^ m;
  c = x3;
  d = x4;
  m = (c ^ d) & ((d - c) >> 31);
  x3 = c ^ m;
  x4 = d ^ m;
  c = x5;
  d = x6;
  m = (c ^ d) & ((d - c) >> 31);
  x5 = c ^ m;
  x6 = d ^ m;
  return ((sorted[x4] as number) + (sorted[x5] as number)) / 2;
}

/** Median of the 5 pool values drawn at idx[at..at+5), by a 9-comparator sorting network (as median10). */
export function median5(sorted: Float64Array, rank: Int32Array, idx: Int32Array, at: number): number {
  let x0 = rank[idx[at + 0] as number] as number;
  let x1 = rank[idx[at + 1] as number] as number;
  let x2 = rank[idx[at + 2] as number] as number;
  let x3 = rank[idx[at + 3] as number] as number;
  let x4 = rank[idx[at + 4] as number] as number;
  let c: number;
  let d: number;
  let m: number;
  c = x0;
  d = x3;
  m = (c ^ d) & ((d - c) >> 31);
  x0 = c ^ m;
  x3 = d ^ m;
  c = x1;
  d = x4;
  m = (c ^ d) & ((d - c) >> 31);
  x1 = c ^ m;
  x4 = d ^ m;
  c = x0;
  d = x2;
  m = (c ^ d) & ((d - c) >> 31);
  x0 = c ^ m;
  x2 = d ^ m;
  c = x1;
  d = x3;
  m = (c ^ d) & ((d - c) >> 31);
  x1 = c ^ m;
  x3 = d ^ m;
  c = x0;
  d = x1;
  m = (c ^ d) & ((d - c) >> 31);
  x0 = c ^ m;
  x1 = d ^ m;
  c = x2;
  d = x4;
  m = (c ^ d) & ((d - c) >> 31);
  x2 = c ^ m;
  x4 = d ^ m;
  c = x1;
  d = x2;
  m = (c ^ d) & ((d - c) >> 31);
  x1 = c ^ m;
  x2 = d ^ m;
  c = x3;
  d = x4;
  m = (c ^ d) & ((d - c) >> 31);
  x3 = c ^ m;
  x4 = d ^ m;
  c = x2;
  d = x3;
  m = (c ^ d) & ((d - c) >> 31);
  x2 = c ^ m;
  x3 = d ^ m;
  return sorted[x2] as number;
}

/** Replicates of ln median of one side, plus their variance. */
export interface SideReplicates {
  reps: Float64Array;
  variance: number;
}

/**
 * Replicates of sides already resampled, by their exact content and resampling settings: one baseline
 * compared with many hosts is resampled once, not once per host. A cache only; results are identical.
 */
export type SideMemo = Map<string, SideReplicates>;

/** The exact content of a side and what its replicates depend on (numbers print exactly in JS). */
function memoKey(side: SideInput, opts: BootstrapOptions, seed: number): string {
  return `${seed}|${opts.better}|${opts.resamples}|${side.figures.join(',')}|${side.samples.map((r) => r.join(',')).join(';')}`;
}

function sideReplicates(side: SideInput, opts: BootstrapOptions, seed: number, memo?: SideMemo): SideReplicates {
  if (memo) {
    const key = memoKey(side, opts, seed);
    const hit = memo.get(key);
    if (hit) return hit;
    const made = sideReplicates(side, opts, seed);
    memo.set(key, made);
    return made;
  }
  const rng = createRng(seed);
  const n = side.figures.length;
  const { pool, k } = buildPool(side);
  const reps = new Float64Array(opts.resamples);
  const buf = new Float64Array(n);
  const total = n * k;
  // The draws of many resamples at once (the same stream as one below(total) per draw, fillBelow).
  const per = Math.max(1, Math.floor(4096 / n));
  const idx = new Int32Array(per * n);
  // The common round counts (quick: 5, standard: 10) take a sorting network; NaN in the pool (overflowed
  // sums) keeps the insertion sort, whose order with NaN the network would not reproduce.
  const network = (n === 10 || n === 5) && !hasNaN(pool) ? n : 0;
  const { sorted, rank } = network ? rankedPool(pool) : { sorted: pool, rank: idx };
  let mean = 0;
  let m2 = 0;
  for (let b0 = 0; b0 < opts.resamples; b0 += per) {
    const end = Math.min(opts.resamples, b0 + per);
    rng.fillBelow(idx, total, 0, (end - b0) * n);
    let at = 0;
    for (let b = b0; b < end; b++) {
      let med: number;
      if (network === 10) med = median10(sorted, rank, idx, at);
      else if (network === 5) med = median5(sorted, rank, idx, at);
      else {
        for (let i = 0; i < n; i++) buf[i] = pool[idx[at + i] as number] as number;
        med = medianInPlace(buf, n);
      }
      at += n;
      const v = Math.log(med);
      reps[b] = v;
      const delta = v - mean; // Welford
      mean += delta / (b + 1);
      m2 += delta * (v - mean);
    }
  }
  return { reps, variance: opts.resamples > 1 ? m2 / (opts.resamples - 1) : 0 };
}

/** Jackknife influence sums over one side's rounds for the acceleration: Σl², Σl³ divided by n², n³. */
function jackknifeSums(figures: readonly number[], sign: number): { s2: number; s3: number } {
  const n = figures.length;
  const loo = new Float64Array(n);
  const buf = new Float64Array(Math.max(0, n - 1));
  for (let j = 0; j < n; j++) {
    let t = 0;
    for (let i = 0; i < n; i++) if (i !== j) buf[t++] = figures[i] as number;
    loo[j] = sign * Math.log(medianInPlace(buf, n - 1));
  }
  let mean = 0;
  for (let j = 0; j < n; j++) mean += loo[j] as number;
  mean /= n;
  let s2 = 0;
  let s3 = 0;
  // Influence values below rounding noise are zero: identical rounds must read as a degenerate jackknife.
  const noise = 1e-12 * Math.max(1, Math.abs(mean));
  for (let j = 0; j < n; j++) {
    const diff = mean - (loo[j] as number);
    const l = Math.abs(diff) <= noise ? 0 : (n - 1) * diff;
    s2 += l * l;
    s3 += l * l * l;
  }
  return { s2: s2 / (n * n), s3: s3 / (n * n * n) };
}

/** Symmetric order-statistic index of a lower tail probability p among B sorted replicates. */
function tailIndex(p: number, b: number): number {
  return Math.min(b - 1, Math.max(0, Math.floor((b + 1) * p) - 1));
}

/** A discrete distribution: atoms sorted ascending with their probabilities (summing to 1). */
export interface Atoms {
  values: Float64Array;
  probs: Float64Array;
}

/** ln C(n, k) + k ln p + (n-k) ln(1-p), the binomial log-pmf (p in (0, 1)). */
function binomLogPmf(n: number, k: number, p: number): number {
  return lnChoose(n, k) + k * Math.log(p) + (n - k) * Math.log1p(-p);
}

function lnChoose(n: number, k: number): number {
  let s = 0;
  for (let i = 1; i <= k; i++) s += Math.log((n - k + i) / i);
  return s;
}

/** P(Bin(n, p) >= k). */
function binomUpper(n: number, k: number, p: number): number {
  if (k <= 0) return 1;
  if (p <= 0) return 0;
  if (p >= 1) return 1;
  let t = 0;
  for (let j = k; j <= n; j++) t += Math.exp(binomLogPmf(n, j, p));
  return Math.min(1, t);
}

/** Atoms with equal values merged, sorted ascending. */
function mergeAtoms(vals: number[], probs: number[]): Atoms {
  const order = vals.map((_, i) => i).sort((a, b) => (vals[a] as number) - (vals[b] as number));
  const v: number[] = [];
  const p: number[] = [];
  for (const i of order) {
    const x = vals[i] as number;
    const q = probs[i] as number;
    if (!(q > 0)) continue;
    if (v.length && Math.abs(x - (v[v.length - 1] as number)) <= 1e-12 * Math.max(1, Math.abs(x)))
      p[p.length - 1] = (p[p.length - 1] as number) + q;
    else {
      v.push(x);
      p.push(q);
    }
  }
  const total = p.reduce((a, x) => a + x, 0);
  return { values: Float64Array.from(v), probs: Float64Array.from(p, (x) => x / total) };
}

/**
 * The exact bootstrap distribution of ln median of n values resampled with replacement (Maritz & Jarrett
 * 1978): with the values sorted v_1..v_n, the resample's k-th order statistic is at most v_i with probability
 * P(Bin(n, i/n) >= k). Odd n: the median is the ((n+1)/2)-th order statistic. Even n = 2m: the median is the
 * mean of the m-th and (m+1)-th, whose joint law follows from P(X_(m) <= v_i, X_(m+1) >= v_j) =
 * C(n, m)·(i/n)^m·((n-j+1)/n)^m for i < j. Positions, not values, are resampled, so tied values are fine.
 */
export function exactLogMedianDistribution(figures: readonly number[]): Atoms {
  return exactMedianDistribution(figures, true);
}

/** The exact bootstrap distribution of the median (ln of it when `log`), as `exactLogMedianDistribution`. */
export function exactMedianDistribution(figures: readonly number[], log: boolean): Atoms {
  const f = log ? Math.log : (x: number) => x;
  const v = Float64Array.from(figures).sort();
  const n = v.length;
  const F = (k: number, i: number) => (i <= 0 ? 0 : i >= n ? 1 : binomUpper(n, k, i / n)); // P(X_(k) <= v_i)
  const vals: number[] = [];
  const probs: number[] = [];
  if (n % 2 === 1) {
    const k = (n + 1) / 2;
    for (let i = 1; i <= n; i++) {
      vals.push(f(v[i - 1] as number));
      probs.push(F(k, i) - F(k, i - 1));
    }
    return mergeAtoms(vals, probs);
  }
  const m = n / 2;
  const lnC = lnChoose(n, m);
  // G(i, j) = P(X_(m) <= v_i, X_(m+1) >= v_j), i < j (1-based; 0 and n+1 are the empty ends).
  const G = (i: number, j: number) => (i <= 0 || j > n ? 0 : Math.exp(lnC + m * Math.log(i / n) + m * Math.log((n - j + 1) / n)));
  for (let i = 1; i <= n; i++) {
    let off = 0;
    for (let j = i + 1; j <= n; j++) {
      const q = G(i, j) - G(i - 1, j) - G(i, j + 1) + G(i - 1, j + 1);
      off += q;
      vals.push(f(((v[i - 1] as number) + (v[j - 1] as number)) / 2));
      probs.push(q);
    }
    vals.push(f(v[i - 1] as number));
    probs.push(F(m, i) - F(m, i - 1) - off); // X_(m) = X_(m+1) = v_i
  }
  return mergeAtoms(vals, probs);
}

/** Largest number of atom pairs for which the exact distribution of d is built (beyond it: Monte Carlo). */
export const EXACT_PAIRS_LIMIT = 250_000;

/** The exact distribution of d = s·(C - B) for independent discrete C and B. */
export function differenceAtoms(b: Atoms, c: Atoms, s: number): Atoms {
  const vals: number[] = [];
  const probs: number[] = [];
  for (let i = 0; i < c.values.length; i++) {
    for (let j = 0; j < b.values.length; j++) {
      vals.push(s * ((c.values[i] as number) - (b.values[j] as number)));
      probs.push((c.probs[i] as number) * (b.probs[j] as number));
    }
  }
  return mergeAtoms(vals, probs);
}

export function atomsVariance(a: Atoms): number {
  let m = 0;
  for (let i = 0; i < a.values.length; i++) m += (a.values[i] as number) * (a.probs[i] as number);
  let v = 0;
  for (let i = 0; i < a.values.length; i++) v += ((a.values[i] as number) - m) ** 2 * (a.probs[i] as number);
  return v;
}

/**
 * The lower and upper p-quantiles of a discrete distribution: lo is the smallest atom with P(X <= lo) >= p,
 * hi the largest with P(X >= hi) >= p, so negating the distribution maps [lo, hi] to [-hi, -lo]. A relative
 * 1e-12 of slack absorbs rounding in the cumulative sums.
 */
export function atomsQuantiles(a: Atoms, p: number): { lo: number; hi: number } {
  const k = a.values.length;
  let cum = 0;
  let lo = a.values[k - 1] as number;
  for (let i = 0; i < k; i++) {
    cum += a.probs[i] as number;
    if (cum >= p * (1 - 1e-12)) {
      lo = a.values[i] as number;
      break;
    }
  }
  cum = 0;
  let hi = a.values[0] as number;
  for (let i = k - 1; i >= 0; i--) {
    cum += a.probs[i] as number;
    if (cum >= p * (1 - 1e-12)) {
      hi = a.values[i] as number;
      break;
    }
  }
  return { lo, hi };
}

/** Atoms of the exact distribution of ln median for n values: n (odd) or n(n+1)/2 (even), at most. */
function atomCount(n: number): number {
  return n % 2 === 1 ? n : (n * (n + 1)) / 2;
}

/** The exact bootstrap distribution of d and of each side's ln median variance, or null beyond EXACT_PAIRS_LIMIT. */
function exactDifference(base: readonly number[], cand: readonly number[], s: number): { d: Atoms; vB: number; vC: number } | null {
  if (atomCount(base.length) * atomCount(cand.length) > EXACT_PAIRS_LIMIT) return null;
  const b = exactLogMedianDistribution(base);
  const c = exactLogMedianDistribution(cand);
  return { d: differenceAtoms(b, c, s), vB: atomsVariance(b), vC: atomsVariance(c) };
}

/** The bootstrap of d over rounds with a percentile (exact where small enough) or BCa interval and the small-sample widening. */
/** The Monte Carlo error of a bound the Monte Carlo path allows, as a share of the interval's width (issue 22). */
export const MC_ERROR_TARGET = 0.01;
/** The most resamples drawn for the bounds to meet MC_ERROR_TARGET (four times the default, twice over). */
export const MC_RESAMPLES_CAP = 160_000;

/**
 * The bootstrap of the log ratio (see the file comment). Where the bounds come from Monte Carlo (beyond the exact
 * distribution's reach) and their error exceeds MC_ERROR_TARGET of the width, the bounds are drawn again from four
 * times the resamples, up to MC_RESAMPLES_CAP; the replicates the overall index sums stay the first draw's, so every
 * row of a comparison keeps one replicate count.
 */
export function bootstrapLogRatio(base: SideInput, cand: SideInput, opts: BootstrapOptions, baseMemo?: SideMemo): BootstrapResult {
  const first = bootstrapOnce(base, cand, opts, baseMemo);
  let r = first;
  let B = opts.resamples;
  while (!r.exact && (r.mcError ?? 0) > MC_ERROR_TARGET * (r.hi - r.lo) && B * 4 <= MC_RESAMPLES_CAP) {
    B *= 4;
    r = bootstrapOnce(base, cand, { ...opts, resamples: B });
  }
  if (r === first) return first;
  const more = r;
  return {
    point: more.point,
    lo: more.lo,
    hi: more.hi,
    method: more.method,
    replicates: first.replicates,
    varBase: first.varBase,
    varCand: first.varCand,
    widening: first.widening,
    nu: more.nu,
    get sorted(): Float64Array {
      return more.sorted;
    },
    mcError: more.mcError,
    resamplesForBounds: B,
  };
}

function bootstrapOnce(base: SideInput, cand: SideInput, opts: BootstrapOptions, baseMemo?: SideMemo): BootstrapResult {
  const nB = base.figures.length;
  const nC = cand.figures.length;
  if (nB < 2 || nC < 2) throw new Error('bootstrapLogRatio needs at least two rounds per side');
  const s = opts.better === 'lower' ? 1 : -1;
  const point = s * (Math.log(medianOf(cand.figures)) - Math.log(medianOf(base.figures)));

  const hB = hashSide(base);
  let hC = hashSide(cand);
  if (hC === hB) hC = (hC + 1) | 0; // identical data: still two independent streams
  const rb = sideReplicates(base, opts, (opts.seed ^ hB) | 0, baseMemo);
  const rc = sideReplicates(cand, opts, (opts.seed ^ hC) | 0);
  const B = opts.resamples;
  const reps = new Float64Array(B);
  // Replicates within a relative 1e-12 of the point count as ties (half below, half above), so that
  // rounding noise from scaling the data cannot move z0.
  const tol = 1e-12 * Math.max(1, Math.abs(point));
  let less = 0;
  let equal = 0;
  for (let b = 0; b < B; b++) {
    const v = s * ((rc.reps[b] as number) - (rb.reps[b] as number));
    reps[b] = v;
    if (v < point - tol) less++;
    else if (v <= point + tol) equal++;
  }
  const alpha = 1 - opts.level;
  const zq = normQuantile(1 - alpha / 2);

  let method: 'bca' | 'percentile' = 'percentile';
  let pLo = alpha / 2;
  let pHi = alpha / 2; // upper tail probability
  if (opts.bca === true && !opts.forcePercentile) {
    // Bias correction, computed from counts so that swapping the sides negates it exactly.
    const c2 = 2 * less + equal; // 2·(#less + #equal/2)
    const z0 = c2 === B ? 0 : c2 < B ? normQuantile(c2 / (2 * B)) : -normQuantile((2 * B - c2) / (2 * B));
    const jb = jackknifeSums(base.figures, -s);
    const jc = jackknifeSums(cand.figures, s);
    const den = jb.s2 + jc.s2;
    const a = den > 0 ? (jb.s3 + jc.s3) / (6 * den ** 1.5) : Number.NaN;
    if (Number.isFinite(a) && Number.isFinite(z0) && Math.abs(a) <= 0.25 && Math.abs(z0) <= 1) {
      const xlo = z0 + (z0 - zq) / (1 - a * (z0 - zq));
      const xhi = z0 + (z0 + zq) / (1 - a * (z0 + zq));
      const qLo = normCdf(xlo);
      const qHi = normCdf(-xhi);
      if (qLo >= 1 / B && qHi >= 1 / B && qLo <= 1 - 1 / B && qHi <= 1 - 1 / B && Number.isFinite(xlo) && Number.isFinite(xhi)) {
        pLo = qLo;
        pHi = qHi;
        method = 'bca';
      }
    }
  }
  // The exact bootstrap distribution where it is small enough (quick and standard rounds): no Monte Carlo
  // error in the bounds, and no bound that jumps between two atoms with the seed. The replicates above still
  // serve the overall index.
  const exact = method === 'percentile' ? exactDifference(base.figures, cand.figures, s) : null;
  let qLo: number;
  let qHi: number;
  let vB = rb.variance;
  let vC = rc.variance;
  let mcSpan = 0;
  if (exact) {
    ({ lo: qLo, hi: qHi } = atomsQuantiles(exact.d, alpha / 2));
    vB = exact.vB;
    vC = exact.vC;
  } else {
    // Only six order statistics are needed here (the bounds and their Monte Carlo spans): selected, not
    // sorted for; the full sort is made only if an interval at another level is asked for (`sorted`).
    const kLo = tailIndex(pLo, B);
    const kHi = B - 1 - tailIndex(pHi, B);
    const jLo = orderStatSpan(B, pLo);
    const jHi = orderStatSpan(B, pHi);
    const at = orderStatistics(reps, [
      kLo,
      kHi,
      Math.max(0, kLo - jLo),
      Math.min(B - 1, kLo + jLo),
      Math.max(0, kHi - jHi),
      Math.min(B - 1, kHi + jHi),
    ]);
    const os = (k: number) => at.get(k) as number;
    qLo = os(kLo);
    qHi = os(kHi);
    mcSpan = Math.max(
      (os(Math.min(B - 1, kLo + jLo)) - os(Math.max(0, kLo - jLo))) / 2,
      (os(Math.min(B - 1, kHi + jHi)) - os(Math.max(0, kHi - jHi))) / 2,
    );
  }
  const nu = welchSatterthwaite(vB, vC, nB, nC);
  const widening = opts.smallSampleCorrection === false ? 1 : wideningAt(opts.level, nu);
  // The interval always contains its point estimate (a strongly biased bootstrap could otherwise miss it).
  const lo = Math.min(point, point - widening * (point - qLo));
  const hi = Math.max(point, point + widening * (qHi - point));
  let sorted: Float64Array | null = null;
  return {
    point,
    lo,
    hi,
    method,
    replicates: reps,
    varBase: vB,
    varCand: vC,
    widening,
    nu,
    get sorted(): Float64Array {
      sorted ??= reps.slice().sort(); // slice: a typed copy without the iterator of Float64Array.from
      return sorted;
    },
    ...(exact ? { exact: exact.d } : {}),
    mcError: widening * mcSpan,
  };
}

/** Welch-Satterthwaite degrees of freedom of a sum of two variances estimated from nB and nC values (Infinity without spread). */
export function welchSatterthwaite(vB: number, vC: number, nB: number, nC: number): number {
  const v = vB + vC;
  return v > 0 ? (v * v) / ((vB * vB) / (nB - 1) + (vC * vC) / (nC - 1)) : Number.POSITIVE_INFINITY;
}

/** The small-sample widening t_ν(1-α/2) / z(1-α/2) at a confidence level (1 when ν is infinite or unknown). */
export function wideningAt(level: number, nu: number): number {
  if (!(nu > 0) || !Number.isFinite(nu)) return 1;
  const a = 1 - level;
  const c = tQuantile(1 - a / 2, nu) / normQuantile(1 - a / 2);
  return Number.isFinite(c) && c > 1 ? c : 1;
}

/**
 * Monte Carlo standard error of the order statistic at index k of B sorted replicates, tail probability p:
 * half the spread between the order statistics k ± j, j = max(1, ceil(sqrt(B·p·(1-p)))) (this span).
 */
function orderStatSpan(B: number, p: number): number {
  return Math.max(1, Math.ceil(Math.sqrt(B * p * (1 - p))));
}

/**
 * The order statistics at indices ks of xs (0-based, ascending order), by successive selection on one
 * copy: after selecting k, everything before k is <= its value and everything after it >=, so a later
 * index is selected only between the nearest indices already selected. The indices come in clusters (a
 * bound and the two ends of its Monte Carlo span): the top of each cluster is selected first, so the
 * rest of the cluster is selected within a few hundred values, not the whole copy. An order statistic
 * has one value, so these equal a full sort's. With a NaN, a full sort.
 */
export function orderStatistics(xs: Float64Array, ks: readonly number[]): Map<number, number> {
  const work = xs.slice(); // a typed copy (Float64Array.from would go through the iterator)
  const out = new Map<number, number>();
  const want = [...new Set(ks)].sort((a, b) => a - b);
  if (hasNaN(work)) {
    work.sort();
    for (const k of want) out.set(k, work[k] as number);
    return out;
  }
  // Clusters: indices closer than an eighth of the copy to the previous one.
  const order: number[] = [];
  const gap = Math.max(1, work.length >> 3);
  for (let i = 0; i < want.length;) {
    let j = i;
    while (j + 1 < want.length && (want[j + 1] as number) - (want[j] as number) < gap) j++;
    order.push(want[j] as number, ...want.slice(i, j));
    i = j + 1;
  }
  const done: number[] = []; // selected indices, ascending
  for (const k of order) {
    let left = 0;
    let right = work.length - 1;
    for (const d of done) {
      if (d < k) left = d + 1;
      else if (d > k) {
        right = d - 1;
        break;
      }
    }
    out.set(k, selectInPlace(work, k, left, right));
    done.push(k);
    done.sort((a, b) => a - b);
  }
  return out;
}

/**
 * The widened percentile interval of a bootstrap result at another confidence level (for false-coverage-
 * rate adjusted intervals): the same replicates, the level's order statistics and widening.
 */
export function bootstrapIntervalAt(
  r: Pick<BootstrapResult, 'point' | 'sorted' | 'nu' | 'exact'>,
  level: number,
  smallSampleCorrection = true,
): { lo: number; hi: number } {
  const p = (1 - level) / 2;
  const c = smallSampleCorrection ? wideningAt(level, r.nu) : 1;
  let qLo: number;
  let qHi: number;
  if (r.exact) ({ lo: qLo, hi: qHi } = atomsQuantiles(r.exact, p));
  else {
    const B = r.sorted.length;
    qLo = r.sorted[tailIndex(p, B)] as number;
    qHi = r.sorted[B - 1 - tailIndex(p, B)] as number;
  }
  const lo = r.point - c * (r.point - qLo);
  const hi = r.point + c * (qHi - r.point);
  return { lo: Math.min(lo, r.point), hi: Math.max(hi, r.point) };
}

/**
 * Percentile interval of arbitrary replicates (symmetric order statistics). The two order statistics are
 * selected (Hoare's quickselect, O(B)) rather than sorted for: an order statistic has one value, so the
 * bounds are those of sorting. Replicates with a NaN are sorted (NaN sorts last), as before.
 */
export function percentileInterval(reps: Float64Array, level: number): { lo: number; hi: number } {
  const B = reps.length;
  const k = tailIndex((1 - level) / 2, B);
  const at = orderStatistics(reps, [k, B - 1 - k]);
  return { lo: at.get(k) as number, hi: at.get(B - 1 - k) as number };
}

/** The k-th smallest of buf[left..right] (inclusive), partially reordering buf (Hoare partition). */
function selectInPlace(buf: Float64Array, k: number, left: number, right: number): number {
  let l = left;
  let r = right;
  while (l < r) {
    const pivot = buf[(l + r) >>> 1] as number;
    let i = l;
    let j = r;
    while (i <= j) {
      while ((buf[i] as number) < pivot) i++;
      while ((buf[j] as number) > pivot) j--;
      if (i <= j) {
        const t = buf[i] as number;
        buf[i] = buf[j] as number;
        buf[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) r = j;
    else if (k >= i) l = i;
    else break;
  }
  return buf[k] as number;
}
