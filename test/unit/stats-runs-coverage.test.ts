/**
 * Replicate runs as the top level, in simulation with known truth (seeded, no timing): each run of a
 * side gets its own offset N(0, 1%) on the log scale (Kalibera & Jones' run-to-run variation), 10
 * rounds with 1% round noise, 20 batches of 3% noise. One run per side cannot see the offsets (the
 * audit's A/A: 50 of 100 intervals covered 0); with 3 or 5 runs per side the t interval across run
 * figures must cover the truth in >= 93% and call fewer than 5% of A/A rows slower/faster.
 */
import { describe, expect, it } from 'vitest';
import { compareRunSets } from '../../src/stats/compare.js';
import { gaussian, syntheticResults } from '../../src/stats/synthetic.js';
import { createRng } from '../../src/stats/random.js';
import type { ResultsFile } from '../../src/types.js';

const RUN_SD = 0.01;

function side(label: string, runs: number, shift: number, rng: ReturnType<typeof createRng>, better: 'lower' | 'higher'): ResultsFile[] {
  return Array.from({ length: runs }, () =>
    syntheticResults({
      label,
      seed: rng.int(0, 2 ** 30),
      workloads: [
        {
          id: 'w',
          category: 'cpu',
          better,
          figure: 100,
          shift: shift + RUN_SD * gaussian(rng),
          rounds: 10,
          batches: 20,
          roundSd: 0.01,
          batchSd: 0.03,
        },
      ],
    }),
  );
}

function simulate(runs: number, sims: number, seed: number): { coverage: number; falseCalls: number; nulls: number; scopes: Set<string> } {
  const rng = createRng(seed);
  const shifts = [0, 0.03, 0, -0.02];
  let covered = 0;
  let nulls = 0;
  let falseCalls = 0;
  const scopes = new Set<string>();
  for (let k = 0; k < sims; k++) {
    const shift = shifts[k % shifts.length] as number;
    const better = k % 2 ? 'lower' : 'higher';
    const c = compareRunSets(side('base', runs, 0, rng, better), side('cand', runs, shift, rng, better), { resamples: 200, seed: k });
    const row = c.rows[0];
    if (row?.status !== 'compared') throw new Error('not compared');
    if (row.logRatio.lo <= shift && shift <= row.logRatio.hi) covered++;
    if (shift === 0) {
      nulls++;
      if (row.verdict === 'slower' || row.verdict === 'faster') falseCalls++;
    }
    scopes.add(`${c.scope?.covers}/${row.overheadPct.method}`);
  }
  return { coverage: covered / sims, falseCalls, nulls, scopes };
}

describe('replicate runs: coverage with run-to-run offsets present', () => {
  it('3 and 5 runs per side: t interval across runs covers >= 93%, A/A slower/faster < 5%', () => {
    const table: string[] = ['runs/side | coverage | false slower/faster (A/A)'];
    for (const runs of [3, 5]) {
      const r = simulate(runs, 400, 100 + runs);
      table.push(`${runs} | ${(100 * r.coverage).toFixed(1)}% | ${r.falseCalls}/${r.nulls}`);
      expect(r.coverage, `${runs} runs`).toBeGreaterThanOrEqual(0.93);
      expect(r.falseCalls / r.nulls).toBeLessThan(0.05);
      expect([...r.scopes]).toEqual(['platforms/runs-t']);
    }
    console.log(table.join('\n'));
  });

  it('one run per side does not see the offsets: low coverage, and the comparison says it covers these two runs only', () => {
    const r = simulate(1, 200, 7);
    console.log(`1 run per side: coverage ${(100 * r.coverage).toFixed(1)}%, false slower/faster ${r.falseCalls}/${r.nulls}`);
    expect(r.coverage).toBeLessThan(0.9); // the reason for runs as the top level
    expect([...r.scopes]).toEqual(['these-runs/percentile']);
  });
});
