import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  countRows,
  decideRows,
  exitCodeOf,
  idMatches,
  maxRegressionFor,
  overallOutcome,
  thresholdOutcome,
  workloadSides,
} from '../../src/gate/decide.js';
import type { GatePolicy } from '../../src/gate/types.js';
import { verdictOf } from '../../src/stats/verdict.js';
import type { SideStatus } from '../../src/gate/types.js';
import { comparedRow, comparisonOf, syntheticResults } from '../../src/stats/synthetic.js';

const policy = (over: Partial<GatePolicy> = {}): GatePolicy => ({ defaultMaxRegressionPct: 5, perWorkload: {}, ignore: [], ...over });
const sidesOf = (entries: [string, SideStatus, SideStatus, string?][]) =>
  new Map(entries.map(([id, base, cur, reason]) => [id, { base, cur, reason: reason ?? null }]));

describe('gate decision on an overhead interval against the max regression', () => {
  it('fails only when the whole interval lies above the max', () => {
    expect(thresholdOutcome({ lo: 8.1, hi: 12.3 }, 5)).toBe('fail');
    expect(thresholdOutcome({ lo: 5.01, hi: 6 }, 5)).toBe('fail');
  });
  it('passes when the upper bound is below the max, including wide improvements', () => {
    expect(thresholdOutcome({ lo: -1, hi: 2 }, 5)).toBe('pass');
    expect(thresholdOutcome({ lo: -40, hi: 4.99 }, 5)).toBe('pass');
    expect(thresholdOutcome({ lo: -30, hi: -20 }, 5)).toBe('pass');
  });
  it('is inconclusive when the interval contains the max, boundaries included', () => {
    expect(thresholdOutcome({ lo: 1, hi: 9 }, 5)).toBe('inconclusive');
    expect(thresholdOutcome({ lo: 5, hi: 9 }, 5)).toBe('inconclusive');
    expect(thresholdOutcome({ lo: 0, hi: 5 }, 5)).toBe('inconclusive');
    expect(thresholdOutcome({ lo: -10, hi: 20 }, 5)).toBe('inconclusive');
  });
  it('a zero max fails any interval wholly above zero', () => {
    expect(thresholdOutcome({ lo: 0.1, hi: 0.2 }, 0)).toBe('fail');
    expect(thresholdOutcome({ lo: -0.2, hi: -0.1 }, 0)).toBe('pass');
  });
  it('property: fail iff lo > M (the shared verdict says slower), pass iff hi < M, otherwise inconclusive', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -50, max: 50, noNaN: true }),
        fc.double({ min: 0, max: 50, noNaN: true }),
        fc.double({ min: 0, max: 20, noNaN: true }),
        (lo, width, m) => {
          const iv = { lo, hi: lo + width };
          const o = thresholdOutcome(iv, m);
          expect(o === 'fail').toBe(iv.lo > m);
          expect(o === 'fail').toBe(verdictOf(iv, m) === 'slower');
          expect(o === 'pass').toBe(iv.hi < m);
        },
      ),
    );
  });
});

describe('max regression per workload', () => {
  const p = policy({ perWorkload: { 'io.fsync': 15, net: 10, 'net.*-rtt': 20, 'mem.*': 8 } });
  it('exact id wins, then the longest matching pattern, then the default', () => {
    expect(maxRegressionFor('io.fsync', p)).toBe(15);
    expect(maxRegressionFor('net.tcp-rtt', p)).toBe(20);
    expect(maxRegressionFor('net.http', p)).toBe(10);
    expect(maxRegressionFor('mem.latency', p)).toBe(8);
    expect(maxRegressionFor('cpu.int', p)).toBe(5);
  });
  it('patterns: ids, families and * globs', () => {
    expect(idMatches('mem.latency', 'mem')).toBe(true);
    expect(idMatches('memx.latency', 'mem')).toBe(false);
    expect(idMatches('noisy.cpu.int', 'noisy.*')).toBe(true);
    expect(idMatches('sys.stat', 'sys.s*t')).toBe(true);
    expect(idMatches('sys.read', 'sys.s*t')).toBe(false);
  });
});

