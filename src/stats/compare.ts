/**
 * The one comparison engine, `compareEngine(baseRuns, candRuns, estimator, opts)`, and its two front doors:
 * `compareResults(base, cand)` (one run per side) and `compareRunSets(baseRuns, candRuns)` (replicate runs
 * per side), producing the Comparison contract (./types.ts) that compare, gate, duel, report and advise
 * consume. Pure and seeded: the same files and options give the same Comparison, byte for byte.
 *
 * The estimator is the parameter: `independentEstimator` here (one run per side: the hierarchical
 * bootstrap of the log ratio of medians, bootstrap.ts, with the Mann-Whitney U test, mann-whitney.ts;
 * several runs: runs as the top level, runs.ts, with Welch's t test across runs), the paired estimator of
 * a duel in src/duel/compare.ts. Then, for every estimator alike: Benjamini-Hochberg q-values (fdr.ts),
 * the verdict against the noise threshold (verdict.ts, the single definition), the rules that withhold
 * a verdict, the false-coverage-rate adjustment of the slower/faster rows (Benjamini & Yekutieli 2005),
 * rounds to settle from the interval's width, the overall index (overall.ts), the hosts' noise
 * (noise.ts), the fingerprint fields that differ and what the intervals cover (`scope`). Anything that
 * cannot be compared becomes a `not-compared` row or a warning with one line of reason, never an
 * exception or a NaN.
 */
import { idMatches } from '../results/ids.js';
import type { Category, Fingerprint, ResultsFile, Round, WorkloadOk, WorkloadResult } from '../types.js';
import { nestedCpuModelNote } from '../results/host.js';
import { signedPct } from '../format/text.js';
import { bootstrapIntervalAt, bootstrapLogRatio, medianOf, type SideInput, type SideMemo } from './bootstrap.js';
import { summarize } from './describe.js';
import { contentionNotes, contentionWarning, filterContended } from './contention.js';
import { benjaminiHochberg } from './fdr.js';
import { kernelTimeOf, secondFigureNotes } from './kernel-time.js';
import { mannWhitney } from './mann-whitney.js';
import { compareNoise, type NoiseRow } from './noise.js';
import { overallIndex, pct, type IndexInput } from './overall.js';
import { lnGamma, normQuantile } from './distributions.js';
import { compareRuns } from './runs.js';
import { signedRankMinP } from './paired.js';
import type {
  AddedCost,
  CompareOptions,
  Comparison,
  ComparisonScope,
  FcrApplied,
  EnvDiff,
  Estimate,
  KernelTime,
  RowComparison,
  SideSummary,
} from './types.js';
import { addedCostOfRounds, addedCostOfRuns, isTimePerOperation } from './added-cost.js';
import { verdictOf } from './verdict.js';

export const COMPARISON_SCHEMA = 'virtax.comparison/v1' as const;

export const DEFAULTS = { noisePct: 1, alpha: 0.05, resamples: 10_000, seed: 1, level: 0.95 } as const;

/** Beyond this many rounds per side "rounds to settle" is reported as null (the row sits on a threshold). */
export const MAX_SETTLE_ROUNDS = 10_000;

type Compared = Extract<RowComparison, { status: 'compared' }>;

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

/** Stable JSON of params, for spotting a workload that ran differently on the two sides. */
function stableJson(x: unknown): string {
  if (Array.isArray(x)) return `[${x.map(stableJson).join(',')}]`;
  if (x && typeof x === 'object') {
    return `{${Object.keys(x as object)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson((x as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(x) ?? 'null';
}

interface Work {
  row: Compared;
  est: RowEstimate;
  index: IndexInput;
  noise: NoiseRow;
  /** Slower/faster may only be called when the row's test can also reject (see `minP`). */
  lopsided: boolean;
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
  notes: string[];
  /** Why no verdict can be trusted (no spread on a side, ...), or null. */
  degenerate: string | null;
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

function notCompared(w: WorkloadResult | undefined, other: WorkloadResult | undefined, id: string, reason: string): RowComparison {
  const any = w ?? other;
  return { status: 'not-compared', id, category: any?.category ?? null, title: any?.title ?? null, reason };
}

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
  notes: string[],
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
        const run = ws.length > 1 ? ` (run ${i + 1})` : '';
        if (cr.droppedRounds) notes.push(`${side}${run}: ${cr.droppedRounds} round(s) dropped (zero, negative or non-finite figure)`);
        if (cr.droppedSamples) notes.push(`${side}${run}: ${cr.droppedSamples} batch sample(s) dropped (zero, negative or non-finite)`);
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
  notes: string[],
  trusted: boolean,
): RowEstimate {
  const runs = compareRuns(
    rb.map((r) => sideInput(r.rounds)),
    rc.map((r) => sideInput(r.rounds)),
    { better: b0.better, level: s.level },
  );
  if (runs.sharedSpread) {
    const one = runs.baseRuns === 1 ? 'base' : 'candidate';
    notes.push(
      `${one} has one run: its run-to-run spread is taken to be the other side's (${Math.max(runs.baseRuns, runs.candRuns)} runs)`,
    );
  }
  notes.push(...secondFigureNotes(b0, c0));
  notes.push(`${runs.baseRuns} vs ${runs.candRuns} runs: Welch t interval across run figures (ν = ${runs.nu.toFixed(1)})`);
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
    degenerate: runs.se > 0 ? null : 'the run figures do not vary at all on either side: the interval has zero width and cannot be trusted',
    settle: { unit: 'runs', n: 2 / (1 / runs.baseRuns + 1 / runs.candRuns), se: runs.se, nu: runs.nu },
    lopsided: false,
    trusted,
  };
}

