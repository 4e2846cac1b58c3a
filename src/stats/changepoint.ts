/**
 * Change-point detection for a workload's history: windowed rank scan with a seeded permutation p-value,
 * applied by recursive bisection (the E-divisive scheme of Matteson & James 2014, "A nonparametric approach
 * for multiple change point analysis of multivariate data", JASA; as used for performance histories by
 * Daly et al. 2020, "Change Point Detection in Software Performance Testing" (MongoDB), and Otava/Hunter).
 *
 * For each candidate split τ of a segment (each side at least `minSegment` points), the statistic is the
 * standardised difference of mean ranks between the `window` points before τ and the `window` points from τ.
 * Ranks make one wild outlier count as one rank, so a single spike cannot look like a shift. The segment's
 * statistic is the maximum over τ; its p-value is the share of random permutations of the segment whose
 * maximum is at least as large ((1 + k) / (1 + R)). A significant split is a *step* only when two flat
 * levels explain the segment better than one straight line (smaller residual sum of squares, same number of
 * parameters); otherwise the segment is a *creep* (slow drift) and is reported as a trend, not a step.
 * Splits found inside a segment after the first are tested too, so chance splits get more chances: a step
 * must also move the median by at least `minChangePct` (the noise threshold δ) to be reported.
 *
 * Pure: no clock, no I/O; randomness from a seeded generator (same series + seed -> same answer).
 */
import { createRng, type Rng } from './random.js';

export interface ChangePointOptions {
  /** Seed of the permutation test. */
  seed: number;
  /** Fewest points on each side of a change point (default 5). */
  minSegment?: number;
  /** Points on each side of a candidate that the statistic looks at (default 30). */
  window?: number;
  /** Random permutations per test (default 199: smallest p-value 0.005). */
  permutations?: number;
  /** Significance level of each test (default 0.05). */
  alpha?: number;
  /** Most change points reported (default 5). */
  maxChangePoints?: number;
  /** Smallest step worth reporting, in percent of the level before it (default 1, the comparison's noise threshold δ). */
  minChangePct?: number;
}

/** One step change: `index` is the first point of the new level. */
export interface ChangePoint {
  index: number;
  /** Permutation p-value of the split. */
  pValue: number;
  /** Median of the segment before and from the change point. */
  before: number;
  after: number;
  /** 100 * (after / before - 1); NaN when `before` is 0. */
  changePct: number;
}

/** What a series looks like: tagged by `shape`. */
export type SeriesShape =
  | { shape: 'too-short'; points: number; needed: number }
  | { shape: 'flat'; pValue: number }
  | { shape: 'step'; changePoints: ChangePoint[] }
  | { shape: 'creep'; pValue: number; slopePerPoint: number; totalChangePct: number };

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

/** Mid-ranks (ties share the mean rank), 1-based. */
function ranks(xs: readonly number[]): number[] {
  const order = xs.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const r = new Array<number>(xs.length);
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j + 1 < order.length && (order[j + 1] as readonly [number, number])[0] === (order[i] as readonly [number, number])[0]) j++;
    const mid = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) r[(order[k] as readonly [number, number])[1]] = mid;
    i = j + 1;
  }
  return r;
}

/** Max over τ of the windowed standardised mean-rank difference; returns [statistic, argmax τ]. */
function scan(rk: readonly number[], minSegment: number, window: number): [number, number] {
  const n = rk.length;
  const prefix = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) prefix[i + 1] = (prefix[i] as number) + (rk[i] as number);
  const variance = (n * n - 1) / 12;
  let best = -1;
  let bestTau = -1;
  for (let tau = minSegment; tau <= n - minSegment; tau++) {
    const a = Math.max(0, tau - window);
    const b = Math.min(n, tau + window);
    const nl = tau - a;
    const nr = b - tau;
    const meanL = ((prefix[tau] as number) - (prefix[a] as number)) / nl;
    const meanR = ((prefix[b] as number) - (prefix[tau] as number)) / nr;
    const z = Math.abs(meanL - meanR) / Math.sqrt(variance * (1 / nl + 1 / nr) || 1);
    if (z > best) {
      best = z;
      bestTau = tau;
    }
  }
  return [best, bestTau];
}

function permutationP(rk: readonly number[], observed: number, minSegment: number, window: number, permutations: number, rng: Rng): number {
  const a = [...rk];
  let atLeast = 0;
  for (let p = 0; p < permutations; p++) {
    for (let i = a.length - 1; i > 0; i--) {
      const j = rng.int(0, i);
      [a[i], a[j]] = [a[j] as number, a[i] as number];
    }
    // Tolerance: equal statistics computed in another order can differ in the last bit.
    if (scan(a, minSegment, window)[0] >= observed - 1e-12) atLeast++;
  }
  return (1 + atLeast) / (1 + permutations);
}

