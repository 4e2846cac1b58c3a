/**
 * What a platform would cost one application: its recorded operation mix (`virtax record`,
 * src/results/app-profile.ts) priced by the per-operation costs virtax measured on the baseline and on each
 * candidate host. Pure: the comparisons come in, the prediction goes out.
 *
 * Model (additive per-operation costs): every operation of class c adds a_c seconds on the candidate, the
 * added time per operation of the workload that prices c (candidate per-op time minus baseline per-op time,
 * `addedSecondsPerOp`). Per second of the application's own time (wall time less run-queue waits,
 * src/results/app-profile.ts) the candidate adds Σ_c rate_c·a_c seconds, and user CPU time grows by
 * rate_cpu·(r_cpu − 1) where r_cpu is cpu.int's cost ratio; the predicted slowdown is that sum, in percent.
 * With a syscall mix (`record --syscalls`) every recorded call is priced through its class
 * (src/advise/syscall-classes.ts); without one only what /proc counts is. Assumptions: the application is
 * serial in these costs (no overlap hides them), contention does not change, and each workload's
 * per-operation cost stands for the application's operations of its class. The interval takes every class at
 * its interval's lower bound, then every class at its upper bound: conservative (wider than the joint
 * interval), since the classes' errors are not all in one direction at once. docs/advise.md says where the
 * model breaks.
 */
import type { AppProfile, OperationClass, SyscallCount } from '../results/app-profile.js';
import type { Comparison, Estimate, RowComparison } from '../stats/types.js';
import type { ResultsFile } from '../types.js';
import { signedPct } from '../format/text.js';
import { hostsFor } from './advise.js';
import { priceRuleOf, SYSCALL_WORKLOADS, type PriceClass, type PriceRule } from './syscall-classes.js';

type Compared = Extract<RowComparison, { status: 'compared' }>;

/** How the classes /proc counts are priced (the syscall classes: src/advise/syscall-classes.ts). */
export const PRICED_BY: Record<'cpu' | 'page-fault' | 'spawn' | 'context-switch' | 'read-write', PriceRule> = {
  cpu: { cls: 'cpu', workload: 'cpu.int', perCall: 1 },
  'page-fault': { cls: 'page-fault', workload: 'mem.pagefault', perCall: 1 },
  spawn: { cls: 'spawn', workload: 'proc.spawn', perCall: 1 },
  // sched.ctxswitch times a round trip: two switches.
  'context-switch': { cls: 'context-switch', workload: 'sched.ctxswitch', perCall: 0.5 },
  // Without a syscall mix reads and writes are one /proc count: priced as reads.
  'read-write': { cls: 'read-write', workload: 'sys.read', perCall: 1 },
};

/** The workloads a prediction needs compared. */
export const APP_WORKLOADS = [
  ...new Set([...Object.values(PRICED_BY).map((p) => p.workload), ...SYSCALL_WORKLOADS, 'io.fsync', 'sys.clock']),
];

const TIME_UNITS: Record<string, number> = { ns: 1e-9, us: 1e-6, µs: 1e-6, ms: 1e-3, s: 1 };

/** Seconds per operation of a lower-is-better time figure ("ns/call", "us/spawn"), else null. */
export function secondsPerOp(row: Pick<Compared, 'unit' | 'better'>, median: number): number | null {
  if (row.better !== 'lower') return null;
  const m = /^(ns|us|µs|ms|s)\b/.exec(row.unit);
  const f = m ? TIME_UNITS[m[1] as string] : undefined;
  return f !== undefined && median > 0 ? median * f : null;
}

/** Per-operation figures of one host with its rounds' CPU waits taken out (`ownTimeFigures`). */
export interface OwnTimeFigures {
  /** Workload id -> median over the rounds of the figure without run-queue waits, in the workload's unit. */
  figures: Map<string, number>;
  /** Median share of the rounds' wall time spent waiting for a CPU (a CPU quota's throttling, other work), percent; null without schedstat. */
  waitPct: number | null;
}

const median = (xs: number[]): number => {
  const v = [...xs].sort((a, b) => a - b);
  const m = Math.floor(v.length / 2);
  return v.length % 2 ? (v[m] as number) : ((v[m - 1] as number) + (v[m] as number)) / 2;
};

