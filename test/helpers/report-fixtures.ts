/**
 * Hand-built results files and comparisons for the report and advisor tests (and the report benchmark).
 * Comparisons here follow the contract in src/stats/types.ts; verdicts come from src/stats/verdict.ts.
 */
import type { Comparison, Estimate, RowComparison } from '../../src/stats/types.js';
import { verdictOf } from '../../src/stats/verdict.js';
import { measuredWorkload, resultsFileOf } from '../../src/stats/synthetic.js';
import type { Better, Category, Fingerprint, ResultsFile, WorkloadResult } from '../../src/types.js';

export interface WorkloadSpec {
  id: string;
  category: Category;
  better: Better;
  unit: string;
  /** Round figures; each round gets a few batch samples around its figure. */
  figures: number[];
  extra?: Record<string, unknown>;
}

export function fingerprintOf(
  over: Partial<Fingerprint> & { cpuModel?: string; flags?: Partial<Fingerprint['cpu']['flags']> } = {},
): Fingerprint {
  const { cpuModel, flags, ...rest } = over;
  return {
    hostname: 'host-1',
    platform: 'metal',
    hypervisor: null,
    container: null,
    evidence: [],
    cloud: null,
    cpu: {
      model: cpuModel ?? 'AMD EPYC 7R13',
      cores: 8,
      threads: 16,
      mhz: 2650,
      flags: { aes: true, sha: true, rdrand: true, avx2: true, avx512: false, ...flags },
    },
    clocksource: 'tsc',
    kernel: '6.1.0',
    os: 'Debian GNU/Linux 12',
    memoryBytes: 32 * 2 ** 30,
    numaNodes: 1,
    ...rest,
  };
}

export function resultsOf(label: string, host: Fingerprint, workloads: (WorkloadSpec | WorkloadResult)[], seed = 1): ResultsFile {
  return resultsFileOf({
    id: `00000000-0000-4000-8000-${String(Math.abs(hash(label)))
      .padStart(12, '0')
      .slice(0, 12)}`,
    label,
    startedAt: '2026-11-25T10:00:00.000Z',
    finishedAt: '2026-11-25T10:10:00.000Z',
    host,
    suite: 'standard',
    rounds: 5,
    seed,
    conditions: { stealPct: host.platform === 'metal' ? 0 : 0.4, loadAvg1Start: 0.1, loadAvg1End: 0.2 },
    workloads: workloads.map((w) => {
      if ('status' in w) return w;
      const rounds = w.figures.map((f, i) => ({
        figure: f,
        operations: 1000,
        seconds: 1,
        samples: [f * 0.98, f, f * 1.01, f * (w.better === 'lower' ? 1.2 : 0.85)],
        stealPct: i % 2 ? 0.1 : 0,
      }));
      return measuredWorkload({ ...w, title: `${w.id} title`, rounds });
    }),
  });
}

function hash(s: string): number {
  let h = 7;
  for (const ch of s) h = (h * 31 + ch.charCodeAt(0)) | 0;
  return h;
}

export function estimate(point: number, lo: number, hi: number): Estimate {
  return { point, lo, hi, level: 0.95, method: 'percentile' };
}

/** A compared row with a given overhead interval; the verdict comes from the one verdict function. */
export function rowOf(id: string, category: Category, e: Estimate, noisePct = 1, tailRatio: number | null = 1.02): RowComparison {
  const side = { median: 100, rounds: 5, cv: 0.01, p50: 100, p99: 110, stealPct: 0 };
  return {
    status: 'compared',
    id,
    category,
    title: `${id} title`,
    unit: 'ns/op',
    better: 'lower',
    base: side,
    cand: { ...side, median: 100 * (1 + e.point / 100) },
    overheadPct: e,
    logRatio: { ...e, point: Math.log1p(e.point / 100), lo: Math.log1p(e.lo / 100), hi: Math.log1p(e.hi / 100) },
    pValue: 0.01,
    qValue: 0.02,
    verdict: verdictOf(e, noisePct),
    roundsToSettle: verdictOf(e, noisePct) === 'inconclusive' ? 12 : null,
    tailRatio,
    notes: [],
    noteCodes: [],
  };
}

/** Equal weight per category of the compared rows, as the engine gives (src/stats/overall.ts). */
function equalWeights(rows: RowComparison[]): Partial<Record<Category, number>> {
  const cats = [...new Set(rows.flatMap((r) => (r.status === 'compared' ? [r.category] : [])))];
  return Object.fromEntries(cats.map((c) => [c, 1 / cats.length]));
}