/** Why one run per side with fewer than 2 usable rounds on a side cannot be compared, with the point where there is one. */
function tooFewRounds(b0: WorkloadOk, allB: Round[], allC: Round[], notes: string[]): string {
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
  if (notes.length) reason += `; ${notes.join('; ')}`;
  return reason;
}

/** One run per side: the bootstrap over rounds (bootstrap.ts) and the Mann-Whitney test. */
function roundsEstimate(
  b0: WorkloadOk,
  c0: WorkloadOk,
  allB: Round[],
  allC: Round[],
  s: Settings,
  notes: string[],
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
    spreadless(figB) ? `base (all ${nB} rounds read ${String(Number((figB[0] as number).toPrecision(4)))})` : '',
    spreadless(figC) ? `candidate (all ${nC} rounds read ${String(Number((figC[0] as number).toPrecision(4)))})` : '',
  ].filter(Boolean);
  const lopsided = Math.max(nB, nC) >= 4 * Math.min(nB, nC);
  if (lopsided)
    notes.push(
      `lopsided: ${nB} vs ${nC} rounds; the interval rests on the smaller side's spread, and slower/faster also needs the rank test at q <= α`,
    );
  if (Math.min(nB, nC) <= 3) notes.push(`only ${Math.min(nB, nC)} rounds on a side: the spread between rounds is barely estimated`);
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
    degenerate: flat.length
      ? `no spread between rounds on ${flat.join(' and ')}: a zero-width side makes the interval overconfident (a quantised timer?)`
      : null,
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
  const notes: string[] = [];
  const { rb, rc, trusted } = usableRounds(base, cand, basePos, candPos, notes);
  if (rb.length >= 1 && rc.length >= 1 && rb.length + rc.length >= 3)
    return runsEstimate(b0, c0, rb, rc, { base: baseFiles, cand: candFiles }, s, notes, trusted);
  const allB = rb.flatMap((r) => r.rounds);
  const allC = rc.flatMap((r) => r.rounds);
  if (allB.length < 2 || allC.length < 2) return tooFewRounds(b0, allB, allC, notes);
  return roundsEstimate(b0, c0, allB, allC, s, notes, trusted, baseMemo);
};

/**
 * How many rounds (runs, pairs) per side would likely settle an inconclusive row, from the interval's
 * width and the level in force, not from the noisy point estimate: the count at which an interval of this
 * kind would be no wider than the noise band 2δ (so it can fall inside it or clear it, whatever the
 * truth), n' = n·(W / W_band)² with W the interval's width on the log scale (width shrinks as 1/√n).
 * Null when δ is 0, when the interval is already that narrow (it straddles a threshold: the overhead may
 * sit on it), or beyond MAX_SETTLE_ROUNDS.
 */
export function settleCount(lo: number, hi: number, n: number, noisePct: number): number | null {
  const r = settle(lo, hi, n, noisePct);
  return r.kind === 'count' ? r.n : null;
}

/**
 * The smallest count per side at which the row's test can reach p <= α at all: Mann-Whitney with n vs n
 * rounds (`2 / C(2n, n)`: 4 per side at α = 0.05) or the signed-rank test with n pairs (2 / 2^n: 6 pairs);
 * null for runs (Welch's t can always reach it).
 */
export function countForTest(unit: 'rounds' | 'runs' | 'pairs', alpha: number): number | null {
  if (unit === 'runs') return null;
  for (let n = 2; n <= MAX_SETTLE_ROUNDS; n++) if ((unit === 'rounds' ? mannWhitneyMinP(n, n) : signedRankMinP(n)) <= alpha) return n;
  return null;
}

type Settle = { kind: 'count'; n: number } | { kind: 'narrow' } | { kind: 'too-many' } | { kind: 'unknown' };

/**
 * The range of a count proportional to a variance estimated with ν degrees of freedom, at 80% confidence:
 * σ² lies in [ν·s²/χ²_0.9, ν·s²/χ²_0.1] (chi-square quantiles by Wilson & Hilferty 1931).
 */
export function spreadRange(n: number, nu: number): { lo: number; hi: number } {
  const chi2 = (p: number) => {
    const z = normQuantile(p);
    const a = 2 / (9 * nu);
    return nu * Math.max(1e-9, 1 - a + z * Math.sqrt(a)) ** 3;
  };
  return { lo: Math.max(2, Math.ceil((n * nu) / chi2(0.9))), hi: Math.ceil((n * nu) / chi2(0.1)) };
}

function settle(lo: number, hi: number, n: number, noisePct: number): Settle {
  const band = Math.log1p(noisePct / 100) - Math.log1p(-noisePct / 100);
  const w = hi - lo;
  if (!(band > 0) || !(w > 0) || !(n > 0)) return { kind: 'unknown' };
  const need = Math.ceil(n * (w / band) ** 2);
  if (need <= n) return { kind: 'narrow' };
  if (need > MAX_SETTLE_ROUNDS) return { kind: 'too-many' };
  return { kind: 'count', n: Math.max(2, need) };
}

