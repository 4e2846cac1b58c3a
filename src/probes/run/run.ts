/**
 * `virtax run` as a library function: the flags as parsed options in, results files out. It checks the options
 * (a `--resume` continues its file as it was started), discovers `--workload` tasks, starts a loopback peer
 * when a network workload has none, runs the workloads through the runner (src/probes/engine/runner.ts), checkpoints
 * the file atomically after every round, runs replicates (`--runs`) and uploads after each run (`--upload`).
 *
 * Everything that touches the machine is a dependency with the real one as default: the executor (a fresh
 * process per round), the host fingerprint, the loopback peer, Ctrl-C and the clock. The CLI
 * (src/cli/commands/run.ts) parses flags, draws the progress bar, prints, and returns `code`.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { InputError } from '../../errors.js';
import { ChildProcessExecutor, type Executor } from '../engine/executor.js';
import { processInterrupt, type Interrupt } from '../../proc/interrupt.js';
import { runProbe, selectWorkloads, type RunEvent } from '../engine/runner.js';
import { isSuite } from '../engine/suites.js';
import { fingerprint as hostFingerprint } from '../host/fingerprint.js';
import { hostDevices } from '../host/devices.js';
import { parseHostPort, spawnLoopbackPeer, type PeerProcess } from '../peers/peer.js';
import { onlyPatterns } from '../../results/ids.js';
import { loadResults, saveResults } from '../../results/io.js';
import { checkOutputFile, plannedDirs } from '../../results/output.js';
import type { Fingerprint, HostDevices, ResultsFile, Suite } from '../../types.js';
import { checkCollectorUrl, clientToken, describeUpload, retrySettings, uploadResultsText } from '../upload.js';
import { VERSION } from '../../version.js';
import { registry } from '../../workloads/index.js';
import { usesPeer } from '../../workloads/types.js';
import type { PeerAddress, RoundPlan } from '../../workloads/types.js';
import { checkResumable, userTasksOf, withModules, withUserWorkloads } from '../../workloads/user-discover.js';
import { nameProblem } from '../../collector/validate.js';

/** One run's options, as the flags of `virtax run` give them (undefined: not typed). */
export interface RunRequest {
  /** Default quick; left undefined by the parser so `--resume` can tell whether the user typed it. */
  suite?: string;
  only?: string[];
  label?: string;
  out?: string;
  seed?: number;
  rounds?: number;
  resume?: string;
  ioDir?: string;
  /** HOST:PORT of a `virtax peer`; without it, network workloads get a loopback peer in its own process. */
  peer?: string;
  /** A user's tinybench modules (repeatable): each task runs as `user.<name>`. */
  workload?: string[];
  /** Time limit per batch of a user task, seconds. */
  workloadTimeout?: number;
}

/** The whole `virtax run`: replicate runs and the upload after each. */
export interface RunCommandRequest extends RunRequest {
  /** Replicate runs: N separate launches, one results file each, one label. */
  runs?: number;
  /** Collector URL to send each file to once written. */
  upload?: string;
  token?: string;
  /** Overall deadline of one upload attempt, seconds (default 60, or $VIRTAX_UPLOAD_ATTEMPT_TIMEOUT). */
  attemptTimeout?: number;
}

/** What a run needs from the machine; each defaults to the real thing. */
export interface RunDeps {
  /** Measures one round (default: a fresh Node process per round). */
  executor?: Executor;
  /** This host (default: src/probes/host/fingerprint.ts). */
  fingerprint?: () => Promise<Fingerprint>;
  /**
   * The devices the storage and network workloads use (default: src/probes/host/devices.ts, when the fingerprint is
   * the real one; a test's injected fingerprint gets none unless this is given too).
   */
  devices?: (storageDir: string | null, peer: PeerAddress | null) => Promise<HostDevices | null>;
  /** Starts the loopback peer for network workloads given no `--peer` (default: a `virtax peer` process). */
  startPeer?: () => Promise<PeerProcess>;
  /** Ctrl-C (default: this process's SIGINT and SIGTERM, listened to while the workloads run). */
  interrupt?: () => Interrupt;
  /** Wall clock: the file's timestamps, the default file name and the seconds reported. */
  now?: () => Date;
  /** Override the suite's round plan (tests). */
  plan?: RoundPlan;
  /** Each round's start and end (a progress bar). */
  onEvent?: (e: RunEvent) => void;
}

/** What `runReplicates` reports as it goes; the CLI prints from these. */
export interface RunReporting {
  /** Before run i of n (1-based). */
  onRunStart?: (i: number, n: number) => void;
  /** After a run's file is written, before its upload. */
  onRunEnd?: (run: RunResult) => void;
  /** Lines for stderr (the upload's retries and outcome), each ending in a newline. */
  log?: (text: string) => void;
}

export interface RunResult {
  file: ResultsFile;
  /** Where the file was written. */
  out: string;
  /** Ctrl-C stopped it: the file holds the rounds measured so far, unfinished, for `--resume`. */
  interrupted: boolean;
  /** Wall time of the run, seconds (one decimal). */
  seconds: number;
}

