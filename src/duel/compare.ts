/**
 * The duel's paired comparison: side A is the base, side B the candidate (positive overhead = B worse).
 * Rounds are paired by index: round i of A and round i of B ran back to back (the duel appends rounds in
 * pairs), so a machine's drift hits both members of a pair alike and cancels in their ratio.
 *
 * This is the one comparison engine of src/stats/compare.ts with the paired estimator (stats/paired.ts:
 * Hodges-Lehmann on per-pair log ratios, the distribution-free Walsh-average interval, Wilcoxon
 * signed-rank p): the same verdicts, false-coverage-rate adjustment, overall index, noise and
 * environment warnings as `compare`.
 */
import { addWarning, compareEngine } from '../stats/compare.js';
import { sideSummary, type RowEstimate, type RowEstimator } from '../stats/estimator.js';
import { kernelTimeOf, secondFigureNotes } from '../stats/kernel-time.js';
import { addedCostOfPairs, isTimePerOperation } from '../stats/added-cost.js';
import { pairedEstimate, pairedLogRatios, signedRankMinP, walshInterval } from '../stats/paired.js';
import { filterContendedPairs } from '../stats/contention.js';
import { createRng } from '../stats/random.js';
import type { Comparison, CompareOptions } from '../stats/types.js';
import type { ResultsFile, Round, RowNote, WorkloadOk } from '../types.js';
import { noteText } from '../format/notes.js';

export type DuelCompareOptions = CompareOptions;

const usable = (x: number) => Number.isFinite(x) && x > 0;

/** The pairs of two sides' rounds with a usable figure on both members, and a note on those left out. */
export function usablePairs(a: WorkloadOk, b: WorkloadOk): { ra: Round[]; rb: Round[]; notes: RowNote[]; trusted: boolean } {
  // Pairs with a round starved by other work first (src/stats/contention.ts), then unusable figures.
  const kp = filterContendedPairs(a.rounds, b.rounds);
  if (kp.a.length !== a.rounds.length || kp.b.length !== b.rounds.length) {
    a = { ...a, rounds: kp.a };
    b = { ...b, rounds: kp.b };
  }
  const n = Math.min(a.rounds.length, b.rounds.length);
  const ra: Round[] = [];
  const rb: Round[] = [];
  const bad: { pair: number; a: number; b: number }[] = [];
  for (let i = 0; i < n; i++) {
    const x = a.rounds[i] as Round;
    const y = b.rounds[i] as Round;
    if (usable(x.figure) && usable(y.figure)) {
      ra.push(x);
      rb.push(y);
    } else bad.push({ pair: i + 1, a: x.figure, b: y.figure });
  }
  const notes: RowNote[] = [...kp.notes];
  if (a.rounds.length !== b.rounds.length) notes.push({ code: 'unpaired-rounds', rounds: Math.abs(a.rounds.length - b.rounds.length) });
  if (bad.length) notes.push({ code: 'bad-pairs', pairs: bad });
  return { ra, rb, notes, trusted: kp.trustworthy };
}

/** The paired estimator of the comparison engine (one run per side: the duel's two files). */
export const pairedEstimator: RowEstimator = ({ id, base, cand, settings: s }) => {
  const wa = base[0] as WorkloadOk;
  const wb = cand[0] as WorkloadOk;
  const { ra, rb, notes, trusted } = usablePairs(wa, wb);
  const n = ra.length;
  if (n < 2)
    return `only ${n} round pair${n === 1 ? '' : 's'} measured (need at least 2)${notes.length ? `; ${notes.map(noteText).join('; ')}` : ''}`;
  // A seed per workload id, so a row's interval does not depend on which other workloads ran.
  let h = s.seed | 0;
  for (const ch of id) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193);
  const d = pairedLogRatios(
    ra.map((r) => r.figure),
    rb.map((r) => r.figure),
    wa.better,
  );
  const est = pairedEstimate(d, { level: s.level, resamples: s.resamples, rng: createRng(h) });
  notes.unshift({ code: 'paired-method', pairs: n });
  if (est.achievedLevel < s.level - 1e-9) notes.push({ code: 'achieved-level', pairs: n, achieved: est.achievedLevel, level: s.level });
  const spread = d.some((x) => Math.abs(x - (d[0] as number)) > 1e-12 * Math.max(1, Math.abs(d[0] as number)));
  notes.push(...secondFigureNotes(wa, wb));
  const r: RowEstimate = {
    // Kernel time per op of the usable pairs' rounds (rounds bootstrapped per side, as in `compare`).
    kernel: kernelTimeOf(ra, rb, s),
    addedPerOp: isTimePerOperation(wa.unit, wa.better)
      ? addedCostOfPairs(
          ra.map((r) => r.figure),
          rb.map((r) => r.figure),
          wa.unit,
          s.level,
        )
      : null,
    point: est.logRatio.point,
    lo: est.logRatio.lo,
    hi: est.logRatio.hi,
    intervalAt: (level) => {
      const w = walshInterval(d, level);
      return { lo: Math.min(w.lo, est.logRatio.point), hi: Math.max(w.hi, est.logRatio.point) };
    },
    method: 'walsh',
    achievedLevel: est.achievedLevel,
    pValue: est.pValue,
    test: 'Wilcoxon signed-rank',
    minP: signedRankMinP(n),
    index: { kind: 'replicates', replicates: est.replicates, variance: est.replicateVariance, widening: 1 },
    base: sideSummary(wa, ra),
    cand: sideSummary(wb, rb),
    notes,
    degenerate: spread ? null : { code: 'no-spread-pairs', pairs: d.length },
    settle: { unit: 'pairs', n },
    lopsided: false,
    trusted,
  };
  return r;
};

/** Compare side B (candidate) against side A (base) from their results files, pairing rounds by index. */
export function compareDuel(a: ResultsFile, b: ResultsFile, options: DuelCompareOptions = {}): Comparison {
  const c = compareEngine([a], [b], pairedEstimator, options);
  if (!a.finishedAt || !b.finishedAt) addWarning(c, { code: 'duel-partial' }, true);
  return c;
}