function toEstimate(
  lo: number,
  hi: number,
  point: number,
  level: number,
  method: Estimate['method'],
  mcError?: number,
): { logRatio: Estimate; overheadPct: Estimate } {
  const logRatio: Estimate = { point, lo, hi, level, method };
  const overheadPct: Estimate = { point: pct(point), lo: pct(lo), hi: pct(hi), level, method };
  if (mcError !== undefined && Number.isFinite(mcError)) {
    logRatio.mcError = mcError;
    // On the percent scale near the bounds: d(100·e^x)/dx = 100·e^x.
    overheadPct.mcError = 100 * Math.exp(hi) * mcError;
  }
  return { logRatio, overheadPct };
}

function levelText(level: number): string {
  return `${(100 * level).toPrecision(4).replace(/\.?0+$/, '')}%`;
}

const ENV_FIELDS: [string, (f: Fingerprint) => unknown][] = [
  ['cpu.model', (f) => f.cpu.model],
  ['platform', (f) => f.platform],
  ['hypervisor', (f) => f.hypervisor],
  ['container', (f) => f.container],
  ['cloud', (f) => f.cloud],
  ['cpu.cores', (f) => f.cpu.cores],
  ['cpu.threads', (f) => f.cpu.threads],
  [
    'cpu.flags',
    (f) =>
      Object.entries(f.cpu.flags)
        .filter(([, v]) => v)
        .map(([k]) => k)
        .join(' ') || 'none',
  ],
  ['clocksource', (f) => f.clocksource],
  ['kernel', (f) => f.kernel],
  ['os', (f) => f.os],
  ['memoryBytes', (f) => f.memoryBytes],
  ['numaNodes', (f) => f.numaNodes],
];

/** Fingerprint fields that differ between the two hosts. */
export function envDiffs(base: Fingerprint, cand: Fingerprint): EnvDiff[] {
  const out: EnvDiff[] = [];
  for (const [field, get] of ENV_FIELDS) {
    let bv: unknown;
    let cv: unknown;
    try {
      bv = get(base);
      cv = get(cand);
    } catch {
      continue; // a field missing from a hand-made fingerprint is not a difference we can state
    }
    const bs = bv === null || bv === undefined ? '(none)' : String(bv);
    const cs = cv === null || cv === undefined ? '(none)' : String(cv);
    // Usable memory moves by a few MiB between boots of the same machine: only a 1% difference is one.
    if (field === 'memoryBytes' && typeof bv === 'number' && typeof cv === 'number' && Math.abs(bv - cv) <= 0.01 * Math.max(bv, cv))
      continue;
    if (bs !== cs) out.push({ field, base: bs, cand: cs });
  }
  return out;
}

function fileWarnings(baseRuns: readonly ResultsFile[], candRuns: readonly ResultsFile[], diffs: EnvDiff[]): string[] {
  const w: string[] = [];
  const base = baseRuns[0] as ResultsFile;
  const cand = candRuns[0] as ResultsFile;
  const model = diffs.find((d) => d.field === 'cpu.model');
  if (model) {
    // A nested guest (UML, gVisor) hides the hardware's model: say so instead of "two machines".
    w.push(
      nestedCpuModelNote(base.host, cand.host) ??
        `CPU MODELS DIFFER (base "${model.base}", candidate "${model.cand}"): this compares two machines, not the cost of virtualization`,
    );
  }
  const all = [...baseRuns, ...candRuns];
  const schemas = new Set(all.map((f) => String(f.schema)));
  if (schemas.size > 1) w.push(`different results schemas (${[...schemas].join(', ')})`);
  const baseIds = new Set(baseRuns.map((f) => f.id));
  if (candRuns.some((f) => baseIds.has(f.id))) w.push('both files are the same run (same id): nothing independent to compare');
  for (const [name, runs] of [
    ['base', baseRuns],
    ['candidate', candRuns],
  ] as const) {
    runs.forEach((f, i) => {
      if (f.finishedAt === null)
        w.push(
          `${name} file${runs.length > 1 ? ` ${i + 1}` : ''} is partial (finishedAt is null: interrupted or still running); only the rounds it has are compared`,
        );
    });
    if (new Set(runs.map((f) => f.id)).size < runs.length)
      w.push(`${name}: the same run is given twice (same id): it counts once per copy, which overstates agreement`);
    const first = runs[0] as ResultsFile;
    for (const f of runs.slice(1)) {
      const inner = envDiffs(first.host, f.host).filter((d) => d.field === 'cpu.model' || d.field === 'hypervisor');
      if (inner.length)
        w.push(`${name} runs are not one host class: ${inner.map((d) => `${d.field} "${d.base}" vs "${d.cand}"`).join(', ')}`);
    }
  }
  const versions = new Set(all.map((f) => f.tool?.version));
  if (versions.size > 1) w.push(`different virtax versions (${[...versions].join(', ')}): workloads may have changed`);
  if (base.config?.suite !== cand.config?.suite) {
    w.push(
      `different suites (base ${base.config?.suite}/${base.config?.rounds} rounds, candidate ${cand.config?.suite}/${cand.config?.rounds} rounds): batch and round lengths differ`,
    );
  } else if (base.config?.rounds !== cand.config?.rounds) {
    w.push(
      `different round counts (both ${base.config?.suite}; base ${base.config?.rounds} rounds, candidate ${cand.config?.rounds}): the two sides' intervals are not equally tight`,
    );
  }
  return w;
}

