/**
 * Synthetic results files with a known true effect, for gate and compare tests. Seeded (createRng), so a
 * test sees the same file every time. Noise is log-normal: a round's level is ln(value) + N(0, roundSd),
 * each batch sample is exp(level + N(0, batchSd)), and the round's figure is recomputed from its samples
 * the way the runner computes it (total work over total time: mean time per op for a cost, harmonic mean
 * of batch rates for a rate, with equal operations per batch).
 */
import { asResultsFile } from '../../src/results/io.js';
import { summarize } from '../../src/stats/describe.js';
import { createRng, type Rng } from '../../src/stats/random.js';
import type { Comparison, Estimate, RowComparison } from '../../src/stats/types.js';
import type { Better, Category, Fingerprint, ResultsFile, Round, WorkloadResult } from '../../src/types.js';

export interface SyntheticWorkload {
  id: string;
  category?: Category;
  better?: Better;
  /** True median figure of the baseline in the workload's unit. */
  value: number;
  /** True overhead of this side in percent (positive = worse): cost x (1+e), rate / (1+e). */
  effectPct?: number;
  /** SD of ln(round level) between rounds (default 0.01, about 1%). */
  roundSd?: number;
  /** SD of ln(batch sample) around its round (default 0.02). */
  batchSd?: number;
  /** Make this workload skipped or failed instead of measured. */
  status?: 'skipped' | 'failed';
}

export interface SyntheticOptions {
  seed: number;
  label?: string;
  rounds?: number;
  batches?: number;
  startedAt?: string;
  host?: { cpuModel?: string; hypervisor?: string | null; kernel?: string };
  workloads: SyntheticWorkload[];
  /** Leave finishedAt null (a checkpoint). */
  unfinished?: boolean;
}

function normal(rng: Rng): number {
  // Box-Muller; 1 - u avoids log(0).
  const u = 1 - rng.float();
  const v = rng.float();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

function uuid(rng: Rng): string {
  const hex = (n: number) => Array.from({ length: n }, () => rng.int(0, 15).toString(16)).join('');
  return `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`;
}

export function syntheticHost(over: SyntheticOptions['host'] = {}): Fingerprint {
  return {
    hostname: 'synthetic',
    platform: 'container-in-vm',
    hypervisor: over.hypervisor === undefined ? 'kvm' : over.hypervisor,
    container: 'docker',
    evidence: ['synthetic test host'],
    cloud: null,
    cpu: { model: over.cpuModel ?? 'Synthetic CPU @ 2.0GHz', cores: 2, threads: 2, mhz: 2000, flags: { aes: true, sha: true, rdrand: true, avx2: true, avx512: false } },
    clocksource: 'tsc',
    kernel: over.kernel ?? '6.1.0-synthetic',
    os: 'Debian GNU/Linux 12',
    memoryBytes: 8 * 2 ** 30,
    numaNodes: 1,
  };
}

const BATCH_OPS = 1000;

function roundOf(rng: Rng, w: SyntheticWorkload, better: Better, batches: number): Round {
  const e = 1 + (w.effectPct ?? 0) / 100;
  const centre = better === 'lower' ? w.value * e : w.value / e;
  const level = Math.log(centre) + (w.roundSd ?? 0.01) * normal(rng);
  const samples = Array.from({ length: batches }, () => Math.exp(level + (w.batchSd ?? 0.02) * normal(rng)));
  if (better === 'lower') {
    // cost in ns/op: a batch takes sample * ops ns.
    const seconds = (samples.reduce((a, b) => a + b, 0) * BATCH_OPS) / 1e9;
    return { figure: (seconds * 1e9) / (BATCH_OPS * batches), operations: BATCH_OPS * batches, seconds, samples, stealPct: 0, batchOperations: BATCH_OPS };
  }
  // rate in ops/s: a batch takes ops / sample seconds.
  const seconds = samples.reduce((a, b) => a + BATCH_OPS / b, 0);
  return { figure: (BATCH_OPS * batches) / seconds, operations: BATCH_OPS * batches, seconds, samples, stealPct: 0, batchOperations: BATCH_OPS };
}

/** A valid (schema-checked) results file with the given workloads and true effects. */
export function syntheticResults(o: SyntheticOptions): ResultsFile {
  const rng = createRng(o.seed);
  const rounds = o.rounds ?? 10;
  const batches = o.batches ?? 20;
  const workloads: WorkloadResult[] = o.workloads.map((w) => {
    const category = w.category ?? 'cpu';
    if (w.status) return { id: w.id, category, title: w.id, status: w.status, reason: `synthetic ${w.status}` };
    const better = w.better ?? 'lower';
    const rs = Array.from({ length: rounds }, () => roundOf(rng, w, better, batches));
    return {
      id: w.id,
      category,
      title: `synthetic ${w.id}`,
      unit: better === 'lower' ? 'ns/op' : 'ops/s',
      better,
      status: 'ok',
      params: {},
      summary: summarize(rs, better),
      rounds: rs,
    };
  });
  const startedAt = o.startedAt ?? '2026-11-20T10:00:00.000Z';
  const file = {
    schema: 'virtax.results/v1',
    id: uuid(rng),
    label: o.label ?? 'synthetic',
    startedAt,
    finishedAt: o.unfinished ? null : new Date(Date.parse(startedAt) + 60_000).toISOString(),
    tool: { name: 'virtax', version: '0.1.0', node: 'v20.20.2' },
    host: syntheticHost(o.host),
    config: { suite: 'quick', rounds, seed: o.seed, onlyIds: null },
    conditions: { stealPct: 0, loadAvg1Start: 0.5, loadAvg1End: 0.5, notes: [] },
    workloads,
  };
  return asResultsFile(file, `synthetic(seed ${o.seed})`);
}

/** A hand-built compared row with the given overhead interval (percent), for decision tests. */
export function comparedRow(id: string, overhead: { point: number; lo: number; hi: number }, category: Category = 'cpu'): Extract<RowComparison, { status: 'compared' }> {
  const est = (e: { point: number; lo: number; hi: number }): Estimate => ({ ...e, level: 0.95, method: 'percentile' });
  const side = { median: 100, rounds: 10, cv: 0.01, p50: 100, p99: 110, stealPct: 0 };
  const log = (x: number) => Math.log1p(x / 100);
  return {
    status: 'compared',
    id,
    category,
    title: id,
    unit: 'ns/op',
    better: 'lower',
    base: side,
    cand: { ...side, median: 100 * (1 + overhead.point / 100) },
    overheadPct: est(overhead),
    logRatio: est({ point: log(overhead.point), lo: log(overhead.lo), hi: log(overhead.hi) }),
    pValue: 0.5,
    qValue: 0.5,
    verdict: 'inconclusive',
    roundsToSettle: null,
    tailRatio: 1,
    notes: [],
  };
}

/** A hand-built Comparison over the given rows. */
export function comparisonOf(rows: RowComparison[], seed = 1): Comparison {
  const host = syntheticHost();
  return {
    schema: 'virtax.comparison/v1',
    base: { id: 'b', label: 'base', host },
    cand: { id: 'c', label: 'cand', host },
    settings: { noisePct: 1, alpha: 0.05, level: 0.95, resamples: 1000, seed },
    rows,
    overall: null,
    noise: null,
    envDiffs: [],
    warnings: [],
  };
}
