import { describe, expect, it } from 'vitest';
import { normCdf, normQuantile, tCdf, tQuantile } from '../../src/stats/distributions.js';

// Reference values from scipy.stats 1.17 (norm.cdf, norm.ppf, t.ppf), which agree with R's pnorm/qnorm/qt.
describe('normal and t distributions match reference values', () => {
  it('normal CDF', () => {
    expect(normCdf(1.96)).toBeCloseTo(0.9750021048517795, 14);
    expect(normCdf(0)).toBeCloseTo(0.5, 12);
    expect(normCdf(-5) / 2.866515718791933e-7).toBeCloseTo(1, 5); // relative accuracy in the tail
  });
  it('normal quantile, exactly symmetric and exactly 0 at 0.5', () => {
    expect(normQuantile(0.975)).toBeCloseTo(1.959963984540054, 12);
    expect(normQuantile(0.5)).toBe(0);
    expect(normQuantile(0.01)).toBe(-normQuantile(0.99));
    expect(normQuantile(0)).toBe(-Infinity);
    expect(Number.isNaN(normQuantile(1.5))).toBe(true);
  });
  it('t quantiles for whole and fractional degrees of freedom', () => {
    const ref: [number, number][] = [
      [1, 12.70620474],
      [2, 4.30265273],
      [8, 2.30600414],
      [10, 2.22813885],
      [3.5, 2.94008864],
      [30, 2.04227246],
    ];
    for (const [nu, q] of ref) expect(tQuantile(0.975, nu)).toBeCloseTo(q, 6);
    expect(tCdf(2.22813885, 10)).toBeCloseTo(0.975, 8);
    expect(tQuantile(0.025, 8)).toBe(-tQuantile(0.975, 8));
  });
});
