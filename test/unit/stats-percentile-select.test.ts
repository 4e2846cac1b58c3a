/** The percentile interval selects its two order statistics (quickselect) and must equal sorting for them. */
import { describe, expect, it } from 'vitest';
import { median10, median5, medianInPlace, orderStatistics, percentileInterval, rankedPool } from '../../src/stats/bootstrap.js';
import { createRng } from '../../src/stats/random.js';

it('percentileInterval by selection equals the order statistics of a full sort (ties, tiny and odd sizes)', () => {
  const rng = createRng(3);
  for (let t = 0; t < 1500; t++) {
    const B = 1 + rng.int(0, 300);
    const xs = Float64Array.from({ length: B }, () => (rng.float() < 0.3 ? rng.int(0, 5) : rng.float() * 10 - 5));
    for (const level of [0.5, 0.9, 0.95, 0.99, 0.999]) {
      const sorted = Float64Array.from(xs).sort();
      const k = Math.min(B - 1, Math.max(0, Math.floor((B + 1) * ((1 - level) / 2)) - 1));
      expect(percentileInterval(xs, level)).toEqual({ lo: sorted[k], hi: sorted[B - 1 - k] });
    }
  }
  // tailIndex(0.25, 6) = floor(7 · 0.25) - 1 = 0: the extremes
  expect(percentileInterval(Float64Array.of(6, 2, 4, 1, 5, 3), 0.5)).toEqual({ lo: 1, hi: 6 });
  expect(
    percentileInterval(
      Float64Array.from({ length: 19 }, (_, i) => 19 - i),
      0.9,
    ),
  ).toEqual({ lo: 1, hi: 19 });
});

describe('median networks of the bootstrap (median10, median5)', () => {
  const viaSort = (xs: number[]) => medianInPlace(Float64Array.from(xs), xs.length);
  it('give the sorted median on every 0-1 input (the 0-1 principle) and on random inputs with ties', () => {
    for (const n of [5, 10] as const) {
      const f = n === 10 ? median10 : median5;
      const idx = Int32Array.from({ length: n }, (_, i) => i);
      for (let bits = 0; bits < 1 << n; bits++) {
        const xs = Array.from({ length: n }, (_, i) => (bits >> i) & 1);
        const r = rankedPool(Float64Array.from(xs));
        expect(f(r.sorted, r.rank, idx, 0)).toBe(viaSort(xs));
      }
      const rng = createRng(n);
      const pool = Float64Array.from({ length: 64 }, () => 1 + rng.int(0, 20) / 7);
      const r = rankedPool(pool);
      const draws = new Int32Array(n * 2000);
      rng.fillBelow(draws, pool.length);
      for (let at = 0; at < draws.length; at += n) {
        const xs = Array.from(draws.subarray(at, at + n), (j) => pool[j] as number);
        expect(f(r.sorted, r.rank, draws, at)).toBe(viaSort(xs));
      }
    }
  });
});

it('orderStatistics (clustered indices selected top first) equals a full sort at every index asked', () => {
  const rng = createRng(11);
  for (let t = 0; t < 400; t++) {
    const B = 1 + rng.int(0, 3000);
    const xs = Float64Array.from({ length: B }, () => (rng.float() < 0.3 ? rng.int(0, 5) : rng.float() * 10 - 5));
    const sorted = Float64Array.from(xs).sort();
    const ks = Array.from({ length: 1 + rng.int(0, 7) }, () => rng.int(0, B - 1));
    const c = rng.int(0, B - 1);
    ks.push(c, Math.max(0, c - 17), Math.min(B - 1, c + 17), B - 1 - c);
    const before = Float64Array.from(xs);
    const at = orderStatistics(xs, ks);
    for (const k of ks) expect(at.get(k)).toBe(sorted[k]);
    expect(xs).toEqual(before); // the input is not reordered (a copy is)
  }
});
