import { describe, expect, it } from 'vitest';
import { compareNoise, stealDifference } from '../../src/stats/noise.js';
import { percentileInterval } from '../../src/stats/bootstrap.js';
import { createRng } from '../../src/stats/random.js';

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
    const one = compareNoise(
      [{ baseCv: 0.01, candCv: 0.03, baseTail: 1, candTail: 1 }],
      { base: null, cand: null, baseRounds: [], candRounds: [] },
      opts,
    );
    expect(one?.cvRatio).toBeNull();
    expect(one?.candCv).toBe(0.03);
    expect(
      compareNoise(
        [{ baseCv: 0, candCv: 0, baseTail: Number.NaN, candTail: 0 }],
        { base: null, cand: null, baseRounds: [], candRounds: [] },
        opts,
      ),
    ).toBeNull();
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

describe('stealDifference draws (kept between calls)', () => {
  /** The plain loop: one below() per draw, base then candidate in each resample. */
  function reference(base: number[], cand: number[], resamples: number, level: number, seed: number) {
    const rng = createRng(seed);
    const reps = new Float64Array(resamples);
    for (let b = 0; b < resamples; b++) {
      let sb = 0;
      for (let i = 0; i < base.length; i++) sb += base[rng.below(base.length)] as number;
      let sc = 0;
      for (let i = 0; i < cand.length; i++) sc += cand[rng.below(cand.length)] as number;
      reps[b] = sc / cand.length - sb / base.length;
    }
    return percentileInterval(reps, level);
  }
  it('gives the interval of drawing every index afresh, for repeated and different shapes', () => {
    const rng = createRng(5);
    const readings = (n: number) => Array.from({ length: n }, () => (rng.float() < 0.5 ? 0 : rng.float() * 3));
    for (const [nb, nc, seed] of [
      [250, 250, 1],
      [250, 250, 1],
      [250, 240, 1],
      [7, 9, 3],
      [250, 250, 1],
      [30, 30, 1 ^ 0x1b873593],
    ] as const) {
      const base = readings(nb);
      const cand = readings(nc);
      const got = stealDifference(base, cand, 500, 0.95, seed);
      if (!got) throw new Error('stealDifference gave nothing for two samples of readings');
      const ref = reference(base, cand, 500, 0.95, seed);
      // The point is a difference of means (simple-statistics sums with compensation: equal to the plain sum to ~1e-15).
      const mean = (xs: number[]) => xs.reduce((a, x) => a + x, 0) / xs.length;
      const point = mean(cand) - mean(base);
      expect(got.point).toBeCloseTo(point, 12);
      expect(got).toEqual({
        point: got.point,
        lo: Math.min(got.point, ref.lo),
        hi: Math.max(got.point, ref.hi),
        level: 0.95,
        method: 'percentile',
      });
    }
  });
});
