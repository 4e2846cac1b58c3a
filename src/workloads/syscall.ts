/**
 * System calls that really enter the kernel. glibc caches getpid() and clock reads may stay in user space
 * (vDSO), so a "syscall" benchmark must pick calls that cannot be answered without a kernel entry:
 * stat(2) of a path and read(2) from /dev/zero. Each call's figure includes Node's binding (a fixed cost
 * on every host); the difference between hosts is the kernel entry/exit, which mitigations (PTI, retpolines,
 * IBRS) and the hypervisor make more expensive.
 */
import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
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
    return { extra: { clockPath: v.path, systemSharePct: v.systemSharePct, systemNsPerRead: v.systemNsPerRead }, ...(v.note ? { notes: [v.note] } : {}) };
  },
  batch(state, operations) {
    let last = state.last;
    for (let i = 0; i < operations; i++) last = process.hrtime.bigint();
    state.last = last;
  },
};


/** Clocksources whose reads stay in user space through the vDSO (when the kernel trusts them). */
const VDSO_CLOCKSOURCES = new Set(['tsc', 'kvm-clock', 'hyperv_clocksource_tsc_page', 'arch_sys_counter']);
/** A round whose system time is above this share of its CPU time made its clock reads in the kernel. */
export const TRAPPED_SYSTEM_SHARE_PCT = 30;

/**
 * Which path the clock reads took, from the round's own CPU time (pure): a vDSO read costs no system time, a
 * trapped one is mostly system time. Checks the fingerprint's clocksource claim against it (kvm-clock without a
 * stable TSC traps although its name says vDSO).
 */
export function clockPathOf(systemSeconds: number, cpuSeconds: number, reads: number, clocksource: string | null): { path: 'vdso' | 'trapped'; systemSharePct: number; systemNsPerRead: number; note: string | null } {
  const systemSharePct = cpuSeconds > 0 ? (100 * systemSeconds) / cpuSeconds : 0;
  const path = systemSharePct > TRAPPED_SYSTEM_SHARE_PCT ? 'trapped' : 'vdso';
  const systemNsPerRead = (1e9 * systemSeconds) / reads;
  let note: string | null = null;
  if (clocksource !== null) {
    const claimsVdso = VDSO_CLOCKSOURCES.has(clocksource);
    if (claimsVdso && path === 'trapped') note = `clocksource ${clocksource} should be read through the vDSO, but ${systemSharePct.toFixed(0)}% of the round was system time: the reads trapped into the kernel`;
    if (!claimsVdso && path === 'vdso') note = `clocksource ${clocksource} normally traps, but the round spent only ${systemSharePct.toFixed(0)}% in the kernel: reads stayed in user space`;
  }
  return { path, systemSharePct, systemNsPerRead, note };
}

export const syscallWorkloads = [sysStat, sysRead, sysClock];
