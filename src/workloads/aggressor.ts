/**
 * A noisy neighbour you control: worker processes that load one resource for a bounded time.
 *
 *   cpu      integer ALU loop (competes for cores and SMT siblings)
 *   memory   streaming read+write over 64 MiB (memory bandwidth)
 *   cache    random writes over twice the last-level cache (evicts the victim's lines)
 *   syscall  fstat + 1-byte read of /dev/zero in a loop (kernel entries, exits in a VM)
 *   network  loopback TCP flood inside the worker (softirq, the kernel's network path)
 *
 * Every worker stops by itself after its deadline, when its parent goes away, and on SIGTERM/SIGINT,
 * so a neighbour never outlives the measurement that started it.
 *
 * A duty cycle (`duty: { onSeconds, offSeconds }`, `virtax aggressor --on 2s --off 3s`) makes the neighbour
 * intermittent: every worker loads for onSeconds, idles for offSeconds, and so on, all in phase (the cycle is
 * counted from one start time the parent gives every worker), so on all cores at once.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { closeSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { createServer, connect, type AddressInfo } from 'node:net';
import { availableParallelism } from 'node:os';
import { childExecArgv, moduleBeside } from '../proc/node-child.js';

export const AGGRESSOR_KINDS = ['cpu', 'memory', 'cache', 'syscall', 'network'] as const;
export type AggressorKind = (typeof AGGRESSOR_KINDS)[number];

export function isAggressorKind(s: string): s is AggressorKind {
  return (AGGRESSOR_KINDS as readonly string[]).includes(s);
}

export interface AggressorOptions {
  kind: AggressorKind;
  /** Hard bound on how long the workers run. */
  seconds: number;
  /** Worker processes (default: one per CPU). */
  workers?: number;
  /** Intermittent load: on for onSeconds, off for offSeconds, repeated, every worker in phase. Default: always on. */
  duty?: DutyCycle;
}

export interface DutyCycle {
  onSeconds: number;
  offSeconds: number;
}

/**
 * Where a duty cycle stands `elapsedMs` after its start: loading or idle, and the milliseconds until that
 * changes. Without a cycle (null) always loading.
 */
export function dutyPhase(elapsedMs: number, duty: DutyCycle | null): { on: boolean; msToSwitch: number } {
  if (!duty) return { on: true, msToSwitch: Number.POSITIVE_INFINITY };
  const onMs = duty.onSeconds * 1000;
  const period = onMs + duty.offSeconds * 1000;
  const t = ((elapsedMs % period) + period) % period;
  return t < onMs ? { on: true, msToSwitch: onMs - t } : { on: false, msToSwitch: period - t };
}

/** What one worker did, reported when it stops. */
export interface WorkerReport {
  kind: AggressorKind;
  /** Units of work done (loop iterations, bytes, syscalls; per kind). */
  operations: number;
  seconds: number;
  /** Loading phases the worker entered (1 without a duty cycle). */
  onPhases: number;
}

export interface RunningAggressor {
  readonly kind: AggressorKind;
  readonly workers: number;
  /** Resolves once every worker has started its load. */
  readonly ready: Promise<void>;
  /** Resolves with the workers' reports when all have stopped (by deadline or stop()). */
  readonly done: Promise<WorkerReport[]>;
  /** Stop early; resolves when every worker has exited. */
  stop(): Promise<WorkerReport[]>;
}

export function defaultWorkers(): number {
  return availableParallelism();
}

/** Size of the last-level cache in bytes from sysfs, or 32 MiB when unknown. */
export function lastLevelCacheBytes(): number {
  let best = 0;
  for (let i = 0; i < 8; i++) {
    try {
      const text = readFileSync(`/sys/devices/system/cpu/cpu0/cache/index${i}/size`, 'utf8').trim();
      const m = /^(\d+)([KMG]?)$/.exec(text);
      if (!m) continue;
      const mult = m[2] === 'K' ? 1024 : m[2] === 'M' ? 1024 ** 2 : m[2] === 'G' ? 1024 ** 3 : 1;
      best = Math.max(best, Number(m[1]) * mult);
    } catch {
      break;
    }
  }
  return best || 32 * 1024 * 1024;
}

/** Start `workers` aggressor processes of one kind. */
export function startAggressor(opts: AggressorOptions): RunningAggressor {
  if (!isAggressorKind(opts.kind)) throw new Error(`unknown aggressor kind "${String(opts.kind)}"`);
  if (!(opts.seconds > 0)) throw new Error('aggressor seconds must be positive');
  if (opts.duty && !(opts.duty.onSeconds > 0 && opts.duty.offSeconds >= 0 && Number.isFinite(opts.duty.onSeconds + opts.duty.offSeconds))) {
    throw new Error('aggressor duty cycle: on must be positive and off zero or more');
  }
  const n = Math.max(1, Math.floor(opts.workers ?? defaultWorkers()));
  const epoch = Date.now();
  const dutyEnv = opts.duty
    ? {
        VIRTAX_AGGRESSOR_ON: String(opts.duty.onSeconds),
        VIRTAX_AGGRESSOR_OFF: String(opts.duty.offSeconds),
        VIRTAX_AGGRESSOR_EPOCH: String(epoch),
      }
    : {};
  const children: ChildProcess[] = [];
  const readies: Promise<void>[] = [];
  const dones: Promise<WorkerReport>[] = [];
  for (let i = 0; i < n; i++) {
    const child = fork(moduleBeside('aggressor-child', import.meta.url), [], {
      execArgv: childExecArgv(),
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      env: {
        ...process.env,
        VIRTAX_AGGRESSOR_KIND: opts.kind,
        VIRTAX_AGGRESSOR_SECONDS: String(opts.seconds),
        ...dutyEnv,
      },
    });
    children.push(child);
    let report: WorkerReport = { kind: opts.kind, operations: 0, seconds: 0, onPhases: 0 };
    readies.push(
      new Promise((res) => {
        child.on('message', (m: { type: string } & Partial<WorkerReport>) => {
          if (m.type === 'ready') res();
          if (m.type === 'report')
            report = { kind: opts.kind, operations: m.operations ?? 0, seconds: m.seconds ?? 0, onPhases: m.onPhases ?? 0 };
        });
        child.once('exit', () => res());
      }),
    );
    dones.push(new Promise((res) => child.once('exit', () => res(report))));
  }
  const done = Promise.all(dones);
  return {
    kind: opts.kind,
    workers: n,
    ready: Promise.all(readies).then(() => undefined),
    done,
    stop: () => {
      for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGTERM');
      const force = setTimeout(() => {
        for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
      }, 3000);
      return done.finally(() => clearTimeout(force));
    },
  };
}

