/** OLS fit with t intervals (src/stats/linear-fit.ts): golden values from scipy.stats.linregress and t.ppf. */
import { describe, expect, it } from 'vitest';
import { linearFit } from '../../src/stats/linear-fit.js';

describe('linearFit', () => {
  it('matches scipy on memory-like points (1, 4, 16 instances, two rounds)', () => {
    const f = linearFit([1, 4, 16, 1, 4, 16], [10.5, 25.2, 84.9, 11.1, 24.6, 85.3]);
    expect(f).not.toBeNull();
    expect(f?.slope.point).toBeCloseTo(4.971428571428571, 12);
    expect(f?.intercept.point).toBeCloseTo(5.466666666666676, 12);
    expect(f?.slope.lo).toBeCloseTo(4.878566145104212, 9);
    expect(f?.slope.hi).toBeCloseTo(5.064290997752929, 9);
    expect(f?.intercept.lo).toBeCloseTo(4.580815578571695, 9);
    expect(f?.intercept.hi).toBeCloseTo(6.3525177547616565, 9);
    expect(f?.df).toBe(4);
  });

  it('recovers an exact line with a zero-width interval', () => {
    const f = linearFit([1, 4, 16], [6 + 20, 6 + 80, 6 + 320]);
    expect(f?.slope.point).toBeCloseTo(20, 12);
    expect(f?.intercept.point).toBeCloseTo(6, 12);
    expect((f?.slope.hi ?? NaN) - (f?.slope.lo ?? NaN)).toBeCloseTo(0, 9);
  });

  it('gives the point without bounds when two points leave no residual, and no fit without two distinct x', () => {
    const f = linearFit([1, 2], [3, 5]);
    expect(f?.slope).toEqual({ point: 2, lo: null, hi: null, stdErr: null });
    expect(f?.intercept.point).toBe(1);
    expect(linearFit([4, 4, 4], [1, 2, 3])).toBeNull();
    expect(linearFit([1], [1])).toBeNull();
    expect(linearFit([1, 2], [1])).toBeNull();
    expect(linearFit([1, 2, 3], [1, NaN, 3])).toBeNull();
  });
});
