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
}

export function createRng(seed: number): Rng {
  const g = xoroshiro128plus(seed | 0);
  return {
    int: (lo, hi) => uniformInt(g, lo, hi),
    float: () => uniformFloat64(g),
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