/** What the intervals cover, as a field and one sentence every reader prints. */
export function scopeOf(baseRuns: number, candRuns: number): ComparisonScope {
  if (baseRuns === 1 && candRuns === 1) {
    return {
      baseRuns,
      candRuns,
      covers: 'these-runs',
      statement:
        'one run per side: the intervals and verdicts cover these two runs only; run-to-run variation is not in them (launch several runs per side with `virtax run --runs N` and compare them with --base/--cand to speak about the platforms)',
    };
  }
  return {
    baseRuns,
    candRuns,
    covers: 'platforms',
    statement: `${baseRuns} vs ${candRuns} runs: the intervals include run-to-run variation${baseRuns === 1 || candRuns === 1 ? " (the side with one run borrows the other side's run-to-run spread)" : ''}`,
  };
}

function validOptions(opts: CompareOptions): { noisePct: number; alpha: number; resamples: number; seed: number; level: number } {
  const noisePct = opts.noisePct ?? DEFAULTS.noisePct;
  const alpha = opts.alpha ?? DEFAULTS.alpha;
  const resamples = opts.resamples ?? DEFAULTS.resamples;
  const seed = opts.seed ?? DEFAULTS.seed;
  const level = opts.level ?? DEFAULTS.level;
  if (!(Number.isFinite(noisePct) && noisePct >= 0 && noisePct < 100))
    throw new RangeError(`noise threshold must be from 0% to below 100% (got ${noisePct})`);
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`alpha must be between 0 and 1 (got ${alpha})`);
  if (!(Number.isInteger(resamples) && resamples >= 100 && resamples <= 1_000_000))
    throw new RangeError(`resamples must be a whole number from 100 to 1,000,000 (got ${resamples})`);
  if (!Number.isInteger(seed)) throw new RangeError(`seed must be a whole number (got ${seed})`);
  if (!(level > 0.5 && level < 1)) throw new RangeError(`confidence level must be between 0.5 and 1 (got ${level})`);
  return { noisePct, alpha, resamples, seed, level };
}

/** Whether `id` is selected by any of the user's patterns (results/ids.ts: exact ids, families and globs). */
function matches(id: string, only: readonly string[]): boolean {
  return only.some((o) => idMatches(id, o));
}

/** Compare two results files. Pure and seeded. Throws RangeError only for invalid options. */
export function compareResults(base: ResultsFile, cand: ResultsFile, opts: CompareOptions = {}): Comparison {
  return compareEngine([base], [cand], independentEstimator, opts);
}

/**
 * Compare replicate runs (separate launches) of two platforms: several results files per side. Runs are
 * the top level (runs.ts); with one file per side this is `compareResults`.
 */
export function compareRunSets(baseRuns: readonly ResultsFile[], candRuns: readonly ResultsFile[], opts: CompareOptions = {}): Comparison {
  if (baseRuns.length === 0 || candRuns.length === 0) throw new RangeError('compare needs at least one results file per side');
  return compareEngine(baseRuns, candRuns, independentEstimator, opts);
}

/** Category weights and workloads of another overall index over the same rows (a profile's). */
export interface Reweighting {
  weights?: Partial<Record<Category, number>>;
  /** Only these workload ids or families enter the index (a profile's `resembles`). */
  onlyIds?: string[];
}

/** A comparison, and the overall index under other weights computed from the same rows' replicates. */
export interface ReweightedComparison {
  comparison: Comparison;
  /** Null when no reweighting was asked for, or when no compared row gets a positive weight. */
  reweighted: Comparison['overall'];
}

/**
 * `compareRunSets`, plus the overall index re-weighted (a profile's category weights, its resembled
 * workloads) from the same rows: the rows are compared once, and the re-weighted index equals the overall
 * of a comparison made with those weights and ids, since every row's replicates depend only on its own
 * data and the seed. `baseMemo` lets one baseline compared with many hosts be resampled once.
 */
export function compareRunSetsReweighted(
  baseRuns: readonly ResultsFile[],
  candRuns: readonly ResultsFile[],
  opts: CompareOptions,
  reweighting: Reweighting | null,
  baseMemo?: SideMemo,
): ReweightedComparison {
  if (baseRuns.length === 0 || candRuns.length === 0) throw new RangeError('compare needs at least one results file per side');
  const { comparison, works, level } = engine(baseRuns, candRuns, independentEstimator, opts, baseMemo);
  if (!reweighting) return { comparison, reweighted: null };
  const only = reweighting.onlyIds;
  const rows = works.filter((w) => !only?.length || matches(w.row.id, only));
  const o = overallIndex(
    rows.map((w) => w.index),
    level,
    reweighting.weights,
  );
  return {
    comparison,
    reweighted: o ? { overheadPct: o.overheadPct, logRatio: o.logRatio, workloads: o.workloads, weights: o.weights } : null,
  };
}

