/**
 * Coverage simulations with known truth (docs/compare.md, "How honest is the interval?"): data sets made by
 * the one synthetic factory (synthetic.ts), compared by the one engine (compare.ts), counted. Shared by
 * scripts/coverage-tables.ts (about 1,000 data sets per cell, for the docs) and
 * test/unit/stats-coverage-tables.test.ts (a small fixed-seed subset). Seeded; no clock.
 *
 * Batch patterns (what a round's batches look like inside; the round figure is always total work over total
 * time): `lognormal` (3% batch noise), `quota` (a CFS quota: 9% of batches at a tenth of full speed, about half
 * of the time), `rare-huge` (4,000 tiny batches, one in a thousand stalled 500x), `steal-burst` (a run of
 * consecutive batches stalled 5x in a third of the rounds), `stalled-round` (one round of one side 3x slower).
 * Runs: each run of a side gets one offset N(0, runSd) shared by all its workloads (a launch's conditions).
 */
import type { ResultsFile, Round, WorkloadOk } from '../types.js';
import { compareRunSets } from './compare.js';
import { createRng, type Rng } from './random.js';
import { gaussian, syntheticResults, type SyntheticWorkload } from './synthetic.js';

export type BatchPattern = 'lognormal' | 'quota' | 'rare-huge' | 'steal-burst' | 'stalled-round';

export interface Cell {
  pattern: BatchPattern;
  runs: number;
  rounds: number;
  workloads: number;
  /** SD of the per-run offset shared by every workload of the run (log units). */
  runSd: number;
  /** SD of round figures around their run (log units). */
  roundSd: number;
  /** True overhead of the candidate, log units (0: A/A). */
  shift: number;
}

export interface CellResult {
  sims: number;
  /** Share of rows whose interval covers the truth, and of overall indices that do. */
  rowCoverage: number;
  overallCoverage: number;
  /** Rows (A/A: every slower/faster is false) called slower or faster, as a share of rows. */
  calledShare: number;
  /** Mean width of the rows' intervals and of the overall's, in percentage points. */
  rowWidth: number;
  overallWidth: number;
}

function patternOf(p: BatchPattern): Partial<SyntheticWorkload> {
  switch (p) {
    case 'quota':
      return { batches: 200, batchSd: 0.02, stallRate: 0.09, stallFactor: 10 };
    case 'rare-huge':
      return { batches: 4000, batchSd: 0.02, stallRate: 0.001, stallFactor: 500 };
    default:
      return { batches: 20, batchSd: 0.03 };
  }
}

/** A run of consecutive batches stalled 5x in a third of the rounds (a steal burst), figures recomputed. */
function stealBursts(rounds: Round[], better: 'lower' | 'higher', rng: Rng): void {
  for (const r of rounds) {
    if (rng.float() >= 1 / 3) continue;
    const m = r.samples.length;
    const start = rng.int(0, Math.max(0, m - 1));
    const len = Math.max(1, Math.floor(m / 4));
    for (let i = start; i < Math.min(m, start + len); i++)
      r.samples[i] = better === 'lower' ? (r.samples[i] as number) * 5 : (r.samples[i] as number) / 5;
    const costs = r.samples.map((x) => (better === 'lower' ? x : 1 / x));
    const mean = costs.reduce((a, x) => a + x, 0) / m;
    r.figure = better === 'lower' ? mean : 1 / mean;
  }
}

function side(label: string, cell: Cell, shift: number, rng: Rng, better: 'lower' | 'higher'): ResultsFile[] {
  return Array.from({ length: cell.runs }, () => {
    const offset = cell.runSd * gaussian(rng);
    const f = syntheticResults({
      label,
      seed: rng.int(0, 2 ** 30),
      workloads: Array.from({ length: cell.workloads }, (_, k) => ({
        id: `w${k}`,
        category: (['cpu', 'memory', 'syscall', 'process', 'crypto', 'storage', 'network'] as const)[k % 7],
        better,
        figure: 100,
        shift: shift + offset,
        rounds: cell.rounds,
        roundSd: cell.roundSd,
        ...patternOf(cell.pattern),
      })),
    });
    for (const w of f.workloads) {
      if (w.status !== 'ok') continue;
      if (cell.pattern === 'steal-burst') stealBursts(w.rounds, better, rng);
    }
    return f;
  });
}

/** One round of one side 3x slower (figure and samples). */
function stallOneRound(files: ResultsFile[], rng: Rng): void {
  for (const w of (files[0] as ResultsFile).workloads as WorkloadOk[]) {
    const r = w.rounds[rng.int(0, w.rounds.length - 1)] as Round;
    const f = w.better === 'lower' ? 3 : 1 / 3;
    r.figure *= f;
    r.samples = r.samples.map((x) => x * f);
  }
}

/** Simulate one cell: `sims` comparisons, both directions of "better" alternating. */
export function simulateCell(cell: Cell, sims: number, seed: number, resamples = 200): CellResult {
  const rng = createRng(seed);
  let rowsCovered = 0;
  let rows = 0;
  let overallCovered = 0;
  let overalls = 0;
  let called = 0;
  let rowWidth = 0;
  let overallWidth = 0;
  for (let k = 0; k < sims; k++) {
    const better = k % 2 ? 'lower' : 'higher';
    const base = side('base', cell, 0, rng, better);
    const cand = side('cand', cell, cell.shift, rng, better);
    if (cell.pattern === 'stalled-round') stallOneRound(rng.float() < 0.5 ? base : cand, rng);
    const c = compareRunSets(base, cand, { resamples, seed: k + 1 });
    for (const r of c.rows) {
      if (r.status !== 'compared') continue;
      rows++;
      if (r.logRatio.lo <= cell.shift && cell.shift <= r.logRatio.hi) rowsCovered++;
      if (r.verdict === 'slower' || r.verdict === 'faster') called++;
      rowWidth += r.overheadPct.hi - r.overheadPct.lo;
    }
    if (c.overall) {
      overalls++;
      if (c.overall.logRatio.lo <= cell.shift && cell.shift <= c.overall.logRatio.hi) overallCovered++;
      overallWidth += c.overall.overheadPct.hi - c.overall.overheadPct.lo;
    }
  }
  return {
    sims,
    rowCoverage: rowsCovered / Math.max(1, rows),
    overallCoverage: overallCovered / Math.max(1, overalls),
    calledShare: called / Math.max(1, rows),
    rowWidth: rowWidth / Math.max(1, rows),
    overallWidth: overallWidth / Math.max(1, overalls),
  };
}
