/**
 * The row estimator of independent runs (compare's own; a duel's paired estimator is src/duel/compare.ts): each side's
 * usable rounds per run (contended rounds dropped where enough clean ones remain, broken figures dropped), then
 * Welch's t across run figures when either side has several runs (runs.ts), else the bootstrap over rounds with the
 * Mann-Whitney test (bootstrap.ts, mann-whitney.ts); and the contract every estimator fills for the engine
 * (compare.ts): RowEstimate, EstimatorInput, Settings.
 */
import type { NoSpread, Round, RowNote, WorkloadOk } from '../types.js';
import { signedPct } from '../format/text.js';
import { noteText } from '../format/notes.js';
import { bootstrapIntervalAt, bootstrapLogRatio, medianOf, type SideInput, type SideMemo } from './bootstrap.js';
import { summarize } from './describe.js';
import { contentionNotes, filterContended } from './contention.js';
import { kernelTimeOf, secondFigureNotes } from './kernel-time.js';
import { mannWhitney } from './mann-whitney.js';
import { pct } from './overall.js';
import { lnGamma } from './distributions.js';
import { compareRuns } from './runs.js';
import type { AddedCost, Estimate, KernelTime, SideSummary } from './types.js';
import { addedCostOfRounds, addedCostOfRuns, isTimePerOperation } from './added-cost.js';

const finitePositive = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x) && x > 0;

/** Keep rounds with a usable figure; drop unusable batch samples. Says what it dropped. */
function cleanRounds(rounds: readonly Round[]): { rounds: Round[]; droppedRounds: number; droppedSamples: number } {
  const kept: Round[] = [];
  let droppedRounds = 0;
  let droppedSamples = 0;
  for (const r of rounds) {
    if (!finitePositive(r.figure)) {
      droppedRounds++;
      continue;
    }
    const samples = (r.samples ?? []).filter(finitePositive);
    droppedSamples += (r.samples?.length ?? 0) - samples.length;
    kept.push({ ...r, samples });
  }
  return { rounds: kept, droppedRounds, droppedSamples };
}

/** One side's summary of a workload over the rounds a comparison uses (independent runs and the duel's pairs alike). */
export function sideSummary(w: WorkloadOk, rounds: Round[]): SideSummary {
  const s = summarize(rounds, w.better);
  const finite = (x: number) => (Number.isFinite(x) ? x : 0);
  return {
    median: finite(s.median),
    rounds: s.rounds,
    cv: finite(s.cv),
    p50: finite(s.p50),
    p99: finite(s.p99),
    stealPct: s.stealPct !== null && Number.isFinite(s.stealPct) ? s.stealPct : null,
  };
}

/** Resolved settings of a comparison. */
export interface Settings {
  noisePct: number;
  alpha: number;
  level: number;
  resamples: number;
  seed: number;
}

/**
 * What an estimator gives the engine for one workload: the worse-direction log ratio d with its interval
 * at the level in force and at any other level (for the false-coverage-rate adjustment), the row's test,
 * the replicates for the overall index, the two sides' summaries and its notes.
 */
export interface RowEstimate {
  point: number;
  lo: number;
  hi: number;
  intervalAt: (level: number) => { lo: number; hi: number };
  method: Estimate['method'];
  /** Monte Carlo standard error of the bounds on the log scale (bootstrap intervals only). */
  mcError?: number;
  /** The coverage the interval really has, where it is below the level in force (few duel pairs). */
  achievedLevel?: number;
  /** Kernel time per operation of the rounds used, where both sides recorded it (kernel-time.ts). */
  kernel?: KernelTime | null;
  /** Added time per operation, for workloads measured in time per operation (added-cost.ts). */
  addedPerOp?: AddedCost | null;
  pValue: number;
  /** The row's test, and the smallest two-sided p-value it can give with these counts. */
  test: string;
  minP: number;
  /** The row's part of the overall index (overall.ts): bootstrap replicates, or signed run figures by run position. */
  index: RowIndex;
  base: SideSummary;
  cand: SideSummary;
  notes: RowNote[];
  /** Why no verdict can be trusted (no spread on a side, ...), or null. */
  degenerate: NoSpread | null;
  /** What more of would settle an inconclusive row, and how many there are per side now. */
  settle: {
    unit: 'rounds' | 'runs' | 'pairs';
    n: number;
    /**
     * Runs only: the standard error of d and its degrees of freedom. The count then comes from z·se, not from the
     * t interval's width (whose t_ν at 2-4 degrees of freedom swung the count 8-fold between data sets of one
     * truth), with the range the spread's own uncertainty allows.
     */
    se?: number;
    nu?: number;
  };
  /** Very different counts per side (3 vs 60 rounds). */
  lopsided: boolean;
  /**
   * False when rounds starved by other work had to be kept (src/stats/contention.ts): the row gets no
   * clean verdict and stays out of the overall index. Absent means true.
   */
  trusted?: boolean;
}