/**
 * The one comparison engine; the estimator is its parameter (independent runs here, paired rounds in
 * src/duel/compare.ts). Per workload: gather every run's entry, let the estimator make d and its
 * interval, then, for all rows together, the verdicts:
 *  1. `verdictOf` on the interval at the level in force (verdict.ts, the single definition);
 *  2. no verdict but inconclusive where no spread was measured (a zero-width side) or where the row's
 *     test cannot reach p <= α with these counts (2 vs 2 rounds, fewer than 6 duel pairs), or, for
 *     lopsided rows, where its BH q is above α;
 *  3. false-coverage-rate control (Benjamini & Yekutieli 2005): when R of m rows were called slower or
 *     faster, their intervals are recomputed at level 1 - R·(1 - level)/m and the verdict is taken again
 *     on the adjusted interval, so the expected share of false directional calls among them stays below
 *     1 - level. The adjusted interval is the one reported (its `level` says so).
 */
export function compareEngine(
  baseRuns: readonly ResultsFile[],
  candRuns: readonly ResultsFile[],
  estimator: RowEstimator,
  opts: CompareOptions = {},
): Comparison {
  return engine(baseRuns, candRuns, estimator, opts).comparison;
}

type Resolved = ReturnType<typeof validOptions>;
type Bad = Exclude<WorkloadResult, WorkloadOk>;

/** One workload's results on each side: every run's (absent where a run did not have it) and the measured ones. */
interface RowSides {
  bs: WorkloadResult[];
  cs: WorkloadResult[];
  okB: WorkloadOk[];
  okC: WorkloadOk[];
}

/** Step 1a: the id's results on each side, or the not-compared row saying why there is nothing to estimate. */
function sidesOf(
  id: string,
  bms: Map<string, WorkloadResult>[],
  cms: Map<string, WorkloadResult>[],
  many: boolean,
): RowSides | RowComparison {
  const bs = bms.map((m) => m.get(id)).filter((w): w is WorkloadResult => w !== undefined);
  const cs = cms.map((m) => m.get(id)).filter((w): w is WorkloadResult => w !== undefined);
  const b = bs[0];
  const c = cs[0];
  if (!b) return notCompared(c, undefined, id, `only in the candidate ${many ? 'runs' : 'file'} (not measured on base)`);
  if (!c) return notCompared(b, undefined, id, `only in the base ${many ? 'runs' : 'file'} (not measured on candidate)`);
  const okB = bs.filter((w): w is WorkloadOk => w.status === 'ok');
  const okC = cs.filter((w): w is WorkloadOk => w.status === 'ok');
  const firstBad = (ws: WorkloadResult[]) => ws.find((w): w is Bad => w.status !== 'ok') as Bad;
  if (okB.length === 0) return notCompared(b, c, id, `${firstBad(bs).status} on base: ${firstBad(bs).reason}`);
  if (okC.length === 0) return notCompared(b, c, id, `${firstBad(cs).status} on candidate: ${firstBad(cs).reason}`);
  const h = okB[0] as WorkloadOk;
  const odd = [...okB, ...okC].find((w) => w.unit !== h.unit || w.better !== h.better);
  if (odd)
    return notCompared(
      b,
      c,
      id,
      `different units or directions (base ${h.unit}, ${h.better} is better; candidate ${odd.unit}, ${odd.better} is better)`,
    );
  return { bs, cs, okB, okC };
}

/** Step 1b: the compared row of an estimate, with the notes the sides call for, and its work for the later steps. */
function comparedRow(id: string, sides: RowSides, est: RowEstimate, s: Resolved, many: boolean): Work {
  const { bs, cs, okB, okC } = sides;
  const h = okB[0] as WorkloadOk;
  const notes = [...est.notes];
  for (const [name, ok, all] of [
    ['base', okB, bs],
    ['candidate', okC, cs],
  ] as const) {
    if (ok.length < all.length)
      notes.push(`${name}: ${all.length - ok.length} of ${all.length} runs did not measure it (skipped or failed); the others are used`);
  }
  if (many && est.method !== 'runs-t') notes.push('one usable run per side for this workload: its interval covers those two runs only');
  if (new Set([...okB, ...okC].map((w) => stableJson(w.params))).size > 1)
    notes.push('parameters differ between the two sides: not quite the same measurement');
  const { logRatio, overheadPct } = toEstimate(est.lo, est.hi, est.point, s.level, est.method, est.mcError);
  if (est.achievedLevel !== undefined && est.achievedLevel < s.level - 1e-9) {
    logRatio.achievedLevel = est.achievedLevel;
    overheadPct.achievedLevel = est.achievedLevel;
  }
  const tail = h.better === 'lower' ? est.cand.p99 / est.base.p99 : est.base.p99 / est.cand.p99;
  const tailOf = (x: SideSummary) => (h.better === 'lower' ? x.p99 / x.p50 : x.p50 / x.p99);
  const row: Compared = {
    status: 'compared',
    id,
    category: h.category,
    title: h.title,
    unit: h.unit,
    better: h.better,
    base: est.base,
    cand: est.cand,
    overheadPct,
    logRatio,
    pValue: est.pValue,
    qValue: est.pValue, // adjusted across rows in step 2
    verdict: verdictOf(overheadPct, s.noisePct),
    roundsToSettle: null,
    tailRatio: Number.isFinite(tail) && tail > 0 ? tail : null,
    ...(est.kernel ? { kernel: est.kernel } : {}),
    ...(est.addedPerOp ? { addedPerOp: est.addedPerOp } : {}),
    notes,
  };
  return {
    row,
    est,
    index: { ...est.index, category: h.category, point: est.point, interval: { lo: est.lo, hi: est.hi, method: est.method } },
    noise: { baseCv: est.base.cv, candCv: est.cand.cv, baseTail: tailOf(est.base), candTail: tailOf(est.cand) },
    lopsided: est.lopsided,
  };
}

