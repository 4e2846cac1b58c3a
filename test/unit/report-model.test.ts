import { describe, expect, it } from 'vitest';
import { buildReportModel } from '../../src/report/model.js';
import { numericLeaves } from '../../src/results/noisy.js';
import { comparisonOf, estimate, fingerprintOf, resultsOf, rowOf, threeHosts, WORKLOADS } from '../helpers/report-fixtures.js';

const opts = { baseline: 'metal', noisePct: 1, generatedAt: '2026-11-25T00:00:00.000Z', toolVersion: '0.1.0' };

describe('report model', () => {
  const { files, comparisons } = threeHosts();
  const m = buildReportModel({ files, comparisons, ...opts });

  it('has one headline per non-baseline host with the overall interval and its verdict', () => {
    expect(m.headlines.map((h) => h.label)).toEqual(['kvm-vm', 'docker']);
    const vm = m.headlines[0]!;
    expect(vm.overall).toMatchObject({ point: 5.2, lo: 3.9, hi: 6.6 });
    expect(vm.overallVerdict).toBe('slower');
    expect(m.headlines[1]!.overallVerdict).toBe('inconclusive'); // [0.9, 2.7] straddles +1%
  });

  it('names the worst three workloads by overhead and the ones that are the same', () => {
    const vm = m.headlines[0]!;
    expect(vm.worst.map((w) => w.id)).toEqual(['net.tcp-rtt', 'sys.clock', 'mem.latency']);
    expect(vm.same.map((w) => w.id)).toEqual(['cpu.int']);
    expect(vm.counts).toEqual({ slower: 3, faster: 0, same: 1, inconclusive: 1 });
    const ctr = m.headlines[1]!;
    expect(ctr.same.map((w) => w.id)).toEqual(['cpu.int', 'mem.latency']);
    expect(ctr.notCompared).toEqual([{ id: 'io.fsync', reason: 'skipped on docker: no writable disk' }]);
  });

  it('warns on host cards where CPU models differ, and in the report when any do', () => {
    const card = (l: string) => m.hosts.find((h) => h.label === l)!;
    expect(card('metal').isBaseline).toBe(true);
    expect(card('kvm-vm').warnings).toEqual([]);
    expect(card('docker').warnings.join(' ')).toMatch(/CPU models differ/);
    expect(m.warnings.join(' ')).toMatch(/2 different CPU models/);
    expect(card('kvm-vm').crypto).toEqual({ aes: true, sha: true, rdrand: false });
    expect(card('docker').notOk).toEqual([{ id: 'io.fsync', status: 'skipped', reason: 'no writable disk' }]);
  });

  it('keeps every round and the forest rows from the comparisons unchanged', () => {
    expect(m.forest).toHaveLength(10);
    const row = m.forest.find((r) => r.host === 'kvm-vm' && r.id === 'sys.clock')!;
    expect(row).toMatchObject({ point: 75, lo: 70, hi: 81, verdict: 'slower', category: 'syscall' });
    expect(m.rounds.filter((r) => r.host === 'metal' && r.id === 'cpu.int').map((r) => r.figure)).toEqual(WORKLOADS[0]!.figures);
    expect(m.workloads.map((w) => w.category)).toEqual(['cpu', 'memory', 'syscall', 'crypto', 'network', 'noisy-neighbor']);
  });

  it('computes noise per host in the worse direction (p99/p50 >= 1 for both directions)', () => {
    const cpu = m.noise.find((n) => n.host === 'metal' && n.id === 'cpu.int')!; // higher is better
    const mem = m.noise.find((n) => n.host === 'metal' && n.id === 'mem.latency')!; // lower is better
    expect(cpu.tail).toBeGreaterThan(1);
    expect(mem.tail).toBeGreaterThan(1);
    expect(m.hostNoise.find((h) => h.host === 'metal')!.cvRatio).toBeNull();
    expect(m.hostNoise.find((h) => h.host === 'kvm-vm')!.cvRatio).toMatchObject({ point: 2 });
  });

  it('reads noisy-neighbor tail amplification from extra, per aggressor kind', () => {
    const amp = m.noisy.filter((n) => n.metric === 'tail amplification');
    // Medians over rounds; the per-phase raw figures are not repeated as rows.
    expect(amp.map((n) => [n.host, n.against, n.value])).toEqual([
      ['kvm-vm', 'all neighbors', 1.4],
      ['kvm-vm', 'cpu', 1.5],
      ['kvm-vm', 'memory', 1.3],
    ]);
    expect(m.noisy.filter((n) => n.metric === 'slowdown').map((n) => [n.against, n.value])).toEqual([
      ['cpu', 1.2],
      ['memory', 1.1],
    ]);
    expect(m.noisy.filter((n) => n.metric === 'steal %').map((n) => n.against)).toEqual([
      'cpu (stealPctAlone)',
      'cpu (stealPctWith)',
      'memory (stealPctAlone)',
      'memory (stealPctWith)',
    ]);
    expect(m.noisy.every((n) => n.source === 'extra')).toBe(true);
  });

  it('falls back to p99 against the victim alone when extra has no amplification', () => {
    const wl = [
      ...WORKLOADS,
      {
        id: 'noisy.net.tcp-rtt',
        category: 'noisy-neighbor' as const,
        better: 'lower' as const,
        unit: 'us',
        figures: [60, 60],
        extra: { note: ['odd shape', { nested: 'x' }] },
      },
    ];
    const base = resultsOf('metal', fingerprintOf(), wl);
    const mm = buildReportModel({ files: [base], comparisons: [], ...opts });
    expect(mm.noisy).toHaveLength(1);
    expect(mm.noisy[0]).toMatchObject({ source: 'victim p99', victim: 'net.tcp-rtt' });
    const p99 = (id: string) => (base.workloads.find((w) => w.id === id) as { summary: { p99: number } }).summary.p99;
    expect(mm.noisy[0]!.value).toBeCloseTo(p99('noisy.net.tcp-rtt') / p99('net.tcp-rtt'), 12);
    expect(mm.noisy[0]!.value).toBeGreaterThan(1.9);
    expect(mm.headlines).toEqual([]);
  });

  it('walks odd extra shapes without throwing', () => {
    const leaves = numericLeaves({ a: [1, 2, { kind: 'cpu', p99: 3 }], b: null, c: 'x', d: { e: [[4]] } });
    expect([...leaves.entries()]).toEqual([
      ['a', [1, 2]],
      ['a.cpu.p99', [3]],
      ['d.e', [4]],
    ]);
  });

  it('is plain JSON: serialising and parsing gives the same model', () => {
    expect(JSON.parse(JSON.stringify(m))).toEqual(m);
  });

  it('refuses a baseline that is not among the files', () => {
    expect(() => buildReportModel({ files, comparisons, ...opts, baseline: 'nope' })).toThrow(/baseline "nope"/);
  });

  it('states the methodology from the comparison settings', () => {
    expect(m.methodology).toMatchObject({
      noisePct: 1,
      alpha: 0.05,
      level: 0.95,
      resamples: 10000,
      seed: 1,
      intervalMethods: { percentile: 10 },
    });
    expect(m.methodology.perHost.map((h) => h.rounds)).toEqual([5, 5, 5]);
  });

  it('uses only the verdicts given by the comparison rows', () => {
    const base = resultsOf('metal', fingerprintOf(), WORKLOADS);
    const cand = resultsOf('vm', fingerprintOf({ platform: 'vm' }), WORKLOADS);
    const row = rowOf('cpu.int', 'cpu', estimate(3, 2, 4));
    const c = comparisonOf(base, cand, [row], estimate(3, 2, 4));
    const mm = buildReportModel({ files: [base, cand], comparisons: [c], ...opts });
    expect(mm.forest[0]!.verdict).toBe(row.status === 'compared' ? row.verdict : null);
  });
});