/** A row's part of the overall index: an IndexInput (overall.ts) without the category and point the engine adds. */
export type RowIndex =
  { kind: 'replicates'; replicates: Float64Array; variance: number; widening: number } | { kind: 'runs'; base: number[]; cand: number[] };

/** One workload of every run of both sides (ok entries only; at least one per side). */
export interface EstimatorInput {
  id: string;
  base: WorkloadOk[];
  cand: WorkloadOk[];
  /** Position of each entry's run among the side's files (aligned with base/cand), and the number of files per side. */
  basePos: number[];
  candPos: number[];
  baseFiles: number;
  candFiles: number;
  settings: Settings;
  /** Replicates of base sides already resampled (one baseline against many hosts); a cache only. */
  baseMemo?: SideMemo;
}

/** The part of the engine that differs between comparisons: independent runs, paired duel rounds. */
export type RowEstimator = (input: EstimatorInput) => RowEstimate | string;

const spreadless = (xs: readonly number[]) =>
  xs.length > 1 && xs.every((x) => Math.abs(x - (xs[0] as number)) <= 1e-12 * Math.abs(xs[0] as number));

/** Smallest two-sided p of the exact Mann-Whitney test with n and m untied values: 2 / C(n+m, n). */
export function mannWhitneyMinP(n: number, m: number): number {
  if (n < 1 || m < 1) return 1;
  return Math.min(1, 2 * Math.exp(lnGamma(n + 1) + lnGamma(m + 1) - lnGamma(n + m + 1)));
}

/** One run's usable rounds and its position among its side's files. */
interface RunRounds {
  rounds: Round[];
  pos: number;
}

/**
 * Each side's usable rounds per run: contended rounds dropped when enough clean ones remain (else kept and the row
 * distrusted, contention.ts), then rounds and batch samples that are zero, negative or non-finite; runs left with none
 * are left out. Notes say what was dropped.
 */
function usableRounds(
  base: WorkloadOk[],
  cand: WorkloadOk[],
  basePos: number[],
  candPos: number[],
  notes: RowNote[],
): { rb: RunRounds[]; rc: RunRounds[]; trusted: boolean } {
  let trusted = true;
  const kept = new Map<WorkloadOk, Round[]>();
  const none = filterContended([]);
  for (const [side, ws] of [
    ['base', base],
    ['candidate', cand],
  ] as const) {
    for (const w of ws) {
      const f = filterContended(w.rounds);
      kept.set(w, f.rounds);
      if (!f.trustworthy) trusted = false;
      notes.push(...(side === 'base' ? contentionNotes(f, none) : contentionNotes(none, f)));
    }
  }
  const clean = (side: 'base' | 'candidate', ws: WorkloadOk[], pos: number[]) =>
    ws
      .map((w, i) => {
        const cr = cleanRounds(kept.get(w) ?? w.rounds);
        const run = ws.length > 1 ? i + 1 : null;
        if (cr.droppedRounds) notes.push({ code: 'rounds-dropped', side, run, rounds: cr.droppedRounds });
        if (cr.droppedSamples) notes.push({ code: 'samples-dropped', side, run, samples: cr.droppedSamples });
        return { rounds: cr.rounds, pos: pos[i] as number };
      })
      .filter((r) => r.rounds.length > 0);
  return { rb: clean('base', base, basePos), rc: clean('candidate', cand, candPos), trusted };
}