/**
 * A host's per-operation figures on its own time: the recording's rates are per second of the application's own
 * time (src/results/app-profile.ts), so its prices must be too, or a CPU quota or a busy host adds a per-operation tax
 * that is not there. Two estimates of a round's cost without waits, each blind to some of them, and the cheaper
 * one counts: the round's figure less the time its main thread waited for a CPU (run-queue delay from schedstat,
 * which includes a quota's throttling; blind where the platform cannot see the waits: gVisor has no schedstat, a
 * UML guest sees its own run queue, not the host's), and the median of its batch figures (a quota's pauses and
 * short waits fall on a few stalled batches; blind when the host is so busy that every batch waits). The figure for
 * the host is the median over the rounds of every run. `waitPct` is the median share of the rounds' time their
 * main thread waited for a CPU, where schedstat says.
 */
export function ownTimeFigures(runs: readonly ResultsFile[]): OwnTimeFigures {
  const byId = new Map<string, number[]>();
  const waits: number[] = [];
  for (const f of runs) {
    for (const w of f.workloads) {
      if (w.status !== 'ok') continue;
      for (const r of w.rounds) {
        const c = r.conditions;
        const share =
          c && c.runDelaySeconds !== null && c.wallSeconds > 0 ? Math.min(0.95, Math.max(0, c.runDelaySeconds / c.wallSeconds)) : null;
        if (share !== null) waits.push(share);
        const lower = w.better === 'lower';
        // Two estimates of the round's cost without waits, each blind to some waits: the cheaper one is nearer.
        const candidates = [r.figure];
        if (r.samples.length) candidates.push(median(r.samples));
        if (share !== null) candidates.push(lower ? r.figure * (1 - share) : r.figure / (1 - share));
        const own = lower ? Math.min(...candidates) : Math.max(...candidates);
        byId.set(w.id, [...(byId.get(w.id) ?? []), own]);
      }
    }
  }
  return { figures: new Map([...byId].map(([id, xs]) => [id, median(xs)])), waitPct: waits.length ? 100 * median(waits) : null };
}

/**
 * Added seconds per operation on the candidate: the candidate's time per operation minus the baseline's. The
 * comparison engine's own estimate (`addedPerOp`, src/stats/added-cost.ts: exact bootstrap over rounds, Welch
 * across runs) where the row has it; on the sides' own time (`own`, CPU waits taken out) the point moves to the
 * own-time difference and keeps the engine's interval around it. Rows saved without `addedPerOp`: the point
 * from the medians and the overhead interval around it, on the baseline's time. The one place `advise --app`
 * turns a compared row into a price.
 */
export function addedSecondsPerOp(
  row: Pick<Compared, 'unit' | 'better' | 'base' | 'cand' | 'overheadPct' | 'addedPerOp'>,
  own?: { base: number; cand: number },
): { point: number; lo: number; hi: number } | null {
  const base = secondsPerOp(row, own?.base ?? row.base.median);
  const cand = secondsPerOp(row, own?.cand ?? row.cand.median);
  if (base === null || cand === null) return null;
  const a = row.addedPerOp;
  const scale = a ? secondsPerOp(row, 1) : null;
  if (a && scale !== null) {
    const point = own ? cand - base : a.point * scale;
    return { point, lo: point + (a.lo - a.point) * scale, hi: point + (a.hi - a.point) * scale };
  }
  const point = cand - base;
  const o = row.overheadPct;
  return { point, lo: point + (base * Math.min(0, o.lo - o.point)) / 100, hi: point + (base * Math.max(0, o.hi - o.point)) / 100 };
}

/** Cost ratio candidate/baseline (1 = the same), with its interval; on the sides' own time when `own` is given. */
function costRatioOf(row: Compared, own?: { base: number; cand: number }): { point: number; lo: number; hi: number } {
  const r = (pct: number) => 1 + pct / 100;
  const o = row.overheadPct;
  const point = own ? (row.better === 'lower' ? own.cand / own.base : own.base / own.cand) : r(o.point);
  return { point, lo: point * (r(o.lo) / r(o.point)), hi: point * (r(o.hi) / r(o.point)) };
}

