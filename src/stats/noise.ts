/**
 * How noisy each host is, and the two hosts compared. Per workload: the coefficient of variation of
 * the round figures and the tail ratio p99/p50 of the batch samples in the worse direction (≥ 1); per
 * host: the median of those across workloads (a median, so one pathological workload does not decide);
 * steal time from /proc/stat as recorded in the files. The cand/base ratios get a percentile bootstrap
 * interval that resamples workloads in pairs (Efron & Tibshirani 1993, ch. 13), seeded; the steal
 * difference (cand - base mean steal per round, percentage points) resamples each side's rounds.
 */
import { mean } from './describe.js';
import { medianInPlace, medianOf, percentileInterval } from './bootstrap.js';
import { createRng } from './random.js';
import type { Estimate, NoiseComparison } from './types.js';

export interface NoiseRow {
  baseCv: number;
  candCv: number;
  baseTail: number;
  candTail: number;
}

function ratioEstimate(base: number[], cand: number[], resamples: number, level: number, seed: number): Estimate | null {
  const n = base.length;
  if (n < 2) return null;
  const point = medianOf(cand) / medianOf(base);
  if (!Number.isFinite(point) || !(point > 0)) return null;
  const rng = createRng(seed);
  const reps = new Float64Array(resamples);
  const bb = new Float64Array(n);
  const cb = new Float64Array(n);
  const draws = new Int32Array(n);
  let k = 0;
  for (let b = 0; b < resamples; b++) {
    rng.fillBelow(draws, n); // n draws of below(n), in order
    for (let i = 0; i < n; i++) {
      const j = draws[i] as number;
      bb[i] = base[j] as number;
      cb[i] = cand[j] as number;
    }
    // In place: bb and cb are refilled whole on the next resample (same value as medianOf on a copy).
    const r = medianInPlace(cb, n) / medianInPlace(bb, n);
    if (Number.isFinite(r) && r > 0) reps[k++] = r;
  }
  if (k < resamples / 2) return null;
  const iv = percentileInterval(reps.subarray(0, k), level);
  return { point, lo: Math.min(point, iv.lo), hi: Math.max(point, iv.hi), level, method: 'percentile' };
}

/**
 * The indices stealDifference draws depend only on its seed, the number of resamples and the two sides'
 * lengths, not on the readings: one report compares every host with the same seed and, mostly, the same
 * lengths, so the draws are made once and kept (a few recent ones, each at most 2^21 indices; a cache
 * only: the same indices as drawing them again).
 */
const stealDraws = new Map<string, { db: Int32Array; dc: Int32Array }>();
const STEAL_DRAWS_KEPT = 2;
const STEAL_DRAWS_MAX = 1 << 21;

function stealIndices(nb: number, nc: number, resamples: number, seed: number): { db: Int32Array; dc: Int32Array } {
  const key = `${seed}|${resamples}|${nb}|${nc}`;
  const hit = stealDraws.get(key);
  if (hit) return hit;
  const rng = createRng(seed);
  // Each resample draws nb indices below nb, then nc below nc.
  const db = new Int32Array(resamples * nb);
  const dc = new Int32Array(resamples * nc);
  for (let b = 0; b < resamples; b++) {
    rng.fillBelow(db, nb, b * nb, (b + 1) * nb);
    rng.fillBelow(dc, nc, b * nc, (b + 1) * nc);
  }
  if ((nb + nc) * resamples <= STEAL_DRAWS_MAX) {
    if (stealDraws.size >= STEAL_DRAWS_KEPT) stealDraws.delete(stealDraws.keys().next().value as string);
    stealDraws.set(key, { db, dc });
  }
  return { db, dc };
}

/** cand - base mean of per-round steal readings, with a percentile interval (each side resampled alone). */
export function stealDifference(
  base: readonly number[],
  cand: readonly number[],
  resamples: number,
  level: number,
  seed: number,
): Estimate | null {
  if (base.length < 2 || cand.length < 2) return null;
  const point = mean(cand) - mean(base);
  const nb = base.length;
  const nc = cand.length;
  const { db, dc } = stealIndices(nb, nc, resamples, seed);
  const reps = new Float64Array(resamples);
  for (let b = 0; b < resamples; b++) {
    let sb = 0;
    for (let i = b * nb, end = i + nb; i < end; i++) sb += base[db[i] as number] as number;
    let sc = 0;
    for (let i = b * nc, end = i + nc; i < end; i++) sc += cand[dc[i] as number] as number;
    reps[b] = sc / nc - sb / nb;
  }
  const iv = percentileInterval(reps, level);
  return { point, lo: Math.min(point, iv.lo), hi: Math.max(point, iv.hi), level, method: 'percentile' };
}

export function compareNoise(
  rows: readonly NoiseRow[],
  steal: { base: number | null; cand: number | null; baseRounds?: readonly number[]; candRounds?: readonly number[] },
  opts: { resamples: number; level: number; seed: number },
): NoiseComparison | null {
  const cvRows = rows.filter((r) => r.baseCv > 0 && r.candCv > 0 && Number.isFinite(r.baseCv) && Number.isFinite(r.candCv));
  const tailRows = rows.filter((r) => r.baseTail > 0 && r.candTail > 0 && Number.isFinite(r.baseTail) && Number.isFinite(r.candTail));
  if (cvRows.length === 0 && tailRows.length === 0) return null;
  const med = (xs: number[]) => (xs.length ? medianOf(xs) : 0);
  // Fewer resamples than the rows' bootstrap: this one resamples a handful of workloads.
  const b = Math.min(opts.resamples, 2000);
  return {
    baseCv: med(cvRows.map((r) => r.baseCv)),
    candCv: med(cvRows.map((r) => r.candCv)),
    cvRatio: ratioEstimate(
      cvRows.map((r) => r.baseCv),
      cvRows.map((r) => r.candCv),
      b,
      opts.level,
      (opts.seed ^ 0x2545f491) | 0,
    ),
    baseTail: med(tailRows.map((r) => r.baseTail)),
    candTail: med(tailRows.map((r) => r.candTail)),
    tailRatio: ratioEstimate(
      tailRows.map((r) => r.baseTail),
      tailRows.map((r) => r.candTail),
      b,
      opts.level,
      (opts.seed ^ 0x68e31da4) | 0,
    ),
    baseStealPct: steal.base,
    candStealPct: steal.cand,
    stealDiffPct: stealDifference(steal.baseRounds ?? [], steal.candRounds ?? [], b, opts.level, (opts.seed ^ 0x1b873593) | 0),
  };
}
