import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildChase, sattoloCycle, xorshift128 } from '../../src/workloads/memory.js';

/** Length of the cycle through 0 when following perm. */
function cycleLength(perm: Uint32Array): number {
  let k = 0;
  let steps = 0;
  do {
    k = perm[k] as number;
    steps++;
  } while (k !== 0 && steps <= perm.length);
  return steps;
}

describe('pointer chase builder', () => {
  it('Sattolo gives one cycle through every node, for any size and seed', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 500 }),
        fc.array(fc.integer({ min: 0, max: 0xffffffff }), { minLength: 4, maxLength: 4 }),
        (n, seed) => {
          const perm = sattoloCycle(n, xorshift128(Uint32Array.from(seed)));
          expect(cycleLength(perm)).toBe(n);
          // A permutation: every node is some node's successor exactly once; no node points at itself.
          expect(new Set(perm).size).toBe(n);
          expect(perm.some((next, k) => next === k)).toBe(false);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('different seeds give different orders', () => {
    const a = sattoloCycle(1000, xorshift128(Uint32Array.from([1, 2, 3, 4])));
    const b = sattoloCycle(1000, xorshift128(Uint32Array.from([5, 6, 7, 8])));
    expect(Array.from(a)).not.toEqual(Array.from(b));
  });

  it('the chase buffer puts one node per 64-byte line and i = buf[i] visits every line once per lap', () => {
    const bytes = 64 * 4096;
    const buf = buildChase(bytes, xorshift128(Uint32Array.from([9, 9, 9, 9])));
    expect(buf.byteLength).toBe(bytes);
    const seen = new Set<number>();
    let i = 0;
    for (let step = 0; step < 4096; step++) {
      expect(i % 16).toBe(0); // always the first slot of a cache line
      seen.add(i);
      i = buf[i] as number;
    }
    expect(i).toBe(0);
    expect(seen.size).toBe(4096);
  });
});