export interface ClassContribution {
  operationClass: PriceClass;
  workload: string;
  /** Operations per second of the application's own time (cpu: CPU seconds per second). */
  rate: number;
  /** The recorded syscalls in this class, by name, with their rates (empty for /proc-counted classes). */
  syscalls: { name: string; rate: number }[];
  /** Cost ratio candidate/baseline of the pricing workload, with its interval. */
  costRatio: { point: number; lo: number; hi: number };
  /** Seconds per operation of the pricing workload on the baseline (null for cpu, which is priced by its ratio alone). */
  baseSecondsPerOp: number | null;
  /** Seconds one operation of this class adds on the candidate (null for cpu). */
  addedSecondsPerCall: { point: number; lo: number; hi: number } | null;
  /** Set when the workload does not perform these calls itself: why it stands for them. */
  proxy: string | null;
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
  unpriced: { operationClass: string; rate: number; reason: string }[];
  /** Share of the predicted slowdown carried by classes priced by proxy, percent. */
  proxySharePct: number;
  /**
   * Without a syscall mix: what the syscalls /proc cannot name would add if they were plain syscalls, percent of
   * the application's own time (its system time that the priced classes do not explain, at this host's added cost
   * of a read(2)); null with a mix or where it cannot be estimated.
   */
  unseenPct: number | null;
  /**
   * Median share of this host's pricing rounds spent waiting for a CPU (its quota's throttling or other work),
   * percent; taken out of its per-operation costs (null when the prediction used the round figures as they are).
   */
  cpuWaitPct: number | null;
  /** The per-operation prediction alone (equal to `slowdownPct` unless the quota floor below lifts it). */
  perOperationPct: Estimate;
  /**
   * A CPU quota on this host as a floor under the prediction (`quotaFloor`); null where the host has no quota or the
   * application's demand stays under it.
   */
  quota: QuotaFloor | null;
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
  /** Recorded syscalls that are not priced per call, with why (the same on every host). */
  notPriced: { syscalls: { name: string; rate: number }[]; reason: string }[];
  notes: string[];
}

const WHY: Partial<Record<PriceClass, string>> = {
  stat: 'stat calls: every syscall traps on this host',
  fstat: 'fstat calls',
  'open-close': 'opening and closing files',
  readdir: 'directory listings',
  read: 'read calls',
  write: 'write calls',
  'read-write': 'read/write calls',
  poll: 'event-loop polls',
  'memory-map': 'mmap/munmap',
  plain: 'other plain syscalls',
  unmeasured: 'unmeasured syscalls',
  clock: 'trapped clock reads',
  'page-fault': 'page faults: fresh pages cost more here',
  spawn: 'process creation: page-table copies and exec cost more here',
  'context-switch': 'context switches',
  fsync: 'fsync: the virtual block device',
  cpu: 'plain CPU work',
};

/** A CPU quota's floor under a prediction (`quotaFloor`). */
export interface QuotaFloor {
  /** The host's CPU quota in cores (its cgroup's, from the fingerprint). */
  quotaCores: number;
  /** CPU seconds the application used per second of its own time on the recording host (user + system, whole tree). */
  demandCores: number;
  /** The slowdown the quota alone imposes, percent. */
  floorPct: Estimate;
}

/**
 * A CPU quota is not a per-operation tax, but it bounds how much CPU time a second of wall time holds: an
 * application that used `demand` CPUs per second of its own time, and on the candidate needs (1 + s) times that
 * time's work (s: the per-operation prediction, all of it CPU time at worst), cannot run faster under a quota of
 * q CPUs than demand·(1 + s)/q seconds per recorded second. The prediction is the larger of the two, bound by bound.
 * Assumes the demand is spread evenly over the run (a bursty program, idle between bursts, is throttled less).
 * Null without a quota, without an own time in the recording, or when the demand fits in the quota.
 */
export function quotaFloor(app: AppProfile, quotaCores: number | null, perOperation: Estimate): QuotaFloor | null {
  if (quotaCores === null || !(quotaCores > 0) || !(app.ownSeconds > 0)) return null;
  const demandCores = (app.totals.cpuUserSeconds + app.totals.cpuSystemSeconds) / app.ownSeconds;
  if (!(demandCores > quotaCores)) return null;
  const floor = (pct: number) => 100 * ((demandCores * Math.max(0, 1 + pct / 100)) / quotaCores - 1);
  return {
    quotaCores,
    demandCores,
    floorPct: { ...perOperation, point: floor(perOperation.point), lo: floor(perOperation.lo), hi: floor(perOperation.hi) },
  };
}

/** What the application does, as priced items: one per /proc class and one per recorded syscall. */
interface Item {
  rule: PriceRule;
  rate: number;
  syscall: string | null;
}

