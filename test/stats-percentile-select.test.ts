/** The percentile interval selects its two order statistics (quickselect) and must equal sorting for them. */
import { expect, it } from 'vitest';
import { percentileInterval } from '../src/stats/bootstrap.js';
import { createRng } from '../src/stats/random.js';

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
  expect(percentileInterval(Float64Array.from({ length: 19 }, (_, i) => 19 - i), 0.9)).toEqual({ lo: 1, hi: 19 });
});
