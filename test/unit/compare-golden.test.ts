import { describe, expect, it } from 'vitest';
import { compareResults } from '../../src/stats/compare.js';
import { tinyFile, tinyWorkload } from '../helpers/compare-fixtures.js';

const row = (c: ReturnType<typeof compareResults>, id: string) => {
  const r = c.rows.find((x) => x.id === id);
  if (r?.status !== 'compared') throw new Error(`${id} not compared`);
  return r;
};

describe('compareResults: golden values on tiny inputs', () => {
  it('constant rounds: 10% point, zero-width interval, p from the tie-corrected normal approximation, and no verdict (zero spread is overconfident)', () => {
    const base = tinyFile('b', [tinyWorkload({ id: 'x', figures: [100, 100, 100] })]);
    const cand = tinyFile('c', [tinyWorkload({ id: 'x', figures: [110, 110, 110] })]);
    const r = row(compareResults(base, cand, { resamples: 1000 }), 'x');
    expect(r.overheadPct.point).toBeCloseTo(10, 12);
    expect(r.overheadPct.lo).toBeCloseTo(10, 12);
    expect(r.overheadPct.hi).toBeCloseTo(10, 12);
    expect(r.overheadPct.method).toBe('percentile');
    expect(r.verdict).toBe('inconclusive');
    expect(r.notes.join(' ')).toMatch(/no spread between rounds on base \(all 3 rounds read 100\) and candidate/);
    // W = 0, σ² = 9/12·(7 - 48/30) = 4.05, z = (0 - 4.5 + 0.5)/2.01246 → p = 0.046854 (scipy: 0.04685417760387376)
    expect(r.pValue).toBeCloseTo(0.04685417760387376, 9);
    expect(r.tailRatio).toBeNull(); // no batch samples recorded: no tails
  });

  it('median ratio in the worse direction for both kinds of unit', () => {
    // lower is better: d = ln(median cand / median base) = ln(12/11); W = 2, p = 0.368688 (scipy)
    const lower = compareResults(
      tinyFile('b', [tinyWorkload({ id: 'x', figures: [10, 11, 12] })]),
      tinyFile('c', [tinyWorkload({ id: 'x', figures: [11, 12, 13] })]),
      { resamples: 500 },
    );
    expect(row(lower, 'x').logRatio.point).toBeCloseTo(Math.log(12 / 11), 14);
    expect(row(lower, 'x').overheadPct.point).toBeCloseTo((100 * 1) / 11, 12);
    expect(row(lower, 'x').pValue).toBeCloseTo(0.36868826936178156, 9);
    // higher is better (a rate): the candidate at 80 vs 100 ops/s is 25% worse (base/cand = 1.25)
    const higher = compareResults(
      tinyFile('b', [tinyWorkload({ id: 'x', better: 'higher', figures: [90, 100, 110] })]),
      tinyFile('c', [tinyWorkload({ id: 'x', better: 'higher', figures: [70, 80, 90, 100] })]),
      { resamples: 500 },
    );
    expect(row(higher, 'x').overheadPct.point).toBeCloseTo(100 * (100 / 85 - 1), 12); // even n: median 85
  });

  it('overall index: geometric mean with equal weight per category, or given weights', () => {
    const w = (id: string, category: 'cpu' | 'memory', f: number) => tinyWorkload({ id, category, figures: [f, f] });
    const base = tinyFile('b', [w('a', 'cpu', 100), w('b', 'cpu', 100), w('c', 'memory', 100)]);
    const cand = tinyFile('c', [w('a', 'cpu', 110), w('b', 'cpu', 120), w('c', 'memory', 100)]);
    const eq = compareResults(base, cand, { resamples: 200 });
    // cpu 1/2 (a and b 1/4 each), memory 1/2: exp(¼ln1.1 + ¼ln1.2) = 1.32^(1/4)
    expect(eq.overall?.overheadPct.point).toBeCloseTo(100 * (1.32 ** 0.25 - 1), 10);
    expect(eq.overall?.weights).toEqual({ cpu: 0.5, memory: 0.5 });
    expect(eq.overall?.overheadPct.lo).toBeCloseTo(eq.overall?.overheadPct.point as number, 10);
    const weighted = compareResults(base, cand, { resamples: 200, weights: { cpu: 3, memory: 1 } });
    expect(weighted.overall?.overheadPct.point).toBeCloseTo(100 * (1.32 ** 0.375 - 1), 10);
    const none = compareResults(base, cand, { resamples: 200, weights: { network: 1 } });
    expect(none.overall).toBeNull();
    expect(none.warnings.some((x) => x.includes('no overall index'))).toBe(true);
  });

  it('rounds to settle an inconclusive row: from the interval width and the level, n·(W/W_band)², not from the point', () => {
    const bf = [100, 104, 97, 102, 99];
    const cf = [101, 106, 98, 103.5, 100.5];
    const files = [
      tinyFile('b', [tinyWorkload({ id: 'x', figures: bf })]),
      tinyFile('c', [tinyWorkload({ id: 'x', figures: cf })]),
    ] as const;
    const band = (p: number) => Math.log1p(p / 100) - Math.log1p(-p / 100);
    const r = row(compareResults(files[0], files[1], { resamples: 2000 }), 'x');
    expect(r.verdict).toBe('inconclusive');
    expect(r.logRatio.point).toBeCloseTo(Math.log(1.01), 14);
    expect(r.roundsToSettle).toBe(Math.ceil(5 * ((r.logRatio.hi - r.logRatio.lo) / band(1)) ** 2));
    // A higher level makes a wider interval, so more rounds: the level in force counts.
    const r99 = row(compareResults(files[0], files[1], { resamples: 2000, level: 0.99 }), 'x');
    expect(r99.roundsToSettle as number).toBeGreaterThan(r.roundsToSettle as number);
    // An interval already narrower than the band that straddles a threshold: no count, a note.
    const r2 = row(compareResults(files[0], files[1], { resamples: 2000, noisePct: 20 }), 'x');
    expect(r2.verdict).toBe('same');
    const r3 = row(compareResults(files[0], files[1], { resamples: 2000, noisePct: 3 }), 'x');
    const w3 = r3.logRatio.hi - r3.logRatio.lo;
    if (r3.verdict === 'inconclusive') {
      if (w3 > band(3)) expect(r3.roundsToSettle).toBe(Math.ceil(5 * (w3 / band(3)) ** 2));
      else expect(r3.notes.join()).toMatch(/already narrower than the noise band/);
    }
  });
});
