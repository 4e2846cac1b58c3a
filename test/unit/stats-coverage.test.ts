import { describe, expect, it } from 'vitest';
import { compareResults } from '../../src/stats/compare.js';
import { createRng } from '../../src/stats/random.js';
import { syntheticResults, type SyntheticWorkload } from '../../src/stats/synthetic.js';

/**
 * Simulation with known truth: 500 comparisons of one workload, 5-10 rounds per side, log-normal noise
 * between rounds (2-5%) and between batches (3-30%, 20 batches a round), 1% of batches stalled 3x, true overheads of
 * -3%, 0, +2% and +5% (log units), both directions of "better". Seeded; about 3 s.
 */
describe('coverage of the 95% interval in simulation', () => {
  it('covers the true overhead in >= 92% of 500 comparisons; with no true difference < 5% are called slower/faster', () => {
    const rng = createRng(2024);
    const shifts = [0, 0.02, 0, 0.05, 0, -0.03];
    const noise = [
      [0.03, 0.02],
      [0.02, 0.1],
      [0.05, 0.3],
    ] as const;
    const byNoise = [0, 0, 0];
    let covered = 0;
    let nulls = 0;
    let falseCalls = 0;
    let bca = 0;
    const total = 500;
    for (let k = 0; k < total; k++) {
      const rounds = 5 + (k % 6);
      const [roundSd, batchSd] = noise[k % 3] as readonly [number, number];
      const shift = shifts[k % shifts.length] as number;
      const w = (s: number): SyntheticWorkload[] => [
        {
          id: 'w',
          category: 'cpu',
          better: k % 2 ? 'lower' : 'higher',
          figure: 50,
          shift: s,
          rounds,
          batches: 20,
          roundSd,
          batchSd,
          stallRate: 0.01,
          stallFactor: 3,
        },
      ];
      const base = syntheticResults({ label: 'b', seed: rng.int(0, 2 ** 30), workloads: w(0) });
      const cand = syntheticResults({ label: 'c', seed: rng.int(0, 2 ** 30), workloads: w(shift) });
      const c = compareResults(base, cand, { resamples: 1000, seed: k });
      const row = c.rows[0];
      if (row?.status !== 'compared') throw new Error('row not compared');
      if (row.logRatio.lo <= shift && shift <= row.logRatio.hi) {
        covered++;
        byNoise[k % 3] = (byNoise[k % 3] ?? 0) + 1;
      }
      if (row.logRatio.method === 'bca') bca++;
      if (shift === 0) {
        nulls++;
        if (row.verdict === 'slower' || row.verdict === 'faster') falseCalls++;
      }
    }
    console.log(
      `coverage ${(covered / total).toFixed(3)} of ${total}; false slower/faster ${falseCalls}/${nulls}; BCa used in ${bca}/${total}; coverage by noise level ${byNoise.map((x) => (x / Math.ceil(total / 3)).toFixed(2)).join(' / ')}`,
    );
    expect(covered / total).toBeGreaterThanOrEqual(0.92);
    expect(falseCalls / nulls).toBeLessThan(0.05);
  });
});