/** Scale of strace's counts to the untraced run, as `virtax record` chose it (read/write calls of both runs). */
export function syscallScale(app: AppProfile): number {
  const mix = app.syscalls;
  if (!mix) return 1;
  const traced = ['read', 'pread64', 'readv', 'preadv', 'preadv2', 'write', 'pwrite64', 'writev', 'pwritev', 'pwritev2'].reduce(
    (s, n) => s + (mix[n]?.calls ?? 0),
    0,
  );
  const untraced = app.totals.readSyscalls + app.totals.writeSyscalls;
  return traced >= 100 && untraced > 0 ? untraced / traced : 1;
}

function itemsOf(app: AppProfile): { items: Item[]; notPriced: AppPrediction['notPriced'] } {
  const items: Item[] = [];
  const rates: Partial<Record<OperationClass, number>> = app.rates;
  for (const cls of ['cpu', 'page-fault', 'spawn', 'context-switch'] as const)
    items.push({ rule: PRICED_BY[cls], rate: rates[cls] ?? 0, syscall: null });
  const mix: Record<string, SyscallCount> | null = app.syscalls;
  const notPriced = new Map<string, { name: string; rate: number }[]>();
  if (!mix) {
    items.push({ rule: PRICED_BY['read-write'], rate: rates['read-write'] ?? 0, syscall: null });
    // Recordings without a mix count these as 0; kept for profiles that carry them.
    for (const [cls, w] of [
      ['stat', 'sys.stat'],
      ['clock', 'sys.clock'],
      ['fsync', 'io.fsync'],
      ['other-syscall', 'sys.read'],
    ] as const) {
      const rate = rates[cls] ?? 0;
      if (rate > 0)
        items.push({
          rule:
            cls === 'other-syscall'
              ? { cls: 'unmeasured', workload: w, perCall: 1, proxy: 'not measured: priced as one plain syscall' }
              : { cls, workload: w, perCall: 1 },
          rate,
          syscall: null,
        });
    }
    return { items, notPriced: [] };
  }
  const per = syscallScale(app) / (app.ownSeconds > 0 ? app.ownSeconds : 1);
  for (const [name, c] of Object.entries(mix)) {
    if (!(c.calls > 0)) continue;
    const r = priceRuleOf(name);
    if (r.cls === null) {
      notPriced.set(r.reason, [...(notPriced.get(r.reason) ?? []), { name, rate: c.calls * per }]);
      continue;
    }
    items.push({ rule: r, rate: c.calls * per, syscall: name });
  }
  return { items, notPriced: [...notPriced].map(([reason, syscalls]) => ({ reason, syscalls: syscalls.sort((a, b) => b.rate - a.rate) })) };
}

/** Predict the application's slowdown on each candidate host. */
export interface FleetCosts {
  /** Cost of one host, keyed by results label. */
  perHost: Record<string, number>;
  unit: string | null;
}

/** A recording without a syscall mix whose unseen syscalls could add more than this (percent of its time, or of the prediction) is told to use --syscalls. */
export const UNSEEN_WARN_PCT = 10;

/**
 * Predict. `ownTime` (by results label, from `ownTimeFigures`) prices on each side's own time; without it the
 * round figures' medians are used as they are.
 */
