import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import cliProgress from 'cli-progress';
import { InputError } from '../../errors.js';
import { ChildProcessExecutor } from '../../probes/executor.js';
import { fingerprint } from '../../probes/fingerprint.js';
import { parseHostPort, spawnLoopbackPeer, type PeerProcess } from '../../probes/peer.js';
import { runProbe, selectWorkloads, type RunEvent } from '../../probes/runner.js';
import { isSuite } from '../../probes/suites.js';
import { contentionWarning } from '../../stats/contention.js';
import { terminalWidth } from '../../report/format.js';
import { formatNumber, formatTable } from '../../report/table.js';
import { onlyPatterns } from '../../results/ids.js';
import { loadResults, saveResults } from '../../results/io.js';
import { checkOutputFile, plannedDirs } from '../../results/output.js';
import type { ResultsFile, Suite } from '../../types.js';
import { registry } from '../../workloads/index.js';
import { usesPeer } from '../../workloads/network.js';
import { DEFAULT_BATCH_TIMEOUT_SECONDS, type UserTaskSpec } from '../../workloads/user.js';
import { checkResumable, prepareUserTasks, withModules, withUserWorkloads } from '../../workloads/user-discover.js';
import type { PeerAddress } from '../../workloads/types.js';
import type { CliCommand } from '../command.js';
import { checkCollectorUrl, uploadAfterRun } from './upload.js';

export interface RunArgs {
  /** Default quick; left undefined by the parser so `--resume` can tell whether the user typed it. */
  suite?: string;
  only?: string[];
  label?: string;
  out?: string;
  seed?: number;
  rounds?: number;
  resume?: string;
  ioDir?: string;
  progress?: boolean;
  /** HOST:PORT of a `virtax peer`; without it, network workloads get a loopback peer in its own process. */
  peer?: string;
  upload?: string;
  token?: string;
  /** A user's tinybench modules (repeatable): each task runs as `user.<name>`. */
  workload?: string[];
  /** Time limit per batch of a user task, seconds. */
  workloadTimeout?: number;
  /** Replicate runs: N separate launches, one results file each, one label. */
  runs?: number;
  /** Print a JSON summary on stdout instead of the table. */
  json?: boolean;
  /** No progress bar, no table, no "wrote" line: errors only (and the JSON with --json). */
  quiet?: boolean;
}

/** The file of run i of N: `--out x.json` -> x-run1.json ... (N = 1 keeps the name). */
export function runOutPath(out: string | undefined, i: number, n: number): string | undefined {
  if (n === 1 || out === undefined) return out;
  return out.endsWith('.json') ? `${out.slice(0, -5)}-run${i}.json` : `${out}-run${i}`;
}

/**
 * The table printed at the end of a run (also used by `duel` for each side). `worst 1%` is the batch p99 taken
 * in the metric's worse direction (the slowest 1% of batches: for a rate it lies below the median). A cv
 * needs two rounds: with one (an interrupted run) it is shown as n/a, not 0.0%.
 */
export function formatRunSummary(file: ResultsFile, opts: { width?: number | null } = {}): string {
  const rows = file.workloads.map((w) => {
    if (w.status !== 'ok') return [w.id, '', w.status.toUpperCase(), '', '', '', '', '', w.reason];
    const s = w.summary;
    return [
      w.id,
      w.unit,
      formatNumber(s.median),
      s.rounds < 2 ? 'n/a' : `${(100 * s.cv).toFixed(1)}%`,
      formatNumber(s.p50),
      formatNumber(s.p99),
      s.stealPct === null ? '' : `${s.stealPct.toFixed(2)}%`,
      String(s.rounds),
      `${w.better} is better`,
    ];
  });
  return formatTable(['workload', 'unit', 'median', 'cv', 'batch p50', 'worst 1%', 'steal', 'rounds', 'direction / reason'], rows, [
    'left', 'left', 'right', 'right', 'right', 'right', 'right', 'right', 'left',
  ], { maxWidth: opts.width ?? null, shrink: [8] });
}

