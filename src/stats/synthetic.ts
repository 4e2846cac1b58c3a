/**
 * The one factory of synthetic results files with known truth, for tests, the coverage simulation and
 * benchmarks. Seeded (createRng), so a caller sees the same file every time. Noise model: a round's log cost
 * is μ + shift + σ_round·Z (drift between fresh workers); a batch's log cost is the round's plus σ_batch·Z;
 * optionally a fraction of batches is stalled by a factor (steal, a CFS throttle). The round's figure is
 * computed from its batches the way the runner computes it (total work over total time). Normal deviates by
 * inverting Φ on seeded uniforms (no Math.random). Also hand-built compared rows and comparisons for
 * decision and exporter tests.
 */
import {
  RESULTS_SCHEMA,
  type Better,
  type Category,
  type Fingerprint,
  type ResultsFile,
  type Round,
  type Suite,
  type WorkloadOk,
  type WorkloadResult,
} from '../types.js';
import { summarize } from './describe.js';
import { normQuantile } from './distributions.js';
import { createRng, type Rng } from './random.js';
import type { Comparison, Estimate, RowComparison } from './types.js';

export interface SyntheticWorkload {
  id: string;
  /** Default cpu. */
  category?: Category;
  /** Default lower (a cost). */
  better?: Better;
  /** Default ns/op for a cost, Mops/s for a rate. */
  unit?: string;
  /** Median figure in the workload's unit (before the overhead). */
  figure: number;
  /** Overhead of this side in log units: costs are multiplied by exp(shift) (positive = worse); see shiftOf. */
  shift?: number;
  /** Rounds and batches per round (default: the file's). */
  rounds?: number;
  batches?: number;
  /** SD of ln(round level) between rounds (default 0.01, about 1%). */
  roundSd?: number;
  /** SD of ln(batch cost) around its round (default 0.02). */
  batchSd?: number;
  /** Fraction of stalled batches and how much longer they take (default none). */
  stallRate?: number;
  stallFactor?: number;
  /** Make this workload skipped or failed (reason `synthetic <status>`) instead of measured. */
  status?: 'skipped' | 'failed';
}

export interface SyntheticOptions {
  seed: number;
  /** Default `synthetic`. */
  label?: string;
  /** Default: a UUID from the seeded generator. */
  id?: string;
  /** Rounds and batches per round of every workload that does not set its own (default 10 and 20). */
  rounds?: number;
  batches?: number;
  /** Default quick. */
  suite?: Suite;
  /** Default 2026-11-20T10:00:00.000Z; the run finishes a minute later. */
  startedAt?: string;
  /** Fields over SYNTHETIC_HOST (cpuModel: the CPU's model alone). */
  host?: HostOverrides;
  workloads: SyntheticWorkload[];
  /** Leave finishedAt null (a checkpoint). */
  unfinished?: boolean;
}

export type HostOverrides = Partial<Fingerprint> & { cpuModel?: string };

/** The overhead in percent (cost x (1+e), rate / (1+e)) as a log shift. */
export const shiftOf = (effectPct: number): number => Math.log1p(effectPct / 100);

export function gaussian(rng: Rng): number {
  return normQuantile(Math.min(1 - 1e-12, Math.max(1e-12, rng.float())));
}

/** The default host: a container in a KVM guest. */
export const SYNTHETIC_HOST: Fingerprint = {
  hostname: 'synthetic',
  platform: 'container-in-vm',
  hypervisor: 'kvm',
  container: 'docker',
  evidence: ['synthetic test host'],
  cloud: null,
  cpu: {
    model: 'Synthetic CPU @ 2.0GHz',
    cores: 2,
    threads: 2,
    mhz: 2000,
    flags: { aes: true, sha: true, rdrand: true, avx2: true, avx512: false },
  },
  clocksource: 'tsc',
  kernel: '6.1.0-synthetic',
  os: 'Debian GNU/Linux 12',
  memoryBytes: 8 * 2 ** 30,
  numaNodes: 1,
};

/** A bare-metal host, for files that need no hypervisor beneath (pass it as `host`). */
export const SYNTHETIC_METAL_HOST: Fingerprint = {
  hostname: 'synthetic',
  platform: 'metal',
  hypervisor: null,
  container: null,
  evidence: [],
  cloud: null,
  cpu: {
    model: 'Synthetic CPU',
    cores: 8,
    threads: 16,
    mhz: 3000,
    flags: { aes: true, sha: true, rdrand: true, avx2: true, avx512: false },
  },
  clocksource: 'tsc',
  kernel: '6.1.0',
  os: 'Synthetic Linux',
  memoryBytes: 32 * 2 ** 30,
  numaNodes: 1,
};

/** SYNTHETIC_HOST with some fields changed. */
export function syntheticHost(over: HostOverrides = {}): Fingerprint {
  const { cpuModel, ...fields } = over;
  const host = { ...SYNTHETIC_HOST, ...fields };
  return cpuModel === undefined ? host : { ...host, cpu: { ...host.cpu, model: cpuModel } };
}

