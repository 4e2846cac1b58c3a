/**
 * The gate's decision (docs/gate.md), pure: from a Comparison and a policy to one outcome per
 * workload and one for the run.
 *
 * Per workload, with M its max regression and [lo, hi] the overhead interval (percent, positive = current
 * is worse):
 *   fail          when lo > M: the whole interval lies above M. This is exactly `verdictOf([lo, hi], M)`
 *                 being `slower`, so "slower than the threshold" has one definition in the code base;
 *   pass          when hi < M: even the pessimistic end of the interval is below the threshold
 *                 (an improvement passes, however wide);
 *   inconclusive  otherwise: the interval contains M, so the data cannot tell. More rounds settle it.
 * The run fails when any workload fails or crashed; else it is inconclusive when any workload is
 * inconclusive or missing from the current run; else it passes.
 */
import { idMatches } from '../results/ids.js';
import { verdictOf } from '../stats/verdict.js';
import type { Comparison } from '../stats/types.js';
import type { ResultsFile } from '../types.js';
import type { ComparedRow, GateOutcome, GatePolicy, GateRow, SideStatus } from './types.js';

/** The one id matcher (src/results/ids.ts), re-exported for the gate's config patterns. */
export { idMatches } from '../results/ids.js';

/** The max regression for one workload: its exact id wins, then the longest matching pattern, then the default. */
export function maxRegressionFor(id: string, policy: GatePolicy): number {
  const exact = policy.perWorkload[id];
  if (exact !== undefined) return exact;
  let best: { len: number; value: number } | null = null;
  for (const [pattern, value] of Object.entries(policy.perWorkload)) {
    if (idMatches(id, pattern) && (!best || pattern.length > best.len)) best = { len: pattern.length, value };
  }
  return best ? best.value : policy.defaultMaxRegressionPct;
}

/** The per-workload decision on an interval against the max regression M (>= 0), see the file comment. */
export function thresholdOutcome(interval: { lo: number; hi: number }, maxRegressionPct: number): 'pass' | 'fail' | 'inconclusive' {
  if (verdictOf(interval, maxRegressionPct) === 'slower') return 'fail';
  if (interval.hi < maxRegressionPct) return 'pass';
  return 'inconclusive';
}

/** Each workload's status in the baseline and in the current run (absent when the file has no entry). */
export function workloadSides(
  base: ResultsFile,
  cur: ResultsFile,
): Map<string, { base: SideStatus; cur: SideStatus; reason: string | null }> {
  const out = new Map<string, { base: SideStatus; cur: SideStatus; reason: string | null }>();
  for (const w of base.workloads) out.set(w.id, { base: w.status, cur: 'absent', reason: null });
  for (const w of cur.workloads) {
    const prev = out.get(w.id) ?? { base: 'absent' as SideStatus, cur: 'absent' as SideStatus, reason: null };
    out.set(w.id, { ...prev, cur: w.status, reason: w.status === 'ok' ? null : w.reason });
  }
  return out;
}

export interface DecideInput {
  comparison: Comparison;
  /** Every workload's status on each side (from `workloadSides`); ids are judged in this map's order. */
  sides: Map<string, { base: SideStatus; cur: SideStatus; reason: string | null }>;
  policy: GatePolicy;
  /** Only these ids or patterns (null: all). */
  only: string[] | null;
}

/** One outcome per workload (in `sides` order, then any row only the comparison has). */
export function decideRows({ comparison, sides, policy, only }: DecideInput): GateRow[] {
  const compared = new Map<string, ComparedRow>();
  const notCompared = new Map<string, string>();
  for (const r of comparison.rows) {
    if (r.status === 'compared') compared.set(r.id, r);
    else notCompared.set(r.id, r.reason);
  }
  const ids = [...sides.keys()];
  for (const id of [...compared.keys(), ...notCompared.keys()]) if (!sides.has(id)) ids.push(id);
  const rows: GateRow[] = [];
  for (const id of ids) {
    if (only && !only.some((p) => idMatches(id, p))) continue;
    const row = compared.get(id);
    const category = row?.category ?? null;
    if (policy.ignore.some((p) => idMatches(id, p))) {
      rows.push({ outcome: 'ignored', id, category, reason: 'ignored by the gate config' });
      continue;
    }
    if (row) {
      const m = maxRegressionFor(id, policy);
      rows.push({ outcome: thresholdOutcome(row.overheadPct, m), id, maxRegressionPct: m, row });
      continue;
    }
    const side = sides.get(id);
    const why = notCompared.get(id);
    if (side?.base === 'ok' && side.cur === 'failed') {
      rows.push({ outcome: 'crashed', id, category, reason: `failed in the current run: ${side.reason ?? 'no reason given'}` });
    } else if (side?.base === 'ok' && side.cur !== 'ok') {
      const reason =
        side.cur === 'absent'
          ? 'measured in the baseline, not in the current run'
          : `skipped in the current run: ${side.reason ?? 'no reason given'}`;
      rows.push({ outcome: 'missing', id, category, reason });
    } else {
      const reason =
        why ??
        (side?.base === 'absent'
          ? 'new workload: not in the baseline'
          : side?.base === 'ok'
            ? 'not compared'
            : `${side?.base ?? 'absent'} in the baseline`);
      rows.push({ outcome: 'not-compared', id, category, reason });
    }
  }
  return rows;
}

/** The run's outcome from its rows (see the file comment). */
export function overallOutcome(rows: readonly GateRow[]): GateOutcome {
  if (rows.some((r) => r.outcome === 'fail' || r.outcome === 'crashed')) return 'fail';
  if (rows.some((r) => r.outcome === 'inconclusive' || r.outcome === 'missing')) return 'inconclusive';
  return 'pass';
}

/** Exit code of an outcome: 0 pass, 1 fail, inconclusive 0 (warning) or 3 under --strict. */
export function exitCodeOf(outcome: GateOutcome, strict: boolean): 0 | 1 | 3 {
  if (outcome === 'fail') return 1;
  if (outcome === 'inconclusive') return strict ? 3 : 0;
  return 0;
}

export function countRows(rows: readonly GateRow[]): Record<GateRow['outcome'], number> {
  const c: Record<GateRow['outcome'], number> = {
    pass: 0,
    fail: 0,
    inconclusive: 0,
    crashed: 0,
    missing: 0,
    ignored: 0,
    'not-compared': 0,
  };
  for (const r of rows) c[r.outcome]++;
  return c;
}