/** Step 1: one row per workload id (the onlyIds patterns select), compared by the estimator or not compared. */
function rowsOf(
  baseRuns: readonly ResultsFile[],
  candRuns: readonly ResultsFile[],
  estimator: RowEstimator,
  s: Resolved,
  onlyIds: readonly string[] | undefined,
  baseMemo: SideMemo | undefined,
): { rows: RowComparison[]; works: Work[] } {
  const maps = (runs: readonly ResultsFile[]) => runs.map((f) => new Map((f.workloads ?? []).map((w) => [w.id, w] as const)));
  const bms = maps(baseRuns);
  const cms = maps(candRuns);
  let ids = [...new Set([...bms, ...cms].flatMap((m) => [...m.keys()]))];
  if (onlyIds?.length) ids = ids.filter((id) => matches(id, onlyIds));
  const many = baseRuns.length > 1 || candRuns.length > 1;
  const okPos = (ms: Map<string, WorkloadResult>[], id: string) => ms.flatMap((m, i) => (m.get(id)?.status === 'ok' ? [i] : []));
  const rows: RowComparison[] = [];
  const works: Work[] = [];
  for (const id of ids) {
    const sides = sidesOf(id, bms, cms, many);
    if ('status' in sides) {
      rows.push(sides);
      continue;
    }
    const est = estimator({
      id,
      base: sides.okB,
      cand: sides.okC,
      basePos: okPos(bms, id),
      candPos: okPos(cms, id),
      baseFiles: baseRuns.length,
      candFiles: candRuns.length,
      settings: s,
      ...(baseMemo ? { baseMemo } : {}),
    });
    if (typeof est === 'string') {
      rows.push(notCompared(sides.bs[0], sides.cs[0], id, est));
      continue;
    }
    const work = comparedRow(id, sides, est, s, many);
    rows.push(work.row);
    works.push(work);
  }
  return { rows, works };
}

/** Step 2: q-values (Benjamini-Hochberg) across the compared rows. */
function adjustQ(works: readonly Work[]): void {
  const q = benjaminiHochberg(works.map((w) => w.row.pValue));
  works.forEach((w, i) => {
    w.row.qValue = q[i] as number;
  });
}

/** Step 3: verdicts that cannot be trusted are withheld, each with its typed reason; returns the rows whose test cannot reach α. */
function withholdVerdicts(works: readonly Work[], s: Resolved): Set<Work> {
  const tooFew = new Set<Work>();
  for (const w of works) {
    const r = w.row;
    if (r.verdict === 'inconclusive') continue;
    if (w.est.trusted === false) {
      r.notes.push(`measured mostly on rounds starved by other work: no clean ${r.verdict} verdict (rerun on a quiet host)`);
      r.verdict = 'inconclusive';
      r.inconclusive = { code: 'contended' };
    } else if (w.est.degenerate) {
      r.notes.push(`${w.est.degenerate}; no ${r.verdict} verdict`);
      r.verdict = 'inconclusive';
      r.inconclusive = { code: 'no-spread' };
    } else if (w.est.minP > s.alpha) {
      r.notes.push(
        `the ${w.est.test} test cannot reach p <= ${s.alpha} with these counts (smallest possible p ${w.est.minP.toPrecision(3)}): no ${r.verdict} verdict`,
      );
      r.verdict = 'inconclusive';
      r.inconclusive = { code: 'test-cannot-reach', test: w.est.test, minP: w.est.minP, alpha: s.alpha };
      tooFew.add(w);
    } else if (w.lopsided && (r.verdict === 'slower' || r.verdict === 'faster') && r.qValue > s.alpha) {
      r.notes.push(
        `lopsided round counts and the ${w.est.test} test does not confirm it (q = ${r.qValue.toPrecision(2)} > ${s.alpha}): no ${r.verdict} verdict`,
      );
      r.verdict = 'inconclusive';
      r.inconclusive = { code: 'lopsided', q: r.qValue, alpha: s.alpha };
    }
  }
  return tooFew;
}