/** Rounds of one synthetic workload: per-batch figures plus the round's total-work-over-total-time figure. */
export function syntheticRounds(w: SyntheticWorkload & { rounds: number; batches: number }, rng: Rng): Round[] {
  const rounds: Round[] = [];
  const better = w.better ?? 'lower';
  // Work in costs (time per unit of work); a rate is its reciprocal.
  const cost0 = better === 'lower' ? w.figure : 1 / w.figure;
  const opsPerBatch = 1000;
  for (let r = 0; r < w.rounds; r++) {
    const roundCost = cost0 * Math.exp((w.shift ?? 0) + (w.roundSd ?? 0.01) * gaussian(rng));
    const samples: number[] = [];
    let seconds = 0;
    for (let i = 0; i < w.batches; i++) {
      let c = roundCost * Math.exp((w.batchSd ?? 0.02) * gaussian(rng));
      if (w.stallRate && rng.float() < w.stallRate) c *= w.stallFactor ?? 3;
      seconds += c * opsPerBatch;
      samples.push(better === 'lower' ? c : 1 / c);
    }
    const operations = opsPerBatch * w.batches;
    rounds.push({
      figure: better === 'lower' ? seconds / operations : operations / seconds,
      operations,
      seconds,
      samples,
      stealPct: null,
      batchOperations: opsPerBatch,
    });
  }
  return rounds;
}

/**
 * A results file with the given workloads and true effects. Not schema-checked here (simulations use short
 * ids such as `w`); readers validate it like any file when it is saved and loaded.
 */
export function syntheticResults(o: SyntheticOptions): ResultsFile {
  const rng = createRng(o.seed);
  const hex = (n: number) => Array.from({ length: n }, () => rng.int(0, 15).toString(16)).join('');
  let maxRounds = 0;
  const workloads: WorkloadResult[] = o.workloads.map((w) => {
    const category = w.category ?? 'cpu';
    if (w.status) return { id: w.id, category, title: w.id, status: w.status, reason: `synthetic ${w.status}` };
    const better = w.better ?? 'lower';
    const rounds = syntheticRounds({ ...w, rounds: w.rounds ?? o.rounds ?? 10, batches: w.batches ?? o.batches ?? 20 }, rng);
    maxRounds = Math.max(maxRounds, rounds.length);
    return measuredWorkload({ id: w.id, category, better, unit: w.unit ?? (better === 'lower' ? 'ns/op' : 'Mops/s'), rounds });
  });
  const startedAt = o.startedAt ?? '2026-11-20T10:00:00.000Z';
  return resultsFileOf({
    id: o.id ?? `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`,
    label: o.label ?? 'synthetic',
    startedAt,
    finishedAt: o.unfinished ? null : new Date(Date.parse(startedAt) + 60_000).toISOString(),
    host: syntheticHost(o.host),
    ...(o.suite ? { suite: o.suite } : {}),
    rounds: o.rounds ?? maxRounds,
    seed: o.seed,
    workloads,
  });
}

/** A measured workload from its rounds, with the summary the runner computes (hand-built files use it too). */
export function measuredWorkload(w: {
  id: string;
  category: Category;
  better: Better;
  unit: string;
  title?: string;
  rounds: Round[];
  extra?: Record<string, unknown>;
}): WorkloadOk {
  return {
    id: w.id,
    category: w.category,
    title: w.title ?? `synthetic ${w.id}`,
    unit: w.unit,
    better: w.better,
    status: 'ok',
    params: {},
    summary: summarize(w.rounds, w.better),
    rounds: w.rounds,
    ...(w.extra ? { extra: w.extra } : {}),
  };
}

export interface FileEnvelope {
  id: string;
  label: string;
  startedAt: string;
  finishedAt: string | null;
  host: Fingerprint;
  /** Default quick. */
  suite?: Suite;
  rounds: number;
  seed: number;
  /** Over the default: no steal recorded, load average 0.5 at both ends, no notes. */
  conditions?: Partial<ResultsFile['conditions']>;
  workloads: WorkloadResult[];
}

/** The results file around the given workloads: the one envelope of every factory (this one, and tests' hand-built files). */
export function resultsFileOf(o: FileEnvelope): ResultsFile {
  return {
    schema: RESULTS_SCHEMA,
    id: o.id,
    label: o.label,
    startedAt: o.startedAt,
    finishedAt: o.finishedAt,
    tool: { name: 'virtax', version: '0.1.0', node: 'v20.20.2' },
    host: o.host,
    config: { suite: o.suite ?? 'quick', rounds: o.rounds, seed: o.seed, onlyIds: null },
    conditions: { stealPct: null, loadAvg1Start: 0.5, loadAvg1End: 0.5, notes: [], ...o.conditions },
    workloads: o.workloads,
  };
}

/** A hand-built compared row with the given overhead interval (percent), for decision tests. */
export function comparedRow(
  id: string,
  overhead: { point: number; lo: number; hi: number },
  category: Category = 'cpu',
): Extract<RowComparison, { status: 'compared' }> {
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
    noteCodes: [],
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
    warningCodes: [],
  };
}
