/**
 * What a platform would cost one application: its recorded operation mix (`virtax record`,
 * src/record/types.ts) priced by the per-operation costs virtax measured on the baseline and on each
 * candidate host. Pure: the comparisons come in, the prediction goes out.
 *
 * Model (additive per-operation costs): every operation of class c costs the baseline b_c seconds (the
 * median figure of the workload that prices c) and the candidate b_c·r_c, where r_c = 1 + overhead_c/100
 * is the comparison's cost ratio. Per second of the application's own time (wall time less run-queue waits, src/record/types.ts) the candidate adds
 * Σ_c rate_c·b_c·(r_c − 1) seconds, and user CPU time grows by rate_cpu·(r_cpu − 1); the predicted slowdown
 * is that sum, in percent. Assumptions: the application is serial in these costs (no overlap hides them),
 * contention does not change, and each workload's per-operation cost stands for the application's
 * operations of its class. The interval takes every class at its interval's lower bound, then every class
 * at its upper bound: conservative (wider than the joint interval), since the classes' errors are not
 * all in one direction at once. docs/advise.md says where the model breaks.
 */
import type { AppProfile, OperationClass } from '../record/types.js';
import type { Comparison, Estimate, RowComparison } from '../stats/types.js';
import { signedPct } from '../format/text.js';
import { hostsFor } from './advise.js';

type Compared = Extract<RowComparison, { status: 'compared' }>;

/** The workload that prices each operation class, and how many of its operations one of the class's is. */
export const PRICED_BY: Record<OperationClass, { workload: string; opsPerOperation: number; note?: string }> = {
  cpu: { workload: 'cpu.int', opsPerOperation: 1 },
  stat: { workload: 'sys.stat', opsPerOperation: 1 },
  'read-write': { workload: 'sys.read', opsPerOperation: 1 },
  clock: { workload: 'sys.clock', opsPerOperation: 1 },
  'page-fault': { workload: 'mem.pagefault', opsPerOperation: 1 },
  spawn: { workload: 'proc.spawn', opsPerOperation: 1 },
  // sched.ctxswitch times a round trip: two switches.
  'context-switch': { workload: 'sched.ctxswitch', opsPerOperation: 0.5 },
  fsync: { workload: 'io.fsync', opsPerOperation: 1 },
  'other-syscall': { workload: 'sys.read', opsPerOperation: 1, note: 'priced as a small read(2): one syscall entry and exit' },
};

/** The workloads a prediction needs compared. */
export const APP_WORKLOADS = [...new Set(Object.values(PRICED_BY).map((p) => p.workload))];

const TIME_UNITS: Record<string, number> = { ns: 1e-9, us: 1e-6, µs: 1e-6, ms: 1e-3, s: 1 };

/** Seconds per operation of a lower-is-better time figure ("ns/call", "us/spawn"), else null. */
export function secondsPerOp(row: Pick<Compared, 'unit' | 'better'>, median: number): number | null {
  if (row.better !== 'lower') return null;
  const m = /^(ns|us|µs|ms|s)\b/.exec(row.unit);
  const f = m ? TIME_UNITS[m[1] as string] : undefined;
  return f !== undefined && median > 0 ? median * f : null;
}

export interface ClassContribution {
  operationClass: OperationClass;
  workload: string;
  /** Operations per second of the application's own time (cpu: CPU seconds per second). */
  rate: number;
  /** Cost ratio candidate/baseline of the pricing workload, with its interval. */
  costRatio: { point: number; lo: number; hi: number };
  /** Seconds per operation on the baseline (null for cpu, which is priced by its ratio alone). */
  baseSecondsPerOp: number | null;
  /** What this class adds to the application's time, percent of its own time. */
  addedPct: Estimate;
  /** Share of the predicted slowdown, percent (null when the prediction is 0). */
  sharePct: number | null;
}

