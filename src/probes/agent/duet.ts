/**
 * What a duet (`virtax duel --mode duet`, docs/duel.md) needs besides the duel loop: which workloads cannot run
 * side by side without measuring each other, how the host's CPUs are split between the sides, and what the two
 * CPU sets still share (caches, SMT siblings, memory bandwidth), read from sysfs and recorded in duel.json.
 *
 * Duet benchmarking: Bulej, Horký, Tůma, Farquet & Prokopec, "Duet Benchmarking: Improving Measurement Accuracy in
 * the Cloud", ICPE 2020. Isolation between the sides (cpusets or pinning) is what makes it work (Japke et al.,
 * UCC 2025): interference from outside hits both sides of a pair and cancels in its ratio, but interference
 * between the sides does not.
 */
import { readFileSync } from 'node:fs';
import { InputError } from '../../errors.js';
import type { AnyWorkload } from '../../workloads/types.js';

/** Why `w` cannot run in duet (its two sides would measure each other), or null when it can. */
export function duetConflict(w: Pick<AnyWorkload, 'id' | 'category'>): string | null {
  if (w.category === 'noisy-neighbor') return 'starts its own aggressors on every CPU, so it would load the other side too';
  if (w.id === 'mem.bandwidth') return 'memory bandwidth is one resource of the whole socket: each side would measure the other';
  if (w.id === 'net.tcp-throughput' || w.id === 'net.http' || w.id === 'net.http-rps')
    return "both sides' loopback traffic goes through one kernel network path (softirqs on every CPU)";
  if (w.category === 'storage') return 'both sides write to one block device and its queue';
  return null;
}

/** A kernel CPU list (`0-3,6,8-9`) as numbers (the format of sysfs and /proc/self/status). */
export function parseCpuList(list: string): number[] {
  const out: number[] = [];
  for (const part of list
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [a, b] = part.split('-').map(Number);
    if (!Number.isInteger(a)) continue;
    for (let c = a as number; c <= (Number.isInteger(b) ? (b as number) : (a as number)); c++) out.push(c);
  }
  return out;
}

/** A CPU list in the kernel's short form (`0-3,6`). */
export function cpuListText(cpus: readonly number[]): string {
  const s = [...new Set(cpus)].sort((x, y) => x - y);
  const parts: string[] = [];
  for (let i = 0; i < s.length; i++) {
    let j = i;
    while (j + 1 < s.length && (s[j + 1] as number) === (s[j] as number) + 1) j++;
    parts.push(j > i ? `${s[i]}-${s[j]}` : String(s[i]));
    i = j;
  }
  return parts.join(',');
}

/**
 * The two sides' CPU sets: the ones given (`--cpus-a`, `--cpus-b`), or this process's CPUs split in halves (A
 * the lower). InputError when there are fewer than 2 CPUs, a list is empty or not a list, or the sets overlap.
 */
export function splitCpus(available: readonly number[], a?: string, b?: string): { a: number[]; b: number[] } {
  const parse = (text: string, flag: string) => {
    if (!/^\s*\d+(-\d+)?(\s*,\s*\d+(-\d+)?)*\s*$/.test(text))
      throw new InputError(`${flag}: expected a CPU list like 0 or 0-3,6 (got "${text}")`);
    const cpus = parseCpuList(text);
    const missing = cpus.filter((c) => !available.includes(c));
    if (missing.length)
      throw new InputError(`${flag}: CPU ${missing.join(', ')} is not one this process may use (${cpuListText(available)})`);
    return cpus;
  };
  if ((a === undefined) !== (b === undefined))
    throw new InputError('--cpus-a and --cpus-b: give both or neither (default: half the CPUs each)');
  if (a !== undefined && b !== undefined) {
    const ca = parse(a, '--cpus-a');
    const cb = parse(b, '--cpus-b');
    const both = ca.filter((c) => cb.includes(c));
    if (both.length) throw new InputError(`--cpus-a and --cpus-b share CPU ${both.join(', ')}: a duet needs each side on its own CPUs`);
    return { a: ca, b: cb };
  }
  if (available.length < 2)
    throw new InputError(
      `duet mode needs 2 CPUs or more, one set per side (this process may use ${available.length}): use --mode interleaved`,
    );
  const s = [...available].sort((x, y) => x - y);
  const half = Math.floor(s.length / 2);
  return { a: s.slice(0, half), b: s.slice(half, 2 * half) };
}

/** What the two CPU sets share on this host (recorded in duel.json; a duet cancels only what hits both alike). */
export interface Isolation {
  cpusA: number[];
  cpusB: number[];
  /** Caches (level and type) shared by a CPU of A and a CPU of B, from sysfs shared_cpu_list. */
  sharedCaches: string[];
  /** A CPU of A is an SMT sibling (hyperthread) of a CPU of B. */
  smtSiblingsShared: boolean;
  /** What no CPU set separates, in words. */
  notes: string[];
}

function readText(path: string): string | null {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return null;
  }
}

/** The isolation between two CPU sets on this host (sysfs under `root`, default /sys/devices/system/cpu). */
export function isolationOf(cpusA: readonly number[], cpusB: readonly number[], root = '/sys/devices/system/cpu'): Isolation {
  const shared = new Set<string>();
  let smt = false;
  for (const c of cpusA) {
    for (let i = 0; i < 8; i++) {
      const dir = `${root}/cpu${c}/cache/index${i}`;
      const list = readText(`${dir}/shared_cpu_list`);
      if (list === null) break;
      if (parseCpuList(list).some((x) => cpusB.includes(x)))
        shared.add(`L${readText(`${dir}/level`) ?? '?'} ${readText(`${dir}/type`) ?? ''}`.trim());
    }
    const sib = readText(`${root}/cpu${c}/topology/thread_siblings_list`);
    if (sib && parseCpuList(sib).some((x) => cpusB.includes(x))) smt = true;
  }
  const sharedCaches = [...shared].sort();
  const notes = [
    'memory bandwidth and the memory controller are shared (one socket): workloads bound by them are not run in duet',
    sharedCaches.length
      ? `the sides share ${sharedCaches.join(', ')} cache: cache-hungry workloads (mem.latency) see the other side's footprint`
      : 'no cache is shared between the sides (per sysfs)',
    smt ? "a CPU of A is an SMT sibling of a CPU of B: they share a core's execution units" : 'no SMT sibling is split between the sides',
  ];
  if (cpusA.length === 1 || cpusB.length === 1) {
    notes.push(
      "a side with one CPU runs everything there: a workload's helper threads (gVisor's Sentry, sched.ctxswitch's partner thread) share it with the measured thread",
    );
  }
  return { cpusA: [...cpusA], cpusB: [...cpusB], sharedCaches, smtSiblingsShared: smt, notes };
}
