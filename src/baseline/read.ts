/**
 * Baselines (read by the gate): one results file, or a directory (or list) of earlier runs of the same host class. The
 * gate compares the runs themselves as replicate runs (runs as the top level, stats/runs.ts), so their
 * run-to-run variation widens the interval instead of being hidden by pooling their rounds; the pooled
 * file built here only describes the baseline (statuses per workload, medians over all rounds, label and
 * host). Every file must be valid, or the gate refuses it by name.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../errors.js';
import { loadResults } from '../results/io.js';
import { mixedRunsReason } from '../results/replicates.js';
import { nestedCpuModelWarning } from '../results/host.js';
import { envDiffs } from '../stats/environment.js';
import { summarize } from '../stats/describe.js';
import type { EnvDiff } from '../stats/types.js';
import type { Fingerprint, ResultsFile, WorkloadOk, WorkloadResult } from '../types.js';

/** The index file `virtax baseline save` keeps beside the runs; never a run itself. */
export const BASELINE_INDEX = 'index.json';

export interface LoadedRun {
  path: string;
  file: ResultsFile;
}

export interface Baseline {
  /** One ResultsFile with every run's rounds pooled per workload (the file itself for a single run). */
  pooled: ResultsFile;
  runs: LoadedRun[];
  /** Per workload id, how many runs measured it (status ok). */
  runsPerWorkload: Map<string, number>;
  warnings: string[];
}

/** The results files of a baseline directory, sorted by name (index and hidden temp files excluded). */
export function baselineFilesIn(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(`${dir}: cannot read baseline directory (${code ?? String(e)})`);
  }
  return names
    .filter((n) => n.endsWith('.json') && !n.startsWith('.') && n !== BASELINE_INDEX)
    .sort()
    .map((n) => join(dir, n));
}

/** Load a baseline from a results file or a directory of them; throws InputError naming any bad file. */
export function loadBaseline(path: string, allowMixed = false): Baseline {
  let isDir: boolean;
  try {
    isDir = statSync(path).isDirectory();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(`${path}: cannot read baseline (${code === 'ENOENT' ? 'no such file or directory' : (code ?? String(e))})`);
  }
  if (!isDir) return poolRuns([{ path, file: loadResults(path) }], allowMixed);
  const files = baselineFilesIn(path);
  if (files.length === 0)
    throw new InputError(`${path}: baseline directory holds no results files (*.json); save some with \`virtax baseline save\``);
  return poolRuns(
    files.map((p) => ({ path: p, file: loadResults(p) })),
    allowMixed,
  );
}

/** Fingerprint fields on which the gate refuses to compare unless told to (docs/compare.md, environment). */
export const GUARDED_FIELDS: readonly string[] = ['cpu.model', 'hypervisor'];

/**
 * The guarded fields among fingerprint differences (from compare's `envDiffs`, the one list of them). A CPU
 * model hidden by a nested guest's kernel (UML, gVisor) is not a different machine: that difference is not
 * guarded (compare's warnings carry the note); a different hypervisor still is.
 */
export function guardedDiffs(base: Fingerprint, cand: Fingerprint): EnvDiff[] {
  const hidden = nestedCpuModelWarning(base, cand) !== null;
  return envDiffs(base, cand).filter((d) => GUARDED_FIELDS.includes(d.field) && !(hidden && d.field === 'cpu.model'));
}

function sameStrings(xs: readonly string[]): boolean {
  return xs.every((x) => x === xs[0]);
}

/**
 * Pool runs into one ResultsFile: per workload, the rounds of every run that measured it, with the summary
 * recomputed. Throws InputError when runs disagree on a workload's unit or direction, or on the host's
 * CPU model or hypervisor (not one host class).
 */
export function poolRuns(runs: LoadedRun[], allowMixed = false): Baseline {
  const first = runs[0];
  if (!first) throw new InputError('baseline: no runs to pool');
  const warnings: string[] = [];
  // Runs of two labels or two suites are not replicates of one baseline (src/results/replicates.ts).
  const mixed = mixedRunsReason(
    runs.map((r) => r.file),
    'baseline',
  );
  if (mixed && !allowMixed) throw new InputError(mixed);
  for (const r of runs.slice(1)) {
    const diffs = guardedDiffs(first.file.host, r.file.host);
    if (diffs.length) {
      throw new InputError(
        `baseline runs are not one host class: ${r.path} differs from ${first.path} in ${diffs.map((d) => `${d.field} ("${d.base}" vs "${d.cand}")`).join(', ')}`,
      );
    }
  }
  for (const r of runs) if (r.file.finishedAt === null) warnings.push(`${r.path} is an unfinished run (checkpoint); its rounds are used`);
  const runsPerWorkload = new Map<string, number>();
  if (runs.length === 1) {
    for (const w of first.file.workloads) runsPerWorkload.set(w.id, w.status === 'ok' ? 1 : 0);
    return { pooled: first.file, runs, runsPerWorkload, warnings };
  }

  const byId = new Map<string, { path: string; w: WorkloadResult }[]>();
  for (const r of runs) {
    for (const w of r.file.workloads) {
      const list = byId.get(w.id) ?? [];
      list.push({ path: r.path, w });
      byId.set(w.id, list);
    }
  }
  const workloads: WorkloadResult[] = [];
  for (const [id, entries] of byId) {
    const oks = entries.filter((e): e is { path: string; w: WorkloadOk } => e.w.status === 'ok');
    runsPerWorkload.set(id, oks.length);
    const head = oks[0];
    if (!head) {
      workloads.push((entries[0] as { w: WorkloadResult }).w);
      continue;
    }
    for (const e of oks) {
      if (e.w.unit !== head.w.unit || e.w.better !== head.w.better) {
        throw new InputError(
          `${e.path}: workload ${id} is in ${e.w.unit} (${e.w.better} is better) but ${head.path} has ${head.w.unit} (${head.w.better} is better); cannot pool`,
        );
      }
    }
    if (!sameStrings(oks.map((e) => JSON.stringify(e.w.params))))
      warnings.push(`baseline runs measured ${id} with different parameters; pooled anyway`);
    const rounds = oks.flatMap((e) => e.w.rounds);
    workloads.push({
      ...head.w,
      rounds,
      summary: summarize(rounds, head.w.better),
      notes: [...(head.w.notes ?? []), `pooled from ${oks.length} baseline runs`],
    });
  }
  const files = runs.map((r) => r.file);
  if (mixed) warnings.push(`${mixed.replace('; pass --allow-mixed to pool them anyway', '')}: pooled (--allow-mixed)`);
  const steals = files.map((f) => f.conditions.stealPct).filter((x): x is number => x !== null);
  const started = files.map((f) => f.startedAt).sort();
  const finished = files.map((f) => f.finishedAt);
  const pooled: ResultsFile = {
    ...first.file,
    label: first.file.label,
    startedAt: started[0] ?? first.file.startedAt,
    finishedAt: finished.includes(null) ? null : ((finished as string[]).sort().at(-1) ?? null),
    config: { ...first.file.config, rounds: Math.max(...files.map((f) => f.config.rounds)) },
    conditions: {
      stealPct: steals.length ? steals.reduce((a, b) => a + b, 0) / steals.length : null,
      loadAvg1Start: first.file.conditions.loadAvg1Start,
      loadAvg1End: runs.at(-1)?.file.conditions.loadAvg1End ?? null,
      notes: [`pooled from ${runs.length} runs: ${runs.map((r) => r.path).join(', ')}`],
    },
    workloads,
  };
  return { pooled, runs, runsPerWorkload, warnings };
}
