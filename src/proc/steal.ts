/** Steal time and load from /proc: the hypervisor's share of our CPU time while we measured. */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import type { RoundConditions } from '../types.js';

/** Aggregate CPU jiffies from the `cpu ` line of /proc/stat. */
export interface CpuTimes {
  total: number;
  steal: number;
}

/** Parse the aggregate `cpu` line of /proc/stat (fields: user nice system idle iowait irq softirq steal ...). */
export function parseProcStat(text: string): CpuTimes | null {
  const line = text.split('\n').find((l) => l.startsWith('cpu '));
  if (!line) return null;
  const f = line.trim().split(/\s+/).slice(1).map(Number);
  if (f.length < 8 || f.some((n) => !Number.isFinite(n))) return null;
  // guest and guest_nice (fields 9, 10) are already counted in user/nice: leave them out of the total.
  const total = f.slice(0, 8).reduce((a, b) => a + b, 0);
  return { total, steal: f[7] ?? 0 };
}

/** Per-CPU jiffies from the `cpuN` lines of /proc/stat, in CPU order (empty when none parse). */
export function parseProcStatPerCpu(text: string): CpuTimes[] {
  const out: CpuTimes[] = [];
  for (const line of text.split('\n')) {
    if (!/^cpu\d+\s/.test(line)) continue;
    const one = parseProcStat(line.replace(/^cpu\d+/, 'cpu'));
    if (one) out.push(one);
  }
  return out;
}

export function readCpuTimes(path = '/proc/stat'): CpuTimes | null {
  try {
    return parseProcStat(readFileSync(path, 'utf8'));
  } catch {
    return null;
  }
}

/** Steal between two readings as a percent of all CPU time, null when unknown or no time passed. */
export function stealPct(a: CpuTimes | null, b: CpuTimes | null): number | null {
  if (!a || !b) return null;
  const dt = b.total - a.total;
  if (dt <= 0) return null;
  return (100 * Math.max(0, b.steal - a.steal)) / dt;
}

export function loadAvg1(): number {
  return loadavg()[0] ?? 0;
}

// ---- Per-round conditions: CPU time, run-queue delay, involuntary switches, cgroup throttling ----

/**
 * A round is `contended` when its main thread waited on the run queue, beyond what its own cgroup's quota
 * throttling explains, for more than this percent of the round's wall time. A probe alone on its CPU waits
 * almost never (well under 1%); 10% means other work took at least a tenth of the round.
 */
export const CONTENDED_PCT = 10;
/**
 * ... and when the wait per time on the CPU averages more than this. A workload that sleeps and wakes all the
 * time (thread ping-pong, timers, network round trips) waits a wake-up latency each time, tens of microseconds in
 * a VM on an idle CPU: that is what it measures, not contention. Waiting behind another task costs a scheduler
 * slice, milliseconds.
 */
export const CONTENDED_WAIT_PER_SLICE_SECONDS = 250e-6;

/** `/proc/<pid>/schedstat`: ns on CPU, ns runnable but waiting on a run queue, timeslices. */
export function parseSchedstat(text: string): { runSeconds: number; waitSeconds: number; timeslices: number | null } | null {
  const f = text.trim().split(/\s+/).map(Number);
  if (f.length < 2 || !Number.isFinite(f[0]) || !Number.isFinite(f[1])) return null;
  const slices = f[2];
  return {
    runSeconds: (f[0] as number) / 1e9,
    waitSeconds: (f[1] as number) / 1e9,
    timeslices: slices !== undefined && Number.isFinite(slices) ? slices : null,
  };
}

/** cgroup `cpu.stat` throttling (v2: throttled_usec; v1: throttled_time in ns), null without nr_throttled. */
export function parseCgroupCpuStat(text: string): { nrThrottled: number; throttledSeconds: number } | null {
  const kv = new Map<string, number>();
  for (const line of text.split('\n')) {
    const [k, v] = line.trim().split(/\s+/);
    if (k && v !== undefined && Number.isFinite(Number(v))) kv.set(k, Number(v));
  }
  const nr = kv.get('nr_throttled');
  if (nr === undefined) return null;
  const usec = kv.get('throttled_usec');
  const ns = kv.get('throttled_time');
  return { nrThrottled: nr, throttledSeconds: usec !== undefined ? usec / 1e6 : ns !== undefined ? ns / 1e9 : 0 };
}

/**
 * Candidate cpu.stat files of the process's own cgroup from `/proc/self/cgroup`: the v1 hierarchy holding the
 * `cpu` controller first, then the v2 unified one (plain or hybrid mount).
 */
export function cpuStatPaths(procSelfCgroup: string, root = '/sys/fs/cgroup'): string[] {
  const v1: string[] = [];
  const v2: string[] = [];
  for (const line of procSelfCgroup.split('\n')) {
    const m = /^(\d+):([^:]*):(.*)$/.exec(line.trim());
    if (!m) continue;
    const [, id, controllers = '', path = '/'] = m;
    const rel = path === '/' ? '' : path;
    if (id === '0' && controllers === '') v2.push(`${root}${rel}/cpu.stat`, `${root}/unified${rel}/cpu.stat`);
    else if (controllers.split(',').includes('cpu')) v1.push(`${root}/${controllers}${rel}/cpu.stat`, `${root}/cpu${rel}/cpu.stat`);
  }
  // Last: the hierarchy roots. A container (podman/runc on cgroup v1) sees its full cgroup path in
  // /proc/self/cgroup but has its own cgroup mounted at the root of /sys/fs/cgroup/<controller>, so only
  // the root's cpu.stat holds its quota throttling (without it a throttled container reads as contended).
  const roots = [...new Set(v1.map((p) => p.slice(0, p.indexOf('/', root.length + 1)) + '/cpu.stat'))];
  const v2roots = v2.length ? [`${root}/cpu.stat`, `${root}/unified/cpu.stat`] : [];
  return [...new Set([...v1, ...v2, ...roots, ...v2roots])];
}

