/**
 * `virtax record`: what an application does, as rates per second of the operations a platform prices
 * (src/results/app-profile.ts). Two ways in: virtax starts the command (`-- CMD ARGS`), or attaches to a running
 * process tree (`--pid`).
 *
 * Started commands run under a tiny `sh` wrapper that, once the command has ended and been reaped, prints
 * its own /proc/self/stat and /proc/self/io on a pipe: the kernel has by then added every finished
 * descendant's CPU time, page faults and read/write syscalls to the wrapper's child counters, so those
 * totals are exact, short-lived processes included (src/probes/record/procfs.ts). Context switches and run-queue
 * delay have no child counters in /proc: a sampler polls every task of the tree (default every 100 ms).
 *
 * `--syscalls` runs the command a second time under `strace -c -f` for the full syscall mix. Tracing
 * slows every syscall, so strace's counts are scaled to the untraced run by its read/write calls, which
 * both runs count (/proc's syscr+syscw against strace's read-family calls).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { InputError } from '../../errors.js';
import { parseIo, parseSchedstat, parseStat, parseStatusSwitches, type ProcStat } from './procfs.js';
import { classifySyscalls, parseStraceSummary } from './strace.js';
import {
  APP_SCHEMA,
  OPERATION_CLASSES,
  type AppProfile,
  type AppTotals,
  type OperationClass,
  type SyscallCount,
} from '../../results/app-profile.js';

export interface RecordOptions {
  /** The command to start (argv); exclusive with `pid`. */
  command?: string[];
  /** A running process whose tree to attach to; exclusive with `command`. */
  pid?: number;
  /** Stop after this many seconds (a started command is sent SIGTERM; required with `pid`). */
  seconds?: number;
  /** Sampling interval of the task poller. */
  intervalMs?: number;
  /** Also record the full syscall mix with strace. */
  syscalls?: boolean;
  name?: string;
  /** Where the recorded command's stdout goes (default: this process's stderr, so stdout stays for JSON). */
  stdout?: 'inherit' | 'stderr' | 'ignore';
  /** What the fingerprint says of this host. */
  host: { hostname?: string; kernel: string; platform: string };
}

const TICKS_PER_SECOND = (() => {
  const r = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' });
  const n = Number(r.stdout?.trim());
  return Number.isFinite(n) && n > 0 ? n : 100;
})();

function readText(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

/** Every pid under `root` (itself included), from one pass over /proc. */
export function processTree(root: number): ProcStat[] {
  const all: ProcStat[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const t = readText(`/proc/${name}/stat`);
    if (!t) continue;
    try {
      all.push(parseStat(t));
    } catch {
      // a process that vanished mid-read
    }
  }
  const children = new Map<number, ProcStat[]>();
  for (const p of all) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p]);
  const out: ProcStat[] = [];
  const rootStat = all.find((p) => p.pid === root);
  if (!rootStat) return out;
  const queue = [rootStat];
  while (queue.length) {
    const p = queue.shift() as ProcStat;
    out.push(p);
    queue.push(...(children.get(p.pid) ?? []));
  }
  return out;
}

/** Polls the tasks of a process tree: context switches and run-queue delay, and which processes lived. */
class TaskSampler {
  private readonly tasks = new Map<string, { voluntary: number; involuntary: number; waitNs: number }>();
  private readonly processes = new Set<string>();
  private first: Map<string, { voluntary: number; involuntary: number; waitNs: number }> | null = null;
  constructor(
    private readonly root: number,
    private readonly exclude: Set<number>,
  ) {}

  sample(): ProcStat[] {
    const tree = processTree(this.root);
    const now = new Map<string, { voluntary: number; involuntary: number; waitNs: number }>();
    for (const p of tree) {
      if (this.exclude.has(p.pid)) continue;
      this.processes.add(`${p.pid}:${p.startTime}`);
      let tids: string[] = [];
      try {
        tids = readdirSync(`/proc/${p.pid}/task`);
      } catch {
        continue;
      }
      for (const tid of tids) {
        const status = readText(`/proc/${p.pid}/task/${tid}/status`);
        if (!status) continue;
        const sw = parseStatusSwitches(status);
        const sched = readText(`/proc/${p.pid}/task/${tid}/schedstat`);
        const key = `${tid}:${p.startTime}`;
        const v = { ...sw, waitNs: sched ? parseSchedstat(sched).waitNs : 0 };
        this.tasks.set(key, v);
        now.set(key, v);
      }
    }
    if (!this.first) this.first = now;
    return tree;
  }

