/**
 * The exact bootstrap distribution of the median (bootstrap.ts, Maritz & Jarrett 1978) against brute force:
 * every one of the n^n resamples of n values enumerated, for n = 3 to 6 with ties; and the golden 3-value case.
 */
import { describe, expect, it } from 'vitest';
import { atomsQuantiles, exactLogMedianDistribution, medianOf } from '../../src/stats/bootstrap.js';

function bruteForce(xs: number[]): Map<string, number> {
  const n = xs.length;
  const out = new Map<string, number>();
  const idx = new Array<number>(n).fill(0);
  const total = n ** n;
  for (let t = 0; t < total; t++) {
    let r = t;
    for (let i = 0; i < n; i++) {
      idx[i] = r % n;
      r = Math.floor(r / n);
    }
    const key = Math.log(medianOf(idx.map((i) => xs[i] as number))).toFixed(10);
    out.set(key, (out.get(key) ?? 0) + 1 / total);
  }
  return out;
}

describe('exact bootstrap distribution of ln median', () => {
  it('three values 1, 2, 3: P(median = 1) = 7/27, P(2) = 13/27, P(3) = 7/27', () => {
    const a = exactLogMedianDistribution([3, 1, 2]);
    expect([...a.values]).toEqual([0, Math.log(2), Math.log(3)]);
    expect(a.probs[0]).toBeCloseTo(7 / 27, 12);
    expect(a.probs[1]).toBeCloseTo(13 / 27, 12);
    expect(a.probs[2]).toBeCloseTo(7 / 27, 12);
  });

  it.each([[[5, 1, 9, 2]], [[1, 2, 2, 7, 3]], [[4, 8, 15, 16, 23, 42]], [[2, 2, 2, 3, 3, 5]]])(
    'equals the enumeration of every resample of %j',
    (xs) => {
      const a = exactLogMedianDistribution(xs);
      const bf = bruteForce(xs);
      const got = new Map<string, number>();
      a.values.forEach((v, i) => got.set(v.toFixed(10), (got.get(v.toFixed(10)) ?? 0) + (a.probs[i] as number)));
      expect([...got.keys()].sort()).toEqual([...bf.keys()].sort());
      for (const [k, p] of bf) expect(got.get(k), k).toBeCloseTo(p, 10);
    },
  );

  it('quantiles mirror under negation', () => {
    const a = exactLogMedianDistribution([4, 8, 15, 16, 23, 42]);
    const neg = { values: Float64Array.from([...a.values].reverse(), (x) => -x), probs: Float64Array.from([...a.probs].reverse()) };
    const q = atomsQuantiles(a, 0.025);
    const qn = atomsQuantiles(neg, 0.025);
    expect(qn.lo).toBe(-q.hi);
    expect(qn.hi).toBe(-q.lo);
  });
});
