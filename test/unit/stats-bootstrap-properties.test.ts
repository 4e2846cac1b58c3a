import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bootstrapLogRatio, hashSide, type SideInput } from '../../src/stats/bootstrap.js';

/** A side: 2-8 rounds, each a positive figure and 0-12 positive batch samples around it. */
const sideArb: fc.Arbitrary<SideInput> = fc
  .array(
    fc.record({
      figure: fc.double({ min: 0.5, max: 2, noNaN: true }),
      jitter: fc.array(fc.double({ min: 0.8, max: 1.25, noNaN: true }), { maxLength: 12 }),
    }),
    { minLength: 2, maxLength: 8 },
  )
  .map((rs) => ({ figures: rs.map((r) => r.figure), samples: rs.map((r) => r.jitter.map((j) => r.figure * j)) }));

const betterArb = fc.constantFrom<'lower' | 'higher'>('lower', 'higher');
const opts = (better: 'lower' | 'higher', seed: number) => ({ better, resamples: 300, level: 0.95, seed });
const scale = (s: SideInput, k: number): SideInput => ({
  figures: s.figures.map((x) => x * k),
  samples: s.samples.map((r) => r.map((x) => x * k)),
});

describe('hierarchical bootstrap of the log ratio: invariants', () => {
  it('the interval contains the point estimate and is finite', () => {
    fc.assert(
      fc.property(sideArb, sideArb, betterArb, fc.integer(), (b, c, better, seed) => {
        const r = bootstrapLogRatio(b, c, opts(better, seed));
        expect(Number.isFinite(r.lo) && Number.isFinite(r.hi)).toBe(true);
        expect(r.lo).toBeLessThanOrEqual(r.point);
        expect(r.point).toBeLessThanOrEqual(r.hi);
      }),
      { numRuns: 150 },
    );
  });

  it('swapping base and candidate flips the sign of d and mirrors the interval exactly', () => {
    fc.assert(
      fc.property(sideArb, sideArb, betterArb, fc.integer(), (b, c, better, seed) => {
        fc.pre(hashSide(b) !== hashSide(c)); // identical data patterns get two distinct streams instead
        const r = bootstrapLogRatio(b, c, opts(better, seed));
        const s = bootstrapLogRatio(c, b, opts(better, seed));
        // === (not Object.is): equal medians give d = 0 on both sides, and -0 is that same zero.
        expect(s.point === -r.point, `${s.point} vs ${-r.point}`).toBe(true);
        expect(s.lo === -r.hi, `${s.lo} vs ${-r.hi}`).toBe(true);
        expect(s.hi === -r.lo, `${s.hi} vs ${-r.lo}`).toBe(true);
        expect(s.method).toBe(r.method);
      }),
      { numRuns: 150 },
    );
  });

  it('equal medians on both sides: d is zero either way round (a rare draw that once failed CI-style runs on -0)', () => {
    const b: SideInput = { figures: [0.5, 0.5], samples: [[], []] };
    const c: SideInput = { figures: [0.5, 0.5, 0.5], samples: [[], [], []] };
    const r = bootstrapLogRatio(b, c, opts('lower', 1));
    const s = bootstrapLogRatio(c, b, opts('lower', 1));
    expect(r.point === 0 && s.point === -r.point && s.lo === -r.hi && s.hi === -r.lo).toBe(true);
  });

  it('scaling every sample and figure by a constant leaves the overhead and its interval unchanged', () => {
    fc.assert(
      fc.property(sideArb, sideArb, betterArb, fc.double({ min: 1e-3, max: 1e3, noNaN: true }), (b, c, better, k) => {
        const r = bootstrapLogRatio(b, c, opts(better, 7));
        const s = bootstrapLogRatio(scale(b, k), scale(c, k), opts(better, 7));
        expect(s.point).toBeCloseTo(r.point, 10);
        expect(s.lo).toBeCloseTo(r.lo, 6);
        expect(s.hi).toBeCloseTo(r.hi, 6);
      }),
      { numRuns: 100 },
    );
  });

  it('the same seed gives the same interval', () => {
    fc.assert(
      fc.property(sideArb, sideArb, betterArb, fc.integer(), (b, c, better, seed) => {
        const r = bootstrapLogRatio(b, c, opts(better, seed));
        const s = bootstrapLogRatio(b, c, opts(better, seed));
        expect([s.lo, s.hi, s.method]).toEqual([r.lo, r.hi, r.method]);
        expect(Array.from(s.replicates)).toEqual(Array.from(r.replicates));
      }),
      { numRuns: 50 },
    );
  });
});