/** `run --json`: what the run wrote and each workload's summary, on stdout. */
export function runSummaryJson(file: ResultsFile, out: string, interrupted: boolean, seconds: number): string {
  return `${JSON.stringify(
    {
      file: out,
      id: file.id,
      label: file.label,
      finished: file.finishedAt !== null,
      interrupted,
      seconds,
      host: { platform: file.host.platform, hypervisor: file.host.hypervisor, container: file.host.container },
      stealPct: file.conditions.stealPct,
      workloads: file.workloads.map((w) =>
        w.status === 'ok'
          ? { id: w.id, status: w.status, unit: w.unit, better: w.better, rounds: w.summary.rounds, median: w.summary.median, cv: w.summary.rounds < 2 ? null : w.summary.cv, p50: w.summary.p50, worst1pct: w.summary.p99, stealPct: w.summary.stealPct }
          : { id: w.id, status: w.status, reason: w.reason },
      ),
    },
    null,
    2,
  )}\n`;
}

function defaultOut(label: string, startedAt: string): string {
  const stamp = startedAt.replace(/[:.]/g, '-').replace(/-\d{3}Z$/, 'Z');
  const safe = label.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 80) || 'host';
  return join('results', `${safe}-${stamp}.json`);
}

function progressReporter(enabled: boolean): { onEvent: (e: RunEvent) => void; stop: () => void } {
  if (!enabled) return { onEvent: () => {}, stop: () => {} };
  const bar = new cliProgress.SingleBar(
    {
      format: 'virtax run [{bar}] {value}/{total} rounds | {eta_formatted} left | {workload}',
      stream: process.stderr,
      noTTYOutput: !process.stderr.isTTY,
      notTTYSchedule: 5000,
      hideCursor: true,
      etaBuffer: 20,
    },
    cliProgress.Presets.shades_classic,
  );
  return {
    onEvent: (e) => {
      if (e.type === 'start') bar.start(e.totalRounds, e.doneRounds, { workload: '' });
      else if (e.type === 'round-start') bar.update({ workload: `${e.workloadId} (${e.round}/${e.of})` });
      else bar.update(e.doneRounds, { workload: e.reply.status === 'ok' ? e.workloadId : `${e.workloadId} ${e.reply.status}` });
    },
    stop: () => bar.stop(),
  };
}

/** `--resume F` continues F as it was started: flags that would change it are refused, and so is a finished F. */
function checkResume(resume: ResultsFile, path: string, args: RunArgs): void {
  if (resume.finishedAt !== null) {
    throw new InputError(`--resume ${path}: that run already finished at ${resume.finishedAt}; nothing to resume (start a new run instead)`);
  }
  const typed = [
    ['--suite', args.suite],
    ['--only', args.only?.length ? args.only : undefined],
    ['--rounds', args.rounds],
    ['--seed', args.seed],
    ['--label', args.label],
    ['--out', args.out],
  ].filter(([, v]) => v !== undefined).map(([f]) => f as string);
  if (typed.length) {
    throw new InputError(
      `--resume ${path} continues that run with its own suite (${resume.config.suite}), workloads, rounds (${resume.config.rounds}), seed, label and file: drop ${typed.join(', ')}`,
    );
  }
}

/** The tasks of the --workload modules (none without), with the per-batch time limit checked. */
export async function userTasksOf(modules: readonly string[], timeoutSeconds: number | undefined): Promise<UserTaskSpec[]> {
  if (timeoutSeconds !== undefined && !(Number.isFinite(timeoutSeconds) && timeoutSeconds > 0 && timeoutSeconds <= 3600)) {
    throw new InputError('--workload-timeout: expected seconds, more than 0 and at most 3600');
  }
  return modules.length ? prepareUserTasks(modules, timeoutSeconds ?? DEFAULT_BATCH_TIMEOUT_SECONDS) : [];
}

