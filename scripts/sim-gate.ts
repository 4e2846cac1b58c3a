/**
 * The gate's level, chosen from a simulation (docs/gate.md): seeded synthetic runs with known truth, 16
 * workloads of which one regressed by +10%, max regression 5%, a run-to-run offset N(0, σ_run) per
 * workload in every run (σ_run 1% or 3%). For each baseline shape and round noise it gates 30 current runs under three rules and counts
 * false fails (a gate where one of the 15 unchanged workloads failed) and detections of the +10%:
 *   - FCR 95%: per-workload 95% intervals, the failing ones re-judged at the false-coverage-rate
 *     adjusted level (Benjamini & Yekutieli 2005) — the gate's rule;
 *   - FCR 90%: the same at 90%;
 *   - plain 95%: per-workload 95% intervals, no adjustment;
 *   - Bonferroni 95%: every interval at 1 - 5%/16 (the old rule).
 * Usage: npx tsx scripts/sim-gate.ts  (a few minutes on 2 busy cores)
 */
import { decideRows } from '../src/gate/decide.js';
import { judge } from '../src/gate/gate.js';
import type { GatePolicy, SideStatus } from '../src/gate/types.js';
import { compareRunSets } from '../src/stats/compare.js';
import { createRng } from '../src/stats/random.js';
import { gaussian, syntheticResults, type SyntheticWorkload } from '../src/stats/synthetic.js';
import type { ResultsFile } from '../src/types.js';

const K = 16;
const ids = Array.from({ length: K }, (_, i) => `w${String(i).padStart(2, '0')}`);
const policy: GatePolicy = { defaultMaxRegressionPct: 5, perWorkload: {}, ignore: [] };
const sides = new Map<string, { base: SideStatus; cur: SideStatus; reason: string | null }>(
  ids.map((id) => [id, { base: 'ok', cur: 'ok', reason: null }]),
);
const REPS = Number(process.env.REPS ?? 30);

function run(rng: ReturnType<typeof createRng>, rounds: number, roundSd: number, regressed: boolean, runSd: number): ResultsFile {
  const ws: SyntheticWorkload[] = ids.map((id, i) => ({
    id,
    category: 'cpu',
    better: 'lower',
    figure: 100,
    shift: (regressed && i === 0 ? Math.log(1.1) : 0) + runSd * gaussian(rng),
    rounds,
    batches: 10,
    roundSd,
    batchSd: 0.03,
  }));
  return syntheticResults({ label: 'sim', seed: rng.int(0, 2 ** 30), workloads: ws });
}

const shapes = [
  { name: '1 run x 5 rounds', runs: 1, rounds: 5 },
  { name: '1 run x 10 rounds', runs: 1, rounds: 10 },
  { name: '3 runs x 5 rounds', runs: 3, rounds: 5 },
  { name: '5 runs x 5 rounds', runs: 5, rounds: 5 },
  { name: '10 runs x 5 rounds', runs: 10, rounds: 5 },
];
console.log('| baseline | round noise | run offset | rule | false fails (gates) | +10% detected |');
console.log('|---|---:|---:|---|---:|---:|');
for (const shape of shapes) {
  for (const [roundSd, runSd] of [
    [0.01, 0.01],
    [0.03, 0.01],
    [0.01, 0.03],
  ] as const) {
    const rng = createRng(1000 + shape.runs * 10 + shape.rounds + roundSd * 1000 + runSd * 100);
    const tally = { fcr95: [0, 0], fcr90: [0, 0], plain: [0, 0], bonf: [0, 0] };
    for (let rep = 0; rep < REPS; rep++) {
      const base = Array.from({ length: shape.runs }, () => run(rng, shape.rounds, roundSd, false, runSd));
      const cur = [run(rng, shape.rounds, roundSd, true, runSd)];
      const settings = { onlyIds: ids, resamples: 500, seed: rep + 1 };
      for (const [key, level] of [
        ['fcr95', 0.95],
        ['fcr90', 0.9],
      ] as const) {
        const j = judge(base, cur, { ...settings, level }, sides, policy, null, compareRunSets);
        const t = tally[key];
        if (j.rows.some((r) => r.id !== 'w00' && r.outcome === 'fail')) t[0]++;
        if (j.rows.some((r) => r.id === 'w00' && r.outcome === 'fail')) t[1]++;
      }
      for (const [key, level] of [
        ['plain', 0.95],
        ['bonf', 1 - 0.05 / K],
      ] as const) {
        const c = compareRunSets(base, cur, { ...settings, level, fcr: false });
        const rows = decideRows({ comparison: c, sides, policy, only: null });
        if (rows.some((r) => r.id !== 'w00' && r.outcome === 'fail')) tally[key][0]++;
        if (rows.some((r) => r.id === 'w00' && r.outcome === 'fail')) tally[key][1]++;
      }
    }
    for (const [key, name] of [
      ['fcr95', 'FCR 95%'],
      ['fcr90', 'FCR 90%'],
      ['plain', 'plain 95%'],
      ['bonf', 'Bonferroni 95%'],
    ] as const) {
      const t = tally[key];
      console.log(`| ${shape.name} | ${roundSd * 100}% | ${runSd * 100}% | ${name} | ${t[0]}/${REPS} | ${t[1]}/${REPS} |`);
    }
  }
}
