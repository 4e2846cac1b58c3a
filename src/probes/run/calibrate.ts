/**
 * `virtax calibrate` as a library function (docs/calibrate.md): A/A runs of this probe on this host (or results
 * files of earlier A/A runs), then the statistics of src/stats/calibrate.ts: noise per level, false verdicts
 * between the runs, and what a comparison of a given budget can detect. Writes `calibration.json`
 * (schema/calibration.v1.json) beside the run files, and a gate config when asked.
 *
 * The runs are ordinary `virtax run`s (runOnce in run.ts: same executor, fingerprint, peer, Ctrl-C and clock
 * dependencies), one file each, `run-1.json` ... in the output directory.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { InputError } from '../../errors.js';
import { onlyPatterns, selectIds } from '../../results/ids.js';
import { loadResults, schemaValidator, writeFileAtomic } from '../../results/io.js';
import { checkOutputFile, plannedDirs } from '../../results/output.js';
import { CALIBRATION_SCHEMA, calibrationOf, gateConfigOf, pairSdOf, type CalibrationFile } from '../../stats/calibrate.js';
import type { ResultsFile } from '../../types.js';
import { VERSION } from '../../version.js';
import { runOnce, type RunDeps, type RunReporting, type RunResult } from './run.js';

export interface CalibrateRequest {
  /** Results files of earlier A/A runs of one host: analysed instead of running. */
  from?: string[];
  only?: string[];
  suite?: string;
  rounds?: number;
  /** A/A runs to make (default 3). */
  runs?: number;
  /** Budget of the comparison the detectable effects are for, minutes (default 10). */
  minutes?: number;
  /** Directory of the run files and calibration.json (default results/calibrate-<time>, or the --from files' directory). */
  out?: string;
  seed?: number;
  noisePct?: number;
  /** Write a gate config with what the host can detect to this file. */
  writeGateConfig?: string;
  /** An A/A duel's output directory (a.json, b.json, duel.json): its pairs' spread replaces the bound √2 · σ_round. */
  duel?: string;
}

export interface CalibrateResult {
  file: CalibrationFile;
  /** Where calibration.json was written. */
  out: string;
  /** The run files it rests on. */
  runFiles: string[];
  interrupted: boolean;
}

export const DEFAULT_CALIBRATE_RUNS = 3;
export const DEFAULT_BUDGET_MINUTES = 10;

function checkRequest(req: CalibrateRequest): { runs: number; minutes: number; noisePct: number } {
  const runs = req.runs ?? DEFAULT_CALIBRATE_RUNS;
  if (!Number.isInteger(runs) || runs < 2 || runs > 100)
    throw new InputError('--runs: expected a whole number from 2 to 100 (run-level noise needs 2 runs or more)');
  const minutes = req.minutes ?? DEFAULT_BUDGET_MINUTES;
  if (!(Number.isFinite(minutes) && minutes > 0 && minutes <= 10_080))
    throw new InputError('--minutes: expected a number of minutes above 0 and at most 10080 (a week)');
  const noisePct = req.noisePct ?? 1;
  if (!(Number.isFinite(noisePct) && noisePct >= 0 && noisePct < 100))
    throw new InputError('--noise: expected a percentage from 0 to below 100');
  if (req.seed !== undefined && !Number.isInteger(req.seed)) throw new InputError('--seed: expected a whole number');
  if (req.from?.length && (req.suite !== undefined || req.rounds !== undefined || req.runs !== undefined)) {
    throw new InputError('--suite, --rounds and --runs make new runs: drop them when calibrating from results files');
  }
  return { runs, minutes, noisePct };
}

/** Results files of one host's A/A runs, checked: at least two, one hostname and one CPU model. */
function loadRuns(paths: string[]): ResultsFile[] {
  if (paths.length < 2) throw new InputError(`calibrate needs 2 or more results files of A/A runs (got ${paths.length})`);
  const files = paths.map(loadResults);
  const first = files[0] as ResultsFile;
  files.forEach((f, i) => {
    if (f.host.hostname !== first.host.hostname || f.host.cpu.model !== first.host.cpu.model) {
      throw new InputError(
        `${paths[i]}: host ${f.host.hostname} (${f.host.cpu.model}) is not the host of ${paths[0]} (${first.host.hostname}, ${first.host.cpu.model}): calibration is A/A on one host`,
      );
    }
  });
  return files;
}

/** Validate a calibration file against its schema (a programming error when it fails: it is our own output). */
function checked(file: CalibrationFile): CalibrationFile {
  const v = schemaValidator('calibration.v1.json');
  if (!v(file))
    throw new Error(
      `calibration file does not match schema/calibration.v1.json: ${v.errors?.[0]?.instancePath ?? ''} ${v.errors?.[0]?.message ?? ''}`,
    );
  return file;
}

/** The calibration file of runs written at `runFiles` (relative names from `dir`). */
/** The pairs of an A/A duel directory: their SD per workload, the duel's mode and where it is. */
export function duelPairs(dirPath: string): NonNullable<CalibrationFile['duelPairs']> & { sd: Record<string, number> } {
  const a = loadResults(join(dirPath, 'a.json'));
  const b = loadResults(join(dirPath, 'b.json'));
  let mode = 'interleaved';
  try {
    const rec = JSON.parse(readFileSync(join(dirPath, 'duel.json'), 'utf8')) as { mode?: unknown };
    if (rec.mode === 'duet') mode = 'duet';
  } catch {
    /* no duel.json (an older duel): interleaved */
  }
  if (a.host.hostname !== b.host.hostname)
    throw new InputError(
      `--duel ${dirPath}: its sides ran on ${a.host.hostname} and ${b.host.hostname}: an A/A duel runs both sides on this host`,
    );
  const sd = pairSdOf(a, b);
  return { dir: dirPath, mode, sdPct: Object.fromEntries(Object.entries(sd).map(([k, v]) => [k, 100 * v])), sd };
}

