/**
 * `virtax gate` as a library call: load the baseline (one file or a directory of replicate runs) and the
 * current run, apply the environment guard, compare, decide. Throws InputError for bad input (exit 2);
 * never exits.
 *
 * Baseline runs are replicate runs of one host class, the top level of the comparison (stats/runs.ts):
 * k baseline runs against one current run give a t interval across run figures that includes
 * run-to-run variation (the current run borrows the baseline's run-to-run spread). Pooling their rounds
 * as if independent would narrow the interval exactly where it should not.
 *
 * Level: each workload's interval is at `confidence` (default 90%, GATE_LEVEL). A gate fails a workload only when its
 * interval lies wholly above the max regression M, so a false failure needs a miss beyond M, not beyond
 * 0. The workloads it would fail are the selected ones: with R of m judged workloads selected, their
 * intervals are recomputed at 1 - R·(1 - confidence)/m, the false-coverage-rate adjustment of Benjamini
 * & Yekutieli (2005), and only those still wholly above M fail. docs/gate.md has the simulated
 * false-fail and power table that chose this over Bonferroni.
 */
import { InputError } from '../errors.js';
import { loadResults } from '../results/io.js';
import { onlyPatterns, selectIds } from '../results/ids.js';
import { changedWorkloadModules } from '../results/workload-modules.js';
import type { CompareOptions, Comparison, Estimate } from '../stats/types.js';
import type { ResultsFile } from '../types.js';
import { envDiffs } from '../stats/environment.js';
import { guardedDiffs, loadBaseline, poolRuns } from '../baseline/read.js';
import { loadGateConfig, policyOf } from './config.js';
import {
  countRows,
  decideRows,
  exitCodeOf,
  idMatches,
  maxRegressionFor,
  overallOutcome,
  thresholdOutcome,
  workloadSides,
  type DecideInput,
} from './decide.js';
import { type GateFcr, type GatePolicy, type GateResult, type GateRow } from './types.js';

export interface GateOptions {
  /** A results file, a directory of runs of the same host class, or several results files (replicate runs). */
  baseline: string | string[];
  current: string;
  /** --max-regression in percent; overrides the config's default. */
  maxRegressionPct?: number;
  /** Path of a gate config (schema/gate-config.v1.json). */
  config?: string;
  /** Only these ids or patterns. */
  only?: string[];
  strict?: boolean;
  /** Compare across different CPU models or hypervisors. */
  allowEnvChange?: boolean;
  /** Pool baseline runs of different labels or suites (otherwise bad input). */
  allowMixed?: boolean;
  /** Gate even when a user workload's module (`user.*`, run --workload) changed between baseline and current. */
  allowChangedWorkloads?: boolean;
  seed?: number;
  resamples?: number;
  noisePct?: number;
  /** Confidence level of each workload's interval (default GATE_LEVEL, 0.90); failing ones are FCR-adjusted. */
  confidence?: number;
}

/**
 * Bonferroni's per-workload level for k simultaneous intervals at `confidence` (1 - (1 - confidence)/k).
 * No longer the gate's rule (see the file comment); kept for the simulation that compares the two.
 */
export function perWorkloadLevel(confidence: number, k: number): number {
  return 1 - (1 - confidence) / Math.max(1, k);
}

/** Warnings for runs measured on a busy host: load average above the CPU count means contention. */
export function busyHostWarnings(files: { name: string; file: ResultsFile }[]): string[] {
  const out: string[] = [];
  for (const { name, file } of files) {
    const loads = [file.conditions.loadAvg1Start, file.conditions.loadAvg1End ?? 0];
    for (const w of file.workloads) if (w.status === 'ok') for (const r of w.rounds) if (r.loadAvg1 !== undefined) loads.push(r.loadAvg1);
    const max = Math.max(...loads);
    const cpus = file.host.cpu.threads;
    if (cpus > 0 && max > cpus) {
      out.push(
        `${name} was measured on a busy host (load average up to ${max.toFixed(1)} on ${cpus} CPUs): its figures carry other processes' contention`,
      );
    }
  }
  return out;
}

/**
 * The gate's per-workload level: 90%, from the simulated table in docs/gate.md (scripts/sim-gate.ts):
 * against replicate baseline runs it failed no A/A gate at 90% or 95%, and 90% detected a +10%
 * regression past a 5% threshold more often (25 vs 14 of 40 with 10 baseline runs).
 */
export const GATE_LEVEL = 0.9;

/** A comparison of replicate runs (stats/compare.ts `compareRunSets`); the one CompareFn, injected by the CLI and tests. */
export type CompareFn = (base: readonly ResultsFile[], cand: readonly ResultsFile[], opts: CompareOptions) => Comparison;

export interface Judgement {
  comparison: Comparison;
  rows: GateRow[];
  fcr: GateFcr | null;
}

/**
 * Compare and decide, with the false-coverage-rate adjustment of the workloads that would fail (see the
 * file comment). Pure given `compare`. `settings.level` is the per-workload level.
 */
export function judge(
  baseRuns: readonly ResultsFile[],
  current: readonly ResultsFile[],
  settings: CompareOptions & { onlyIds: string[]; level: number },
  sides: DecideInput['sides'],
  policy: GatePolicy,
  only: string[] | null,
  compare: CompareFn,
): Judgement {
  // The engine's false-coverage-rate adjustment with the gate's selection: the rows that would fail.
  const wouldFail = (row: { id: string; overheadPct: Estimate }) =>
    thresholdOutcome(row.overheadPct, maxRegressionFor(row.id, policy)) === 'fail';
  const comparison = compare(baseRuns, current, {
    ...settings,
    fcr: { select: wouldFail, selected: 'workloads above the max regression' },
  });
  const rows = decideRows({ comparison, sides, policy, only });
  const f = comparison.fcr;
  return { comparison, rows, fcr: f ? { selected: f.selected, judged: f.of, level: f.level } : null };
}

