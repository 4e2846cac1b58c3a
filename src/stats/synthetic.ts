/**
 * Synthetic results files with known truth, for tests, the coverage simulation and benchmarks.
 * Noise model: a round's log cost is μ + σ_round·Z (drift between fresh workers); a batch's log cost is
 * the round's plus σ_batch·Z; optionally a fraction of batches is stalled by a factor (steal, a CFS
 * throttle). Normal deviates by inverting Φ on seeded uniforms (no Math.random).
 */
import { RESULTS_SCHEMA, type Better, type Category, type Fingerprint, type ResultsFile, type Round, type WorkloadOk } from '../types.js';
import { summarize } from './describe.js';
import { normQuantile } from './distributions.js';
import { createRng, type Rng } from './random.js';

export interface SyntheticWorkload {
  id: string;
  category: Category;
  better: Better;
  unit?: string;
  /** Median figure in the workload's unit (before the overhead). */
  figure: number;
  /** Overhead of this side in log units: costs are multiplied by exp(shift) (positive = worse). */
  shift?: number;
  rounds: number;
  batches: number;
  roundSd: number;
  batchSd: number;
  /** Fraction of stalled batches and how much longer they take (default none). */
  stallRate?: number;
  stallFactor?: number;
}

export function gaussian(rng: Rng): number {
  return normQuantile(Math.min(1 - 1e-12, Math.max(1e-12, rng.float())));
}

export const SYNTHETIC_HOST: Fingerprint = {
  hostname: 'synthetic',
  platform: 'metal',
  hypervisor: null,
  container: null,
  evidence: [],
  cloud: null,
  cpu: { model: 'Synthetic CPU', cores: 8, threads: 16, mhz: 3000, flags: { aes: true, sha: true, rdrand: true, avx2: true, avx512: false } },
  clocksource: 'tsc',
  kernel: '6.1.0',
  os: 'Synthetic Linux',
  memoryBytes: 32 * 2 ** 30,
  numaNodes: 1,
};

/** Rounds of one synthetic workload: per-batch figures plus the round's total-work-over-total-time figure. */
export function syntheticRounds(w: SyntheticWorkload, rng: Rng): Round[] {
  const rounds: Round[] = [];
  // Work in costs (time per unit of work); a rate is its reciprocal.
  const cost0 = w.better === 'lower' ? w.figure : 1 / w.figure;
  const opsPerBatch = 1000;
  for (let r = 0; r < w.rounds; r++) {
    const roundCost = cost0 * Math.exp((w.shift ?? 0) + w.roundSd * gaussian(rng));
    const samples: number[] = [];
    let seconds = 0;
    for (let i = 0; i < w.batches; i++) {
      let c = roundCost * Math.exp(w.batchSd * gaussian(rng));
      if (w.stallRate && rng.float() < w.stallRate) c *= w.stallFactor ?? 3;
      seconds += c * opsPerBatch;
      samples.push(w.better === 'lower' ? c : 1 / c);
    }
    const operations = opsPerBatch * w.batches;
    rounds.push({ figure: w.better === 'lower' ? seconds / operations : operations / seconds, operations, seconds, samples, stealPct: null, batchOperations: opsPerBatch });
  }
  return rounds;
}

export function syntheticResults(opts: { label: string; seed: number; workloads: SyntheticWorkload[]; host?: Partial<Fingerprint>; id?: string }): ResultsFile {
  const rng = createRng(opts.seed);
  const hex = (n: number) => Array.from({ length: n }, () => rng.int(0, 15).toString(16)).join('');
  const workloads: WorkloadOk[] = opts.workloads.map((w) => {
    const rounds = syntheticRounds(w, rng);
    return {
      id: w.id,
      category: w.category,
      title: `synthetic ${w.id}`,
      unit: w.unit ?? (w.better === 'lower' ? 'ns/op' : 'Mops/s'),
      better: w.better,
      status: 'ok',
      params: {},
      summary: summarize(rounds, w.better),
      rounds,
    };
  });
  return {
    schema: RESULTS_SCHEMA,
    id: opts.id ?? `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`,
    label: opts.label,
    startedAt: '2026-01-01T00:00:00.000Z',
    finishedAt: '2026-01-01T00:10:00.000Z',
    tool: { name: 'virtax', version: '0.1.0', node: 'v20.0.0' },
    host: { ...SYNTHETIC_HOST, ...opts.host },
    config: { suite: 'standard', rounds: Math.max(0, ...opts.workloads.map((w) => w.rounds)), seed: opts.seed, onlyIds: null },
    conditions: { stealPct: null, loadAvg1Start: 0, loadAvg1End: 0, notes: [] },
    workloads,
  };
}