/** Library-level run used by the CLI: selects workloads, runs, checkpoints to `out`. */
export async function runCommandImpl(args: RunArgs): Promise<{ file: ResultsFile; out: string; interrupted: boolean }> {
  const argSuite = args.suite ?? 'quick';
  if (!isSuite(argSuite)) throw new InputError(`--suite: expected quick, standard or full (got "${argSuite}")`);
  if (args.rounds !== undefined && (!Number.isInteger(args.rounds) || args.rounds < 1 || args.rounds > 1000)) {
    throw new InputError('--rounds: expected a whole number from 1 to 1000');
  }
  if (args.seed !== undefined && !Number.isInteger(args.seed)) throw new InputError('--seed: expected a whole number');
  const resume = args.resume ? loadResults(args.resume) : undefined;
  if (resume && args.resume) checkResume(resume, args.resume, args);
  const outPath = args.resume ?? args.out;
  if (outPath) checkOutputFile(outPath, args.resume ? '--resume' : '--out');
  else plannedDirs('results', '--out (default results/)');
  const suite: Suite = resume?.config.suite ?? argSuite;
  const only = resume?.config.onlyIds ?? onlyPatterns(args.only);
  const modules = args.workload?.length ? args.workload : (resume?.config.workloadModules ?? []);
  const userTasks = await userTasksOf(modules, args.workloadTimeout);
  if (resume) checkResumable(resume, userTasks);
  const workloads = withUserWorkloads((ids) => selectWorkloads(registry, suite, ids), only, userTasks);
  if (args.peer !== undefined && !workloads.some(usesPeer)) {
    throw new InputError(`--peer: none of the selected workloads uses the network, so the peer would never be contacted (add --only net)`);
  }

  let peer: PeerAddress | null = null;
  if (args.peer !== undefined) {
    try {
      peer = { ...parseHostPort(args.peer), kind: 'remote' };
    } catch (e) {
      throw new InputError(`--peer: ${(e as Error).message}`);
    }
  }
  const host = await fingerprint();
  const label = resume?.label ?? args.label ?? `${host.platform}-${host.hostname}`;
  const scratchDir = mkdtempSync(join(tmpdir(), 'virtax-'));
  const ac = new AbortController();
  const onSignal = () => ac.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  let out = args.resume ?? args.out ?? '';
  const progress = progressReporter(args.progress !== false && !args.quiet);
  let loopback: PeerProcess | null = null;
  try {
    if (!peer && workloads.some(usesPeer)) {
      loopback = await spawnLoopbackPeer({ quiet: true });
      peer = { host: loopback.host, port: loopback.port, kind: 'loopback' };
    }
    const file = await runProbe(workloads, {
      suite,
      ...(args.rounds !== undefined ? { rounds: args.rounds } : {}),
      seed: resume?.config.seed ?? args.seed ?? Math.floor(Math.random() * 2 ** 31),
      label,
      onlyIds: only,
      host,
      toolVersion: (await import('../../version.js')).VERSION,
      executor: new ChildProcessExecutor(),
      ctx: { peer, scratchDir, ioDir: resolve(args.ioDir ?? process.cwd()), ioDirChosen: args.ioDir !== undefined, ...(userTasks.length ? { userTasks } : {}) },
      ...(resume ? { resume } : {}),
      checkpoint: (f) => {
        if (!out) out = defaultOut(f.label, f.startedAt);
        saveResults(out, withModules(f, modules));
      },
      onEvent: progress.onEvent,
      signal: ac.signal,
    });
    if (!out) out = defaultOut(file.label, file.startedAt);
    saveResults(out, withModules(file, modules));
    return { file, out, interrupted: ac.signal.aborted };
  } finally {
    progress.stop();
    await loopback?.stop();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    rmSync(scratchDir, { recursive: true, force: true });
  }
}

