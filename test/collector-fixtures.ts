/** Small, valid results files for collector tests and the collector bench (not a test file itself). */
import { randomUUID } from 'node:crypto';
import type { ResultsFile } from '../src/types.js';

export interface FixtureOptions {
  id?: string;
  label?: string;
  hostname?: string;
  platform?: ResultsFile['host']['platform'];
  hypervisor?: string | null;
  startedAt?: string;
  /** Median figure of the one workload (cpu.int, ops/s). */
  figure?: number;
}

export function makeResults(o: FixtureOptions = {}): ResultsFile {
  const figure = o.figure ?? 1000;
  const startedAt = o.startedAt ?? '2026-11-25T10:00:00.000Z';
  return {
    schema: 'virtax.results/v1',
    id: o.id ?? randomUUID(),
    label: o.label ?? 'kvm-test',
    startedAt,
    finishedAt: startedAt,
    tool: { name: 'virtax', version: '0.1.0', node: 'v20.20.2' },
    host: {
      hostname: o.hostname ?? 'host-1',
      platform: o.platform ?? 'vm',
      hypervisor: o.hypervisor === undefined ? 'kvm' : o.hypervisor,
      container: null,
      evidence: ['fixture'],
      cloud: null,
      cpu: { model: 'Fixture CPU', cores: 2, threads: 2, mhz: 2000, flags: { aes: true, sha: false, rdrand: true, avx2: true, avx512: false } },
      clocksource: 'tsc',
      kernel: '6.1.0',
      os: 'Fixture OS',
      memoryBytes: 4e9,
      numaNodes: 1,
    },
    config: { suite: 'quick', rounds: 1, seed: 1, onlyIds: null },
    conditions: { stealPct: 0, loadAvg1Start: 0.1, loadAvg1End: 0.1, notes: [] },
    workloads: [
      {
        id: 'cpu.int',
        category: 'cpu',
        title: 'Integer arithmetic',
        unit: 'ops/s',
        better: 'higher',
        status: 'ok',
        params: {},
        summary: { rounds: 1, median: figure, mean: figure, min: figure, max: figure, cv: 0, p50: figure, p99: figure, stealPct: 0 },
        rounds: [{ figure, operations: figure, seconds: 1, samples: [figure], stealPct: 0 }],
      },
    ],
  };
}