export interface AppHostPrediction {
  label: string;
  platform: string;
  /** Predicted slowdown of the application on this host against the baseline, percent. */
  slowdownPct: Estimate;
  contributions: ClassContribution[];
  /** Classes the application performs that this host's comparison could not price, with why. */
  unpriced: { operationClass: OperationClass; rate: number; reason: string }[];
  /** One sentence naming the class that dominates. */
  dominant: string | null;
  /** Hosts needed for the throughput of `fleet` baseline hosts (null without a fleet size). */
  hosts: { point: number; lo: number; hi: number } | null;
  /** hosts x this host's cost (null without a fleet size or a cost for this label). */
  fleetCost: { point: number; lo: number; hi: number; unit: string | null } | null;
}

export interface AppPrediction {
  schema: 'virtax.app-prediction/v1';
  app: { name: string; wallSeconds: number; ownSeconds: number; syscalls: 'strace' | null; notes: string[] };
  baseline: string;
  fleet: number | null;
  hosts: AppHostPrediction[];
  /** Hosts in order of preference (labels): by fleet cost when every host has one, else by predicted slowdown. */
  ranking: string[];
  /** One choice: the best alternative, or the baseline when none is shown to be better (decideApp). */
  recommendation: { label: string; reason: string };
  notes: string[];
}

const WHY: Partial<Record<OperationClass, string>> = {
  stat: 'stat calls: every syscall traps on this host',
  'read-write': 'read/write calls: every syscall traps on this host',
  'other-syscall': 'other syscalls: every syscall traps on this host',
  clock: 'trapped clock reads',
  'page-fault': 'page faults: fresh pages cost more here',
  spawn: 'process creation: page-table copies and exec cost more here',
  'context-switch': 'context switches',
  fsync: 'fsync: the virtual block device',
  cpu: 'plain CPU work',
};

/** Predict the application's slowdown on each candidate host. */
export interface FleetCosts {
  /** Cost of one host, keyed by results label. */
  perHost: Record<string, number>;
  unit: string | null;
}

