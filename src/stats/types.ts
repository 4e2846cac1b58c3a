/**
 * The comparison contract: what `compare`, `gate`, `duel`, the report and the advisor all consume.
 * Percent overheads are always "positive = candidate is worse" (docs/compare.md).
 */
import type { Better, Category, ComparisonWarning, Fingerprint, RowNote } from '../types.js';

/** The one verdict vocabulary (computed by one function in src/stats/verdict.ts). */
export type Verdict = 'slower' | 'faster' | 'same' | 'inconclusive';

/** A point estimate with its interval, criterion-style. */
export interface Estimate {
  point: number;
  lo: number;
  hi: number;
  /** Confidence level, e.g. 0.95. */
  level: number;
  /**
   * How the interval was made: `percentile` (bootstrap over rounds, exact distribution where small enough,
   * widened by t/z), `bca`, `runs-t` (Welch t across run figures, any number of runs per side), `walsh`
   * (a duel's paired Walsh-average interval); `runs-bootstrap` only in comparisons saved before issue 22.
   */
  method: 'bca' | 'percentile' | 'runs-t' | 'runs-bootstrap' | 'walsh';
  /** Monte Carlo standard error of the bounds (same scale as the bounds), where a bootstrap made them. */
  mcError?: number;
  /** The coverage the interval really has, where it is below `level` (a duel of 5 or fewer pairs: 1 - 2/2^n). */
  achievedLevel?: number;
}

/**
 * What the intervals speak about. With one run per side they cover those two runs only: run-to-run
 * variation (Kalibera & Jones 2013) is not in them, and neither is it in the verdicts.
 */
export interface ComparisonScope {
  /** Runs (separate launches) per side. */
  baseRuns: number;
  candRuns: number;
  /** `platforms`: run-to-run variation is in the intervals; `these-runs`: one run per side. */
  covers: 'platforms' | 'these-runs';
  /** One sentence for every reader. */
  statement: string;
}

/** Kernel time per operation of a compared row: medians per side, and the overhead with an interval when both sides have 2+ rounds. */
export interface KernelTime {
  baseSecondsPerOp: number;
  candSecondsPerOp: number;
  /** Percent by which the candidate's kernel time is higher (lower is better), with its interval; null with one round on a side. */
  overheadPct: Estimate | null;
  /** The point overhead in percent (the ratio of the medians), also when there is no interval. */
  pointPct: number;
}

/**
 * Added time per operation (src/stats/added-cost.ts): candidate minus base, in the workload's unit (e.g. ns/call),
 * for workloads whose figure is a time per operation; the interval made as the row's own.
 */
export interface AddedCost {
  point: number;
  lo: number;
  hi: number;
  level: number;
  /** The workload's unit: the difference is in it (ns/call, us/spawn, ...). */
  unit: string;
  method: 'percentile' | 'runs-t' | 'walsh';
}

/**
 * Why a compared row is inconclusive, as a code with its numbers (words are made in one place:
 * `inconclusiveText` in src/report/comparison-exporters.ts). Every inconclusive row carries one.
 */
export type InconclusiveReason =
  /** Measured mostly on rounds starved by other work (src/stats/contention.ts). */
  | { code: 'contended' }
  /** No spread between rounds (or runs, pairs) on a side: a zero-width interval would be overconfident. */
  | { code: 'no-spread' }
  /** The row's test cannot reach p <= alpha with so few rounds or pairs, whatever the data. */
  | { code: 'test-cannot-reach'; test: string; minP: number; alpha: number }
  /** Lopsided counts and the rank test does not confirm the interval. */
  | { code: 'lopsided'; q: number; alpha: number }
  /** The verdict did not survive the false-coverage-rate adjustment. */
  | { code: 'fcr'; level: number }
  /** The interval is wider than the noise band: about n per side would settle it. */
  | { code: 'needs-more'; unit: 'rounds' | 'runs' | 'pairs'; n: number }
  /** Wider than any count up to the limit could narrow to the noise band. */
  | { code: 'too-wide'; unit: 'rounds' | 'runs' | 'pairs'; max: number }
  /** As narrow as the noise band but across a threshold: the overhead may sit on it. */
  | { code: 'on-threshold'; noisePct: number };

/** One side's view of a workload in a comparison. */
export interface SideSummary {
  /**
   * The median the estimate compares: the median of the round figures (one run per side, a duel's pairs), or the
   * geometric mean of the runs' medians (replicate runs), so cand/base is the point estimate.
   */
  median: number;
  rounds: number;
  cv: number;
  p50: number;
  p99: number;
  stealPct: number | null;
}

