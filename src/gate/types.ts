/**
 * What the CI gate decides (DESIGN.md "CI gate"). The gate's decision per workload is a threshold test on
 * the comparison's overhead interval; the comparison's own verdict (slower/faster/same/inconclusive, from
 * `verdictOf`) travels with each row unchanged.
 */
import type { Category, Fingerprint, WorkloadResult } from '../types.js';
import type { Comparison, ComparisonScope, EnvDiff, RowComparison } from '../stats/types.js';

export type ComparedRow = Extract<RowComparison, { status: 'compared' }>;

/** How the gate treats each workload. */
export interface GatePolicy {
  /** Max regression in percent for workloads without their own (>= 0). */
  defaultMaxRegressionPct: number;
  /** Per-workload max regression in percent; keys are ids or patterns (`mem.*`, `net.*-rtt`). */
  perWorkload: Record<string, number>;
  /** Ids or patterns the gate reports but does not judge. */
  ignore: string[];
}

/** One workload's outcome, tagged by `outcome`. */
export type GateRow =
  | {
      /**
       * fail: the whole interval lies above the max regression; pass: the upper bound lies below it;
       * inconclusive: the interval straddles it.
       */
      outcome: 'pass' | 'fail' | 'inconclusive';
      id: string;
      maxRegressionPct: number;
      row: ComparedRow;
    }
  | {
      /** Ran in the baseline and failed in the current run: a crash is a regression. */
      outcome: 'crashed';
      id: string;
      category: Category | null;
      reason: string;
    }
  | {
      /** Measured in the baseline but missing or skipped in the current run: nothing to judge, which is not a pass. */
      outcome: 'missing';
      id: string;
      category: Category | null;
      reason: string;
    }
  | {
      /** Not judged: ignored by the config, or no usable baseline for it (new, skipped or failed there). */
      outcome: 'ignored' | 'not-compared';
      id: string;
      category: Category | null;
      reason: string;
    };

export type GateOutcome = 'pass' | 'fail' | 'inconclusive';

/** Where the baseline came from: one file, or the pooled runs of a directory. */
export interface BaselineInfo {
  /** What the user passed. */
  source: string;
  /** The results files pooled (one for a single file). */
  files: string[];
  label: string;
  host: Fingerprint;
}

export interface GateResult {
  schema: 'virtax.gate/v1';
  outcome: GateOutcome;
  /** 0 pass, 1 fail, 0 or 3 (strict) inconclusive. */
  exitCode: 0 | 1 | 3;
  strict: boolean;
  rows: GateRow[];
  counts: Record<GateRow['outcome'], number>;
  baseline: BaselineInfo;
  current: { source: string; label: string; host: Fingerprint };
  /** Fingerprint fields that differ (all of them, guarded or not). */
  envDiffs: EnvDiff[];
  warnings: string[];
  /** Confidence level of each workload's interval (`comparison.settings.level`). */
  confidence: number;
  /**
   * The false-coverage-rate adjustment (Benjamini & Yekutieli 2005): `selected` of `judged` workloads had
   * intervals above their max regression and were re-judged at `level`. Null when none was selected.
   */
  fcr?: GateFcr | null;
  /** Runs per side and what the intervals cover (see stats/types.ts). */
  scope?: ComparisonScope;
  comparison: Pick<Comparison, 'settings'>;
}

export interface GateFcr {
  selected: number;
  judged: number;
  level: number;
}

/** A workload's status in one file, for telling "missing" from "crashed" from "never measured". */
export type SideStatus = WorkloadResult['status'] | 'absent';

/** A row the gate judged on an interval. */
export type JudgedRow = Extract<GateRow, { row: ComparedRow }>;

export function isJudged(r: GateRow): r is JudgedRow {
  return r.outcome === 'pass' || r.outcome === 'fail' || r.outcome === 'inconclusive';
}