export function predictApp(
  app: AppProfile,
  comparisons: Comparison[],
  baseline: string,
  fleet: number | null,
  costs: FleetCosts | null = null,
  ownTime: Record<string, OwnTimeFigures> | null = null,
): AppPrediction {
  const notes: string[] = [];
  const { items, notPriced } = itemsOf(app);
  const hosts = comparisons.map((c): AppHostPrediction => {
    const rows = new Map(c.rows.flatMap((r) => (r.status === 'compared' ? [[r.id, r] as const] : [])));
    const byClass = new Map<PriceClass, ClassContribution>();
    const unpriced = new Map<string, AppHostPrediction['unpriced'][number]>();
    const baseOwn = ownTime?.[baseline];
    const candOwn = ownTime?.[c.cand.label];
    const ownOf = (id: string) => {
      const b = baseOwn?.figures.get(id);
      const k = candOwn?.figures.get(id);
      return b !== undefined && k !== undefined && b > 0 && k > 0 ? { base: b, cand: k } : undefined;
    };
    for (const it of items) {
      if (!(it.rate > 0)) continue;
      const cls = it.rule.cls;
      const row = rows.get(it.rule.workload);
      const why = !row ? `${it.rule.workload} was not compared on this host` : null;
      const costRatio = row ? costRatioOf(row, ownOf(row.id)) : null;
      let added: { point: number; lo: number; hi: number } | null = null;
      let reason = why;
      if (row && cls !== 'cpu') {
        const a = addedSecondsPerOp(row, ownOf(row.id));
        if (!a) reason = `${it.rule.workload}'s unit (${row.unit}) is not a time per operation`;
        else {
          added = { point: a.point * it.rule.perCall, lo: a.lo * it.rule.perCall, hi: a.hi * it.rule.perCall };
          for (const l of it.rule.less ?? []) {
            const lr = rows.get(l.workload);
            const la = lr ? addedSecondsPerOp(lr, ownOf(lr.id)) : null;
            if (!la) {
              reason = `${l.workload} (part of ${it.rule.workload}'s operation) was not compared on this host`;
              break;
            }
            added = { point: added.point - la.point * l.perCall, lo: added.lo - la.hi * l.perCall, hi: added.hi - la.lo * l.perCall };
          }
        }
      }
      if (!row || !costRatio || (cls !== 'cpu' && (reason || !added))) {
        const u = unpriced.get(cls) ?? { operationClass: cls, rate: 0, reason: reason ?? '' };
        u.rate += it.rate;
        unpriced.set(cls, u);
        continue;
      }
      const pct =
        cls === 'cpu'
          ? { point: 100 * it.rate * (costRatio.point - 1), lo: 100 * it.rate * (costRatio.lo - 1), hi: 100 * it.rate * (costRatio.hi - 1) }
          : {
              point: 100 * it.rate * (added as { point: number }).point,
              lo: 100 * it.rate * (added as { lo: number }).lo,
              hi: 100 * it.rate * (added as { hi: number }).hi,
            };
      const prev = byClass.get(cls);
      if (prev) {
        prev.rate += it.rate;
        prev.addedPct = {
          ...prev.addedPct,
          point: prev.addedPct.point + pct.point,
          lo: prev.addedPct.lo + pct.lo,
          hi: prev.addedPct.hi + pct.hi,
        };
        if (it.syscall) prev.syscalls.push({ name: it.syscall, rate: it.rate });
      } else {
        byClass.set(cls, {
          operationClass: cls,
          workload: it.rule.workload,
          rate: it.rate,
          syscalls: it.syscall ? [{ name: it.syscall, rate: it.rate }] : [],
          costRatio,
          baseSecondsPerOp: cls === 'cpu' ? null : secondsPerOp(row, row.base.median),
          addedSecondsPerCall: added,
          proxy: it.rule.proxy ?? null,
          addedPct: { ...pct, level: row.overheadPct.level, method: row.overheadPct.method },
          sharePct: null,
        });
      }
    }
    const contributions = [...byClass.values()];
    for (const x of contributions) x.syscalls.sort((a, b) => b.rate - a.rate);
    const sum = (k: 'point' | 'lo' | 'hi') => contributions.reduce((s, x) => s + x.addedPct[k], 0);
    const level = contributions[0]?.addedPct.level ?? c.settings.level;
    const perOperationPct: Estimate = { point: sum('point'), lo: sum('lo'), hi: sum('hi'), level, method: 'percentile' };
    const quota = quotaFloor(app, c.cand.host.limits?.cpuQuotaCores ?? null, perOperationPct);
    const slowdownPct: Estimate = quota
      ? {
          ...perOperationPct,
          point: Math.max(perOperationPct.point, quota.floorPct.point),
          lo: Math.max(perOperationPct.lo, quota.floorPct.lo),
          hi: Math.max(perOperationPct.hi, quota.floorPct.hi),
        }
      : perOperationPct;
    // Shares of a prediction only where it is told apart from zero (else "146% of -2.1%" says nothing), and of
    // the prediction the classes make: under a quota floor the classes do not carry the slowdown.
    const distinct = (slowdownPct.lo > 0 || slowdownPct.hi < 0) && slowdownPct.point === perOperationPct.point;
    for (const x of contributions) x.sharePct = distinct && slowdownPct.point !== 0 ? (100 * x.addedPct.point) / slowdownPct.point : null;
    const proxySharePct = contributions.filter((x) => x.proxy).reduce((s, x) => s + (x.sharePct ?? 0), 0);
    const top = [...contributions].sort((a, b) => Math.abs(b.addedPct.point) - Math.abs(a.addedPct.point))[0];
    const dominant =
      quota && quota.floorPct.point > perOperationPct.point
        ? `the CPU quota: ${quota.demandCores.toFixed(2)} CPUs of work per second where ${quota.quotaCores} are allowed`
        : top && top.sharePct !== null && top.sharePct > 0 && Math.abs(slowdownPct.point) >= 1
          ? `${Math.round(top.sharePct)}% of the predicted ${signedPct(slowdownPct.point)} is ${top.addedPct.point >= 0 ? (WHY[top.operationClass] ?? top.operationClass) : `${top.operationClass}: cheaper here (x${top.costRatio.point.toFixed(2)})`}`
          : null;
    return {
      label: c.cand.label,
      platform: [c.cand.host.platform, c.cand.host.hypervisor, c.cand.host.container].filter(Boolean).join(', '),
      slowdownPct,
      perOperationPct,
      quota,
      contributions,
      unpriced: [...unpriced.values()],
      proxySharePct,
      unseenPct: app.syscalls ? null : unseenSyscallsPct(app, rows),
      cpuWaitPct: candOwn?.waitPct ?? null,
      dominant,
      hosts: fleet
        ? { point: hostsFor(fleet, slowdownPct.point), lo: hostsFor(fleet, slowdownPct.lo), hi: hostsFor(fleet, slowdownPct.hi) }
        : null,
      fleetCost: null,
    };
  });
  if (!app.syscalls) {
    const worst = Math.max(0, ...hosts.map((h) => h.unseenPct ?? 0));
    const large = hosts.some(
      (h) => (h.unseenPct ?? 0) >= UNSEEN_WARN_PCT || (h.unseenPct ?? 0) >= (UNSEEN_WARN_PCT / 100) * Math.abs(h.slowdownPct.point),
    );
    notes.push(
      `the recording has no syscall mix: only read/write calls (as reads), faults, spawns, switches and CPU are priced; syscalls /proc cannot name could add up to ${signedPct(worst)} more` +
        (large ? ': record again with --syscalls' : ''),
    );
  }
  for (const h of hosts) {
    const cost = costs?.perHost[h.label];
    if (h.hosts && cost !== undefined)
      h.fleetCost = { point: h.hosts.point * cost, lo: h.hosts.lo * cost, hi: h.hosts.hi * cost, unit: costs?.unit ?? null };
  }
  const baseCost = costs?.perHost[baseline];
  const baselineCost = fleet && baseCost !== undefined ? fleet * baseCost : null;
  if (costs && fleet) {
    const missing = [baseline, ...hosts.map((h) => h.label)].filter((l) => costs.perHost[l] === undefined);
    if (missing.length) notes.push(`no cost given for ${missing.join(', ')}`);
  }
  if (baselineCost !== null)
    notes.push(`today: ${fleet} ${baseline} hosts = ${baselineCost.toLocaleString('en-US')}${costs?.unit ? ` ${costs.unit}` : ''}`);
  const decision = decideApp(hosts, baseline, baselineCost);
  return {
    schema: 'virtax.app-prediction/v1',
    app: {
      name: app.name,
      wallSeconds: app.wallSeconds,
      ownSeconds: app.ownSeconds,
      syscalls: app.method.syscalls,
      notes: app.method.notes,
    },
    baseline,
    fleet,
    hosts,
    ...decision,
    notPriced,
    notes,
  };
}

