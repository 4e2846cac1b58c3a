import { describe, expect, it } from 'vitest';
import { detectChangePoints } from '../../src/stats/changepoint.js';
import { createRng } from '../../src/stats/random.js';

/** Seeded normal noise (Box-Muller) so every series is the same on every run. */
function noise(n: number, sd: number, seed: number): number[] {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => {
    const u = Math.max(rng.float(), 1e-12);
    return sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.float());
  });
}

describe('change-point detection tells a step from a spike and a creep', () => {
  it('flags a 10% step at the right index', () => {
    const e = noise(40, 1, 1);
    const xs = e.map((v, i) => (i < 24 ? 100 : 110) + v);
    const r = detectChangePoints(xs, { seed: 7 });
    expect(r.shape).toBe('step');
    if (r.shape !== 'step') return;
    expect(r.changePoints.map((c) => c.index)).toEqual([24]);
    expect(r.changePoints[0]!.pValue).toBeLessThan(0.05);
    expect(r.changePoints[0]!.changePct).toBeGreaterThan(8);
    expect(r.changePoints[0]!.changePct).toBeLessThan(12);
  });

  it('finds two steps (up then back down) at their indices', () => {
    const e = noise(60, 1, 2);
    const xs = e.map((v, i) => (i >= 20 && i < 40 ? 90 : 100) + v);
    const r = detectChangePoints(xs, { seed: 3 });
    expect(r.shape).toBe('step');
    if (r.shape === 'step') expect(r.changePoints.map((c) => c.index)).toEqual([20, 40]);
  });

  it('does not call a single spike a step', () => {
    const xs = noise(40, 1, 4).map((v) => 100 + v);
    xs[19] = 160;
    const r = detectChangePoints(xs, { seed: 7 });
    expect(r.shape).toBe('flat');
  });

  it('calls a slow linear creep a creep, not a step', () => {
    const xs = noise(60, 0.5, 5).map((v, i) => 100 + 0.4 * i + v);
    const r = detectChangePoints(xs, { seed: 7 });
    expect(r.shape).toBe('creep');
    if (r.shape === 'creep') expect(r.slopePerPoint).toBeCloseTo(0.4, 1);
  });

  it('calls pure noise flat', () => {
    const r = detectChangePoints(
      noise(50, 1, 6).map((v) => 50 + v),
      { seed: 1 },
    );
    expect(r.shape).toBe('flat');
  });

  it('says too short below two minimum segments', () => {
    expect(detectChangePoints([1, 2, 3, 4, 5, 6, 7, 8, 9], { seed: 1, minSegment: 5 })).toEqual({
      shape: 'too-short',
      points: 9,
      needed: 10,
    });
  });

  it('is reproducible under a seed', () => {
    const xs = noise(40, 1, 8).map((v, i) => (i < 15 ? 10 : 11) + v);
    expect(detectChangePoints(xs, { seed: 42 })).toEqual(detectChangePoints(xs, { seed: 42 }));
  });

  it('rejects non-finite values', () => {
    expect(() => detectChangePoints([1, NaN, 3], { seed: 1 })).toThrow(/finite/);
  });
});
