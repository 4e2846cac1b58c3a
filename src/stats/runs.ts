/**
 * Replicate runs as the top level of the comparison (Kalibera & Jones 2013, "Rigorous benchmarking in
 * reasonable time": a run is one launch of the probe, and the rounds of one run share its conditions, so
 * run-to-run variation cannot be seen from inside one run).
 *
 * Per side, each run's figure is f_r = ln median(its round figures); d = s·(mean f_cand - mean f_base),
 * s = +1 for lower-is-better, -1 for higher-is-better (d > 0: candidate worse), as in bootstrap.ts.
 *
 * Interval, one method from 2 to any number of runs per side: Welch's t interval across the run figures
 * (Welch 1947), d ± t_ν(1-α/2)·sqrt(s²_B/m_B + s²_C/m_C), ν by Welch-Satterthwaite. A run's figure already
 * carries its rounds' noise, so resampling rounds again inside each run would count that noise twice (the
 * three-level bootstrap this replaced from 6 runs per side widened the interval when a sixth run was added:
 * issue 22, docs/compare.md); and with few runs a bootstrap over runs treats the spread of 2-5 values as known.
 * With one run on one side and several on the other, the run-to-run spread of the side with several runs
 * stands for both (the gate's case: k baseline runs against one current run), ν = m - 1, said in a note.
 * p-value: Welch's t test on the run figures (a rank test over pooled rounds would treat rounds of one run
 * as independent of each other, which is exactly the error this module exists to avoid).
 *
 * The overall index over runs (overall.ts) uses `welch` below on per-run composite figures, so an offset that
 * hits every workload of one run is counted once, not as independent noise per workload.
 */
import { mean, sampleVariance } from './describe.js';
import { medianOf, welchSatterthwaite, type SideInput } from './bootstrap.js';
import { normQuantile, tCdf, tQuantile } from './distributions.js';

export interface RunsOptions {
  better: 'lower' | 'higher';
  level: number;
}

/** Welch's standard error of mean(c) - mean(b), its degrees of freedom, and whether one side borrowed the other's spread. */
export interface WelchSe {
  se: number;
  nu: number;
  sharedSpread: boolean;
}

export interface RunsResult {
  point: number;
  lo: number;
  hi: number;
  method: 'runs-t';
  baseRuns: number;
  candRuns: number;
  /** Run figures per side (ln median of each run's rounds), in the order given. */
  baseFigures: number[];
  candFigures: number[];
  se: number;
  nu: number;
  /** Welch t two-sided p-value (1 when there is no spread). */
  pValue: number;
  /** True when one side had one run and borrowed the other side's run-to-run spread. */
  sharedSpread: boolean;
  /** The interval at another confidence level (same data). */
  intervalAt(level: number): { lo: number; hi: number };
}

/** Welch's standard error of the difference of means of two samples (at least one with 2 values). */
export function welch(b: readonly number[], c: readonly number[]): WelchSe {
  const mB = b.length;
  const mC = c.length;
  const vB = sampleVariance(b);
  const vC = sampleVariance(c);
  if (mB >= 2 && mC >= 2) {
    return { se: Math.sqrt(vB / mB + vC / mC), nu: welchSatterthwaite(vB / mB, vC / mC, mB, mC), sharedSpread: false };
  }
  const v = mB >= 2 ? vB : vC;
  return { se: Math.sqrt(v * (1 / mB + 1 / mC)), nu: Math.max(mB, mC) - 1, sharedSpread: true };
}

/** The t interval point ± t_ν(q)·se at a two-sided level. */
export function tInterval(point: number, se: number, nu: number, level: number): { lo: number; hi: number } {
  const q = 1 - (1 - level) / 2;
  const t = Number.isFinite(nu) ? tQuantile(q, nu) : normQuantile(q);
  return { lo: point - t * se, hi: point + t * se };
}

/** Welch's two-sided p of a difference `point` with standard error se (1 when there is no spread). */
export function welchP(point: number, se: number, nu: number): number {
  if (!(se > 0)) return point === 0 ? 1 : 0;
  return Math.min(1, 2 * (1 - tCdf(Math.abs(point) / se, nu)));
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
  const point = s * (mean(fC) - mean(fB));
  const { se, nu, sharedSpread } = welch(fB, fC);
  const intervalAt = (level: number) => tInterval(point, se, nu, level);
  const { lo, hi } = intervalAt(opts.level);
  return {
    point,
    lo,
    hi,
    method: 'runs-t',
    baseRuns: mB,
    candRuns: mC,
    baseFigures: fB,
    candFigures: fC,
    se,
    nu,
    pValue: se > 0 ? welchP(point, se, nu) : 1,
    sharedSpread,
    intervalAt,
  };
}
