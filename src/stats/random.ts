/**
 * Seeded randomness for everything that must reproduce: bootstrap resampling, run order, duel order.
 * Generator: xoroshiro128+ from pure-rand (Blackman & Vigna 2018). Never Math.random.
 */
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';

export interface Rng {
  /** Uniform integer in [lo, hi], both inclusive. */
  int(lo: number, hi: number): number;
  /** Uniform float in [0, 1). */
  float(): number;
  /**
   * Uniform index in [0, n) from one 32-bit draw by multiply-shift (Lemire 2019, without the rejection
   * step: bias below n / 2^32, negligible for the resampling sizes here). The bootstrap's inner loop.
   */
  below(n: number): number;
}

export function createRng(seed: number): Rng {
  const g = xoroshiro128plus(seed | 0);
  return {
    int: (lo, hi) => uniformInt(g, lo, hi),
    float: () => uniformFloat64(g),
    below: (n) => Math.floor(((g.next() >>> 0) * n) / 4294967296),
  };
}

/** Fisher-Yates shuffle into a new array. */
export function shuffled<T>(xs: readonly T[], rng: Rng): T[] {
  const a = [...xs];
  for (let i = a.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [a[i], a[j]] = [a[j] as T, a[i] as T];
  }
  return a;
}