  /** Counts since the first sample (tasks that existed then contribute only what they did after it). */
  totals(): { voluntary: number; involuntary: number; waitSeconds: number; processes: number } {
    let voluntary = 0;
    let involuntary = 0;
    let waitNs = 0;
    for (const [key, v] of this.tasks) {
      const f = this.first?.get(key);
      voluntary += v.voluntary - (f?.voluntary ?? 0);
      involuntary += v.involuntary - (f?.involuntary ?? 0);
      waitNs += v.waitNs - (f?.waitNs ?? 0);
    }
    return { voluntary, involuntary, waitSeconds: waitNs / 1e9, processes: this.processes.size };
  }
}

interface Counters {
  cpuUserSeconds: number;
  cpuSystemSeconds: number;
  minorFaults: number;
  majorFaults: number;
  readSyscalls: number;
  writeSyscalls: number;
  readBytes: number;
  writeBytes: number;
}

/** Self plus reaped children's counters of one process, from its stat and io text. */
export function countersOf(statText: string, ioText: string | null): Counters {
  const s = parseStat(statText);
  const io = ioText ? parseIo(ioText) : null;
  return {
    cpuUserSeconds: (s.utime + s.cutime) / TICKS_PER_SECOND,
    cpuSystemSeconds: (s.stime + s.cstime) / TICKS_PER_SECOND,
    minorFaults: s.minorFaults + s.childMinorFaults,
    majorFaults: s.majorFaults + s.childMajorFaults,
    readSyscalls: io?.readSyscalls ?? 0,
    writeSyscalls: io?.writeSyscalls ?? 0,
    readBytes: io?.readChars ?? 0,
    writeBytes: io?.writeChars ?? 0,
  };
}

function addCounters(a: Counters, b: Counters, sign = 1): Counters {
  const out = { ...a };
  for (const k of Object.keys(out) as (keyof Counters)[]) out[k] += sign * b[k];
  return out;
}

const ZERO: Counters = {
  cpuUserSeconds: 0,
  cpuSystemSeconds: 0,
  minorFaults: 0,
  majorFaults: 0,
  readSyscalls: 0,
  writeSyscalls: 0,
  readBytes: 0,
  writeBytes: 0,
};

/** The wrapper: run "$@", then report this shell's own and reaped children's counters on fd 3. */
const WRAPPER = '"$@"; s=$?; cat /proc/$$/stat >&3; echo "--io--" >&3; cat /proc/$$/io >&3 2>/dev/null; exit $s';

interface CommandRun {
  wallSeconds: number;
  exitCode: number | null;
  counters: Counters;
  sampler: TaskSampler;
}

function terminateChildrenOf(pid: number): void {
  for (const p of processTree(pid)) {
    if (p.ppid === pid) {
      try {
        process.kill(p.pid, 'SIGTERM');
      } catch {
        // already gone
      }
    }
  }
}

async function runWrapped(argv: string[], opts: RecordOptions, intervalMs: number): Promise<CommandRun> {
  const out = opts.stdout === 'inherit' ? 'inherit' : opts.stdout === 'ignore' ? 'ignore' : process.stderr;
  const started = process.hrtime.bigint();
  let child: ChildProcess;
  try {
    child = spawn('sh', ['-c', WRAPPER, 'virtax-record', ...argv], { stdio: ['ignore', out, 'inherit', 'pipe'] });
  } catch (e) {
    throw new InputError(`cannot start ${argv[0]}: ${(e as Error).message}`);
  }
  const pid = child.pid;
  if (pid === undefined) throw new InputError(`cannot start ${argv[0]}`);
  let report = '';
  (child.stdio[3] as NodeJS.ReadableStream).on('data', (d: Buffer) => {
    report += d.toString();
  });
  const sampler = new TaskSampler(pid, new Set([pid]));
  sampler.sample();
  const timer = setInterval(() => sampler.sample(), intervalMs);
  const deadline = opts.seconds ? setTimeout(() => terminateChildrenOf(pid), opts.seconds * 1000) : null;
  const exitCode = await new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const wallSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  clearInterval(timer);
  if (deadline) clearTimeout(deadline);
  const [statText, ioText] = report.split('--io--\n');
  if (!statText?.includes(')')) throw new InputError(`${argv[0]}: the recording wrapper reported nothing (is /proc mounted?)`);
  if (exitCode === 127 && wallSeconds < 5) throw new InputError(`${argv[0]}: command not found`);
  return { wallSeconds, exitCode, counters: countersOf(statText, ioText ?? null), sampler };
}