// ---------------------------------------------------------------------------------------------------
// Worker side: one kind of load in slices of ~10 ms, yielding to the event loop between slices so the
// deadline, signals and the parent's disconnect are noticed promptly.

type Slice = () => number;

function cpuSlice(): Slice {
  let x = 88172645;
  return () => {
    for (let i = 0; i < 2_000_000; i++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
    }
    if (x === 0) x = 1;
    return 2_000_000;
  };
}

function memorySlice(): Slice {
  const a = new Float64Array((64 * 1024 * 1024) / 8).fill(1);
  let off = 0;
  const step = 1 << 20; // 8 MiB per slice
  return () => {
    const end = Math.min(a.length, off + step);
    for (let i = off; i < end; i++) a[i] = (a[i] as number) * 1.000001 + 1;
    const bytes = (end - off) * 16; // 8 read + 8 written per element
    off = end >= a.length ? 0 : end;
    return bytes;
  };
}

function cacheSlice(): Slice {
  const words = Math.max(1 << 20, (2 * lastLevelCacheBytes()) / 4);
  const a = new Int32Array(words);
  let r = 12345;
  return () => {
    for (let i = 0; i < 500_000; i++) {
      r = (r * 1103515245 + 12345) >>> 0;
      const j = r % words;
      a[j] = ((a[j] as number) + i) | 0;
    }
    return 500_000;
  };
}

function syscallSlice(): Slice {
  const fd = openSync('/dev/zero', 'r');
  const one = Buffer.alloc(1);
  process.once('exit', () => closeSync(fd));
  return () => {
    for (let i = 0; i < 5_000; i++) {
      fstatSync(fd);
      readSync(fd, one, 0, 1, null);
    }
    return 10_000;
  };
}

async function networkLoad(deadline: number, count: (n: number) => void, idle: () => Promise<void>): Promise<void> {
  const server = createServer((s) => s.on('data', (d: Buffer) => count(d.length)));
  await new Promise<void>((res) => server.listen(0, '127.0.0.1', () => res()));
  const { port } = server.address() as AddressInfo;
  const sock = connect({ port, host: '127.0.0.1' });
  const block = Buffer.alloc(64 * 1024, 1);
  await new Promise<void>((res, rej) => sock.once('connect', () => res()).once('error', rej));
  process.send?.({ type: 'ready' });
  while (Date.now() < deadline) {
    await idle();
    if (!sock.write(block)) await new Promise<void>((res) => sock.once('drain', () => res()));
  }
  sock.destroy();
  server.close();
}

/** One worker's load (aggressor-child.ts runs it in its own process): slices of the kind until the deadline. */
export async function workerMain(kind: AggressorKind, seconds: number, duty: DutyCycle | null, epoch: number): Promise<void> {
  const started = Date.now();
  const deadline = started + seconds * 1000;
  let operations = 0;
  let stopping = false;
  let onPhases = 0;
  let wasOn = false;
  /** Wait out an idle phase of the duty cycle (never past the deadline); count each loading phase entered. */
  const idle = async (): Promise<void> => {
    for (;;) {
      const p = dutyPhase(Date.now() - epoch, duty);
      if (p.on) {
        if (!wasOn) onPhases++;
        wasOn = true;
        return;
      }
      wasOn = false;
      const wait = Math.min(p.msToSwitch, deadline - Date.now());
      if (wait <= 0 || stopping) return;
      await new Promise((res) => setTimeout(res, wait));
    }
  };
  const finish = (): void => {
    if (stopping) return;
    stopping = true;
    const report = { type: 'report', operations, seconds: (Date.now() - started) / 1000, onPhases };
    if (process.connected) process.send!(report, () => process.exit(0));
    else process.exit(0);
  };
  process.once('SIGTERM', finish);
  process.once('SIGINT', finish);
  process.once('disconnect', () => process.exit(0));
  // Hard stop even if a slice misbehaves: the deadline timer fires between slices at the latest.
  setTimeout(finish, seconds * 1000 + 50).unref();
  if (kind === 'network') {
    await networkLoad(deadline, (n) => (operations += n), idle);
    finish();
    return;
  }
  const slice = kind === 'cpu' ? cpuSlice() : kind === 'memory' ? memorySlice() : kind === 'cache' ? cacheSlice() : syscallSlice();
  process.send?.({ type: 'ready' });
  const loop = async (): Promise<void> => {
    if (stopping) return;
    if (Date.now() >= deadline) {
      finish();
      return;
    }
    await idle();
    if (stopping || Date.now() >= deadline) return finish();
    operations += slice();
    setImmediate(() => void loop());
  };
  void loop();
}