/**
 * Rank the hosts and name one: by fleet cost when the baseline and every host have one, else by predicted
 * slowdown (the baseline at 0). The best alternative is recommended only when its interval excludes the
 * baseline (cost below today's, or a slowdown below 0); otherwise keep the baseline and say why.
 */
export function decideApp(
  hosts: readonly AppHostPrediction[],
  baseline: string,
  baselineCost: number | null,
): Pick<AppPrediction, 'ranking' | 'recommendation'> {
  const byCost = baselineCost !== null && hosts.every((h) => h.fleetCost !== null);
  const key = (h: AppHostPrediction) => (byCost ? (h.fleetCost?.point ?? Infinity) : h.slowdownPct.point);
  const sorted = [...hosts].sort((a, b) => key(a) - key(b) || a.slowdownPct.point - b.slowdownPct.point || a.label.localeCompare(b.label));
  const best = sorted[0];
  const baseKey = byCost ? (baselineCost as number) : 0;
  const ranking = [
    ...sorted.filter((h) => key(h) < baseKey).map((h) => h.label),
    baseline,
    ...sorted.filter((h) => key(h) >= baseKey).map((h) => h.label),
  ];
  if (!best) return { ranking, recommendation: { label: baseline, reason: `keep ${baseline}: no alternative was predicted` } };
  const lo = byCost ? (best.fleetCost?.lo ?? Infinity) : best.slowdownPct.lo;
  const hi = byCost ? (best.fleetCost?.hi ?? Infinity) : best.slowdownPct.hi;
  const what = byCost
    ? `its fleet costs ${best.fleetCost?.lo.toLocaleString('en-US')} to ${best.fleetCost?.hi.toLocaleString('en-US')} against ${baselineCost?.toLocaleString('en-US')} today`
    : `predicted ${signedPct(best.slowdownPct.point)} (${signedPct(lo)} to ${signedPct(hi)})`;
  if (hi < baseKey)
    return {
      ranking,
      recommendation: {
        label: best.label,
        reason: `${best.label}: ${what}, ${byCost ? 'cheaper' : 'faster'} than ${baseline} over the whole interval`,
      },
    };
  if (lo > baseKey)
    return {
      ranking,
      recommendation: {
        label: baseline,
        reason: `keep ${baseline}: every alternative is ${byCost ? 'dearer' : 'slower'} (the best, ${best.label}, ${what})`,
      },
    };
  return {
    ranking,
    recommendation: {
      label: baseline,
      reason: `keep ${baseline}: the alternatives cannot be told apart (the best, ${best.label}, ${what})`,
    },
  };
}