/** Residual sum of squares of two flat levels split at τ. */
function sseTwoLevels(xs: readonly number[], tau: number): number {
  let sse = 0;
  for (const part of [xs.slice(0, tau), xs.slice(tau)]) {
    const m = part.reduce((s, v) => s + v, 0) / part.length;
    for (const v of part) sse += (v - m) ** 2;
  }
  return sse;
}

/** Ordinary least squares line over index; returns slope, intercept and residual sum of squares. */
function fitLine(xs: readonly number[]): { slope: number; intercept: number; sse: number } {
  const n = xs.length;
  const mx = (n - 1) / 2;
  const my = xs.reduce((s, v) => s + v, 0) / n;
  let sxy = 0;
  let sxx = 0;
  xs.forEach((v, i) => {
    sxy += (i - mx) * (v - my);
    sxx += (i - mx) ** 2;
  });
  const slope = sxx === 0 ? 0 : sxy / sxx;
  const intercept = my - slope * mx;
  let sse = 0;
  xs.forEach((v, i) => (sse += (v - (intercept + slope * i)) ** 2));
  return { slope, intercept, sse };
}

/**
 * Classify a series (in time order) as too short, flat, one or more steps, or a slow creep.
 * Step indices are positions in `values`.
 */
export function detectChangePoints(values: readonly number[], options: ChangePointOptions): SeriesShape {
  const minSegment = Math.max(2, options.minSegment ?? 5);
  const window = Math.max(minSegment, options.window ?? 30);
  const permutations = options.permutations ?? 199;
  const alpha = options.alpha ?? 0.05;
  const maxChangePoints = options.maxChangePoints ?? 5;
  const minChangePct = options.minChangePct ?? 1;
  if (values.some((v) => !Number.isFinite(v))) throw new Error('detectChangePoints: values must be finite numbers');
  if (values.length < 2 * minSegment) return { shape: 'too-short', points: values.length, needed: 2 * minSegment };
  const rng = createRng(options.seed);

  type Test = { tau: number; p: number; stepLike: boolean; big: boolean };
  const test = (seg: readonly number[]): Test | null => {
    if (seg.length < 2 * minSegment) return null;
    const rk = ranks(seg);
    const [stat, tau] = scan(rk, minSegment, window);
    const p = permutationP(rk, stat, minSegment, window, permutations, rng);
    const before = median(seg.slice(0, tau));
    const big = before !== 0 && Math.abs(median(seg.slice(tau)) / before - 1) * 100 >= minChangePct;
    return { tau, p, stepLike: sseTwoLevels(seg, tau) < fitLine(seg).sse, big };
  };

  const top = test(values);
  if (!top || top.p > alpha) return { shape: 'flat', pValue: top?.p ?? 1 };
  if (!top.stepLike) {
    const line = fitLine(values);
    const first = line.intercept;
    const last = line.intercept + line.slope * (values.length - 1);
    return { shape: 'creep', pValue: top.p, slopePerPoint: line.slope, totalChangePct: first === 0 ? NaN : 100 * (last / first - 1) };
  }
  if (!top.big) return { shape: 'flat', pValue: top.p };

  // Recursive bisection: accept the split, then look for further steps on each side.
  const found: Array<{ index: number; p: number }> = [];
  const pending: Array<{ lo: number; hi: number; t: Test }> = [{ lo: 0, hi: values.length, t: top }];
  while (pending.length > 0 && found.length < maxChangePoints) {
    const { lo, hi, t } = pending.shift() as { lo: number; hi: number; t: Test };
    const index = lo + t.tau;
    found.push({ index, p: t.p });
    for (const [a, b] of [
      [lo, index],
      [index, hi],
    ] as const) {
      const sub = test(values.slice(a, b));
      if (sub && sub.p <= alpha && sub.stepLike && sub.big) pending.push({ lo: a, hi: b, t: sub });
    }
  }
  found.sort((x, y) => x.index - y.index);
  const changePoints = found.map((f, i) => {
    const start = i === 0 ? 0 : (found[i - 1] as { index: number }).index;
    const end = i + 1 < found.length ? (found[i + 1] as { index: number }).index : values.length;
    const before = median(values.slice(start, f.index));
    const after = median(values.slice(f.index, end));
    return { index: f.index, pValue: f.p, before, after, changePct: before === 0 ? NaN : 100 * (after / before - 1) };
  });
  return { shape: 'step', changePoints };
}
