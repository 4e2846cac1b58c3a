/**
 * Second figures beside a compared row (pure, seeded): kernel time per operation and the loopback label.
 *
 * Kernel time per operation (`Round.kernelSecondsPerOp`, the round process's system CPU seconds over its
 * operations) is what the platform changes without Node's own user-space share: a doubled syscall cost reads
 * as +35-45% on the wall-time figure of sys.read but as about +100% here. Compared like the main figure: the
 * log ratio of the medians of the round values (candidate over base, lower is better) with the same hierarchical
 * bootstrap (bootstrap.ts; one value per round, so it resamples rounds) and the same seed. The exporters format
 * it like the overhead column (src/report/comparison-exporters.ts, formatKernelOverhead).
 */
import type { Round, RowNote, WorkloadOk } from '../types.js';
import type { KernelTime } from './types.js';
import { bootstrapLogRatio, medianOf } from './bootstrap.js';
import { pct } from './overall.js';

const kernelOf = (rounds: readonly Round[]): number[] =>
  rounds.map((r) => r.kernelSecondsPerOp).filter((x): x is number => typeof x === 'number' && Number.isFinite(x) && x > 0);

/**
 * Below this many seconds per operation on both sides no operation entered the kernel (a clock read through the
 * vDSO reads about 0.04 ns: timer ticks spread over millions of reads); the ratio of two such figures is noise
 * (a duel printed +4297% [-38, +39200] for sys.clock), so there is nothing to compare. A system call costs 100 ns
 * or more.
 */
export const KERNEL_FLOOR_SECONDS = 5e-9;

/** Kernel time per op of two sides' rounds, with an interval when both have two or more rounds; null when absent or negligible on both sides. */
export function kernelTimeOf(
  base: readonly Round[],
  cand: readonly Round[],
  opts: { level: number; seed: number; resamples: number },
): KernelTime | null {
  const kb = kernelOf(base);
  const kc = kernelOf(cand);
  if (kb.length === 0 || kc.length === 0) return null;
  const mb = medianOf(kb);
  const mc = medianOf(kc);
  if (mb < KERNEL_FLOOR_SECONDS && mc < KERNEL_FLOOR_SECONDS) return null;
  const pointPct = 100 * (mc / mb - 1);
  if (kb.length < 2 || kc.length < 2) return { baseSecondsPerOp: mb, candSecondsPerOp: mc, overheadPct: null, pointPct };
  const level = opts.level;
  const b = bootstrapLogRatio(
    { figures: kb, samples: kb.map((k) => [k]) },
    { figures: kc, samples: kc.map((k) => [k]) },
    { better: 'lower', resamples: Math.min(opts.resamples, 2000), level, seed: opts.seed },
  );
  return {
    baseSecondsPerOp: mb,
    candSecondsPerOp: mc,
    overheadPct: { point: pct(b.point), lo: pct(b.lo), hi: pct(b.hi), level, method: b.method },
    pointPct,
  };
}

/** Notes a compared row carries beside its main figure: a loopback network label. */
export function secondFigureNotes(b: WorkloadOk, c: WorkloadOk): RowNote[] {
  return b.params?.link === 'loopback' || c.params?.link === 'loopback' ? [{ code: 'loopback' }] : [];
}