export function calibrationFileOf(
  runs: ResultsFile[],
  runFiles: string[],
  dir: string,
  opts: { minutes: number; noisePct: number; seed: number; now: Date; duel?: ReturnType<typeof duelPairs> },
): CalibrationFile {
  const cal = calibrationOf(runs, {
    budgetMinutes: opts.minutes,
    noisePct: opts.noisePct,
    seed: opts.seed,
    ...(opts.duel ? { pairSd: opts.duel.sd, duelMode: opts.duel.mode === 'duet' ? 'duet' : 'interleaved' } : {}),
  });
  const first = runs[0] as ResultsFile;
  return checked({
    schema: CALIBRATION_SCHEMA,
    id: randomUUID(),
    createdAt: opts.now.toISOString(),
    tool: { name: 'virtax', version: VERSION, node: process.version },
    host: first.host,
    ...cal,
    runs: runs.map((f, i) => ({
      file: relative(dir, runFiles[i] as string) || basename(runFiles[i] as string),
      id: f.id,
      label: f.label,
      startedAt: f.startedAt,
      finishedAt: f.finishedAt,
      loadAvg1Start: f.conditions.loadAvg1Start,
      loadAvg1End: f.conditions.loadAvg1End,
      stealPct: f.conditions.stealPct,
    })),
    ...(opts.duel ? { duelPairs: { dir: relative(dir, opts.duel.dir) || '.', mode: opts.duel.mode, sdPct: opts.duel.sdPct } } : {}),
    notes: [
      `A/A: ${runs.length} separate runs of the same probe on ${first.host.hostname}; noise as the SD of ln(figure) in percent (about a coefficient of variation)`,
      opts.duel
        ? `duel: the pair SD measured by the A/A ${opts.duel.mode} duel in ${opts.duel.dir} where it measured the workload (3 pairs or more), else sqrt(2) x round SD`
        : 'duel: interleaved pairs assumed to share no noise (pair SD = sqrt(2) x round SD), an upper bound on what a duel can detect; duet pairs that cancel shared noise do better (calibrate --duel DIR with an A/A duel measures them)',
      `detectable effect: the true effect a ${opts.minutes}-minute comparison calls slower with 80% power at alpha 0.05, beyond the noise threshold of ${opts.noisePct}%`,
    ],
  });
}

/**
 * Calibrate: make `runs` A/A runs (or read `from`), compute, write calibration.json beside the run files and the
 * gate config when asked. Bad options throw InputError before anything runs. Ctrl-C during a run stops there:
 * calibration.json is written only when at least two runs finished.
 */
export async function calibrateSession(req: CalibrateRequest, deps: RunDeps & RunReporting = {}): Promise<CalibrateResult> {
  const { runs: n, minutes, noisePct } = checkRequest(req);
  const now = deps.now ?? (() => new Date());
  if (req.writeGateConfig) checkOutputFile(req.writeGateConfig, '--write-gate-config');
  const seed = req.seed ?? Math.floor(Math.random() * 2 ** 31);
  const pairs = req.duel !== undefined ? duelPairs(req.duel) : null;
  let runFiles: string[];
  let files: ResultsFile[];
  let dir: string;
  let interrupted = false;
  if (req.from?.length) {
    files = loadRuns(req.from);
    runFiles = req.from;
    dir = req.out ?? dirname(req.from[0] as string);
    plannedDirs(dir, '--out');
    const only = onlyPatterns(req.only);
    if (only) {
      const ids = [...new Set(files.flatMap((f) => f.workloads.map((w) => w.id)))];
      const { selected, unknown } = selectIds(ids, only);
      if (unknown.length)
        throw new InputError(`--only: ${unknown.join(', ')} matches no workload in the results files (they hold ${ids.join(', ')})`);
      files = files.map((f) => ({ ...f, workloads: f.workloads.filter((w) => selected.includes(w.id)) }));
    }
  } else {
    dir =
      req.out ??
      join(
        'results',
        `calibrate-${now()
          .toISOString()
          .replace(/[:.]/g, '-')
          .replace(/-\d{3}Z$/, 'Z')}`,
      );
    plannedDirs(dir, '--out');
    files = [];
    runFiles = [];
    for (let i = 1; i <= n; i++) {
      deps.onRunStart?.(i, n);
      const started = now().getTime();
      const out = join(dir, `run-${i}.json`);
      const run = await runOnce(
        { suite: req.suite, only: req.only, rounds: req.rounds, seed: seed + i - 1, label: 'calibrate-aa', out },
        deps,
      );
      const one: RunResult = { ...run, seconds: Number(((now().getTime() - started) / 1000).toFixed(1)) };
      deps.onRunEnd?.(one);
      if (one.interrupted) {
        interrupted = true;
        break;
      }
      files.push(run.file);
      runFiles.push(out);
    }
    if (files.length < 2)
      throw new InputError(`interrupted after ${files.length} finished run(s): calibration needs 2 or more (the run files are in ${dir})`);
  }
  const file = calibrationFileOf(files, runFiles, dir, { minutes, noisePct, seed, now: now(), ...(pairs ? { duel: pairs } : {}) });
  const out = join(dir, 'calibration.json');
  writeFileAtomic(out, `${JSON.stringify(file, null, 1)}\n`);
  if (req.writeGateConfig) writeFileAtomic(req.writeGateConfig, `${JSON.stringify(gateConfigOf(file), null, 2)}\n`);
  return { file, out, runFiles, interrupted };
}
