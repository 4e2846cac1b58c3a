/**
 * The overall index of a comparison: the weighted geometric mean of the per-workload worse-direction
 * ratios, i.e. exp(Σ w_k d_k) with Σ w_k = 1 (Fleming & Wallace 1986: geometric means are the right
 * summary of normalised benchmark ratios). By default every category present gets the same weight,
 * shared equally by its workloads, so ten syscall workloads do not outvote one CPU workload; a
 * profile may give category weights instead (categories it does not name get 0). The `user` category (a user's
 * own tinybench tasks) gets 0 by default.
 *
 * Interval, by how the rows were estimated:
 * - one run per side (bootstrap rows): percentile interval of Σ w_k d*_k over the workloads' own bootstrap
 *   replicates (the same resample index b across workloads: each workload's sides were resampled
 *   independently), widened about the point by the variance-weighted small-sample factors of the rows;
 * - replicate runs (runs.ts rows): Welch's t interval across per-run composite figures g_r = Σ w_k s·f_{k,r}
 *   (f: the run's ln median of round figures), so an offset that slows every workload of one run is counted
 *   once, as the run-to-run variation it is, not as independent noise per workload (an A/A with one offset
 *   per run shared by 12 workloads covered 0 in 65% of comparisons at a run SD of 5% when the workloads were
 *   resampled independently: issue 22, docs/compare.md). mean(g_cand) - mean(g_base) is Σ w_k d_k exactly; a
 *   workload missing from one run is given its side's mean there, which keeps the point;
 * - both kinds in one index: the runs part as above plus the bootstrap rows' widened variances, t with
 *   the runs part's degrees of freedom.
 */
import { mean } from './describe.js';
import type { Category } from '../types.js';
import { percentileInterval } from './bootstrap.js';
import { tInterval, welch } from './runs.js';
import type { Estimate } from './types.js';

/** One row of the index: its bootstrap replicates (one run per side), or its run figures (replicate runs). */
export type IndexInput = (
  | {
      kind: 'replicates';
      category: Category;
      point: number;
      replicates: Float64Array;
      /** varBase + varCand of the row's bootstrap. */
      variance: number;
      widening: number;
    }
  | {
      kind: 'runs';
      category: Category;
      point: number;
      /** s·ln(run figure) per run of each side, by the run's position among the comparison's files (NaN: not measured in that run). */
      base: readonly number[];
      cand: readonly number[];
    }
) & {
  /** The row's own interval of d at the level in force: an index over this one row is exactly it. */
  interval?: { lo: number; hi: number; method: Estimate['method'] };
};

export interface OverallIndex {
  logRatio: Estimate;
  overheadPct: Estimate;
  weights: Partial<Record<Category, number>>;
  workloads: number;
}

/** Per-row weights summing to 1 (null when no row gets a positive weight). */
export function rowWeights(
  categories: readonly Category[],
  weights?: Partial<Record<Category, number>>,
): { perRow: number[]; perCategory: Partial<Record<Category, number>> } | null {
  const count = new Map<Category, number>();
  for (const c of categories) count.set(c, (count.get(c) ?? 0) + 1);
  const perCategory: Partial<Record<Category, number>> = {};
  let total = 0;
  for (const c of count.keys()) {
    // A user's own workloads (category `user`) say nothing about the platform in general: they join the index only
    // when a profile weighs them.
    const w = weights ? Math.max(0, weights[c] ?? 0) : c === 'user' ? 0 : 1;
    if (!Number.isFinite(w)) continue;
    perCategory[c] = w;
    total += w;
  }
  if (!(total > 0)) return null;
  for (const c of Object.keys(perCategory) as Category[]) perCategory[c] = (perCategory[c] as number) / total;
  const perRow = categories.map((c) => (perCategory[c] ?? 0) / (count.get(c) as number));
  return { perRow, perCategory };
}

