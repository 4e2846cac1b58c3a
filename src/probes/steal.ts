/** Steal time and load from /proc: the hypervisor's share of our CPU time while we measured. */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';

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
