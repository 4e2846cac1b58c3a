/**
 * System calls that really enter the kernel. glibc caches getpid() and clock reads may stay in user space
 * (vDSO), so a "syscall" benchmark must pick calls that cannot be answered without a kernel entry:
 * stat(2) of a path and read(2) from /dev/zero. Each call's figure includes Node's binding (a fixed cost
 * on every host); the difference between hosts is the kernel entry/exit, which mitigations (PTI, retpolines,
 * IBRS) and the hypervisor make more expensive.
 */
import { spawnSync } from 'node:child_process';
import {
  closeSync,
  fstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import type { Workload } from './types.js';

interface StatParams extends Record<string, unknown> {
  path: string;
  call: string;
}

interface StatState {
  path: string;
  size: number;
}

export const sysStat: Workload<StatParams, StatState> = {
  id: 'sys.stat',
  category: 'syscall',
  title: 'stat(2) of a file path',
  unit: 'ns/call',
  better: 'lower',
  figure: { kind: 'cost', scale: 1e9 },
  stresses: 'kernel entry and exit plus a path lookup: privileged transitions cost more with mitigations and under some hypervisors',
  inQuick: true,
  kernelTime: true,
  initialOperations: 1000,
  // The node binary exists wherever the probe runs; its path is a few components long.
  params: () => ({ path: process.execPath, call: 'fs.statSync (libuv statx/stat)' }),
  available: (p) => {
    try {
      statSync(p.path);
      return null;
    } catch (e) {
      return `cannot stat ${p.path}: ${(e as Error).message}`;
    }
  },
  setup: (p) => ({ path: p.path, size: 0 }),
  batch(state, operations) {
    let size = 0;
    for (let i = 0; i < operations; i++) size += statSync(state.path).size;
    state.size = size;
  },
};

interface ReadParams extends Record<string, unknown> {
  device: string;
  bytesPerRead: number;
}

interface ReadState {
  fd: number;
  buf: Uint8Array;
  total: number;
}

export const sysRead: Workload<ReadParams, ReadState> = {
  id: 'sys.read',
  category: 'syscall',
  title: 'read(2) of 1 byte from /dev/zero',
  unit: 'ns/call',
  better: 'lower',
  figure: { kind: 'cost', scale: 1e9 },
  stresses: 'the bare cost of a system call (lmbench lat_syscall read): kernel entry/exit, no I/O',
  inQuick: true,
  kernelTime: true,
  initialOperations: 1000,
  params: () => ({ device: '/dev/zero', bytesPerRead: 1 }),
  available: (p) => {
    try {
      closeSync(openSync(p.device, 'r'));
      return null;
    } catch (e) {
      return `cannot open ${p.device}: ${(e as Error).message}`;
    }
  },
  setup: (p) => ({ fd: openSync(p.device, 'r'), buf: new Uint8Array(p.bytesPerRead), total: 0 }),
  batch(state, operations) {
    let total = 0;
    // position null: read(2) at the file position, not pread(2).
    for (let i = 0; i < operations; i++) total += readSync(state.fd, state.buf, 0, state.buf.length, null);
    state.total += total;
  },
  teardown(state) {
    closeSync(state.fd);
  },
};

/** The kernel's current clocksource (tsc, kvm-clock, hyperv_clocksource_tsc_page, xen, hpet...), or null. */
export function currentClocksource(): string | null {
  try {
    return readFileSync('/sys/devices/system/clocksource/clocksource0/current_clocksource', 'utf8').trim() || null;
  } catch {
    return null;
  }
}

interface ClockParams extends Record<string, unknown> {
  clocksource: string | null;
  call: string;
}

interface ClockState {
  last: bigint;
}

export const sysClock: Workload<ClockParams, ClockState> = {
  id: 'sys.clock',
  category: 'syscall',
  title: 'Monotonic clock read (clock_gettime via process.hrtime.bigint)',
  unit: 'ns/read',
  better: 'lower',
  figure: { kind: 'cost', scale: 1e9 },
  stresses: 'clock reads: tsc/kvm-clock are read in user space through the vDSO, xen/hpet/acpi_pm trap into the kernel (about 77% slower)',
  inQuick: true,
  kernelTime: true,
  initialOperations: 1000,
  params: () => ({ clocksource: currentClocksource(), call: 'process.hrtime.bigint() -> clock_gettime(CLOCK_MONOTONIC)' }),
  setup: () => ({ last: 0n }),
  afterRound(round, params) {
    const c = round.conditions;
    if (!c || round.operations <= 0) return null;
    const v = clockPathOf(c.cpuSystemSeconds, c.cpuUserSeconds + c.cpuSystemSeconds, round.operations, params.clocksource);
    return {
      extra: { clockPath: v.path, systemSharePct: v.systemSharePct, systemNsPerRead: v.systemNsPerRead },
      ...(v.note ? { notes: [v.note] } : {}),
    };
  },
  batch(state, operations) {
    let last = state.last;
    for (let i = 0; i < operations; i++) last = process.hrtime.bigint();
    state.last = last;
  },
};

/** Clocksources whose reads stay in user space through the vDSO (when the kernel trusts them). */

/** Null when `path` opens for reading (the file sys.open and sys.fstat work on), else why not. */
function openableFile(path: string): string | null {
  try {
    closeSync(openSync(path, 'r'));
    return null;
  } catch (e) {
    return `cannot open ${path}: ${(e as Error).message}`;
  }
}

const VDSO_CLOCKSOURCES = new Set(['tsc', 'kvm-clock', 'hyperv_clocksource_tsc_page', 'arch_sys_counter']);
/** A round whose system time is above this share of its CPU time made its clock reads in the kernel. */
export const TRAPPED_SYSTEM_SHARE_PCT = 30;

/**
 * Which path the clock reads took, from the round's own CPU time (pure): a vDSO read costs no system time, a
 * trapped one is mostly system time. Checks the fingerprint's clocksource claim against it (kvm-clock without a
 * stable TSC traps although its name says vDSO).
 */
export function clockPathOf(
  systemSeconds: number,
  cpuSeconds: number,
  reads: number,
  clocksource: string | null,
): { path: 'vdso' | 'trapped'; systemSharePct: number; systemNsPerRead: number; note: string | null } {
  const systemSharePct = cpuSeconds > 0 ? (100 * systemSeconds) / cpuSeconds : 0;
  const path = systemSharePct > TRAPPED_SYSTEM_SHARE_PCT ? 'trapped' : 'vdso';
  const systemNsPerRead = (1e9 * systemSeconds) / reads;
  let note: string | null = null;
  if (clocksource !== null) {
    const claimsVdso = VDSO_CLOCKSOURCES.has(clocksource);
    if (claimsVdso && path === 'trapped')
      note = `clocksource ${clocksource} should be read through the vDSO, but ${systemSharePct.toFixed(0)}% of the round was system time: the reads trapped into the kernel`;
    if (!claimsVdso && path === 'vdso')
      note = `clocksource ${clocksource} normally traps, but the round spent only ${systemSharePct.toFixed(0)}% in the kernel: reads stayed in user space`;
  }
  return { path, systemSharePct, systemNsPerRead, note };
}

// ---------------------------------------------------------------------------------------------------------
// The operation classes real programs spend their syscalls in (issue 28): each prices one class of a recorded
// syscall mix for `advise --app` (src/advise/app.ts). In a sandbox or a paravirtual guest these classes differ
// by orders of magnitude: opens and directory listings go through gVisor's gofer, polls through its scheduler.

interface OpenParams extends Record<string, unknown> {
  path: string;
  call: string;
}

export const sysOpen: Workload<OpenParams, { path: string; fds: number }> = {
  id: 'sys.open',
  category: 'syscall',
  title: 'open(2) and close(2) of an existing file',
  unit: 'ns/open',
  better: 'lower',
  figure: { kind: 'cost', scale: 1e9 },
  stresses: 'openat plus close: a path walk and a file-table slot; a sandbox serves the open through its file proxy (gVisor gofer)',
  kernelTime: true,
  initialOperations: 200,
  params: () => ({ path: process.execPath, call: 'fs.closeSync(fs.openSync(path, "r")): openat + close' }),
  available: (p) => openableFile(p.path),
  setup: (p) => ({ path: p.path, fds: 0 }),
  batch(state, operations) {
    let fds = 0;
    for (let i = 0; i < operations; i++) {
      const fd = openSync(state.path, 'r');
      fds += fd;
      closeSync(fd);
    }
    state.fds += fds;
  },
};

interface ReaddirParams extends Record<string, unknown> {
  entries: number;
  call: string;
}

/** Entries in the listed directory: a few hundred, as in a source tree or node_modules package. */
export const READDIR_ENTRIES = 300;

export const sysReaddir: Workload<ReaddirParams, { dir: string; names: number }> = {
  id: 'sys.readdir',
  category: 'syscall',
  title: `Listing a directory of ${READDIR_ENTRIES} entries (getdents64)`,
  unit: 'us/listing',
  better: 'lower',
  figure: { kind: 'cost', scale: 1e6 },
  stresses:
    'getdents64 over a few hundred entries (plus the open, fstat and close of the directory): a sandbox lists through its file proxy',
  kernelTime: true,
  initialOperations: 10,
  params: () => ({ entries: READDIR_ENTRIES, call: 'fs.readdirSync(dir): openat, fstat, getdents64 x2, close' }),
  setup(p, ctx) {
    const dir = join(ctx.scratchDir, 'sys-readdir');
    mkdirSync(dir, { recursive: true });
    for (let i = 0; i < p.entries; i++) writeFileSync(join(dir, `entry-${String(i).padStart(4, '0')}.txt`), '');
    return { dir, names: 0 };
  },
  batch(state, operations) {
    let names = 0;
    for (let i = 0; i < operations; i++) names += readdirSync(state.dir).length;
    state.names += names;
  },
};

export const sysFstat: Workload<{ path: string; call: string }, { fd: number; size: number }> = {
  id: 'sys.fstat',
  category: 'syscall',
  title: 'fstat(2) of an open file',
  unit: 'ns/call',
  better: 'lower',
  figure: { kind: 'cost', scale: 1e9 },
  stresses: "a stat without a path walk (statx on a descriptor): the bare entry/exit plus the file system's attribute call",
  kernelTime: true,
  initialOperations: 1000,
  params: () => ({ path: process.execPath, call: 'fs.fstatSync(fd) (libuv statx with AT_EMPTY_PATH)' }),
  available: (p) => openableFile(p.path),
  setup: (p) => ({ fd: openSync(p.path, 'r'), size: 0 }),
  batch(state, operations) {
    let size = 0;
    for (let i = 0; i < operations; i++) size += fstatSync(state.fd).size;
    state.size += size;
  },
  teardown(state) {
    closeSync(state.fd);
  },
};

export const sysPoll: Workload<{ call: string }, { turns: number }> = {
  id: 'sys.poll',
  category: 'syscall',
  title: 'Event-loop turn: epoll_wait that returns at once',
  unit: 'ns/turn',
  better: 'lower',
  figure: { kind: 'cost', scale: 1e9 },
  stresses:
    'epoll_wait with a zero timeout, once per event-loop turn (what a busy server does between callbacks): a sandbox serves it in its own scheduler',
  kernelTime: true,
  initialOperations: 200,
  params: () => ({ call: 'await setImmediate: one libuv loop turn, one epoll_pwait(timeout 0)' }),
  setup: () => ({ turns: 0 }),
  async batch(state, operations) {
    for (let i = 0; i < operations; i++) await new Promise<void>((resolve) => setImmediate(resolve));
    state.turns += operations;
  },
};

interface PipeParams extends Record<string, unknown> {
  bytesPerWrite: number;
  drainEvery: number;
  call: string;
}

interface PipeState {
  path: string;
  fd: number;
  one: Uint8Array;
  drain: Uint8Array;
  pending: number;
  written: number;
}

export const sysPipeWrite: Workload<PipeParams, PipeState> = {
  id: 'sys.pipe-write',
  category: 'syscall',
  title: 'write(2) of 1 byte to a pipe',
  unit: 'ns/call',
  better: 'lower',
  figure: { kind: 'cost', scale: 1e9 },
  stresses: 'a small write into a kernel pipe buffer (logging, IPC): entry/exit plus the pipe lock and a wake-up check',
  kernelTime: true,
  initialOperations: 1000,
  // 4096 one-byte writes stay far below a pipe's 64 KiB; one read empties them (1/4096 of the calls).
  params: () => ({
    bytesPerWrite: 1,
    drainEvery: 4096,
    call: 'fs.writeSync on a FIFO opened read-write (mkfifo), drained by one read every 4096 writes',
  }),
  available: (_p, ctx) => {
    const probe = join(ctx.scratchDir, `sys-pipe-probe-${process.pid}`);
    rmSync(probe, { force: true });
    const r = spawnSync('mkfifo', [probe]);
    if (r.error || r.status !== 0) return `cannot make a named pipe with mkfifo: ${r.error?.message ?? r.stderr.toString().trim()}`;
    rmSync(probe, { force: true });
    return null;
  },
  setup(p, ctx) {
    const path = join(ctx.scratchDir, `sys-pipe-write-${process.pid}`);
    rmSync(path, { force: true });
    const r = spawnSync('mkfifo', [path]);
    if (r.error || r.status !== 0) throw new Error(`mkfifo ${path} failed: ${r.error?.message ?? r.stderr.toString().trim()}`);
    // A FIFO opened for reading and writing does not block on open, and one descriptor serves both ends.
    return {
      path,
      fd: openSync(path, 'r+'),
      one: new Uint8Array(p.bytesPerWrite).fill(120),
      drain: new Uint8Array(p.drainEvery * p.bytesPerWrite),
      pending: 0,
      written: 0,
    };
  },
  batch(state, operations) {
    const n = state.drain.length;
    for (let i = 0; i < operations; i++) {
      state.written += writeSync(state.fd, state.one, 0, state.one.length);
      if (++state.pending === n) {
        state.pending -= readSync(state.fd, state.drain, 0, n, null);
      }
    }
  },
  teardown(state) {
    closeSync(state.fd);
    rmSync(state.path, { force: true });
  },
};

/**
 * mmap+munmap is not a workload: Node exposes no mmap, and the one path through a real mmap (an ArrayBuffer
 * above glibc's 32 MiB mmap threshold, freed by a V8 scavenge) spends most of each operation in the garbage
 * collector (measured on the project host: 88 us per map+unmap, 77 us of it the scavenge alone), so its figure
 * would price the collector, not the mapping. `advise --app` prices mmap-family calls by proxy (docs/advise.md).
 */
export const MMAP_SKIPPED =
  'Node exposes no mmap; the ArrayBuffer path through mmap spends ~85% of each operation in the V8 scavenge that frees it';

export const syscallWorkloads = [sysStat, sysRead, sysClock, sysOpen, sysReaddir, sysFstat, sysPoll, sysPipeWrite];
