/**
 * `virtax gate` as a library call: load the baseline (one file or pooled runs) and the current run, apply
 * the environment guard, compare, decide. Throws InputError for bad input (exit 2); never exits.
 */
import { InputError } from '../errors.js';
import { loadResults } from '../results/io.js';
import { changedWorkloadModules } from '../results/workload-modules.js';
import type { CompareOptions, Comparison } from '../stats/types.js';
import type { ResultsFile } from '../types.js';
import { envDiffs } from '../stats/compare.js';
import { guardedDiffs, loadBaseline } from './baseline.js';
import { loadGateConfig, policyOf } from './config.js';
import { countRows, decideRows, exitCodeOf, idMatches, overallOutcome, workloadSides } from './decide.js';
import type { GateResult } from './types.js';

export interface GateOptions {
  /** A results file or a directory of runs of the same host class. */
  baseline: string;
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
  /** Gate even when a user workload's module (`user.*`, run --workload) changed between baseline and current. */
  allowChangedWorkloads?: boolean;
  seed?: number;
  resamples?: number;
  noisePct?: number;
  /** Family-wise confidence of the gate's intervals over all judged workloads (default 0.95). */
  confidence?: number;
}

/**
 * The per-workload interval level that makes the gate's k intervals simultaneous at `confidence`
 * (Bonferroni: 1 - (1 - confidence) / k). Without it, an A/A gate over 16 workloads with 95% intervals
 * would fail about one run in three on noise alone (1 - 0.975^16 = 33% for one-sided misses).
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
      out.push(`${name} was measured on a busy host (load average up to ${max.toFixed(1)} on ${cpus} CPUs): its figures carry other processes' contention`);
    }
  }
  return out;
}

export type CompareFn = (base: ResultsFile, cand: ResultsFile, opts: CompareOptions) => Comparison;

export function runGate(opts: GateOptions, compare: CompareFn): GateResult {
  const policy = policyOf(opts.config ? loadGateConfig(opts.config) : null, opts.maxRegressionPct);
  const baseline = loadBaseline(opts.baseline);
  const current = loadResults(opts.current);
  const base = baseline.pooled;
  const changed = changedWorkloadModules(baseline.runs.map((r) => r.file), [current]);
  if (changed && !opts.allowChangedWorkloads) throw new InputError(changed.replace('refusing to compare', 'refusing to gate'));

  const diffs = envDiffs(base.host, current.host);
  const guarded = guardedDiffs(base.host, current.host);
  if (guarded.length && !opts.allowEnvChange) {
    throw new InputError(
      `refusing to gate across environments: ${guarded.map((d) => `${d.field} differs (baseline "${d.base}", current "${d.cand}")`).join('; ')}; pass --allow-env-change to gate anyway`,
    );
  }

  const sides = workloadSides(base, current);
  const only = opts.only?.length ? opts.only.flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean) : null;
  if (only) {
    const unknown = only.filter((p) => ![...sides.keys()].some((id) => idMatches(id, p)));
    if (unknown.length) throw new InputError(`--only: no workload ${unknown.join(', ')} in the baseline or the current run`);
  }
  const toCompare = [...sides.entries()]
    .filter(([, s]) => s.base === 'ok' && s.cur === 'ok')
    .filter(([id]) => !only || only.some((p) => idMatches(id, p)))
    .filter(([id]) => !policy.ignore.some((p) => idMatches(id, p)))
    .map(([id]) => id);
  if (toCompare.length === 0) {
    throw new InputError(`nothing to gate: no workload${only ? ' selected by --only' : ''} was measured (status ok) in both ${opts.baseline} and ${opts.current}`);
  }

  const confidence = opts.confidence ?? 0.95;
  if (!(confidence >= 0.5 && confidence < 1)) throw new InputError(`--confidence: expected a percentage from 50% to below 100% (got ${100 * confidence}%)`);
  const settings: CompareOptions = { onlyIds: toCompare, level: perWorkloadLevel(confidence, toCompare.length) };
  if (opts.seed !== undefined) settings.seed = opts.seed;
  if (opts.resamples !== undefined) settings.resamples = opts.resamples;
  if (opts.noisePct !== undefined) settings.noisePct = opts.noisePct;
  let comparison: Comparison;
  try {
    comparison = compare(base, current, settings);
  } catch (e) {
    // compare throws RangeError for options out of range (noise, resamples, seed): bad input.
    if (e instanceof RangeError) throw new InputError(e.message);
    throw e;
  }

  const rows = decideRows({ comparison, sides, policy, only });
  const outcome = overallOutcome(rows);
  const strict = opts.strict ?? false;
  const warnings = [...baseline.warnings];
  if (current.finishedAt === null) warnings.push(`${opts.current} is an unfinished run (checkpoint)`);
  warnings.push(...busyHostWarnings([...baseline.runs.map((r) => ({ name: r.path, file: r.file })), { name: opts.current, file: current }]));
  for (const w of comparison.warnings) if (!warnings.includes(w)) warnings.push(w);
  if (guarded.length) warnings.push(`gated across environments (--allow-env-change): ${guarded.map((d) => d.field).join(', ')} differ`);
  return {
    schema: 'virtax.gate/v1',
    outcome,
    exitCode: exitCodeOf(outcome, strict),
    strict,
    rows,
    counts: countRows(rows),
    baseline: { source: opts.baseline, files: baseline.runs.map((r) => r.path), label: base.label, host: base.host },
    current: { source: opts.current, label: current.label, host: current.host },
    envDiffs: diffs,
    warnings,
    confidence,
    comparison: { settings: comparison.settings },
  };
}