const sideInput = (rounds: Round[]): SideInput => ({ figures: rounds.map((r) => r.figure), samples: rounds.map((r) => r.samples) });

/** Several runs on a side (and at least one on the other): Welch's t across run figures (runs.ts). */
function runsEstimate(
  b0: WorkloadOk,
  c0: WorkloadOk,
  rb: RunRounds[],
  rc: RunRounds[],
  files: { base: number; cand: number },
  s: Settings,
  notes: RowNote[],
  trusted: boolean,
): RowEstimate {
  const runs = compareRuns(
    rb.map((r) => sideInput(r.rounds)),
    rc.map((r) => sideInput(r.rounds)),
    { better: b0.better, level: s.level },
  );
  if (runs.sharedSpread) {
    const one = runs.baseRuns === 1 ? 'base' : 'candidate';
    notes.push({ code: 'shared-spread', side: one, otherRuns: Math.max(runs.baseRuns, runs.candRuns) });
  }
  notes.push(...secondFigureNotes(b0, c0));
  notes.push({ code: 'welch-runs', baseRuns: runs.baseRuns, candRuns: runs.candRuns, nu: runs.nu });
  const sgn = b0.better === 'lower' ? 1 : -1;
  const slots = (n: number, runsOf: { pos: number }[], figs: number[]) => {
    const out = new Array<number>(n).fill(Number.NaN);
    runsOf.forEach((r, i) => {
      out[r.pos] = sgn * (figs[i] as number);
    });
    return out;
  };
  const runMedians = (rs: { rounds: Round[] }[]) => rs.map((r) => medianOf(r.rounds.map((x) => x.figure)));
  const allB = rb.flatMap((r) => r.rounds);
  const allC = rc.flatMap((r) => r.rounds);
  const geomean = (figs: number[], n: number) => Math.exp(figs.reduce((a, x) => a + x, 0) / n);
  return {
    kernel: kernelTimeOf(allB, allC, s),
    addedPerOp: isTimePerOperation(b0.unit, b0.better) ? addedCostOfRuns(runMedians(rb), runMedians(rc), b0.unit, s.level) : null,
    point: runs.point,
    lo: runs.lo,
    hi: runs.hi,
    intervalAt: runs.intervalAt,
    method: runs.method,
    pValue: runs.pValue,
    test: 'Welch t across runs',
    minP: 0,
    index: { kind: 'runs', base: slots(files.base, rb, runs.baseFigures), cand: slots(files.cand, rc, runs.candFigures) },
    // The medians shown are the ones the estimate compares: the geometric mean of the run medians, so their ratio is the point.
    base: { ...sideSummary(b0, allB), median: geomean(runs.baseFigures, runs.baseRuns) },
    cand: { ...sideSummary(c0, allC), median: geomean(runs.candFigures, runs.candRuns) },
    notes,
    degenerate: runs.se > 0 ? null : { code: 'no-spread-runs' },
    settle: { unit: 'runs', n: 2 / (1 / runs.baseRuns + 1 / runs.candRuns), se: runs.se, nu: runs.nu },
    lopsided: false,
    trusted,
  };
}

/** Why one run per side with fewer than 2 usable rounds on a side cannot be compared, with the point where there is one. */
function tooFewRounds(b0: WorkloadOk, allB: Round[], allC: Round[], notes: RowNote[]): string {
  const nB = allB.length;
  const nC = allC.length;
  const few = [nB < 2 ? `${nB} usable round(s) on base` : '', nC < 2 ? `${nC} usable round(s) on candidate` : '']
    .filter(Boolean)
    .join(' and ');
  let reason = `${few}: need at least 2 per side to estimate the spread between rounds`;
  if (nB >= 1 && nC >= 1) {
    const sgn = b0.better === 'lower' ? 1 : -1;
    const d = sgn * (Math.log(medianOf(allC.map((r) => r.figure))) - Math.log(medianOf(allB.map((r) => r.figure))));
    reason += ` (point estimate ${signedPct(pct(d))}, no interval)`;
  }
  if (notes.length) reason += `; ${notes.map(noteText).join('; ')}`;
  return reason;
}

