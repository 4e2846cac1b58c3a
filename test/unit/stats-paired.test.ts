import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareDuel } from '../../src/duel/compare.js';
import { hodgesLehmann, pairedEstimate, pairedLogRatios, signedRankPValue, walshInterval } from '../../src/stats/paired.js';
import { createRng } from '../../src/stats/random.js';
import { syntheticResults } from '../../src/stats/synthetic.js';
import type { Fingerprint, ResultsFile, Round } from '../../src/types.js';

describe('Hodges-Lehmann on Walsh averages', () => {
  it('matches hand-computed golden values', () => {
    expect(hodgesLehmann([1, 2, 3])).toBe(2); // Walsh: 1 1.5 2 2 2.5 3
    expect(hodgesLehmann([0, 10])).toBe(5); // Walsh: 0 5 10
    expect(hodgesLehmann([0, 1, 10])).toBe(3); // Walsh: 0 .5 1 5 5.5 10 -> (1+5)/2
    expect(hodgesLehmann([7])).toBe(7);
    expect(hodgesLehmann([])).toBeNaN();
  });

  it('shifts with the data and flips with its sign (property)', () => {
    const xs = fc.array(fc.double({ min: -5, max: 5, noNaN: true }), { minLength: 1, maxLength: 30 });
    fc.assert(
      fc.property(xs, fc.double({ min: -3, max: 3, noNaN: true }), (d, c) => {
        expect(hodgesLehmann(d.map((x) => x + c))).toBeCloseTo(hodgesLehmann(d) + c, 9);
        expect(hodgesLehmann(d.map((x) => -x))).toBeCloseTo(-hodgesLehmann(d), 9);
      }),
    );
  });
});

describe('Wilcoxon signed-rank p-value', () => {
  it('equals scipy.stats.wilcoxon on exact and tied inputs', () => {
    expect(signedRankPValue([1, 2, 3, 4, 5])).toBeCloseTo(0.0625, 12); // exact
    expect(signedRankPValue([0.1, -0.25, 0.33, 0.4, 0.52, -0.61, 0.7, 0.85])).toBeCloseTo(0.1953125, 12); // exact
    // ties -> normal approximation with tie and continuity correction (scipy: correction=True, method='approx')
    expect(signedRankPValue([0.5, -0.2, 1.1, 0.3, 0.3, 0.9, -0.4, 0.7, 1.2, 0.3, 0.05, 0.6])).toBeCloseTo(0.01656124365281427, 5);
    expect(signedRankPValue([0, 0])).toBe(1);
  });

  it('is exact up to 50 untied pairs, as scipy.stats.wilcoxon (method exact)', () => {
    const d = (n: number) => Array.from({ length: n }, (_, i) => (i + 1) * ((i + 1) % 3 === 0 ? -1 : 1));
    expect(signedRankPValue(d(40))).toBeCloseTo(0.06616061626664305, 12);
    expect(signedRankPValue(d(45))).toBeCloseTo(0.07623135838770168, 12);
  });
});

describe('Walsh-average interval beyond 60 pairs', () => {
  it('takes the exact order statistic (70 pairs: C = 908, as the exact signed-rank null gives; the normal rule said 907)', () => {
    const d = Array.from({ length: 70 }, (_, k) => (((k + 1) * 37) % 101) / 10 - 2);
    const w = walshInterval(d, 0.95);
    expect(w.lo).toBeCloseTo(2.4, 12);
    expect(w.hi).toBeCloseTo(3.8, 12);
  });

  it('a duel of 5 pairs states the level its interval achieves (93.75%) in the comparison', () => {
    const w = (shift: number) => [{ id: 'sys.stat', category: 'syscall' as const, figure: 900, shift, rounds: 5 }];
    const c = compareDuel(
      syntheticResults({ label: 'a', seed: 1, workloads: w(0) }),
      syntheticResults({ label: 'b', seed: 2, workloads: w(0.3) }),
    );
    const r = c.rows[0];
    if (r?.status !== 'compared') throw new Error('not compared');
    expect(r.overheadPct.level).toBe(0.95);
    expect(r.overheadPct.achievedLevel).toBeCloseTo(0.9375, 12);
    expect(r.logRatio.achievedLevel).toBeCloseTo(0.9375, 12);
  });
});

