import { describe, expect, it } from 'vitest';
import { compareNoise, stealDifference } from '../src/stats/noise.js';

const opts = { resamples: 500, level: 0.95, seed: 3 };

describe('noise comparison of two hosts', () => {
  it('CV and tail ratios: medians over workloads, cand/base, with intervals over paired workloads', () => {
    const rows = [
      { baseCv: 0.01, candCv: 0.02, baseTail: 1.2, candTail: 1.8 },
      { baseCv: 0.02, candCv: 0.04, baseTail: 1.1, candTail: 1.65 },
      { baseCv: 0.03, candCv: 0.06, baseTail: 1.4, candTail: 2.1 },
    ];
    const n = compareNoise(rows, { base: 0.1, cand: 2, baseRounds: [], candRounds: [] }, opts);
    expect(n?.baseCv).toBe(0.02);
    expect(n?.candCv).toBe(0.04);
    // every workload doubles its CV: the ratio is 2 in every resample
    expect(n?.cvRatio?.point).toBeCloseTo(2, 12);
    expect(n?.cvRatio?.lo).toBeCloseTo(2, 12);
    expect(n?.cvRatio?.hi).toBeCloseTo(2, 12);
    expect(n?.baseTail).toBe(1.2);
    expect(n?.tailRatio?.point).toBeCloseTo(1.5, 12);
    expect(n?.stealDiffPct).toBeNull(); // no per-round steal readings
  });

  it('one workload gives medians but no ratio interval; no usable rows gives null', () => {
    const one = compareNoise([{ baseCv: 0.01, candCv: 0.03, baseTail: 1, candTail: 1 }], { base: null, cand: null, baseRounds: [], candRounds: [] }, opts);
    expect(one?.cvRatio).toBeNull();
    expect(one?.candCv).toBe(0.03);
    expect(compareNoise([{ baseCv: 0, candCv: 0, baseTail: Number.NaN, candTail: 0 }], { base: null, cand: null, baseRounds: [], candRounds: [] }, opts)).toBeNull();
  });

  it('steal difference in percentage points, with an interval over rounds', () => {
    expect(stealDifference([0, 0, 0], [1, 1, 1], 200, 0.95, 1)).toEqual({ point: 1, lo: 1, hi: 1, level: 0.95, method: 'percentile' });
    const d = stealDifference([0, 2, 0, 2], [1, 1, 1, 1], 1000, 0.95, 1);
    expect(d?.point).toBe(0);
    expect(d?.lo).toBeLessThan(0);
    expect(d?.hi).toBeGreaterThan(0);
    expect(stealDifference([1], [1, 2], 200, 0.95, 1)).toBeNull();
  });
});