/** One run per side: the bootstrap over rounds (bootstrap.ts) and the Mann-Whitney test. */
function roundsEstimate(
  b0: WorkloadOk,
  c0: WorkloadOk,
  allB: Round[],
  allC: Round[],
  s: Settings,
  notes: RowNote[],
  trusted: boolean,
  baseMemo: SideMemo | undefined,
): RowEstimate {
  const nB = allB.length;
  const nC = allC.length;
  const boot = bootstrapLogRatio(
    sideInput(allB),
    sideInput(allC),
    { better: b0.better, resamples: s.resamples, level: s.level, seed: s.seed },
    baseMemo,
  );
  const figB = allB.map((r) => r.figure);
  const figC = allC.map((r) => r.figure);
  const mw = mannWhitney(figB, figC);
  const flat = [
    ...(spreadless(figB) ? [{ side: 'base' as const, rounds: nB, figure: figB[0] as number }] : []),
    ...(spreadless(figC) ? [{ side: 'candidate' as const, rounds: nC, figure: figC[0] as number }] : []),
  ];
  const lopsided = Math.max(nB, nC) >= 4 * Math.min(nB, nC);
  if (lopsided) notes.push({ code: 'lopsided-rounds', base: nB, cand: nC });
  if (Math.min(nB, nC) <= 3) notes.push({ code: 'few-rounds', rounds: Math.min(nB, nC) });
  notes.push(...secondFigureNotes(b0, c0));
  return {
    kernel: kernelTimeOf(allB, allC, s),
    addedPerOp: isTimePerOperation(b0.unit, b0.better) ? addedCostOfRounds(figB, figC, b0.unit, s) : null,
    point: boot.point,
    lo: boot.lo,
    hi: boot.hi,
    intervalAt: (level) => bootstrapIntervalAt(boot, level),
    method: boot.method,
    mcError: boot.mcError,
    pValue: mw.p,
    test: 'Mann-Whitney U',
    minP: mannWhitneyMinP(nB, nC),
    index: { kind: 'replicates', replicates: boot.replicates, variance: boot.varBase + boot.varCand, widening: boot.widening },
    base: sideSummary(b0, allB),
    cand: sideSummary(c0, allC),
    notes,
    degenerate: flat.length ? { code: 'no-spread-rounds', sides: flat } : null,
    settle: { unit: 'rounds', n: 2 / (1 / nB + 1 / nC) },
    lopsided,
    trusted,
  };
}

/**
 * The estimator of independent runs: with one run per side, the two-stage bootstrap over rounds and
 * batches (bootstrap.ts) and the Mann-Whitney test on the round figures; with several runs on a side,
 * runs as the top level (runs.ts) and Welch's t test across run figures.
 */
export const independentEstimator: RowEstimator = ({ base, cand, basePos, candPos, baseFiles, candFiles, settings: s, baseMemo }) => {
  const b0 = base[0] as WorkloadOk;
  const c0 = cand[0] as WorkloadOk;
  const notes: RowNote[] = [];
  const { rb, rc, trusted } = usableRounds(base, cand, basePos, candPos, notes);
  if (rb.length >= 1 && rc.length >= 1 && rb.length + rc.length >= 3)
    return runsEstimate(b0, c0, rb, rc, { base: baseFiles, cand: candFiles }, s, notes, trusted);
  const allB = rb.flatMap((r) => r.rounds);
  const allC = rc.flatMap((r) => r.rounds);
  if (allB.length < 2 || allC.length < 2) return tooFewRounds(b0, allB, allC, notes);
  return roundsEstimate(b0, c0, allB, allC, s, notes, trusted, baseMemo);
};
