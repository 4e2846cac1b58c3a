/**
 * The coverage tables of docs/compare.md ("How honest is the interval?"), from src/stats/coverage-sim.ts:
 * rows of one run per side under batch patterns that break batch independence (quota, rare huge stalls,
 * steal bursts, a stalled round), the overall index under run offsets shared by every workload of a run,
 * and 2-10 runs per side (more data never widens the interval). Seeded; prints Markdown.
 * Usage: npx tsx scripts/coverage-tables.ts [SIMS_PER_CELL (default 1000)]
 */
import { simulateCell, type BatchPattern, type Cell } from '../src/stats/coverage-sim.js';

const sims = Number(process.argv[2] ?? 1000);
const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const base: Cell = { pattern: 'lognormal', runs: 1, rounds: 5, workloads: 1, runSd: 0, roundSd: 0.02, shift: 0 };

console.log(`### Rows, one run per side (${sims} data sets per cell; truth 0 or +5%, both directions of better)\n`);
console.log(
  '| batches | rounds | coverage (truth 0) | A/A rows called | coverage (truth +5%) | called slower at +5% | mean width (points) |',
);
console.log('|---|---:|---:|---:|---:|---:|---:|');
for (const pattern of ['lognormal', 'quota', 'rare-huge', 'steal-burst', 'stalled-round'] as BatchPattern[]) {
  for (const rounds of [5, 10]) {
    const aa = simulateCell({ ...base, pattern, rounds }, sims, 11 + rounds);
    const fx = simulateCell({ ...base, pattern, rounds, shift: Math.log(1.05) }, sims, 12 + rounds);
    console.log(
      `| ${pattern} | ${rounds} | ${pct(aa.rowCoverage)} | ${pct(aa.calledShare)} | ${pct(fx.rowCoverage)} | ${pct(fx.calledShare)} | ${fx.rowWidth.toFixed(1)} |`,
    );
  }
}

console.log(`\n### Overall index, 3 runs per side, one offset per run shared by every workload (A/A, ${sims} data sets per cell)\n`);
console.log('| workloads | run SD | overall coverage | row coverage | mean overall width (points) |');
console.log('|---:|---:|---:|---:|---:|');
for (const workloads of [12, 25]) {
  for (const runSd of [0.01, 0.02, 0.05]) {
    const r = simulateCell(
      { ...base, runs: 3, rounds: 10, workloads, runSd, roundSd: 0.01 },
      sims,
      100 + workloads + Math.round(1000 * runSd),
    );
    console.log(
      `| ${workloads} | ${(100 * runSd).toFixed(0)}% | ${pct(r.overallCoverage)} | ${pct(r.rowCoverage)} | ${r.overallWidth.toFixed(1)} |`,
    );
  }
}

for (const [rounds, roundSd] of [
  [10, 0.01],
  [5, 0.05],
] as const) {
  console.log(`\n### 2-10 runs per side, truth +5%, run SD 1%, ${rounds} rounds of ${100 * roundSd}% noise (${sims} data sets per cell)\n`);
  console.log('| runs per side | coverage | called slower (power) | mean width (points) |');
  console.log('|---:|---:|---:|---:|');
  for (const runs of [2, 3, 4, 5, 6, 8, 10]) {
    const r = simulateCell({ ...base, runs, rounds, runSd: 0.01, roundSd, shift: Math.log(1.05) }, sims, 500 + runs + rounds);
    console.log(`| ${runs} | ${pct(r.rowCoverage)} | ${pct(r.calledShare)} | ${r.rowWidth.toFixed(2)} |`);
  }
}