/** Step 4: false-coverage-rate adjusted intervals for the selected rows (called slower/faster, or a caller's rule). */
function adjustCoverage(works: readonly Work[], s: Resolved, option: CompareOptions['fcr']): FcrApplied | null {
  const rule = typeof option === 'object' ? option : null;
  const selected = works.filter((w) => (rule ? rule.select(w.row) : w.row.verdict === 'slower' || w.row.verdict === 'faster'));
  const m = works.length;
  const R = selected.length;
  if (option === false || R === 0) return null;
  if (R === m) return { selected: R, of: m, level: s.level };
  const adjLevel = 1 - (R * (1 - s.level)) / m;
  for (const w of selected) {
    const iv = w.est.intervalAt(adjLevel);
    const e = toEstimate(Math.min(iv.lo, w.est.point), Math.max(iv.hi, w.est.point), w.est.point, adjLevel, w.est.method);
    w.row.logRatio = e.logRatio;
    w.row.overheadPct = e.overheadPct;
    const before = w.row.verdict;
    w.row.verdict = verdictOf(e.overheadPct, s.noisePct);
    if (w.row.verdict === 'inconclusive') w.row.inconclusive = { code: 'fcr', level: adjLevel };
    w.row.notes.push(
      `interval at ${levelText(adjLevel)}: false-coverage-rate adjusted (Benjamini-Yekutieli) for ${R} of ${m} ${rule ? rule.selected : 'rows called slower/faster'}${w.row.verdict !== before ? `; ${before} does not survive it` : ''}`,
    );
  }
  return { selected: R, of: m, level: adjLevel };
}

/** Step 5a: how many rounds, runs or pairs per side would settle one inconclusive row, with its typed reason. */
function settleRow(w: Work, s: Resolved, tooFew: ReadonlySet<Work>): void {
  const r = w.row;
  const unit = w.est.settle.unit;
  const why = r.inconclusive;
  // An interval that already clears the noise band, withheld only because the rank test cannot reach α with
  // so few rounds: what settles it is the count at which the test can, not a narrower interval.
  const testCount = tooFew.has(w) ? countForTest(unit, s.alpha) : null;
  if (testCount !== null) {
    r.roundsToSettle = Math.max(testCount, Math.ceil(w.est.settle.n) + 1);
    return;
  }
  const { se, nu } = w.est.settle;
  const zWidth = se !== undefined ? 2 * normQuantile(1 - (1 - r.logRatio.level) / 2) * se : null;
  const st =
    zWidth !== null
      ? settle(r.logRatio.point - zWidth / 2, r.logRatio.point + zWidth / 2, w.est.settle.n, s.noisePct)
      : settle(r.logRatio.lo, r.logRatio.hi, w.est.settle.n, s.noisePct);
  if (st.kind === 'count') {
    if (unit === 'runs') {
      const range = nu !== undefined && Number.isFinite(nu) && nu > 0 ? spreadRange(st.n, nu) : null;
      r.notes.push(
        `about ${st.n} runs per side would settle it${range ? ` (${range.lo}-${range.hi} at 80% confidence in the run-to-run spread, estimated with ${nu?.toFixed(1)} degrees of freedom)` : ''} (more rounds per run do not remove run-to-run variation)`,
      );
    } else r.roundsToSettle = st.n;
    r.inconclusive = why ?? { code: 'needs-more', unit, n: st.n };
  } else if (st.kind === 'too-many') {
    r.notes.push(`more than ${MAX_SETTLE_ROUNDS} ${unit} per side would be needed to settle it at this spread`);
    r.inconclusive = why ?? { code: 'too-wide', unit, max: MAX_SETTLE_ROUNDS };
  } else if (st.kind === 'narrow' && !w.est.degenerate) {
    r.notes.push(
      `the interval is already narrower than the noise band ±${s.noisePct}% but straddles a threshold: the overhead may sit on it, and more ${unit} settle it only slowly`,
    );
    r.inconclusive = why ?? { code: 'on-threshold', noisePct: s.noisePct };
  }
  r.inconclusive ??= w.est.degenerate ? { code: 'no-spread' } : { code: 'too-wide', unit, max: MAX_SETTLE_ROUNDS };
}

/** Step 5: a slower/faster the rank test does not confirm says so; every inconclusive row says what would settle it. */
function settleAdvice(works: readonly Work[], s: Resolved, tooFew: ReadonlySet<Work>): void {
  for (const w of works) {
    const r = w.row;
    if ((r.verdict === 'slower' || r.verdict === 'faster') && r.qValue > s.alpha && !w.lopsided) {
      r.notes.push(`the ${w.est.test} test does not confirm it at a false-discovery rate of ${s.alpha} (q = ${r.qValue.toPrecision(2)})`);
    }
    if (r.verdict === 'inconclusive') settleRow(w, s, tooFew);
  }
}

/** Step 6: the overall index and one per category, over the rows not measured mostly on contended rounds. */
function indicesOf(works: readonly Work[], s: Resolved, weights: CompareOptions['weights']) {
  const trustedIndex = works.filter((w) => w.est.trusted !== false).map((w) => w.index);
  const overall = overallIndex(trustedIndex, s.level, weights);
  // Per category: the same index over the category's own workloads (the report's first screen).
  const byCategory = [...new Set(trustedIndex.map((r) => r.category))].flatMap((category) => {
    const o = overallIndex(
      trustedIndex.filter((r) => r.category === category),
      s.level,
      { [category]: 1 },
    );
    return o ? [{ category, overheadPct: o.overheadPct, logRatio: o.logRatio, workloads: o.workloads }] : [];
  });
  return { overall, byCategory };
}

