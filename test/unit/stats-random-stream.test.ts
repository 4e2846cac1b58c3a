/**
 * virtax's xoroshiro128+ (src/stats/random.ts) is the same stream as pure-rand's, draw for draw, and
 * `fillBelow` gives the same indices (and leaves the same state) as calling `below` once per entry: the
 * bootstrap's fast path cannot change a number.
 */
import { describe, expect, it } from 'vitest';
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { createRng } from '../../src/stats/random.js';

const seeds = [0, 1, -1, 42, 2026, 0x7fffffff, -0x80000000, 123456789];

describe('seeded stream', () => {
  it('below, int and float draw the numbers pure-rand xoroshiro128plus draws', () => {
    for (const seed of seeds) {
      const ours = createRng(seed);
      const ref = xoroshiro128plus(seed);
      for (let i = 0; i < 2000; i++) {
        const kind = i % 4;
        if (kind === 0) expect(ours.below(1280)).toBe(Math.floor(((ref.next() >>> 0) * 1280) / 4294967296));
        else if (kind === 1) expect(ours.int(0, i)).toBe(uniformInt(ref, 0, i));
        else if (kind === 2) expect(ours.float()).toBe(uniformFloat64(ref));
        else expect(ours.below(7)).toBe(Math.floor(((ref.next() >>> 0) * 7) / 4294967296));
      }
    }
  });

  it('fillBelow equals below called once per entry, and the stream continues alike', () => {
    for (const seed of seeds) {
      for (const n of [1, 2, 10, 25, 1280, 65536, 2 ** 21 - 1]) {
        const a = createRng(seed);
        const b = createRng(seed);
        const out = new Int32Array(1000).fill(-1);
        a.fillBelow(out, n, 3, 997);
        expect(out[2]).toBe(-1);
        expect(out[997]).toBe(-1);
        for (let i = 3; i < 997; i++) expect(out[i]).toBe(b.below(n));
        expect(a.below(n)).toBe(b.below(n));
        expect(a.float()).toBe(b.float());
        const whole = new Int32Array(17);
        a.fillBelow(whole, n);
        for (const x of whole) expect(x).toBe(b.below(n));
      }
    }
  });
});