export function overallIndex(rows: readonly IndexInput[], level: number, weights?: Partial<Record<Category, number>>): OverallIndex | null {
  if (rows.length === 0) return null;
  const w = rowWeights(
    rows.map((r) => r.category),
    weights,
  );
  if (!w) return null;
  const weighted = rows.map((r, k) => ({ r, wk: w.perRow[k] as number })).filter((x) => x.wk > 0);
  const point = weighted.reduce((a, x) => a + x.wk * x.r.point, 0);
  const runs = weighted.filter((x): x is { r: Extract<IndexInput, { kind: 'runs' }>; wk: number } => x.r.kind === 'runs');
  const boots = weighted.filter((x): x is { r: Extract<IndexInput, { kind: 'replicates' }>; wk: number } => x.r.kind === 'replicates');
  let lo: number;
  let hi: number;
  let method: Estimate['method'];
  const single = weighted.length === 1 ? weighted[0]?.r : undefined;
  if (single?.interval) {
    // One workload: the index is that row, with the row's own interval (its exact bootstrap, its Welch).
    ({ lo, hi, method } = single.interval);
  } else if (runs.length === 0) {
    ({ lo, hi } = bootstrapPart(boots, point, level));
    method = 'percentile';
  } else {
    const part = runsPart(runs);
    // Bootstrap rows in a comparison of runs (a workload measured in one run per side only): their widened variances added.
    const extra = boots.reduce((a, { r, wk }) => a + wk * wk * r.variance * r.widening * r.widening, 0);
    const se = Math.sqrt(part.se ** 2 + extra);
    const nu = extra > 0 && part.se > 0 ? (se ** 4 * part.nu) / part.se ** 4 : extra > 0 ? Number.POSITIVE_INFINITY : part.nu;
    ({ lo, hi } = tInterval(point, se, nu, level));
    method = 'runs-t';
  }
  lo = Math.min(point, lo);
  hi = Math.max(point, hi);
  const logRatio: Estimate = { point, lo, hi, level, method };
  return {
    logRatio,
    overheadPct: { point: pct(point), lo: pct(lo), hi: pct(hi), level, method },
    weights: w.perCategory,
    workloads: weighted.length,
  };
}

/** Percentile interval of the weighted sum of the rows' replicates, widened by the rows' small-sample factors. */
function bootstrapPart(
  rows: readonly { r: Extract<IndexInput, { kind: 'replicates' }>; wk: number }[],
  point: number,
  level: number,
): { lo: number; hi: number } {
  const B = rows[0]?.r.replicates.length ?? 0;
  if (B === 0) return { lo: point, hi: point };
  const reps = new Float64Array(B);
  let num = 0;
  let den = 0;
  for (const { r, wk } of rows) {
    for (let b = 0; b < B; b++) reps[b] = (reps[b] as number) + wk * (r.replicates[b] as number);
    const v = wk * wk * r.variance;
    num += v * r.widening * r.widening;
    den += v;
  }
  const c = den > 0 ? Math.sqrt(num / den) : 1;
  const raw = percentileInterval(reps, level);
  return { lo: point - c * (point - raw.lo), hi: point + c * (raw.hi - point) };
}

/** Welch across per-run composite figures (a missing workload in a run takes its side's mean there). */
function runsPart(rows: readonly { r: Extract<IndexInput, { kind: 'runs' }>; wk: number }[]): { se: number; nu: number } {
  const composite = (side: 'base' | 'cand'): number[] => {
    const m = Math.max(...rows.map(({ r }) => r[side].length));
    const g = new Array<number>(m).fill(0);
    const seen = new Array<boolean>(m).fill(false);
    for (const { r, wk } of rows) {
      const xs = r[side];
      const present = xs.filter((x) => Number.isFinite(x));
      const fill = mean(present);
      for (let i = 0; i < m; i++) {
        const x = xs[i];
        if (x !== undefined && Number.isFinite(x)) seen[i] = true;
        g[i] = (g[i] as number) + wk * (x !== undefined && Number.isFinite(x) ? x : fill);
      }
    }
    return g.filter((_, i) => seen[i]); // a run that measured none of these workloads is not a run of this index
  };
  const { se, nu } = welch(composite('base'), composite('cand'));
  return { se, nu };
}

/** Log ratio to percent overhead: 100·(exp(d) - 1). */
export function pct(d: number): number {
  return 100 * Math.expm1(d);
}