describe('paired log ratios and the bootstrap interval', () => {
  it('is positive when the candidate is worse, whichever the direction', () => {
    expect(pairedLogRatios([100], [110], 'lower')[0]).toBeCloseTo(Math.log(1.1), 12); // cost went up
    expect(pairedLogRatios([110], [100], 'higher')[0]).toBeCloseTo(Math.log(1.1), 12); // rate went down
    expect(() => pairedLogRatios([1, 2], [1], 'lower')).toThrow(/length/);
    expect(() => pairedLogRatios([0], [1], 'lower')).toThrow(/non-positive/);
  });

  it('reproduces with the same seed and brackets a constant ratio exactly', () => {
    const d = [0.1, 0.12, 0.08, 0.11, 0.095, 0.13, 0.07];
    const one = pairedEstimate(d, { rng: createRng(7), resamples: 2000 });
    const two = pairedEstimate(d, { rng: createRng(7), resamples: 2000 });
    expect(one.logRatio).toEqual(two.logRatio);
    expect(one.logRatio.lo).toBeLessThanOrEqual(one.logRatio.point);
    expect(one.logRatio.hi).toBeGreaterThanOrEqual(one.logRatio.point);
    expect(one.overheadPct.point).toBeCloseTo(100 * (Math.exp(one.logRatio.point) - 1), 12);
    const flat = pairedEstimate([0.2, 0.2, 0.2], { rng: createRng(1), resamples: 100 });
    expect([flat.logRatio.lo, flat.logRatio.point, flat.logRatio.hi]).toEqual([0.2, 0.2, 0.2]);
  });
});

const host: Fingerprint = {
  hostname: 'h',
  platform: 'metal',
  hypervisor: null,
  container: null,
  evidence: [],
  cloud: null,
  cpu: { model: 'cpu', cores: 2, threads: 2, mhz: 0, flags: { aes: false, sha: false, rdrand: false, avx2: false, avx512: false } },
  clocksource: 'tsc',
  kernel: 'k',
  os: 'os',
  memoryBytes: 1,
  numaNodes: 1,
};

function file(label: string, figures: number[], finished = true): ResultsFile {
  const rounds: Round[] = figures.map((f) => ({ figure: f, operations: 1000, seconds: 1, samples: [f, f], stealPct: null }));
  return {
    schema: 'virtax.results/v1',
    id: `id-${label}`,
    label,
    startedAt: '2026-01-01T00:00:00.000Z',
    finishedAt: finished ? '2026-01-01T00:01:00.000Z' : null,
    tool: { name: 'virtax', version: '0.1.0', node: 'v20' },
    host,
    config: { suite: 'quick', rounds: figures.length, seed: 1, onlyIds: null },
    conditions: { stealPct: null, loadAvg1Start: 0, loadAvg1End: 0, notes: [] },
    workloads: [
      {
        id: 'cpu.int',
        category: 'cpu',
        title: 't',
        unit: 'Mops/s',
        better: 'higher',
        status: 'ok',
        params: {},
        summary: { rounds: rounds.length, median: 0, mean: 0, min: 0, max: 0, cv: 0, p50: 0, p99: 0, stealPct: null },
        rounds,
      },
    ],
  };
}

describe('compareDuel pairs rounds by index', () => {
  it('cancels drift that hits both members of a pair: a 2x slower candidate reads +100%', () => {
    const drift = [100, 60, 140, 80, 120, 90];
    const jitter = [1, 1.01, 0.995, 1.004, 0.99, 1.006];
    const c = compareDuel(
      file('a', drift),
      file(
        'b',
        drift.map((x, i) => x / 2 / (jitter[i] as number)),
      ),
      { resamples: 500 },
    );
    const row = c.rows[0];
    expect(row?.status).toBe('compared');
    if (row?.status !== 'compared') return;
    expect(row.overheadPct.point).toBeGreaterThan(99);
    expect(row.overheadPct.point).toBeLessThan(101);
    expect(row.overheadPct.lo).toBeGreaterThan(97);
    expect(row.overheadPct.method).toBe('walsh');
    expect(row.verdict).toBe('slower');
    // The very same ratio in every pair: a zero-width interval, no verdict.
    const flat = compareDuel(
      file('a', drift),
      file(
        'b',
        drift.map((x) => x / 2),
      ),
      { resamples: 500 },
    ).rows[0];
    expect(flat?.status === 'compared' && flat.verdict).toBe('inconclusive');
    expect(flat?.status === 'compared' && flat.notes.join(' ')).toMatch(/same ratio/);
    expect(c.overall?.overheadPct.point).toBeCloseTo(row.overheadPct.point, 9);
  });

  it('does not compare with fewer than two pairs, and drops unpaired rounds with a note', () => {
    const c1 = compareDuel(file('a', [100]), file('b', [100]));
    expect(c1.rows[0]).toMatchObject({ status: 'not-compared', reason: expect.stringMatching(/only 1 round pair/) });
    const c2 = compareDuel(file('a', [100, 101, 99, 100]), file('b', [100, 100, 100], false), { resamples: 200 });
    const row = c2.rows[0];
    expect(row?.status === 'compared' && row.notes.join(' ')).toMatch(/1 unpaired round/);
    expect(c2.warnings.join(' ')).toMatch(/partial/);
  });
});
