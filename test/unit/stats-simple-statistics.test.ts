/**
 * src/stats/describe.ts takes its mean, sample variance and sample standard deviation from simple-statistics
 * (issue 26: a well-kept library where its function is exactly the method). Its sums are compensated, so they agree
 * with the plain formulas to rounding, and the edge cases keep the project's conventions (NaN mean of nothing, 0
 * spread of fewer than two values). Its quantileSorted is type 7, as the hand-written one was.
 */
import { describe, expect, it } from 'vitest';
import { mean, quantileSorted, sampleVariance, sortedOf, stddev } from '../../src/stats/describe.js';
import { createRng } from '../../src/stats/random.js';

const plainMean = (xs: number[]) => xs.reduce((a, x) => a + x, 0) / xs.length;
const plainVar = (xs: number[]) => xs.reduce((a, x) => a + (x - plainMean(xs)) ** 2, 0) / (xs.length - 1);

describe('mean, variance and SD from simple-statistics', () => {
  it('equal the plain formulas to 1e-12 on 200 random samples of every size from 2 to 201', () => {
    const rng = createRng(7);
    for (let n = 2; n <= 201; n++) {
      const xs = Array.from({ length: n }, () => Math.exp(3 * rng.float()) * (rng.float() < 0.1 ? 50 : 1));
      expect(mean(xs)).toBeCloseTo(plainMean(xs), 12);
      expect(sampleVariance(xs) / plainVar(xs)).toBeCloseTo(1, 12);
      expect(stddev(xs) / Math.sqrt(plainVar(xs))).toBeCloseTo(1, 12);
    }
  });

  it('keep the edge conventions: NaN mean of nothing, no spread below two values', () => {
    expect(mean([])).toBeNaN();
    expect(sampleVariance([3])).toBe(0);
    expect(stddev([3])).toBe(0);
    expect(stddev([])).toBe(0);
  });

  it("quantiles are type 7 (R's default), as the hand-written ones were, on 5,000 random samples", () => {
    const rng = createRng(11);
    const type7 = (s: number[], p: number) => {
      const h = (s.length - 1) * p;
      const lo = Math.floor(h);
      return (s[lo] as number) + (h - lo) * ((s[Math.min(s.length - 1, lo + 1)] as number) - (s[lo] as number));
    };
    expect(quantileSorted(sortedOf([1, 2, 3, 4, 5, 6]), 0.75)).toBe(4.75);
    for (let k = 0; k < 5000; k++) {
      const xs = Array.from({ length: 1 + Math.floor(rng.float() * 40) }, () => rng.float() * 100);
      const p = rng.float();
      expect(quantileSorted(sortedOf(xs), p)).toBe(
        type7(
          [...xs].sort((a, b) => a - b),
          p,
        ),
      );
    }
    expect(quantileSorted(sortedOf([]), 0.5)).toBeNaN();
    expect(quantileSorted(sortedOf([1, 2]), 1.5)).toBe(2);
  });
});
