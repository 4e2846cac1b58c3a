/**
 * The verdict, defined once (criterion's two-stage idea, without writing it twice): against a noise
 * threshold δ, an overhead interval [lo, hi] (percent, positive = candidate worse) is
 *   slower       when the whole interval lies above +δ,
 *   faster       when the whole interval lies below -δ,
 *   same         when the whole interval lies inside [-δ, +δ],
 *   inconclusive otherwise.
 * Every exporter, the gate and the duel use this function.
 */
import type { Verdict } from './types.js';

export function verdictOf(interval: { lo: number; hi: number }, noisePct: number): Verdict {
  const d = Math.abs(noisePct);
  if (interval.lo > d) return 'slower';
  if (interval.hi < -d) return 'faster';
  if (interval.lo >= -d && interval.hi <= d) return 'same';
  return 'inconclusive';
}

/**
 * Rounds per side that would likely settle an inconclusive row: n ≈ (2·z·s / W)², with s the standard
 * deviation of one round's log figure and W the interval width (on the log scale) that would fit inside
 * the noise band or clear it. Returns null when it cannot be estimated (s or W not positive).
 */
export function roundsToSettle(sdLog: number, targetWidthLog: number, z = 1.96): number | null {
  if (!(sdLog > 0) || !(targetWidthLog > 0)) return null;
  return Math.max(2, Math.ceil(((2 * z * sdLog) / targetWidthLog) ** 2));
}
