/**
 * A fixed-seed subset of the coverage tables in docs/compare.md (scripts/coverage-tables.ts runs ~1,000 data
 * sets per cell): the cases issue 22 found wrong. Batches inside a round are not independent (a CPU quota
 * stalls a run of them), so they must not be resampled; a run's offset hits every workload of the run, so the
 * overall index must count it once; a sixth run per side must not widen the interval.
 */
import { describe, expect, it } from 'vitest';
import { simulateCell, type Cell } from '../../src/stats/coverage-sim.js';

const cell: Cell = { pattern: 'lognormal', runs: 1, rounds: 5, workloads: 1, runSd: 0, roundSd: 0.02, shift: 0 };

describe('coverage tables (fixed-seed subset)', () => {
  it('quota and rare-huge-stall batches: rows cover the truth and A/A rows are rarely called', () => {
    for (const pattern of ['quota', 'rare-huge'] as const) {
      const r = simulateCell({ ...cell, pattern }, 60, 3);
      expect(r.rowCoverage, pattern).toBeGreaterThanOrEqual(0.9);
      expect(r.calledShare, pattern).toBeLessThanOrEqual(0.05);
    }
  });

  it('overall index, 3 runs per side, one 5% offset per run shared by 12 workloads: covers 0 in >= 90% of A/A comparisons', () => {
    const r = simulateCell({ ...cell, runs: 3, rounds: 10, workloads: 12, runSd: 0.05, roundSd: 0.01 }, 60, 4);
    console.log(`overall coverage ${(100 * r.overallCoverage).toFixed(1)}%, rows ${(100 * r.rowCoverage).toFixed(1)}%`);
    expect(r.overallCoverage).toBeGreaterThanOrEqual(0.9);
  });

  it('more data never hurts: 6 runs per side give a narrower mean interval and no less power than 5', () => {
    const at = (runs: number) => simulateCell({ ...cell, runs, rounds: 5, runSd: 0.01, roundSd: 0.05, shift: Math.log(1.05) }, 100, 5);
    const five = at(5);
    const six = at(6);
    console.log(
      `5 v 5: width ${five.rowWidth.toFixed(2)}, power ${five.calledShare}; 6 v 6: width ${six.rowWidth.toFixed(2)}, power ${six.calledShare}`,
    );
    expect(six.rowWidth).toBeLessThan(five.rowWidth);
    expect(six.calledShare).toBeGreaterThanOrEqual(five.calledShare - 0.05);
  });
});
