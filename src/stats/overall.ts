/**
 * The overall index of a comparison: the weighted geometric mean of the per-workload worse-direction
 * ratios, i.e. exp(Σ w_k d_k) with Σ w_k = 1 (Fleming & Wallace 1986: geometric means are the right
 * summary of normalised benchmark ratios). By default every category present gets the same weight,
 * shared equally by its workloads, so ten syscall workloads do not outvote one CPU workload; a
 * profile may give category weights instead (categories it does not name get 0). The `user` category (a user's
 * own tinybench tasks) gets 0 by default.
 *
 * Interval: percentile interval of Σ w_k d*_k over the workloads' own bootstrap replicates (the same
 * resample index b across workloads: each workload's sides were resampled independently), widened about
 * the point by the variance-weighted small-sample factors of the rows (see bootstrap.ts).
 */
import type { Category } from '../types.js';
import { percentileInterval } from './bootstrap.js';
import type { Estimate } from './types.js';

export interface IndexInput {
  category: Category;
  point: number;
  replicates: Float64Array;
  /** varBase + varCand of the row's bootstrap. */
  variance: number;
  widening: number;
}

export interface OverallIndex {
  logRatio: Estimate;
  overheadPct: Estimate;
  weights: Partial<Record<Category, number>>;
  workloads: number;
}

/** Per-row weights summing to 1 (null when no row gets a positive weight). */
export function rowWeights(categories: readonly Category[], weights?: Partial<Record<Category, number>>): { perRow: number[]; perCategory: Partial<Record<Category, number>> } | null {
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
  const w = rowWeights(rows.map((r) => r.category), weights);
  if (!w) return null;
  const B = rows[0]?.replicates.length ?? 0;
  const reps = new Float64Array(B);
  let point = 0;
  let num = 0;
  let den = 0;
  rows.forEach((r, k) => {
    const wk = w.perRow[k] as number;
    if (wk === 0) return;
    point += wk * r.point;
    for (let b = 0; b < B; b++) reps[b] = (reps[b] as number) + wk * (r.replicates[b] as number);
    const v = wk * wk * r.variance;
    num += v * r.widening * r.widening;
    den += v;
  });
  const c = den > 0 ? Math.sqrt(num / den) : 1;
  const raw = percentileInterval(reps, level);
  const lo = Math.min(point, point - c * (point - raw.lo));
  const hi = Math.max(point, point + c * (raw.hi - point));
  const logRatio: Estimate = { point, lo, hi, level, method: 'percentile' };
  return {
    logRatio,
    overheadPct: { point: pct(point), lo: pct(lo), hi: pct(hi), level, method: 'percentile' },
    weights: w.perCategory,
    workloads: rows.filter((_, k) => (w.perRow[k] as number) > 0).length,
  };
}

/** Log ratio to percent overhead: 100·(exp(d) - 1). */
export function pct(d: number): number {
  return 100 * Math.expm1(d);
}