export interface RunCommandResult {
  /** The exit status: 0, 1 when a workload failed or an upload did not go through, 130 when interrupted. */
  code: number;
  /** The files written, one per run (fewer when interrupted). */
  outs: string[];
}

/** The file of run i of N: `--out x.json` -> x-run1.json ... (N = 1 keeps the name). */
export function runOutPath(out: string | undefined, i: number, n: number): string | undefined {
  if (n === 1 || out === undefined) return out;
  return replicatePath(out, i);
}

/** `--runs`: how many replicate runs, 1 (the default) to 100; anything else is bad input. */
export function replicateCount(runs: number | undefined): number {
  const n = runs ?? 1;
  if (!Number.isInteger(n) || n < 1 || n > 100) throw new InputError('--runs: expected a whole number from 1 to 100');
  return n;
}

/** Run i's name of a file: `x.json` -> `x-run3.json`, `r.html` -> `r-run3.html`, `x` -> `x-run3`. */
export function replicatePath(path: string, i: number): string {
  const m = /^(.*[^/.])(\.[A-Za-z0-9]+)$/.exec(path);
  return m ? `${m[1]}-run${i}${m[2]}` : `${path}-run${i}`;
}

function defaultOut(label: string, startedAt: string): string {
  const stamp = startedAt.replace(/[:.]/g, '-').replace(/-\d{3}Z$/, 'Z');
  const safe = label.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 80) || 'host';
  return join('results', `${safe}-${stamp}.json`);
}

/** `--resume F` continues F as it was started: flags that would change it are refused, and so is a finished F. */
function checkResume(resume: ResultsFile, path: string, args: RunRequest): void {
  if (resume.config.suite === 'lifecycle')
    throw new InputError(`--resume ${path}: that is a virtax lifecycle file, not a run (run virtax lifecycle again)`);
  if (resume.finishedAt !== null) {
    throw new InputError(
      `--resume ${path}: that run already finished at ${resume.finishedAt}; nothing to resume (start a new run instead)`,
    );
  }
  const typed = [
    ['--suite', args.suite],
    ['--only', args.only?.length ? args.only : undefined],
    ['--rounds', args.rounds],
    ['--seed', args.seed],
    ['--label', args.label],
    ['--out', args.out],
  ]
    .filter(([, v]) => v !== undefined)
    .map(([f]) => f as string);
  if (typed.length) {
    throw new InputError(
      `--resume ${path} continues that run with its own suite (${resume.config.suite}), workloads, rounds (${resume.config.rounds}), seed, label and file: drop ${typed.join(', ')}`,
    );
  }
}

/**
 * One run: select the workloads, run them, checkpoint to `out` after every round (atomically) and write the
 * final file. Bad options throw InputError before anything runs; Ctrl-C ends it with `interrupted`.
 */
export async function runOnce(args: RunRequest, deps: RunDeps = {}): Promise<Omit<RunResult, 'seconds'>> {
  const now = deps.now ?? (() => new Date());
  const argSuite = args.suite ?? 'quick';
  if (!isSuite(argSuite)) throw new InputError(`--suite: expected quick, standard or full (got "${argSuite}")`);
  if (args.rounds !== undefined && (!Number.isInteger(args.rounds) || args.rounds < 1 || args.rounds > 1000)) {
    throw new InputError('--rounds: expected a whole number from 1 to 1000');
  }
  if (args.seed !== undefined && !Number.isInteger(args.seed)) throw new InputError('--seed: expected a whole number');
  // The collector's rule (src/collector/validate.ts): a label it would refuse fails here, before the run.
  const labelWhy = args.label === undefined ? null : nameProblem(args.label);
  if (labelWhy) throw new InputError(`--label ${labelWhy} (got ${JSON.stringify(args.label)}); a collector would refuse it`);
  const resume = args.resume ? loadResults(args.resume) : undefined;
  if (resume && args.resume) checkResume(resume, args.resume, args);
  const outPath = args.resume ?? args.out;
  if (outPath) checkOutputFile(outPath, args.resume ? '--resume' : '--out');
  else plannedDirs('results', '--out (default results/)');
  const suite: Suite = resume && resume.config.suite !== 'lifecycle' ? resume.config.suite : argSuite;
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
  const fingerprinted = await (deps.fingerprint ?? hostFingerprint)();
  const label = resume?.label ?? args.label ?? `${fingerprinted.platform}-${fingerprinted.hostname}`;
  const ioDir = resolve(args.ioDir ?? process.cwd());
  const scratchDir = mkdtempSync(join(tmpdir(), 'virtax-'));
  const interrupt = (deps.interrupt ?? processInterrupt)();
  let out = args.resume ?? args.out ?? '';
  let loopback: PeerProcess | null = null;
  try {
    if (!peer && workloads.some(usesPeer)) {
      loopback = await (deps.startPeer ?? (() => spawnLoopbackPeer({ quiet: true })))();
      peer = { host: loopback.host, port: loopback.port, kind: 'loopback' };
    }
    // The devices under the storage workloads' directory and towards the peer, recorded with the host's facts.
    const lookUp = deps.devices ?? (deps.fingerprint ? null : hostDevices);
    const devices = lookUp
      ? await lookUp(workloads.some((w) => w.category === 'storage') ? ioDir : null, workloads.some(usesPeer) ? peer : null)
      : null;
    const host: Fingerprint = devices ? { ...fingerprinted, devices } : fingerprinted;
    const file = await runProbe(workloads, {
      suite,
      ...(args.rounds !== undefined ? { rounds: args.rounds } : {}),
      seed: resume?.config.seed ?? args.seed ?? Math.floor(Math.random() * 2 ** 31),
      label,
      onlyIds: only,
      host,
      toolVersion: VERSION,
      executor: deps.executor ?? new ChildProcessExecutor(),
      ctx: {
        peer,
        scratchDir,
        ioDir,
        ioDirChosen: args.ioDir !== undefined,
        ...(userTasks.length ? { userTasks } : {}),
      },
      ...(resume ? { resume } : {}),
      ...(deps.plan ? { plan: deps.plan } : {}),
      checkpoint: (f) => {
        if (!out) out = defaultOut(f.label, f.startedAt);
        saveResults(out, withModules(f, modules));
      },
      ...(deps.onEvent ? { onEvent: deps.onEvent } : {}),
      signal: interrupt.signal,
      now,
    });
    if (!out) out = defaultOut(file.label, file.startedAt);
    saveResults(out, withModules(file, modules));
    return { file, out, interrupted: interrupt.signal.aborted };
  } finally {
    await loopback?.stop();
    interrupt.dispose();
    rmSync(scratchDir, { recursive: true, force: true });
  }
}