export const runCommand: CliCommand = {
  command: 'run',
  describe: 'Run workloads on this host and write one results file',
  builder: (y) =>
    y
      .option('suite', { type: 'string', choices: ['quick', 'standard', 'full'], describe: 'quick (default): < 2 min smoke run; standard: ~10 min, for real comparisons; full: longer and tighter' })
      .option('only', { type: 'string', array: true, describe: 'Only these workload ids or families (e.g. --only mem sys.clock)' })
      .option('label', { type: 'string', describe: 'Label of this host class (default: <platform>-<hostname>)' })
      .option('out', { type: 'string', describe: 'Results file to write (default: results/<label>-<time>.json)' })
      .option('seed', { type: 'number', describe: 'Seed of the workload order (default: random, recorded in the file)' })
      .option('rounds', { type: 'number', describe: "Rounds per workload (default: the suite's)" })
      .option('resume', { type: 'string', describe: 'Continue an interrupted run in this file' })
      .option('io-dir', { type: 'string', describe: 'Directory for storage workloads (default: current directory; tmpfs measures nothing)' })
      .option('progress', { type: 'boolean', default: true, describe: 'Progress bar on stderr (--no-progress to hide)' })
      .option('peer', { type: 'string', describe: 'HOST:PORT of a `virtax peer` for network workloads (default: a loopback peer started for the run)' })
      .option('upload', { type: 'string', describe: 'Collector URL to upload the results to at the end (the local file is kept)' })
      .option('token', { type: 'string', describe: 'Bearer token for --upload (default: $VIRTAX_TOKEN)' })
      .option('workload', { type: 'string', array: true, describe: 'Your own tinybench module (repeatable): each task runs as user.<name> beside the built-ins (docs/workloads.md)' })
      .option('workload-timeout', { type: 'number', describe: `Time limit per batch of a --workload task, seconds (default ${DEFAULT_BATCH_TIMEOUT_SECONDS})` })
      .option('runs', { type: 'number', default: 1, describe: 'Replicate runs: N separate runs one after another, one results file each (same label), for compare --base/--cand' })
      .option('json', { type: 'boolean', describe: 'Print a JSON summary (file written, workloads, medians) on stdout instead of the table' })
      .option('quiet', { type: 'boolean', alias: 'q', describe: 'No progress bar, table or "wrote" line; errors only (combine with --json for just the JSON)' })
      .example('virtax run --suite quick', 'smoke run, under 2 minutes')
      .example('virtax run --suite standard --label kvm-m5.large', 'a real measurement of a VM class')
      .example('virtax run --only mem.latency sys --rounds 20', 'memory latency and every syscall workload, 20 rounds')
      .example('virtax run --only net --peer 10.0.0.2:7878', 'network workloads against a peer on another host')
      .example('virtax run --workload ./my-bench.mjs --only user cpu.int', 'your own tinybench tasks, with cpu.int as a reference')
      .example('virtax run --suite standard --runs 3 --label kvm --out results/kvm.json', 'three replicate runs: results/kvm-run1.json ... kvm-run3.json')
      .example('virtax run --resume results/kvm-2026-11-25T10-00-00Z.json', 'continue after Ctrl-C')

      .example('virtax run --only cpu --quiet --json | jq .file', 'in a script: just the JSON summary on stdout'),
  run: async (args: RunArgs) => {
    const n = args.runs ?? 1;
    if (!Number.isInteger(n) || n < 1 || n > 100) throw new InputError('--runs: expected a whole number from 1 to 100');
    if (n > 1 && args.resume) throw new InputError('--runs: cannot be combined with --resume (resume one run at a time)');
    if (args.upload) checkCollectorUrl(args.upload, '--upload');
    let code = 0;
    const outs: string[] = [];
    for (let i = 1; i <= n; i++) {
      const out = runOutPath(args.out, i, n);
      if (n > 1) process.stderr.write(`virtax run: run ${i} of ${n}\n`);
      // Each replicate run gets its own workload order: a given --seed is the first run's.
      const seed = args.seed !== undefined && n > 1 ? { seed: args.seed + i - 1 } : {};
      const one = await runOnce({ ...args, ...seed, ...(out !== undefined ? { out } : {}) });
      outs.push(one.out);
      if (one.code === 130) return 130;
      code = Math.max(code, one.code);
    }
    if (n > 1) process.stderr.write(`wrote ${n} replicate runs: ${outs.join(' ')}\ncompare them with: virtax compare --base ${outs.join(' ')} --cand OTHER-RUNS...\n`);
    return code;
  },
};

async function runOnce(args: RunArgs): Promise<{ code: number; out: string }> {
  const started = Date.now();
  const { file, out, interrupted } = await runCommandImpl(args);
  const secs = ((Date.now() - started) / 1000).toFixed(1);
  if (args.json) process.stdout.write(runSummaryJson(file, out, interrupted, Number(secs)));
  else if (!args.quiet) {
    if (interrupted) process.stdout.write('interrupted: the figures below cover only the rounds measured so far\n');
    process.stdout.write(`${formatRunSummary(file, { width: terminalWidth(process.stdout) })}\n`);
    if (file.conditions.stealPct !== null && file.conditions.stealPct > 0) {
      process.stdout.write(`steal time during the run: ${file.conditions.stealPct.toFixed(2)}% of CPU time (the hypervisor ran someone else)\n`);
    }
  }
  if (interrupted) {
    process.stderr.write(`interrupted after ${secs} s; measured rounds kept in ${out}\ncontinue with: virtax run --resume ${out}\n`);
    return { code: 130, out };
  }
  const contended = contentionWarning(file, out);
  if (contended) process.stderr.write(`WARNING: ${contended}\n`);
  if (!args.quiet) process.stderr.write(`wrote ${out} (${secs} s, host ${file.host.platform}${file.host.hypervisor ? `/${file.host.hypervisor}` : ''})\n`);
  const uploaded = args.upload ? await uploadAfterRun(out, args.upload, args.token) : true;
  return { code: file.workloads.some((w) => w.status === 'failed') || !uploaded ? 1 : 0, out };
}
