/**
 * Added time per operation (src/stats/added-cost.ts): candidate minus base in the workload's unit, with the
 * same estimand and method as the row's ratio. Known truth: a guest that adds 75 us to every stat adds 75 us
 * whether the caller's own share is 0.8 us (Node) or 0.2 us (a C loop), while the ratio differs 4x.
 */
import { describe, expect, it } from 'vitest';
import { addedCostOfPairs, addedCostOfRounds, addedCostOfRuns, isTimePerOperation } from '../../src/stats/added-cost.js';
import { compareResults, compareRunSets } from '../../src/stats/compare.js';
import { compareDuel } from '../../src/duel/compare.js';
import { formatAddedPerOp } from '../../src/report/comparison-exporters.js';
import { comparedRow, syntheticResults } from '../../src/stats/synthetic.js';
import { addedSecondsPerOp } from '../../src/advise/app.js';

describe('added time per operation', () => {
  it('only for time-per-operation figures', () => {
    expect(isTimePerOperation('ns/call', 'lower')).toBe(true);
    expect(isTimePerOperation('us', 'lower')).toBe(true);
    expect(isTimePerOperation('us/spawn', 'lower')).toBe(true);
    expect(isTimePerOperation('us oversleep', 'lower')).toBe(false); // timer.jitter: not one operation per unit
    expect(isTimePerOperation('MB/s', 'higher')).toBe(false);
    expect(isTimePerOperation('x', 'lower')).toBe(false);
  });

  it('the same added microseconds for a Node caller (0.8 us own share) and a C caller (0.2 us), though the ratios differ', () => {
    const jitter = [0.99, 1.01, 1.0, 0.98, 1.02];
    for (const own of [800, 200]) {
      const base = jitter.map((j) => own * j);
      const cand = jitter.map((j) => (own + 75_000) * j);
      const a = addedCostOfRounds(base, cand, 'ns/call', { level: 0.95, seed: 1, resamples: 1000 });
      expect(a.point).toBeCloseTo(75_000, 6);
      expect(a.lo).toBeLessThan(75_000);
      expect(a.hi).toBeGreaterThan(75_000);
      expect(a.lo).toBeGreaterThan(70_000);
      expect(a.hi).toBeLessThan(80_000);
    }
    expect(formatAddedPerOp({ point: 75_300, lo: 70_100, hi: 80_200, level: 0.95, unit: 'ns/call', method: 'percentile' })).toBe(
      '+75.3 us/call [+70.1, +80.2]',
    );
  });

  it('runs: Welch across run medians; pairs: Hodges-Lehmann with the Walsh interval', () => {
    const r = addedCostOfRuns([100, 102, 98], [150, 152, 148], 'ns/call', 0.95);
    expect(r.point).toBeCloseTo(50, 9);
    expect(r.method).toBe('runs-t');
    expect(r.lo).toBeLessThan(50);
    const p = addedCostOfPairs([100, 101, 99, 100, 102, 98, 100], [110, 111, 109, 110, 112, 108, 110], 'us', 0.95);
    expect(p.point).toBeCloseTo(10, 9);
    expect(p.method).toBe('walsh');
  });

  it('every command path carries it on the row: compare (one run and several), duel', () => {
    const w = (shift: number) => [
      { id: 'sys.stat', category: 'syscall' as const, better: 'lower' as const, unit: 'ns/call', figure: 1000, shift, rounds: 6 },
      { id: 'cpu.int', category: 'cpu' as const, better: 'higher' as const, figure: 500, shift, rounds: 6 },
    ];
    const base = syntheticResults({ label: 'b', seed: 1, workloads: w(0) });
    const cand = syntheticResults({ label: 'c', seed: 2, workloads: w(Math.log(3)) });
    for (const c of [
      compareResults(base, cand),
      compareRunSets(
        [base, syntheticResults({ label: 'b', seed: 3, workloads: w(0) })],
        [cand, syntheticResults({ label: 'c', seed: 4, workloads: w(Math.log(3)) })],
      ),
      compareDuel(base, cand),
    ]) {
      const stat = c.rows.find((r) => r.id === 'sys.stat');
      const int = c.rows.find((r) => r.id === 'cpu.int');
      if (stat?.status !== 'compared' || int?.status !== 'compared') throw new Error('not compared');
      expect(stat.addedPerOp?.point).toBeGreaterThan(1700);
      expect(stat.addedPerOp?.point).toBeLessThan(2300);
      expect(stat.addedPerOp?.unit).toBe('ns/call');
      expect(int.addedPerOp).toBeUndefined();
    }
  });

  it("advise --app prices with the engine's added cost (its interval), on own time where given", () => {
    const row = comparedRow('sys.stat', { point: 9000, lo: 8500, hi: 9600 }, 'syscall');
    row.unit = 'ns/call';
    row.base.median = 820;
    row.cand.median = 75_820;
    row.addedPerOp = { point: 75_000, lo: 70_000, hi: 80_000, level: 0.95, unit: 'ns/call', method: 'percentile' };
    const a = addedSecondsPerOp(row);
    expect(a?.point).toBeCloseTo(75e-6, 12);
    expect(a?.lo).toBeCloseTo(70e-6, 12);
    expect(a?.hi).toBeCloseTo(80e-6, 12);
    const own = addedSecondsPerOp(row, { base: 800, cand: 76_000 });
    expect(own?.point).toBeCloseTo(75.2e-6, 12);
    expect((own?.hi as number) - (own?.lo as number)).toBeCloseTo(10e-6, 12);
  });
});
