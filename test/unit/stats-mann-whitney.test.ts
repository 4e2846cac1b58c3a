import { describe, expect, it } from 'vitest';
import { mannWhitney, midRanks, pWilcoxExact } from '../../src/stats/mann-whitney.js';

describe('Mann-Whitney U test', () => {
  it("matches R's wilcox.test help example (exact, no ties): W = 35, one-sided p = 0.1272", () => {
    const x = [0.8, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46];
    const y = [1.15, 0.88, 0.9, 0.74, 1.21];
    const r = mannWhitney(x, y);
    expect(r.w).toBe(35);
    expect(r.method).toBe('exact');
    expect(r.p).toBeCloseTo(0.2544122544122544, 12); // two-sided = 2 x 0.1272061
  });
  it('complete separation of 3 vs 3 gives exact p = 2/20 = 0.1', () => {
    expect(mannWhitney([1, 2, 3], [4, 5, 6])).toEqual({ w: 0, p: 0.1, method: 'exact' });
    expect(pWilcoxExact(0, 3, 3)).toBeCloseTo(1 / 20, 15);
  });
  it('with ties: tie-corrected normal approximation with continuity correction (hand-checked)', () => {
    // Combined ranks: 1 | 2,2,2 -> 3 | 3,3 -> 5.5 | 4,4 -> 7.5 | 5 -> 9 | 6 -> 10 | 7 -> 11.
    // Rank sum of x = 1+3+3+5.5+9 = 21.5, W = 21.5 - 15 = 6.5. Σ(t³-t) = 24+6+6 = 36.
    // σ² = 30/12 · (12 - 36/110) = 29.1818; z = (6.5 - 15 + 0.5)/5.40202 = -1.48094; p = 0.138626 (scipy agrees).
    const r = mannWhitney([1, 2, 2, 3, 5], [2, 3, 4, 4, 6, 7]);
    expect(r.w).toBe(6.5);
    expect(r.method).toBe('normal');
    expect(r.p).toBeCloseTo(0.13862587987892763, 6);
    expect(midRanks([2, 1, 2]).ranks).toEqual([2.5, 1, 2.5]);
  });
  it('identical samples give p = 1, never NaN', () => {
    expect(mannWhitney([5, 5, 5], [5, 5]).p).toBe(1);
    expect(mannWhitney([], [1]).p).toBe(1);
  });
});
