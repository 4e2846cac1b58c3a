/**
 * compareResults on two synthetic standard-size files: 25 workloads, 10 rounds, 300 batches per round,
 * 10,000 resamples. Target: under 2 s on the 2-core dev machine. Also reports the parts (bootstrap of
 * one row, the whole comparison) and the rate in resampled rounds per second.
 */
import { compareResults } from '../src/stats/compare.js';
import { syntheticResults, type SyntheticWorkload } from '../src/stats/synthetic.js';
import { CATEGORIES } from '../src/types.js';

function files(): { base: ReturnType<typeof syntheticResults>; cand: ReturnType<typeof syntheticResults> } {
  const ws = (shift: number): SyntheticWorkload[] =>
    Array.from({ length: 25 }, (_, i) => ({
      id: `w${i}`,
      category: CATEGORIES[i % 7] ?? 'cpu',
      better: i % 2 ? 'lower' : 'higher',
      figure: 100 + i,
      shift: shift * (i % 3),
      rounds: 10,
      batches: 300,
      roundSd: 0.02,
      batchSd: 0.08,
      stallRate: 0.01,
      stallFactor: 3,
    }));
  return {
    base: syntheticResults({ label: 'base', seed: 1, workloads: ws(0) }),
    cand: syntheticResults({ label: 'cand', seed: 2, workloads: ws(0.03) }),
  };
}

export async function run(): Promise<void> {
  const { base, cand } = files();
  compareResults(base, cand, { resamples: 1000 }); // warm-up: JIT
  const times: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    const c = compareResults(base, cand, { resamples: 10_000, seed: i + 1 });
    times.push(performance.now() - t0);
    if (c.rows.length !== 25) throw new Error('expected 25 rows');
  }
  times.sort((a, b) => a - b);
  const median = times[1] as number;
  const draws = 25 * 2 * 10 * 10_000;
  console.log(
    `compare 25 workloads x 10 rounds x 300 batches, 10,000 resamples: median ${(median / 1000).toFixed(2)} s of 3 (min ${((times[0] as number) / 1000).toFixed(2)}, max ${((times[2] as number) / 1000).toFixed(2)}); target < 2 s: ${median < 2000 ? 'met' : 'MISSED'}`,
  );
  console.log(`  outer stage: ${(draws / (median / 1000) / 1e6).toFixed(1)} M resampled rounds/s`);
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
