/**
 * Seeded randomness for everything that must reproduce: bootstrap resampling, run order, duel order.
 * Generator: xoroshiro128+ (Blackman & Vigna 2018), the same sequence as pure-rand's `xoroshiro128plus`
 * (test/unit/stats-random-stream.test.ts holds the two side by side); the integer and float distributions are
 * pure-rand's. Never Math.random.
 *
 * The generator is our own class rather than pure-rand's object only for speed: `fillBelow` runs the
 * bootstrap's inner draws with the state in local variables (the same numbers as calling `below` that
 * many times, about three times faster).
 */
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';

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
  /**
   * `out[from..to)` filled with `below(n)`, in order: the same numbers and the same state afterwards as
   * calling `below(n)` once per entry. n must be below 2^21 (every product stays exact).
   */
  fillBelow(out: Int32Array, n: number, from?: number, to?: number): void;
}

const TWO_POW_MINUS_32 = 2 ** -32;

/** xoroshiro128+ on four 32-bit halves, step for step as pure-rand 8's XoroShiro128Plus. */
class Xoroshiro128Plus {
  constructor(
    public s01: number,
    public s00: number,
    public s11: number,
    public s10: number,
  ) {}

  clone(): Xoroshiro128Plus {
    return new Xoroshiro128Plus(this.s01, this.s00, this.s11, this.s10);
  }

  getState(): readonly number[] {
    return [this.s01, this.s00, this.s11, this.s10];
  }

  /** Next 32-bit value, signed (as pure-rand's generators return it). */
  next(): number {
    const out = (this.s00 + this.s10) | 0;
    const a0 = this.s10 ^ this.s00;
    const a1 = this.s11 ^ this.s01;
    const s00 = this.s00;
    const s01 = this.s01;
    this.s00 = (s00 << 24) ^ (s01 >>> 8) ^ a0 ^ (a0 << 16);
    this.s01 = (s01 << 24) ^ (s00 >>> 8) ^ a1 ^ ((a1 << 16) | (a0 >>> 16));
    this.s10 = (a1 << 5) ^ (a0 >>> 27);
    this.s11 = (a0 << 5) ^ (a1 >>> 27);
    return out;
  }

  fillBelow(out: Int32Array, n: number, from: number, to: number): void {
    let s00 = this.s00;
    let s01 = this.s01;
    let s10 = this.s10;
    let s11 = this.s11;
    for (let i = from; i < to; i++) {
      const x = (s00 + s10) | 0;
      const a0 = s10 ^ s00;
      const a1 = s11 ^ s01;
      const t00 = s00;
      const t01 = s01;
      s00 = (t00 << 24) ^ (t01 >>> 8) ^ a0 ^ (a0 << 16);
      s01 = (t01 << 24) ^ (t00 >>> 8) ^ a1 ^ ((a1 << 16) | (a0 >>> 16));
      s10 = (a1 << 5) ^ (a0 >>> 27);
      s11 = (a0 << 5) ^ (a1 >>> 27);
      // = Math.floor(((x >>> 0) * n) / 2^32): the product is exact below 2^53, scaling by 2^-32 is exact,
      // and truncation is floor for a non-negative value below 2^31.
      out[i] = ((x >>> 0) * n * TWO_POW_MINUS_32) | 0;
    }
    this.s00 = s00;
    this.s01 = s01;
    this.s10 = s10;
    this.s11 = s11;
  }
}

export function createRng(seed: number): Rng {
  // pure-rand's xoroshiro128plus(seed): new XoroShiro128Plus(-1, ~seed, seed | 0, 0).
  const g = new Xoroshiro128Plus(-1, ~seed, seed | 0, 0);
  return {
    int: (lo, hi) => uniformInt(g, lo, hi),
    float: () => uniformFloat64(g),
    below: (n) => Math.floor(((g.next() >>> 0) * n) / 4294967296),
    fillBelow: (out, n, from = 0, to = out.length) => g.fillBelow(out, n, from, to),
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