export type RowComparison =
  | {
      status: 'compared';
      id: string;
      category: Category;
      title: string;
      unit: string;
      better: Better;
      base: SideSummary;
      cand: SideSummary;
      /** Overhead in percent: 100*(exp(d)-1) of the worse-direction log ratio, with its interval. */
      overheadPct: Estimate;
      /** The same on the log scale (d). */
      logRatio: Estimate;
      /** Mann-Whitney U two-sided p-value on the round figures (tie-corrected). */
      pValue: number;
      /** Benjamini-Hochberg adjusted p-value across the compared rows. */
      qValue: number;
      verdict: Verdict;
      /** For inconclusive rows: rounds per side that would likely settle it, else null. */
      roundsToSettle: number | null;
      /** Tail inflation: cand p99 / base p99 in the worse direction (>1 = cand tail is worse). */
      tailRatio: number | null;
      /**
       * Kernel time per operation (system CPU seconds per op, median of the rounds used) on both sides and its
       * overhead: what the platform changes without Node's user-space share (src/stats/kernel-time.ts). Absent
       * where a side did not record it (workloads that do not enter the kernel per op, older files).
       */
      kernel?: KernelTime;
      /** Added time per operation, for workloads measured in time per operation. */
      addedPerOp?: AddedCost;
      /** Why the verdict is inconclusive (present on every inconclusive row). */
      inconclusive?: InconclusiveReason;
      /**
       * False when the row rests mostly on contended rounds (a side kept rounds starved by other work,
       * src/stats/contention.ts): no clean verdict or gate outcome may stand on it. Absent in older files.
       */
      trusted?: boolean;
      /** Notes in words (`noteText` of each code below, same order). */
      notes: string[];
      /** The same notes as codes and numbers (src/types.ts `RowNote`). Absent in older files. */
      noteCodes: RowNote[];
    }
  | {
      status: 'not-compared';
      id: string;
      category: Category | null;
      title: string | null;
      /** One line: missing on one side, skipped/failed, non-positive samples, ... */
      reason: string;
    };

export interface EnvDiff {
  field: string;
  base: string;
  cand: string;
}

export interface NoiseComparison {
  /** Median across workloads of each side's CV of round figures. */
  baseCv: number;
  candCv: number;
  /** cand/base CV ratio with a bootstrap interval over workloads (null when fewer than 2 workloads). */
  cvRatio: Estimate | null;
  /** Median across workloads of p99/p50 (worse direction) per side. */
  baseTail: number;
  candTail: number;
  tailRatio: Estimate | null;
  baseStealPct: number | null;
  candStealPct: number | null;
  /**
   * Mean steal per round, cand - base, in percentage points, with a bootstrap interval over the rounds
   * of the compared workloads (null when either side has fewer than 2 rounds with a steal reading).
   */
  stealDiffPct: Estimate | null;
}

export interface Comparison {
  schema: 'virtax.comparison/v1';
  base: { id: string; label: string; host: Fingerprint };
  cand: { id: string; label: string; host: Fingerprint };
  settings: { noisePct: number; alpha: number; level: number; resamples: number; seed: number };
  rows: RowComparison[];
  /** Geometric mean of per-workload ratios (equal weight per category unless weights given). */
  overall: {
    overheadPct: Estimate;
    /** The same on the log scale: the weighted mean of the rows' d. */
    logRatio: Estimate;
    /** Compared workloads with a positive weight. */
    workloads: number;
    /** Normalised category weights actually used (sum to 1). */
    weights: Partial<Record<Category, number>>;
  } | null;
  /**
   * Per category, the same index over that category's workloads alone (geometric mean of their ratios, its
   * interval made as the overall's: per-run composites over runs, replicates otherwise). Absent in older files.
   */
  byCategory?: { category: Category; overheadPct: Estimate; logRatio: Estimate; workloads: number }[];
  noise: NoiseComparison | null;
  envDiffs: EnvDiff[];
  /** Runs per side and what the intervals cover (absent in files written before replicate runs). */
  scope?: ComparisonScope;
  /** The false-coverage-rate adjustment, when rows were selected (absent in older files and when none was). */
  fcr?: FcrApplied;
  /** Loud warnings in words (`warningText` of each code below, same order): different CPU models, partial files, ... */
  warnings: string[];
  /** The same warnings as codes and numbers (src/types.ts `ComparisonWarning`): what readers decide on. */
  warningCodes: ComparisonWarning[];
}

export interface CompareOptions {
  /** Noise threshold δ in percent (default 1). */
  noisePct?: number;
  /** Significance level (default 0.05). */
  alpha?: number;
  /** Bootstrap resamples (default 10,000). */
  resamples?: number;
  /** Seed of the bootstrap (default 1). */
  seed?: number;
  /** Confidence level of the intervals (default 0.95). */
  level?: number;
  /** Category weights for the overall index (default: equal per category). */
  weights?: Partial<Record<Category, number>>;
  /** Only these workload ids. */
  onlyIds?: string[];
  /**
   * Adjust the intervals of the selected rows for the false-coverage rate (Benjamini & Yekutieli 2005): true
   * (default) selects the rows called slower/faster; a rule selects others (the gate: the rows that would fail
   * beyond the max regression); false adjusts none.
   */
  fcr?: boolean | FcrRule;
}

/** Which rows the false-coverage-rate adjustment selects, and how its note names them ("workloads above the max regression"). */
export interface FcrRule {
  select: (row: Extract<RowComparison, { status: 'compared' }>) => boolean;
  selected: string;
}

/** What the false-coverage-rate adjustment did: R of m rows selected, their intervals recomputed at `level`. */
export interface FcrApplied {
  selected: number;
  of: number;
  level: number;
}