export function predictApp(app: AppProfile, comparisons: Comparison[], baseline: string, fleet: number | null, costs: FleetCosts | null = null): AppPrediction {
  const notes: string[] = [];
  if (!app.method.syscalls) notes.push('the recording has no syscall mix (record with --syscalls): only read/write syscalls, faults, spawns, switches and CPU are priced');
  const hosts = comparisons.map((c): AppHostPrediction => {
    const rows = new Map(c.rows.flatMap((r) => (r.status === 'compared' ? [[r.id, r] as const] : [])));
    const contributions: ClassContribution[] = [];
    const unpriced: AppHostPrediction['unpriced'] = [];
    for (const [cls, rate] of Object.entries(app.rates) as [OperationClass, number][]) {
      if (!(rate > 0)) continue;
      const price = PRICED_BY[cls];
      const row = rows.get(price.workload);
      if (!row) {
        unpriced.push({ operationClass: cls, rate, reason: `${price.workload} was not compared on this host` });
        continue;
      }
      const ratio = (pct: number) => 1 + pct / 100;
      const costRatio = { point: ratio(row.overheadPct.point), lo: ratio(row.overheadPct.lo), hi: ratio(row.overheadPct.hi) };
      let perOp: number | null = null;
      let added: (r: number) => number;
      if (cls === 'cpu') {
        added = (r) => rate * (r - 1);
      } else {
        perOp = secondsPerOp(row, row.base.median);
        if (perOp === null) {
          unpriced.push({ operationClass: cls, rate, reason: `${price.workload}'s unit (${row.unit}) is not a time per operation` });
          continue;
        }
        const seconds = perOp * price.opsPerOperation;
        added = (r) => rate * seconds * (r - 1);
      }
      contributions.push({
        operationClass: cls,
        workload: price.workload,
        rate,
        costRatio,
        baseSecondsPerOp: perOp,
        addedPct: { point: 100 * added(costRatio.point), lo: 100 * added(costRatio.lo), hi: 100 * added(costRatio.hi), level: row.overheadPct.level, method: row.overheadPct.method },
        sharePct: null,
      });
    }
    const sum = (k: 'point' | 'lo' | 'hi') => contributions.reduce((s, x) => s + x.addedPct[k], 0);
    const level = contributions[0]?.addedPct.level ?? c.settings.level;
    const slowdownPct: Estimate = { point: sum('point'), lo: sum('lo'), hi: sum('hi'), level, method: 'percentile' };
    // Shares of a prediction only where it is told apart from zero (else "146% of -2.1%" says nothing).
    const distinct = slowdownPct.lo > 0 || slowdownPct.hi < 0;
    for (const x of contributions) x.sharePct = distinct ? (100 * x.addedPct.point) / slowdownPct.point : null;
    const top = [...contributions].sort((a, b) => Math.abs(b.addedPct.point) - Math.abs(a.addedPct.point))[0];
    const dominant =
      top && top.sharePct !== null && top.sharePct > 0 && Math.abs(slowdownPct.point) >= 1
        ? `${Math.round(top.sharePct)}% of the predicted ${slowdownPct.point >= 0 ? '+' : ''}${slowdownPct.point.toFixed(1)}% is ${top.addedPct.point >= 0 ? (WHY[top.operationClass] ?? top.operationClass) : `${top.operationClass}: cheaper here (x${top.costRatio.point.toFixed(2)})`}`
        : null;
    return {
      label: c.cand.label,
      platform: [c.cand.host.platform, c.cand.host.hypervisor, c.cand.host.container].filter(Boolean).join(', '),
      slowdownPct,
      contributions,
      unpriced,
      dominant,
      hosts: fleet ? { point: hostsFor(fleet, slowdownPct.point), lo: hostsFor(fleet, slowdownPct.lo), hi: hostsFor(fleet, slowdownPct.hi) } : null,
      fleetCost: null,
    };
  });
  for (const h of hosts) {
    const cost = costs?.perHost[h.label];
    if (h.hosts && cost !== undefined) h.fleetCost = { point: h.hosts.point * cost, lo: h.hosts.lo * cost, hi: h.hosts.hi * cost, unit: costs?.unit ?? null };
  }
  const baseCost = costs?.perHost[baseline];
  const baselineCost = fleet && baseCost !== undefined ? fleet * baseCost : null;
  if (costs && fleet) {
    const missing = [baseline, ...hosts.map((h) => h.label)].filter((l) => costs.perHost[l] === undefined);
    if (missing.length) notes.push(`no cost given for ${missing.join(', ')}`);
  }
  if (baselineCost !== null) notes.push(`today: ${fleet} ${baseline} hosts = ${baselineCost.toLocaleString('en-US')}${costs?.unit ? ` ${costs.unit}` : ''}`);
  const decision = decideApp(hosts, baseline, baselineCost);
  return { schema: 'virtax.app-prediction/v1', app: { name: app.name, wallSeconds: app.wallSeconds, ownSeconds: app.ownSeconds, syscalls: app.method.syscalls, notes: app.method.notes }, baseline, fleet, hosts, ...decision, notes };
}

/**
 * Rank the hosts and name one: by fleet cost when the baseline and every host have one, else by predicted
 * slowdown (the baseline at 0). The best alternative is recommended only when its interval excludes the
 * baseline (cost below today's, or a slowdown below 0); otherwise keep the baseline and say why.
 */