export function comparisonOf(
  base: ResultsFile,
  cand: ResultsFile,
  rows: RowComparison[],
  overall: Estimate | null,
  warnings: string[] = [],
): Comparison {
  return {
    schema: 'virtax.comparison/v1',
    base: { id: base.id, label: base.label, host: base.host },
    cand: { id: cand.id, label: cand.label, host: cand.host },
    settings: { noisePct: 1, alpha: 0.05, level: 0.95, resamples: 10000, seed: 1 },
    rows,
    overall: overall
      ? {
          overheadPct: overall,
          logRatio: {
            ...overall,
            point: Math.log1p(overall.point / 100),
            lo: Math.log1p(overall.lo / 100),
            hi: Math.log1p(overall.hi / 100),
          },
          workloads: rows.filter((r) => r.status === 'compared').length,
          weights: equalWeights(rows),
        }
      : null,
    noise: {
      baseCv: 0.01,
      candCv: 0.02,
      cvRatio: estimate(2, 1.2, 3.1),
      baseTail: 1.1,
      candTail: 1.3,
      tailRatio: estimate(1.18, 1.05, 1.3),
      baseStealPct: 0,
      candStealPct: 0.4,
      stealDiffPct: estimate(0.4, 0.1, 0.7),
    },
    envDiffs:
      base.host.cpu.model === cand.host.cpu.model ? [] : [{ field: 'cpu.model', base: base.host.cpu.model, cand: cand.host.cpu.model }],
    warnings,
    warningCodes: warnings.map((text) => ({ code: 'text', text })),
  };
}

export const WORKLOADS: WorkloadSpec[] = [
  { id: 'cpu.int', category: 'cpu', better: 'higher', unit: 'ops/s', figures: [100, 101, 99, 100.5, 100.2] },
  { id: 'mem.latency', category: 'memory', better: 'lower', unit: 'ns/access', figures: [80, 81, 79.5, 80.2, 80.8] },
  { id: 'sys.clock', category: 'syscall', better: 'lower', unit: 'ns/call', figures: [20, 20.5, 19.8, 20.1, 20.3] },
  { id: 'crypto.aes-gcm', category: 'crypto', better: 'higher', unit: 'MB/s', figures: [2000, 1990, 2010, 2005, 1995] },
  { id: 'net.tcp-rtt', category: 'network', better: 'lower', unit: 'us', figures: [30, 31, 29, 30.5, 30.2] },
];

/** Three hosts (metal baseline, a KVM VM, a container) with hand-set overheads, and a noisy workload. */
export function threeHosts(vmLabel = 'kvm-vm') {
  // The shape src/workloads/noisy.ts records, after the runner appends one value per round.
  const kinds = (cpu: number, mem: number) => ({
    cpu: { slowdown: 1.2, tailAmplification: cpu, stealPctAlone: 0.1, stealPctWith: 0.5 },
    memory: { slowdown: 1.1, tailAmplification: mem, stealPctAlone: 0.1, stealPctWith: 0.2 },
  });
  const noisyExtra = {
    tailAmplification: [1.3, 1.45, 1.4],
    byKind: [kinds(1.4, 1.2), kinds(1.5, 1.3), kinds(1.6, 1.4)],
    phases: [
      [
        { phase: 'alone', figure: 30, p50: 29, p99: 33, stealPct: 0.1 },
        { phase: 'cpu', figure: 36, p50: 34, p99: 50, stealPct: 0.5 },
      ],
    ],
  };
  const metal = resultsOf('metal', fingerprintOf({ hostname: 'metal-1' }), WORKLOADS);
  const vm = resultsOf(
    vmLabel,
    fingerprintOf({ hostname: 'vm-1', platform: 'vm', hypervisor: 'kvm', clocksource: 'kvm-clock', flags: { rdrand: false } }),
    [
      ...WORKLOADS,
      { id: 'noisy.net.tcp-rtt', category: 'noisy-neighbor', better: 'lower', unit: 'x', figures: [1.1, 1.25, 1.2], extra: noisyExtra },
    ],
  );
  const ctr = resultsOf(
    'docker',
    fingerprintOf({ hostname: 'ctr-1', platform: 'container', container: 'docker', cpuModel: 'Intel Xeon 8375C' }),
    [...WORKLOADS, { id: 'io.fsync', category: 'storage', status: 'skipped', title: 'fsync', reason: 'no writable disk' }],
  );
  const vmRows = [
    rowOf('cpu.int', 'cpu', estimate(0.2, -0.4, 0.7)),
    rowOf('mem.latency', 'memory', estimate(6.1, 4.2, 8.3), 1, 1.15),
    rowOf('sys.clock', 'syscall', estimate(75, 70, 81), 1, 1.4),
    rowOf('crypto.aes-gcm', 'crypto', estimate(0.8, -1.5, 3.0)),
    rowOf('net.tcp-rtt', 'network', estimate(80, 71, 90), 1, 1.6),
  ];
  const ctrRows = [
    rowOf('cpu.int', 'cpu', estimate(-0.3, -0.8, 0.1)),
    rowOf('mem.latency', 'memory', estimate(0.5, -0.5, 0.9)),
    rowOf('sys.clock', 'syscall', estimate(1.5, 0.2, 2.9)),
    rowOf('crypto.aes-gcm', 'crypto', estimate(-3, -4.5, -1.6)),
    rowOf('net.tcp-rtt', 'network', estimate(12, 9, 15), 1, 1.1),
    {
      status: 'not-compared' as const,
      id: 'io.fsync',
      category: 'storage' as const,
      title: 'fsync',
      reason: 'skipped on docker: no writable disk',
    },
  ];
  const comparisons = [
    comparisonOf(metal, vm, vmRows, estimate(5.2, 3.9, 6.6)),
    comparisonOf(metal, ctr, ctrRows, estimate(1.8, 0.9, 2.7), ['CPU models differ: AMD EPYC 7R13 vs Intel Xeon 8375C']),
  ];
  return { files: [metal, vm, ctr], comparisons };
}