/**
 * Without a syscall mix: the application's system CPU time per second that the /proc-counted classes do not
 * explain (each at the baseline's kernel time per operation of its workload), as plain syscalls at the
 * candidate's added cost of a read(2), percent of the application's own time. An estimate of what is not priced,
 * not part of the prediction: system time also holds work no syscall count names (page-fault handling beyond
 * the fault count, I/O completion).
 */
export function unseenSyscallsPct(app: AppProfile, rows: Map<string, Compared>): number | null {
  const read = rows.get('sys.read');
  const readKernel = read?.kernel?.baseSecondsPerOp;
  const added = read ? addedSecondsPerOp(read) : null;
  if (!read || !added || !(readKernel && readKernel > 0) || !(app.ownSeconds > 0)) return null;
  const kernelPerOp = (w: string) => rows.get(w)?.kernel?.baseSecondsPerOp ?? 0;
  const explained =
    (app.rates['read-write'] ?? 0) * readKernel +
    (app.rates['page-fault'] ?? 0) * kernelPerOp('mem.pagefault') +
    (app.rates.spawn ?? 0) * kernelPerOp('proc.spawn') +
    (app.rates['context-switch'] ?? 0) * 0.5 * kernelPerOp('sched.ctxswitch');
  const unexplained = Math.max(0, app.totals.cpuSystemSeconds / app.ownSeconds - explained);
  return 100 * (unexplained / readKernel) * added.point;
}

/** Rate as text: "12,400/s", CPU as seconds per second. */
function rateText(cls: string, rate: number): string {
  return cls === 'cpu' ? `${rate.toFixed(2)} CPU s/s` : `${Math.round(rate).toLocaleString('en-US')}/s`;
}

/** Seconds as the shortest honest unit. */
function secondsText(s: number): string {
  const a = Math.abs(s);
  const [v, u] = a >= 1e-3 ? [s * 1e3, 'ms'] : a >= 1e-6 ? [s * 1e6, 'us'] : [s * 1e9, 'ns'];
  return `${v >= 0 ? '+' : ''}${Math.abs(v) >= 100 ? v.toFixed(0) : v.toPrecision(2)} ${u}`;
}

/**
 * The prediction as plain text: per host the slowdown and its interval first, then the three classes that carry
 * most of it, then every class, then what was priced by proxy or not at all, with their share.
 */