async function runStrace(argv: string[], opts: RecordOptions): Promise<Record<string, SyscallCount>> {
  if (spawnSync('strace', ['-V']).error) throw new InputError('--syscalls needs strace, which is not installed (apt-get install strace)');
  const dir = mkdtempSync(join(tmpdir(), 'virtax-strace-'));
  try {
    const file = join(dir, 'summary.txt');
    const out = opts.stdout === 'inherit' ? 'inherit' : opts.stdout === 'ignore' ? 'ignore' : process.stderr;
    const child = spawn('strace', ['-c', '-f', '-o', file, '--', ...argv], { stdio: ['ignore', out, 'inherit'] });
    const pid = child.pid;
    const deadline = opts.seconds && pid ? setTimeout(() => terminateChildrenOf(pid), opts.seconds * 1000) : null;
    await new Promise<void>((resolve) => child.on('close', () => resolve()));
    if (deadline) clearTimeout(deadline);
    return parseStraceSummary(readText(file) ?? '');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function attach(
  pid: number,
  opts: RecordOptions,
  intervalMs: number,
): Promise<{ wallSeconds: number; counters: Counters; sampler: TaskSampler; mix: Record<string, SyscallCount> | null }> {
  const seconds = opts.seconds;
  if (!seconds) throw new InputError('--pid needs --seconds (how long to watch the running process)');
  if (!readText(`/proc/${pid}/stat`)) throw new InputError(`--pid ${pid}: no such process`);
  const sumTree = (tree: ProcStat[]) =>
    tree.reduce((acc, p) => {
      const st = readText(`/proc/${p.pid}/stat`);
      return st ? addCounters(acc, countersOf(st, readText(`/proc/${p.pid}/io`))) : acc;
    }, ZERO);
  const sampler = new TaskSampler(pid, new Set());
  const started = process.hrtime.bigint();
  const before = sumTree(sampler.sample());
  let straceChild: ChildProcess | null = null;
  const dir = opts.syscalls ? mkdtempSync(join(tmpdir(), 'virtax-strace-')) : null;
  if (dir) {
    if (spawnSync('strace', ['-V']).error) throw new InputError('--syscalls needs strace, which is not installed (apt-get install strace)');
    straceChild = spawn('strace', ['-c', '-f', '-o', join(dir, 'summary.txt'), '-p', String(pid)], { stdio: 'ignore' });
  }
  const timer = setInterval(() => sampler.sample(), intervalMs);
  await new Promise((r) => setTimeout(r, seconds * 1000));
  clearInterval(timer);
  const after = sumTree(sampler.sample());
  const wallSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  let mix: Record<string, SyscallCount> | null = null;
  if (straceChild && dir) {
    const closed = new Promise<void>((resolve) => straceChild?.on('close', () => resolve()));
    straceChild.kill('SIGINT');
    await closed;
    mix = parseStraceSummary(readText(join(dir, 'summary.txt')) ?? '');
    rmSync(dir, { recursive: true, force: true });
  }
  return { wallSeconds, counters: addCounters(after, before, -1), sampler, mix };
}

const READ_WRITE_FAMILY = ['read', 'pread64', 'readv', 'preadv', 'preadv2', 'write', 'pwrite64', 'writev', 'pwritev', 'pwritev2'];

/** Record an application and return its profile. */
export async function recordApp(opts: RecordOptions): Promise<AppProfile> {
  const intervalMs = opts.intervalMs ?? 100;
  if (!(intervalMs >= 10)) throw new InputError('--interval: expected at least 10 ms');
  if (opts.seconds !== undefined && !(opts.seconds > 0)) throw new InputError('--seconds: expected a positive number');
  if (!opts.command?.length && opts.pid === undefined) throw new InputError('nothing to record: give a command after `--`, or --pid PID');
  if (opts.command?.length && opts.pid !== undefined) throw new InputError('give a command or --pid, not both');
  const startedAt = new Date().toISOString();
  const notes: string[] = [
    'clock reads through the vDSO are not syscalls: neither /proc nor strace counts them (the clock class counts only trapped reads)',
    `context switches and run-queue delay are polled every ${intervalMs} ms: a task shorter than that is missed`,
  ];
  let wallSeconds: number;
  let exitCode: number | null = null;
  let counters: Counters;
  let sampler: TaskSampler;
  let mix: Record<string, SyscallCount> | null = null;
  let scale = 1;
  if (opts.command?.length) {
    const run = await runWrapped(opts.command, opts, intervalMs);
    ({ wallSeconds, exitCode, counters, sampler } = run);
    if (opts.syscalls) {
      mix = await runStrace(opts.command, opts);
      const traced = READ_WRITE_FAMILY.reduce((s, n) => s + (mix?.[n]?.calls ?? 0), 0);
      const untraced = counters.readSyscalls + counters.writeSyscalls;
      if (traced >= 100 && untraced > 0) {
        scale = untraced / traced;
        notes.push(
          `syscall mix from a second run under strace -c -f, scaled by ${scale.toFixed(3)} to this run (read/write calls: ${untraced} untraced, ${traced} traced)`,
        );
      } else notes.push('syscall mix from a second run under strace -c -f, unscaled (too few read/write calls to match the runs)');
    }
  } else {
    const a = await attach(opts.pid as number, opts, intervalMs);
    ({ wallSeconds, counters, sampler, mix } = a);
    notes.push('attached: counters of processes that ended during the recording count only when a watched process reaped them');
    if (mix) notes.push('syscall mix from strace attached during the recording: tracing slowed the process, so its rates read low');
  }
  const t = sampler.totals();
  const byClass = mix ? classifySyscalls(mix) : {};
  // The recorded command's own start is not one of its spawns: leave out its execve (strace) or itself (sampler).
  const processes = mix
    ? Math.max(0, Math.round((byClass.spawn ?? 0) * scale) - (opts.command?.length ? 1 : 0))
    : Math.max(0, t.processes - 1);
  if (!mix)
    notes.push(
      'without --syscalls only read/write syscalls are counted (/proc/<pid>/io); stat, clock, fsync and other syscalls read 0: use --syscalls for a syscall-heavy application',
    );
  const totals: AppTotals = {
    cpuUserSeconds: counters.cpuUserSeconds,
    cpuSystemSeconds: counters.cpuSystemSeconds,
    minorFaults: counters.minorFaults,
    majorFaults: counters.majorFaults,
    voluntarySwitches: t.voluntary,
    involuntarySwitches: t.involuntary,
    readSyscalls: counters.readSyscalls,
    writeSyscalls: counters.writeSyscalls,
    readBytes: counters.readBytes,
    writeBytes: counters.writeBytes,
    processes,
    runDelaySeconds: t.waitSeconds,
  };
  const cpuSeconds = totals.cpuUserSeconds + totals.cpuSystemSeconds;
  const ownSeconds = Math.min(wallSeconds, Math.max(wallSeconds - totals.runDelaySeconds, cpuSeconds));
  if (totals.runDelaySeconds > 0.1 * wallSeconds)
    notes.push(
      `the host was busy: the application waited ${totals.runDelaySeconds.toFixed(2)} s of ${wallSeconds.toFixed(2)} s for a CPU; rates are per second of its own time (${ownSeconds.toFixed(2)} s)`,
    );
  const per = (n: number) => (ownSeconds > 0 ? n / ownSeconds : 0);
  const rates = Object.fromEntries(OPERATION_CLASSES.map((c) => [c, 0])) as Record<OperationClass, number>;
  rates.cpu = per(totals.cpuUserSeconds);
  rates['page-fault'] = per(totals.minorFaults);
  rates['context-switch'] = per(totals.voluntarySwitches);
  rates.spawn = per(processes);
  rates['read-write'] = per(totals.readSyscalls + totals.writeSyscalls);
  if (mix) {
    for (const c of ['stat', 'clock', 'fsync', 'other-syscall'] as const) rates[c] = per((byClass[c] ?? 0) * scale);
  }
  const name = opts.name ?? (opts.command?.length ? basename(opts.command[0] as string) : `pid-${opts.pid}`);
  return {
    schema: APP_SCHEMA,
    name,
    command: opts.command?.length ? opts.command : null,
    pid: opts.pid ?? null,
    startedAt,
    wallSeconds,
    ownSeconds,
    exitCode,
    host: { hostname: opts.host.hostname ?? hostname(), kernel: opts.host.kernel, platform: opts.host.platform },
    method: { sampler: 'procfs', intervalMs, syscalls: mix ? 'strace' : null, notes },
    totals,
    syscalls: mix,
    rates,
  };
}