describe('gate rows and the run outcome from a hand-built comparison', () => {
  it('judges each compared row by its own max and marks the rest', () => {
    const comparison = comparisonOf([
      comparedRow('cpu.int', { point: 10, lo: 8, hi: 12 }),
      comparedRow('cpu.float', { point: 0.2, lo: -1, hi: 1.5 }),
      comparedRow('io.fsync', { point: 10, lo: 8, hi: 12 }, 'storage'),
      comparedRow('sys.stat', { point: 4, lo: 1, hi: 9 }, 'syscall'),
      { status: 'not-compared', id: 'timer.jitter', category: 'process', title: 'jitter', reason: 'skipped in the baseline' },
    ]);
    const sides = sidesOf([
      ['cpu.int', 'ok', 'ok'],
      ['cpu.float', 'ok', 'ok'],
      ['io.fsync', 'ok', 'ok'],
      ['sys.stat', 'ok', 'ok'],
      ['timer.jitter', 'skipped', 'ok'],
      ['mem.latency', 'ok', 'failed', 'worker died'],
      ['mem.bandwidth', 'ok', 'absent'],
      ['crypto.random', 'ok', 'skipped', 'no getrandom'],
      ['net.http', 'absent', 'ok'],
      ['noisy.cpu', 'ok', 'ok'],
    ]);
    const rows = decideRows({ comparison, sides, policy: policy({ perWorkload: { 'io.fsync': 15 }, ignore: ['noisy.*'] }), only: null });
    const byId = Object.fromEntries(rows.map((r) => [r.id, r]));
    expect(byId['cpu.int']?.outcome).toBe('fail');
    expect(byId['cpu.float']?.outcome).toBe('pass');
    expect(byId['io.fsync']?.outcome).toBe('pass');
    expect(byId['sys.stat']?.outcome).toBe('inconclusive');
    expect(byId['timer.jitter']).toMatchObject({ outcome: 'not-compared', reason: 'skipped in the baseline' });
    expect(byId['mem.latency']).toMatchObject({ outcome: 'crashed', reason: 'failed in the current run: worker died' });
    expect(byId['mem.bandwidth']?.outcome).toBe('missing');
    expect(byId['crypto.random']).toMatchObject({ outcome: 'missing', reason: 'skipped in the current run: no getrandom' });
    expect(byId['net.http']).toMatchObject({ outcome: 'not-compared', reason: 'new workload: not in the baseline' });
    expect(byId['noisy.cpu']?.outcome).toBe('ignored');
    expect(rows.map((r) => r.id)).toEqual([...sides.keys()]);
    expect(overallOutcome(rows)).toBe('fail');
    expect(countRows(rows)).toEqual({ pass: 2, fail: 1, inconclusive: 1, crashed: 1, missing: 2, ignored: 1, 'not-compared': 2 });
  });

  it('--only keeps the selected ids', () => {
    const comparison = comparisonOf([
      comparedRow('cpu.int', { point: 10, lo: 8, hi: 12 }),
      comparedRow('cpu.float', { point: 0, lo: -1, hi: 1 }),
    ]);
    const rows = decideRows({
      comparison,
      sides: sidesOf([
        ['cpu.int', 'ok', 'ok'],
        ['cpu.float', 'ok', 'ok'],
      ]),
      policy: policy(),
      only: ['cpu.float'],
    });
    expect(rows.map((r) => [r.id, r.outcome])).toEqual([['cpu.float', 'pass']]);
    expect(overallOutcome(rows)).toBe('pass');
  });

  it('run outcome: any fail or crash fails; else any inconclusive or missing is inconclusive; else pass', () => {
    const c = comparisonOf([comparedRow('a.x', { point: 0, lo: -1, hi: 1 }), comparedRow('b.x', { point: 4, lo: 1, hi: 8 })]);
    const rows = decideRows({
      comparison: c,
      sides: sidesOf([
        ['a.x', 'ok', 'ok'],
        ['b.x', 'ok', 'ok'],
      ]),
      policy: policy(),
      only: null,
    });
    expect(overallOutcome(rows)).toBe('inconclusive');
    const missing = decideRows({
      comparison: comparisonOf([comparedRow('a.x', { point: 0, lo: -1, hi: 1 })]),
      sides: sidesOf([
        ['a.x', 'ok', 'ok'],
        ['b.x', 'ok', 'absent'],
      ]),
      policy: policy(),
      only: null,
    });
    expect(overallOutcome(missing)).toBe('inconclusive');
    const crashed = decideRows({
      comparison: comparisonOf([comparedRow('a.x', { point: 0, lo: -1, hi: 1 })]),
      sides: sidesOf([
        ['a.x', 'ok', 'ok'],
        ['b.x', 'ok', 'failed'],
      ]),
      policy: policy(),
      only: null,
    });
    expect(overallOutcome(crashed)).toBe('fail');
  });

  it('exit codes: pass 0, fail 1, inconclusive 0 or 3 under --strict', () => {
    expect(exitCodeOf('pass', false)).toBe(0);
    expect(exitCodeOf('pass', true)).toBe(0);
    expect(exitCodeOf('fail', false)).toBe(1);
    expect(exitCodeOf('fail', true)).toBe(1);
    expect(exitCodeOf('inconclusive', false)).toBe(0);
    expect(exitCodeOf('inconclusive', true)).toBe(3);
  });

  it("workloadSides reads each file's statuses", () => {
    const base = syntheticResults({
      seed: 1,
      rounds: 2,
      batches: 3,
      workloads: [
        { id: 'cpu.int', figure: 10 },
        { id: 'cpu.float', figure: 10, status: 'skipped' },
      ],
    });
    const cur = syntheticResults({ seed: 2, rounds: 2, batches: 3, workloads: [{ id: 'cpu.int', figure: 10, status: 'failed' }] });
    const s = workloadSides(base, cur);
    expect(s.get('cpu.int')).toEqual({ base: 'ok', cur: 'failed', reason: 'synthetic failed' });
    expect(s.get('cpu.float')).toEqual({ base: 'skipped', cur: 'absent', reason: null });
  });
});
