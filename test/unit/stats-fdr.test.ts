import { describe, expect, it } from 'vitest';
import { benjaminiHochberg } from '../../src/stats/fdr.js';

describe('Benjamini-Hochberg adjusted p-values', () => {
  it("match R's p.adjust(p, 'BH') / scipy's false_discovery_control", () => {
    const q = benjaminiHochberg([0.01, 0.04, 0.03, 0.2, 0.001, 0.5]);
    [0.03, 0.06, 0.06, 0.24, 0.006, 0.5].forEach((v, i) => expect(q[i]).toBeCloseTo(v, 12));
  });
  it('equal p-values and the edges', () => {
    expect(benjaminiHochberg([0.01, 0.02, 0.03, 0.04, 0.05]).map((x) => +x.toFixed(12))).toEqual([0.05, 0.05, 0.05, 0.05, 0.05]);
    expect(benjaminiHochberg([])).toEqual([]);
    expect(benjaminiHochberg([Number.NaN, 0.5])).toEqual([1, 1]);
  });
});
