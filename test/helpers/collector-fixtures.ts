/** Small, valid results files for collector tests and the collector bench (not a test file itself). */
import { randomUUID } from 'node:crypto';
import { measuredWorkload, resultsFileOf } from '../../src/stats/synthetic.js';
import type { ResultsFile } from '../../src/types.js';

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
  return resultsFileOf({
    id: o.id ?? randomUUID(),
    label: o.label ?? 'kvm-test',
    startedAt,
    finishedAt: startedAt,
    host: {
      hostname: o.hostname ?? 'host-1',
      platform: o.platform ?? 'vm',
      hypervisor: o.hypervisor === undefined ? 'kvm' : o.hypervisor,
      container: null,
      evidence: ['fixture'],
      cloud: null,
      cpu: {
        model: 'Fixture CPU',
        cores: 2,
        threads: 2,
        mhz: 2000,
        flags: { aes: true, sha: false, rdrand: true, avx2: true, avx512: false },
      },
      clocksource: 'tsc',
      kernel: '6.1.0',
      os: 'Fixture OS',
      memoryBytes: 4e9,
      numaNodes: 1,
    },
    rounds: 1,
    seed: 1,
    conditions: { stealPct: 0, loadAvg1Start: 0.1, loadAvg1End: 0.1 },
    workloads: [
      measuredWorkload({
        id: 'cpu.int',
        category: 'cpu',
        title: 'Integer arithmetic',
        unit: 'ops/s',
        better: 'higher',
        rounds: [{ figure, operations: figure, seconds: 1, samples: [figure], stealPct: 0 }],
      }),
    ],
  });
}