export function formatAppPrediction(p: AppPrediction): string {
  const lines = [
    `Predicted slowdown of "${p.app.name}" (recorded for ${p.app.wallSeconds.toFixed(1)} s, ${p.app.ownSeconds.toFixed(1)} s its own) against ${p.baseline}`,
    '',
  ];
  for (const [i, label] of p.ranking.entries()) {
    const h = p.hosts.find((x) => x.label === label);
    if (!h) {
      lines.push(`${i + 1}. ${label}  (baseline: the reference, 0%)`, '');
      continue;
    }
    const ranked = [...h.contributions].sort((a, b) => Math.abs(b.addedPct.point) - Math.abs(a.addedPct.point));
    lines.push(`${i + 1}. ${h.label}  [${h.platform}]`);
    lines.push(
      `  slowdown     ${signedPct(h.slowdownPct.point)} (${Math.round(h.slowdownPct.level * 100)}% interval ${signedPct(h.slowdownPct.lo)} to ${signedPct(h.slowdownPct.hi)})`,
    );
    const top = ranked.slice(0, 3).filter((x) => x.sharePct !== null);
    if (top.length && Math.abs(h.slowdownPct.point) >= 1)
      lines.push(`  carried by   ${top.map((x) => `${x.operationClass} ${Math.round(x.sharePct as number)}%`).join(', ')}`);
    if (h.dominant) lines.push(`  mostly       ${h.dominant}`);
    for (const x of ranked) {
      const per = x.addedSecondsPerCall ? `${secondsText(x.addedSecondsPerCall.point)}/op` : `x${x.costRatio.point.toFixed(2)}`;
      const names = x.syscalls.length
        ? `  ${x.syscalls
            .slice(0, 4)
            .map((n) => n.name)
            .join(' ')}${x.syscalls.length > 4 ? ' ...' : ''}`
        : '';
      lines.push(
        `  ${x.operationClass.padEnd(15)}${rateText(x.operationClass, x.rate).padStart(14)}  ${per.padStart(12)} (${x.workload}${x.proxy ? ', proxy' : ''})  ${signedPct(x.addedPct.point).padStart(8)}${names}`,
      );
    }
    const proxied = ranked.filter((x) => x.proxy);
    if (proxied.length) {
      lines.push(
        `  by proxy     ${Math.round(h.proxySharePct)}% of the prediction: ${proxied
          .map(
            (x) =>
              `${x.operationClass} (${
                x.syscalls
                  .map((n) => n.name)
                  .slice(0, 6)
                  .join(', ') || rateText(x.operationClass, x.rate)
              }${x.syscalls.length > 6 ? ', ...' : ''}; ${x.proxy})`,
          )
          .join('; ')}`,
      );
    }
    for (const u of h.unpriced) lines.push(`  not priced   ${u.operationClass} (${rateText(u.operationClass, u.rate)}): ${u.reason}`);
    if (h.quota)
      lines.push(
        `  CPU quota    ${h.quota.quotaCores} CPU here; the application used ${h.quota.demandCores.toFixed(2)} CPU per second of its own time when recorded: at least ${signedPct(h.quota.floorPct.point)} (${signedPct(h.quota.floorPct.lo)} to ${signedPct(h.quota.floorPct.hi)}) from the quota alone, against ${signedPct(h.perOperationPct.point)} (${signedPct(h.perOperationPct.lo)} to ${signedPct(h.perOperationPct.hi)}) from its operations; the slowdown is the larger`,
      );
    if (h.cpuWaitPct !== null && h.cpuWaitPct >= 10)
      lines.push(
        `  CPU waits    its pricing rounds waited ${Math.round(h.cpuWaitPct)}% of their time for a CPU (a quota or other work): left out of the per-operation costs, as the recording leaves its own waits out${h.quota ? '; the quota is priced above, as a floor' : '; a quota slows the application by its waits too, which is not a per-operation tax'}`,
      );
    if (h.unseenPct !== null)
      lines.push(
        `  unseen       syscalls /proc cannot name: up to ${signedPct(h.unseenPct)} more, not in the prediction (record with --syscalls)`,
      );
    if (h.hosts && p.fleet) lines.push(`  hosts        ${h.hosts.point} for the work of ${p.fleet} (${h.hosts.lo}-${h.hosts.hi})`);
    if (h.fleetCost) {
      const u = h.fleetCost.unit ? ` ${h.fleetCost.unit}` : '';
      lines.push(
        `  cost         ${h.fleetCost.point.toLocaleString('en-US')}${u} (${h.fleetCost.lo.toLocaleString('en-US')} - ${h.fleetCost.hi.toLocaleString('en-US')})`,
      );
    }
    lines.push('');
  }
  lines.push(`Recommendation: ${p.recommendation.label}`, `  - ${p.recommendation.reason}`);
  for (const n of p.notPriced)
    lines.push(
      `Not priced per call: ${n.syscalls
        .slice(0, 6)
        .map((x) => `${x.name} ${rateText(x.name, x.rate)}`)
        .join(', ')}${n.syscalls.length > 6 ? ', ...' : ''}: ${n.reason}`,
    );
  for (const n of p.notes) lines.push(`Note: ${n}`);
  return lines.join('\n');
}