/**
 * `virtax run`: `runs` replicate runs one after another (each its own file, `--out x.json` -> x-run1.json ...,
 * a given seed is the first run's and each next run's is one more), each uploaded once written when `upload`
 * is set. Stops at the first interrupted run (code 130).
 */
export async function runReplicates(args: RunCommandRequest, deps: RunDeps & RunReporting = {}): Promise<RunCommandResult> {
  const n = replicateCount(args.runs);
  if (n > 1 && args.resume) throw new InputError('--runs: cannot be combined with --resume (resume one run at a time)');
  if (args.upload) checkCollectorUrl(args.upload, '--upload');
  // Upload settings are checked before the run, not after it.
  const uploadSettings = args.upload ? retrySettings(undefined, undefined, args.attemptTimeout) : null;
  const log = deps.log ?? ((text: string) => void process.stderr.write(text));
  const now = deps.now ?? (() => new Date());
  let code = 0;
  const outs: string[] = [];
  for (let i = 1; i <= n; i++) {
    const out = runOutPath(args.out, i, n);
    deps.onRunStart?.(i, n);
    // Each replicate run gets its own workload order: a given --seed is the first run's.
    const seed = args.seed !== undefined && n > 1 ? { seed: args.seed + i - 1 } : {};
    const started = now().getTime();
    const run = await runOnce({ ...args, ...seed, ...(out !== undefined ? { out } : {}) }, deps);
    const one: RunResult = { ...run, seconds: Number(((now().getTime() - started) / 1000).toFixed(1)) };
    outs.push(one.out);
    deps.onRunEnd?.(one);
    if (one.interrupted) return { code: 130, outs };
    const uploaded = args.upload ? await uploadAfterRun(one.out, args.upload, args.token, log, uploadSettings ?? undefined) : true;
    code = Math.max(code, one.file.workloads.some((w) => w.status === 'failed') || !uploaded ? 1 : 0);
  }
  return { code, outs };
}

/** `run --upload`: send the file just written; the local file stays whatever happens. True when stored. */
export async function uploadAfterRun(
  path: string,
  url: string,
  token: string | undefined,
  log: (text: string) => void,
  settings = retrySettings(),
): Promise<boolean> {
  let resolved: string | null;
  try {
    resolved = clientToken(token);
  } catch (e) {
    log(
      `virtax run: not uploaded: ${(e as Error).message}\nthe results are kept in ${path}; send them later with: virtax upload ${path} --to ${url}\n`,
    );
    return false;
  }
  const outcome = await uploadResultsText(readFileSync(path, 'utf8'), {
    url,
    token: resolved,
    ...settings,
    onRetry: (n, ms, why) => log(`virtax run: upload attempt ${n} failed (${why}); retrying in ${ms} ms\n`),
  });
  const ok = outcome.status === 'stored' || outcome.status === 'duplicate';
  log(`${ok ? '' : 'virtax run: '}${describeUpload(path, outcome)}\n`);
  if (!ok) log(`the results are kept in ${path}; send them later with: virtax upload ${path} --to ${url}\n`);
  return ok;
}
