/**
 * The verdict, defined once (criterion's two-stage idea, without writing it twice): against a noise
 * threshold δ, an overhead interval [lo, hi] (percent, positive = candidate worse) is
 *   slower       when the whole interval lies above +δ,
 *   faster       when the whole interval lies below -δ,
 *   same         when the whole interval lies inside [-δ, +δ],
 *   inconclusive otherwise.
 * Every exporter, the gate and the duel use this function. The rules applied after it (no verdict on zero
 * spread or where the row's test cannot reach α, false-coverage-rate adjustment) live in the one
 * comparison engine, `compareEngine` in compare.ts; rounds to settle are `settleCount` there.
 */
import type { Verdict } from './types.js';

export function verdictOf(interval: { lo: number; hi: number }, noisePct: number): Verdict {
  const d = Math.abs(noisePct);
  if (interval.lo > d) return 'slower';
  if (interval.hi < -d) return 'faster';
  if (interval.lo >= -d && interval.hi <= d) return 'same';
  return 'inconclusive';
}
