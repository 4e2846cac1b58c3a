/**
 * The duel's interval: the distribution-free Walsh-average (Tukey) interval of the Hodges-Lehmann
 * estimate. Golden values on tiny inputs, coverage >= 93% in simulation at 5, 6, 8 and 10 pairs (normal
 * and heavy-tailed symmetric noise), no verdict where the signed-rank test cannot reach alpha, and
 * Infinity/zero figures left out with a note instead of a NaN bound or a lost workload. Seeded.
 */
import { describe, expect, it } from 'vitest';
import { compareDuel } from '../../src/duel/compare.js';
import { comparisonTable } from '../../src/report/comparison-exporters.js';
import { gaussian } from '../../src/stats/synthetic.js';
import { createRng } from '../../src/stats/random.js';
import { signedRankMinP, walshInterval } from '../../src/stats/paired.js';
import { tinyFile, tinyWorkload } from '../helpers/compare-fixtures.js';

describe('Walsh-average interval', () => {
  it('golden: 5 pairs give [min, max] with 93.75% coverage; 10 pairs at 95% take C = 9', () => {
    expect(walshInterval([1, 2, 3, 4, 5], 0.95)).toEqual({ lo: 1, hi: 5, achievedLevel: 0.9375 });
    // n = 10: P(T+ <= 8) = 0.02441 <= 0.025 < P(T+ <= 9) = 0.03223 (exact null), so C = 9.
    const d = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    const w = walshInterval(d, 0.95);
    expect(w.achievedLevel).toBeCloseTo(1 - (2 * 25) / 1024, 12);
    expect([w.lo, w.hi]).toEqual([3, 8]);
    expect(signedRankMinP(5)).toBe(0.0625);
    expect(signedRankMinP(6)).toBe(0.03125);
  });

  it('covers the true pseudo-median in >= 93% at 5, 6, 8 and 10 pairs (normal and t3 noise)', () => {
    const rng = createRng(99);
    const out: string[] = [];
    for (const n of [5, 6, 8, 10]) {
      for (const kind of ['normal', 't3'] as const) {
        let covered = 0;
        const sims = 2000;
        for (let k = 0; k < sims; k++) {
          const d = Array.from({ length: n }, () => {
            const z = gaussian(rng);
            if (kind === 'normal') return 0.02 + 0.01 * z;
            const chi = (gaussian(rng) ** 2 + gaussian(rng) ** 2 + gaussian(rng) ** 2) / 3;
            return 0.02 + 0.01 * (z / Math.sqrt(chi));
          });
          const w = walshInterval(d, 0.95);
          if (w.lo <= 0.02 && 0.02 <= w.hi) covered++;
        }
        out.push(`${n} pairs, ${kind}: ${((100 * covered) / sims).toFixed(1)}%`);
        expect(covered / sims, `${n} ${kind}`).toBeGreaterThanOrEqual(0.93);
      }
    }
    console.log(out.join('\n'));
  });
});

describe('duel verdicts', () => {
  const file = (label: string, figures: number[]) => tinyFile(label, [tinyWorkload({ id: 'cpu.int', figures })]);
  const drift = [100, 60, 140, 80, 120, 90, 110, 70];

  it('no slower/faster with fewer than 6 pairs (signed-rank p cannot go below 0.0625), and the table says why', () => {
    const jitter = [1, 1.02, 0.99, 1.01, 0.98];
    const a = file('a', drift.slice(0, 5));
    const b = file(
      'b',
      drift.slice(0, 5).map((x, i) => x * 1.05 * (jitter[i] as number)),
    );
    const c = compareDuel(a, b, { resamples: 500 });
    const r = c.rows[0];
    expect(r?.status === 'compared' && r.verdict).toBe('inconclusive');
    const table = comparisonTable(c);
    expect(table).toMatch(/cannot reach p <= 0\.05 with these counts \(smallest possible p 0\.0625\)/);
    expect(table).toMatch(/covers 93\.75%, not 95%/);
  });

  it('an Infinity or zero figure drops that pair with a note, not the workload and not into a NaN bound', () => {
    const a = file('a', [100, 101, 99, 100, 102, 98, 100, 101]);
    const b = file('b', [110, Number.POSITIVE_INFINITY, 109, 0, 112, 108, 111, 110]);
    const c = compareDuel(a, b, { resamples: 500 });
    const r = c.rows[0];
    expect(r?.status).toBe('compared');
    if (r?.status !== 'compared') return;
    expect(Number.isFinite(r.overheadPct.lo) && Number.isFinite(r.overheadPct.hi)).toBe(true);
    expect(r.notes.join(' ')).toMatch(
      /2 pair\(s\) left out for a zero, negative or non-finite figure: pair 2 \(A 101, B Infinity\), pair 4 \(A 100, B 0\)/,
    );
    expect(r.base.rounds).toBe(6);
    expect(r.verdict).toBe('slower');
  });

  it('a duel carries the environment warnings of compare (one engine)', () => {
    const a = file('a', drift);
    const b = {
      ...file(
        'b',
        drift.map((x) => x * 1.1),
      ),
      host: { ...a.host, cpu: { ...a.host.cpu, model: 'Other CPU' } },
    };
    const c = compareDuel(a, b, { resamples: 300 });
    expect(c.warnings.join(' ')).toMatch(/CPU MODELS DIFFER/);
  });
});