export function decideApp(hosts: readonly AppHostPrediction[], baseline: string, baselineCost: number | null): Pick<AppPrediction, 'ranking' | 'recommendation'> {
  const byCost = baselineCost !== null && hosts.every((h) => h.fleetCost !== null);
  const key = (h: AppHostPrediction) => (byCost ? (h.fleetCost?.point ?? Infinity) : h.slowdownPct.point);
  const sorted = [...hosts].sort((a, b) => key(a) - key(b) || a.slowdownPct.point - b.slowdownPct.point || a.label.localeCompare(b.label));
  const best = sorted[0];
  const baseKey = byCost ? (baselineCost as number) : 0;
  const ranking = [...sorted.filter((h) => key(h) < baseKey).map((h) => h.label), baseline, ...sorted.filter((h) => key(h) >= baseKey).map((h) => h.label)];
  if (!best) return { ranking, recommendation: { label: baseline, reason: `keep ${baseline}: no alternative was predicted` } };
  const lo = byCost ? (best.fleetCost?.lo ?? Infinity) : best.slowdownPct.lo;
  const hi = byCost ? (best.fleetCost?.hi ?? Infinity) : best.slowdownPct.hi;
  const what = byCost ? `its fleet costs ${best.fleetCost?.lo.toLocaleString('en-US')} to ${best.fleetCost?.hi.toLocaleString('en-US')} against ${baselineCost?.toLocaleString('en-US')} today` : `predicted ${signedPct(best.slowdownPct.point)} (${signedPct(lo)} to ${signedPct(hi)})`;
  if (hi < baseKey) return { ranking, recommendation: { label: best.label, reason: `${best.label}: ${what}, ${byCost ? 'cheaper' : 'faster'} than ${baseline} over the whole interval` } };
  if (lo > baseKey) return { ranking, recommendation: { label: baseline, reason: `keep ${baseline}: every alternative is ${byCost ? 'dearer' : 'slower'} (the best, ${best.label}, ${what})` } };
  return { ranking, recommendation: { label: baseline, reason: `keep ${baseline}: the alternatives cannot be told apart (the best, ${best.label}, ${what})` } };
}


/** The prediction as plain text. */
export function formatAppPrediction(p: AppPrediction): string {
  const lines = [`Predicted slowdown of "${p.app.name}" (recorded for ${p.app.wallSeconds.toFixed(1)} s, ${p.app.ownSeconds.toFixed(1)} s its own) against ${p.baseline}`, ''];
  for (const [i, label] of p.ranking.entries()) {
    const h = p.hosts.find((x) => x.label === label);
    if (!h) {
      lines.push(`${i + 1}. ${label}  (baseline: the reference, 0%)`, '');
      continue;
    }
    lines.push(`${i + 1}. ${h.label}  [${h.platform}]`);
    lines.push(`  slowdown     ${signedPct(h.slowdownPct.point)} (${Math.round(h.slowdownPct.level * 100)}% interval ${signedPct(h.slowdownPct.lo)} to ${signedPct(h.slowdownPct.hi)})`);
    if (h.dominant) lines.push(`  mostly       ${h.dominant}`);
    for (const x of [...h.contributions].sort((a, b) => Math.abs(b.addedPct.point) - Math.abs(a.addedPct.point))) {
      const rate = x.operationClass === 'cpu' ? `${x.rate.toFixed(2)} CPU s/s` : `${x.rate.toFixed(0)}/s`;
      lines.push(`  ${x.operationClass.padEnd(15)}${rate.padStart(14)}  x${x.costRatio.point.toFixed(2)} (${x.workload})  ${signedPct(x.addedPct.point)}`);
    }
    for (const u of h.unpriced) lines.push(`  not priced   ${u.operationClass} (${u.rate.toFixed(0)}/s): ${u.reason}`);
    if (h.hosts && p.fleet) lines.push(`  hosts        ${h.hosts.point} for the work of ${p.fleet} (${h.hosts.lo}-${h.hosts.hi})`);
    if (h.fleetCost) {
      const u = h.fleetCost.unit ? ` ${h.fleetCost.unit}` : '';
      lines.push(`  cost         ${h.fleetCost.point.toLocaleString('en-US')}${u} (${h.fleetCost.lo.toLocaleString('en-US')} - ${h.fleetCost.hi.toLocaleString('en-US')})`);
    }
    lines.push('');
  }
  lines.push(`Recommendation: ${p.recommendation.label}`, `  - ${p.recommendation.reason}`);
  for (const n of p.notes) lines.push(`Note: ${n}`);
  return lines.join('\n');
}