export function runGate(opts: GateOptions, compare: CompareFn): GateResult {
  return gateWithComparison(opts, compare).result;
}

/** The gate result plus what it was computed from: the full comparison and the runs (for `gate --html`). */
export interface GateRun {
  result: GateResult;
  comparison: Comparison;
  baseRuns: ResultsFile[];
  current: ResultsFile;
}

export function gateWithComparison(opts: GateOptions, compare: CompareFn): GateRun {
  const policy = policyOf(opts.config ? loadGateConfig(opts.config) : null, opts.maxRegressionPct);
  const sources = Array.isArray(opts.baseline) ? opts.baseline : [opts.baseline];
  if (sources.length === 0) throw new InputError('--baseline: give a results file, a directory, or several results files');
  const baseline =
    sources.length === 1
      ? loadBaseline(sources[0] as string, opts.allowMixed === true)
      : poolRuns(
          sources.map((p) => ({ path: p, file: loadResults(p) })),
          opts.allowMixed === true,
        );
  const source = sources.join(' ');
  const current = loadResults(opts.current);
  const base = baseline.pooled;
  const again = baseline.runs.find((r) => r.file.id === current.id);
  if (again && again.path !== opts.baseline) {
    throw new InputError(
      `${opts.current} is run ${current.id}, already in baseline ${opts.baseline} (${again.path}): gating a run against itself proves nothing; gate a new run`,
    );
  }
  const changed = changedWorkloadModules(
    baseline.runs.map((r) => r.file),
    [current],
  );
  if (changed && !opts.allowChangedWorkloads) throw new InputError(changed.replace('refusing to compare', 'refusing to gate'));

  const diffs = envDiffs(base.host, current.host);
  const guarded = guardedDiffs(base.host, current.host);
  if (guarded.length && !opts.allowEnvChange) {
    throw new InputError(
      `refusing to gate across environments: ${guarded.map((d) => `${d.field} differs (baseline "${d.base}", current "${d.cand}")`).join('; ')}; pass --allow-env-change to gate anyway`,
    );
  }

  const sides = workloadSides(base, current);
  const only = onlyPatterns(opts.only);
  const selected = only ? selectIds([...sides.keys()], only) : null;
  if (selected?.unknown.length)
    throw new InputError(`--only: no workload ${selected.unknown.join(', ')} in the baseline or the current run`);
  const toCompare = [...sides.entries()]
    .filter(([, s]) => s.base === 'ok' && s.cur === 'ok')
    .filter(([id]) => !selected || selected.selected.includes(id))
    .filter(([id]) => !policy.ignore.some((p) => idMatches(id, p)))
    .map(([id]) => id);
  if (toCompare.length === 0) {
    throw new InputError(
      `nothing to gate: no workload${only ? ' selected by --only' : ''} was measured (status ok) in both ${source} and ${opts.current}`,
    );
  }

  const confidence = opts.confidence ?? GATE_LEVEL;
  if (!(confidence >= 0.5 && confidence < 1))
    throw new InputError(`--confidence: expected a percentage from 50% to below 100% (got ${100 * confidence}%)`);
  const settings: CompareOptions & { onlyIds: string[]; level: number } = { onlyIds: toCompare, level: confidence };
  if (opts.seed !== undefined) settings.seed = opts.seed;
  if (opts.resamples !== undefined) settings.resamples = opts.resamples;
  if (opts.noisePct !== undefined) settings.noisePct = opts.noisePct;
  let judgement: Judgement;
  try {
    judgement = judge(
      baseline.runs.map((r) => r.file),
      [current],
      settings,
      sides,
      policy,
      only,
      compare,
    );
  } catch (e) {
    // compare throws RangeError for options out of range (noise, resamples, seed): bad input.
    if (e instanceof RangeError) throw new InputError(e.message);
    throw e;
  }
  const { comparison } = judgement;
  // A pass or fail resting mostly on contended rounds is not a clean outcome (src/stats/contention.ts).
  const rows = judgement.rows.map((r) =>
    (r.outcome === 'pass' || r.outcome === 'fail') && r.row.trusted === false ? { ...r, outcome: 'inconclusive' as const } : r,
  );
  const outcome = overallOutcome(rows);
  const strict = opts.strict ?? false;
  const warnings = [...baseline.warnings];
  if (current.finishedAt === null) warnings.push(`${opts.current} is an unfinished run (checkpoint)`);
  warnings.push(
    ...busyHostWarnings([...baseline.runs.map((r) => ({ name: r.path, file: r.file })), { name: opts.current, file: current }]),
  );
  for (const w of comparison.warnings) if (!warnings.includes(w)) warnings.push(w);
  if (guarded.length) warnings.push(`gated across environments (--allow-env-change): ${guarded.map((d) => d.field).join(', ')} differ`);
  const result: GateResult = {
    schema: 'virtax.gate/v1',
    outcome,
    exitCode: exitCodeOf(outcome, strict),
    strict,
    rows,
    counts: countRows(rows),
    baseline: { source, files: baseline.runs.map((r) => r.path), label: base.label, host: base.host },
    current: { source: opts.current, label: current.label, host: current.host },
    envDiffs: diffs,
    warnings,
    confidence,
    fcr: judgement.fcr,
    ...(comparison.scope ? { scope: comparison.scope } : {}),
    comparison: { settings: comparison.settings },
  };
  return { result, comparison, baseRuns: baseline.runs.map((r) => r.file), current };
}