/** Step 7: noise on each side (round CV, batch tails, steal) and how it compares. */
function noiseOf(works: readonly Work[], baseRuns: readonly ResultsFile[], candRuns: readonly ResultsFile[], s: Resolved) {
  const steal = (runs: readonly ResultsFile[], side: 'base' | 'cand') => {
    const vs = runs.map((f) => f.conditions?.stealPct).filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
    if (vs.length) return vs.reduce((a, x) => a + x, 0) / vs.length;
    const xs = works.map((w) => w.row[side].stealPct).filter((x): x is number => x !== null);
    return xs.length ? xs.reduce((a, x) => a + x, 0) / xs.length : null;
  };
  const roundSteal = (runs: readonly ResultsFile[]) =>
    runs.flatMap((f) =>
      works.flatMap((w) => {
        const wr = f.workloads.find((x) => x.id === w.row.id);
        return wr?.status === 'ok'
          ? wr.rounds.map((r) => r.stealPct).filter((x): x is number => typeof x === 'number' && Number.isFinite(x))
          : [];
      }),
    );
  return compareNoise(
    works.map((w) => w.noise),
    { base: steal(baseRuns, 'base'), cand: steal(candRuns, 'cand'), baseRounds: roundSteal(baseRuns), candRounds: roundSteal(candRuns) },
    s,
  );
}

/** Step 8: the comparison's warnings (files, scope, contention, no index) and the trap notes of ptrace guests. */
function warningsOf(
  baseRuns: readonly ResultsFile[],
  candRuns: readonly ResultsFile[],
  works: readonly Work[],
  diffs: EnvDiff[],
  scope: ComparisonScope,
  hasOverall: boolean,
  weights: CompareOptions['weights'],
): string[] {
  const warnings = fileWarnings(baseRuns, candRuns, diffs);
  if (scope.covers === 'these-runs') warnings.push(scope.statement);
  for (const [name, runs] of [
    ['base', baseRuns],
    ['candidate', candRuns],
  ] as const) {
    runs.forEach((f, i) => {
      const cw = contentionWarning(f, `${name} ${f.label}${runs.length > 1 ? ` (run ${i + 1})` : ''}`);
      if (cw) warnings.push(cw);
    });
  }
  // Kernel time as a guest that traps through ptrace accounts it does not contain the trap (bench guest).
  const trapGuest = [baseRuns[0]?.host, candRuns[0]?.host].find((h) => h?.hypervisor === 'uml' || h?.container === 'gvisor');
  if (trapGuest) {
    for (const w of works) {
      if (w.row.kernel)
        w.row.notes.push(
          `kernel time per op under ${trapGuest.hypervisor === 'uml' ? 'User-Mode Linux' : 'gVisor'} leaves out the trap (the guest books it outside its own system time): read the wall-time figure`,
        );
    }
  }
  const distrusted = works.filter((w) => w.est.trusted === false).map((w) => w.row.id);
  if (distrusted.length)
    warnings.push(
      `the overall index leaves out ${distrusted.length} workload(s) measured mostly on contended rounds: ${distrusted.join(', ')}`,
    );
  if (works.length === 0) warnings.push('no workload could be compared (see the not-compared rows)');
  else if (!hasOverall) {
    if (!weights && works.every((w) => w.row.category === 'user')) {
      warnings.push(
        'no overall index: only user.* workloads were compared (your own workloads join the index only when a profile weighs them)',
      );
    } else if (distrusted.length < works.length) {
      warnings.push('no overall index: the given weights give no compared category a positive weight');
    }
  }
  return warnings;
}

/** The comparison engine: its steps in order, each above. */
function engine(
  baseRuns: readonly ResultsFile[],
  candRuns: readonly ResultsFile[],
  estimator: RowEstimator,
  opts: CompareOptions,
  baseMemo?: SideMemo,
): { comparison: Comparison; works: Work[]; level: number } {
  const s = validOptions(opts);
  const { rows, works } = rowsOf(baseRuns, candRuns, estimator, s, opts.onlyIds, baseMemo);
  adjustQ(works);
  const tooFew = withholdVerdicts(works, s);
  const fcr = adjustCoverage(works, s, opts.fcr);
  settleAdvice(works, s, tooFew);
  const { overall, byCategory } = indicesOf(works, s, opts.weights);
  const noise = noiseOf(works, baseRuns, candRuns, s);
  const base = baseRuns[0] as ResultsFile;
  const cand = candRuns[0] as ResultsFile;
  const diffs = envDiffs(base.host, cand.host);
  const scope = scopeOf(baseRuns.length, candRuns.length);
  const warnings = warningsOf(baseRuns, candRuns, works, diffs, scope, overall !== null, opts.weights);
  const comparison: Comparison = {
    schema: COMPARISON_SCHEMA,
    base: { id: base.id, label: base.label, host: base.host },
    cand: { id: cand.id, label: cand.label, host: cand.host },
    settings: { noisePct: s.noisePct, alpha: s.alpha, level: s.level, resamples: s.resamples, seed: s.seed },
    rows,
    overall: overall
      ? { overheadPct: overall.overheadPct, logRatio: overall.logRatio, workloads: overall.workloads, weights: overall.weights }
      : null,
    byCategory,
    noise,
    envDiffs: diffs,
    scope,
    ...(fcr ? { fcr } : {}),
    warnings,
  };
  return { comparison, works, level: s.level };
}