function readOr<T>(path: string, parse: (t: string) => T | null): T | null {
  try {
    return parse(readFileSync(path, 'utf8'));
  } catch {
    return null;
  }
}

let cpuStatPath: string | null | undefined;

/** The process's cgroup throttling counters now, null when no cpu.stat with them is readable. */
export function readThrottling(): { nrThrottled: number; throttledSeconds: number } | null {
  if (cpuStatPath === undefined) {
    const cg = readOr('/proc/self/cgroup', (t) => t) ?? '';
    cpuStatPath = cpuStatPaths(cg).find((p) => readOr(p, parseCgroupCpuStat) !== null) ?? null;
  }
  return cpuStatPath ? readOr(cpuStatPath, parseCgroupCpuStat) : null;
}

/** Children's system CPU seconds from /proc/self/stat (cstime, field 17, in clock ticks of 1/100 s). */
export function parseChildrenSystemSeconds(statText: string, ticksPerSecond = 100): number | null {
  const close = statText.lastIndexOf(')');
  if (close < 0) return null;
  const f = statText
    .slice(close + 2)
    .trim()
    .split(/\s+/);
  // f[0] is field 3 (state): cstime (field 17) is f[14].
  const cstime = Number(f[14]);
  return Number.isFinite(cstime) ? cstime / ticksPerSecond : null;
}

/** Everything a round's conditions are computed from, read at one instant. */
export interface ConditionsSnapshot {
  wall: number;
  userSeconds: number;
  systemSeconds: number;
  childrenSystemSeconds: number | null;
  involuntarySwitches: number;
  runDelaySeconds: number | null;
  /** Times the main thread was put on a CPU (schedstat's third field), null when unknown. */
  timeslices: number | null;
  throttling: { nrThrottled: number; throttledSeconds: number } | null;
  /** Per-CPU jiffies (steal per CPU: an aggregate over idle CPUs dilutes the steal of the one the round ran on). */
  perCpu?: CpuTimes[];
}

/** Read a snapshot of this process's conditions (the round child calls it before and after measuring). */
export function snapshotConditions(now: () => number = () => Number(process.hrtime.bigint()) / 1e9): ConditionsSnapshot {
  const ru = process.resourceUsage();
  const sched = readOr('/proc/self/schedstat', parseSchedstat);
  return {
    wall: now(),
    userSeconds: ru.userCPUTime / 1e6,
    systemSeconds: ru.systemCPUTime / 1e6,
    childrenSystemSeconds: readOr('/proc/self/stat', parseChildrenSystemSeconds),
    involuntarySwitches: ru.involuntaryContextSwitches,
    // /proc/self/schedstat is the main thread, where the workload's batches run.
    runDelaySeconds: sched?.waitSeconds ?? null,
    timeslices: sched?.timeslices ?? null,
    throttling: readThrottling(),
    perCpu: readOr('/proc/stat', parseProcStatPerCpu) ?? [],
  };
}

/**
 * The round's conditions between two snapshots (pure). `experiment` is true when interference is what the round
 * measures (noisy-neighbour aggressors): recorded, never marked contended.
 */
export function conditionsBetween(a: ConditionsSnapshot, b: ConditionsSnapshot, experiment = false): RoundConditions {
  const pos = (x: number) => Math.max(0, x);
  const wallSeconds = pos(b.wall - a.wall);
  const runDelaySeconds = a.runDelaySeconds !== null && b.runDelaySeconds !== null ? pos(b.runDelaySeconds - a.runDelaySeconds) : null;
  const throttledSeconds = a.throttling && b.throttling ? pos(b.throttling.throttledSeconds - a.throttling.throttledSeconds) : null;
  const nrThrottled = a.throttling && b.throttling ? pos(b.throttling.nrThrottled - a.throttling.nrThrottled) : null;
  const starved = runDelaySeconds !== null ? pos(runDelaySeconds - (throttledSeconds ?? 0)) : null;
  const contentionPct = starved !== null && wallSeconds > 0 ? (100 * starved) / wallSeconds : null;
  const timeslices = a.timeslices !== null && b.timeslices !== null ? pos(b.timeslices - a.timeslices) : null;
  // Without a slice count, the share of wall time alone decides.
  const waitPerSlice = starved !== null && timeslices ? starved / timeslices : null;
  const out: RoundConditions = {
    wallSeconds,
    cpuUserSeconds: pos(b.userSeconds - a.userSeconds),
    cpuSystemSeconds: pos(b.systemSeconds - a.systemSeconds),
    runDelaySeconds,
    involuntarySwitches: pos(b.involuntarySwitches - a.involuntarySwitches),
    nrThrottled,
    throttledSeconds,
    contentionPct,
    contended:
      !experiment &&
      contentionPct !== null &&
      contentionPct > CONTENDED_PCT &&
      (waitPerSlice === null || waitPerSlice > CONTENDED_WAIT_PER_SLICE_SECONDS),
  };
  if (timeslices !== null) out.timeslices = timeslices;
  if (a.perCpu?.length && a.perCpu.length === b.perCpu?.length) {
    const per = a.perCpu.map((x, i) => stealPct(x, b.perCpu?.[i] ?? null)).filter((x): x is number => x !== null);
    if (per.length) out.stealPctMaxCpu = Math.max(...per);
  }
  if (a.childrenSystemSeconds !== null && b.childrenSystemSeconds !== null)
    out.cpuChildrenSystemSeconds = pos(b.childrenSystemSeconds - a.childrenSystemSeconds);
  return out;
}
