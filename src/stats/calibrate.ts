/**
 * What this host can detect (`virtax calibrate`, docs/calibrate.md): A/A runs of the same probe, the noise at
 * each level, the false verdicts the comparison engine gave between them, and the minimum detectable effect
 * of a comparison of a given budget.
 *
 * Noise levels, on the log scale of the figures (an SD of ln x is about a coefficient of variation): one-way
 * random-effects variance components by the ANOVA (moments) estimators, a negative estimate set to 0 (Searle,
 * Casella & McCulloch 1992, ch. 3):
 *   batch  pooled SD of ln(batch figure) within a round,
 *   round  pooled SD of ln(round figure) within a run (what a duel's pairs and a run's rounds see),
 *   run    SD of the run means beyond what the rounds explain: sqrt((MSB - MSW) / n0), with
 *          n0 = (N - Σ n_j² / N) / (k - 1) (unequal rounds per run).
 *
 * Minimum detectable effect at power 1-β (Cohen 1988, the normal approximation): a verdict is `slower` when the
 * whole two-sided level-(1-α) interval lies above the noise threshold δ (verdict.ts), so the effect the
 * comparison finds with probability 1-β is ln(1 + MDE) = ln(1 + δ) + (q(1-α/2) + q(1-β)) · SE, with per design
 *   duel, n pairs (a pair costs two rounds' time interleaved, one in duet):
 *                                     SE = σ_pair · sqrt(π / (3n))  (Hodges-Lehmann: asymptotic efficiency
 *                                     3/π of the mean under normal noise; Hollander & Wolfe 1999, §3.2),
 *                                     σ_pair = √2 · σ_round (pairs that share no noise: an upper bound)
 *                                     unless measured pairs give it; no verdict below 6 pairs (the
 *                                     signed-rank test cannot reach p ≤ 0.05), so no MDE;
 *   separate runs, R per side, n rounds each: SE = sqrt(2 (σ_run² + σ_round² / n) / R), q from Student t with
 *                                     2R - 2 degrees of freedom when R ≥ 2 (the runs estimate their variance);
 *   gate, one run against a baseline of R runs:  SE = sqrt((σ_run² + σ_round² / n) (1 + 1/R)).
 * The gate's detectable regression is M = q · SE without δ: an unchanged build's interval then stays below M
 * (the gate passes) with probability 1-β, and a regression beyond 2M fails it as often.
 *
 * False verdicts: every pair of runs compared by `compareResults` (one run per side, the engine `virtax
 * compare` uses); any `slower` or `faster` between two runs of the same probe on the same host is false.
 *
 * Pure: no clock, no file system; the bootstrap of the A/A comparisons is seeded.
 */
import type { Better, Fingerprint, ResultsFile, Round, WorkloadOk } from '../types.js';
import { compareResults } from './compare.js';
import { stddev } from './describe.js';
import { pairedLogRatios } from './paired.js';
import { normQuantile, tQuantile } from './distributions.js';

/** A noise level as the SD of ln(figure), reported in percent (100 · SD: about the coefficient of variation). */
export interface NoiseLevels {
  /** Within a round, between its batches. Null without rounds of 2+ batches. */
  batchPct: number | null;
  /** Within a run, between its rounds. Null without runs of 2+ rounds. */
  roundPct: number | null;
  /** Between runs, beyond what the rounds explain. Null with fewer than 2 runs. */
  runPct: number | null;
}

export interface DetectableEffects {
  /** An interleaved duel of the budget: pairs it runs, and the effect (percent) it calls `slower` with the power asked. */
  duel: { pairs: number; mdePct: number | null };
  /** One run per side, half the budget each (the runs' own noise does not shrink with their length). */
  runs: { runsPerSide: number; roundsPerRun: number; mdePct: number | null };
  /** Runs per side, each half the budget long, for separate runs to detect what the duel detects (null: more than 100). */
  runsForDuelMde: number | null;
  /** The regression a gate of one current run against a baseline of the calibrated runs can see (percent). */
  gateMaxRegressionPct: number | null;
}

export type WorkloadCalibration =
  | {
      status: 'calibrated';
      id: string;
      unit: string;
      better: Better;
      /** Runs that measured it, rounds in them (total) and batches per round (median). */
      runs: number;
      rounds: number;
      batchesPerRound: number;
      noise: NoiseLevels;
      /** Seconds one round costs (measured phase, warm-up and its share of start-up), mean over the runs. */
      roundSeconds: number;
      /** A/A comparisons between runs (one per pair of runs) and how many gave a verdict other than same/inconclusive. */
      falseVerdicts: { comparisons: number; slower: number; faster: number; ratePct: number | null };
      detectable: DetectableEffects;
    }
  | { status: 'not-calibrated'; id: string; reason: string };

export interface CalibrationOptions {
  /** The budget of the comparison the MDE is for, in minutes (all the calibrated workloads share it). */
  budgetMinutes: number;
  /** Default 0.05. */
  alpha?: number;
  /** Default 0.8. */
  power?: number;
  /** Noise threshold δ of the verdicts, percent (default 1). */
  noisePct?: number;
  /** Seed of the A/A comparisons' bootstrap. */
  seed: number;
  /** Resamples of each A/A comparison (default 2000). */
  resamples?: number;
  /** Measured SD of duel pairs' log ratios per workload (an A/A duel), in place of √2 · σ_round. */
  pairSd?: Record<string, number>;
  /** The duel the MDE is for: interleaved (default; a pair costs two rounds' time) or duet (both rounds at once: one). */
  duelMode?: 'interleaved' | 'duet';
}

export interface CalibrationResult {
  settings: { budgetMinutes: number; alpha: number; power: number; noisePct: number; seed: number; resamples: number };
  workloads: WorkloadCalibration[];
}

const logOf = (x: number, better: Better) => (better === 'lower' ? Math.log(x) : -Math.log(x));

/** Pooled within-group SD of groups of values (groups of fewer than 2 add nothing); null without any degree of freedom. */
export function pooledSd(groups: readonly (readonly number[])[]): number | null {
  let ss = 0;
  let df = 0;
  for (const g of groups) {
    if (g.length < 2) continue;
    const m = g.reduce((a, b) => a + b, 0) / g.length;
    for (const x of g) ss += (x - m) ** 2;
    df += g.length - 1;
  }
  return df > 0 ? Math.sqrt(ss / df) : null;
}

/**
 * Between-group SD component of a one-way random-effects model (ANOVA estimator, unequal group sizes), 0 when
 * the estimate is negative; null with fewer than 2 groups or no within-group degree of freedom.
 */
export function betweenSd(groups: readonly (readonly number[])[]): number | null {
  const gs = groups.filter((g) => g.length > 0);
  const k = gs.length;
  const N = gs.reduce((a, g) => a + g.length, 0);
  if (k < 2 || N - k < 1) return null;
  const grand = gs.flat().reduce((a, b) => a + b, 0) / N;
  let ssb = 0;
  let ssw = 0;
  for (const g of gs) {
    const m = g.reduce((a, b) => a + b, 0) / g.length;
    ssb += g.length * (m - grand) ** 2;
    for (const x of g) ssw += (x - m) ** 2;
  }
  const msb = ssb / (k - 1);
  const msw = ssw / (N - k);
  const n0 = (N - gs.reduce((a, g) => a + g.length ** 2, 0) / N) / (k - 1);
  return Math.sqrt(Math.max(0, (msb - msw) / n0));
}

/** The noise levels of one workload's runs (one WorkloadOk per run). */
export function noiseLevels(runs: readonly WorkloadOk[]): NoiseLevels {
  const better = runs[0]?.better ?? 'lower';
  const roundLogs = runs.map((w) => w.rounds.map((r) => logOf(r.figure, better)).filter(Number.isFinite));
  const batch = pooledSd(runs.flatMap((w) => w.rounds.map((r) => r.samples.filter((s) => s > 0).map((s) => logOf(s, better)))));
  const round = pooledSd(roundLogs);
  const run = betweenSd(roundLogs);
  const p = (sd: number | null) => (sd === null ? null : 100 * sd);
  return { batchPct: p(batch), roundPct: p(round), runPct: p(run) };
}

/**
 * SD of the per-pair log ratios of an A/A duel's two files (round i of A with round i of B), per workload measured
 * on both sides with 3 or more pairs: what a duel's pairs really vary by on this host, in place of √2 · σ_round.
 */
export function pairSdOf(a: ResultsFile, b: ResultsFile): Record<string, number> {
  const out: Record<string, number> = {};
  for (const wa of a.workloads) {
    const wb = b.workloads.find((w) => w.id === wa.id);
    if (wa.status !== 'ok' || wb?.status !== 'ok') continue;
    const n = Math.min(wa.rounds.length, wb.rounds.length);
    if (n < 3) continue;
    const d = pairedLogRatios(
      wa.rounds.slice(0, n).map((r) => r.figure),
      wb.rounds.slice(0, n).map((r) => r.figure),
      wa.better,
    ).filter(Number.isFinite);
    if (d.length >= 3) out[wa.id] = stddev(d);
  }
  return out;
}

/** Percent from a log ratio. */
const pctOf = (d: number) => 100 * Math.expm1(d);

/** The effect (percent) a comparison of standard error `se` (log scale) calls `slower` with the given power. */
export function detectablePct(se: number, q: number, noisePct: number): number {
  return pctOf(Math.log1p(noisePct / 100) + q * se);
}

/** z(1-α/2) + z(power): the normal multiplier of the standard error. */
export function normalMultiplier(alpha: number, power: number): number {
  return normQuantile(1 - alpha / 2) + normQuantile(power);
}

/** The same with Student t of ν degrees of freedom (the normal's when ν is not finite). */
export function tMultiplier(alpha: number, power: number, nu: number): number {
  return tQuantile(1 - alpha / 2, nu) + tQuantile(power, nu);
}

/** Standard error (log scale) of a duel's Hodges-Lehmann estimate from n pairs of SD `pairSd`. */
export function duelSe(pairSd: number, n: number): number {
  return pairSd * Math.sqrt(Math.PI / (3 * n));
}

/** Standard error (log scale) of separate runs: R runs per side of n rounds each. */
export function runsSe(runSd: number, roundSd: number, n: number, runsPerSide: number): number {
  return Math.sqrt((2 * (runSd ** 2 + roundSd ** 2 / n)) / runsPerSide);
}

/** Standard error (log scale) of a gate: one run of n rounds against the mean of a baseline of R runs. */
export function gateSe(runSd: number, roundSd: number, n: number, baselineRuns: number): number {
  return Math.sqrt((runSd ** 2 + roundSd ** 2 / n) * (1 + 1 / baselineRuns));
}

/** Multiplier of separate runs' SE: t with 2R - 2 degrees of freedom for R ≥ 2, the normal's for one run. */
function runsMultiplier(alpha: number, power: number, R: number): number {
  return R >= 2 ? tMultiplier(alpha, power, 2 * R - 2) : normalMultiplier(alpha, power);
}

/** Seconds each of a file's rounds of `id` cost: measured phase and warm-up, plus an even share of the run's other time. */
function roundCosts(file: ResultsFile): Map<string, number[]> {
  const costs = new Map<string, number[]>();
  let measured = 0;
  let count = 0;
  for (const w of file.workloads) {
    if (w.status !== 'ok') continue;
    const xs = w.rounds.map((r: Round) => (r.conditions?.wallSeconds ?? r.seconds) + (r.warmup?.seconds ?? 0));
    costs.set(w.id, xs);
    measured += xs.reduce((a, b) => a + b, 0);
    count += xs.length;
  }
  const wall = file.finishedAt ? (Date.parse(file.finishedAt) - Date.parse(file.startedAt)) / 1000 : Number.NaN;
  const overhead = Number.isFinite(wall) && count > 0 ? Math.max(0, (wall - measured) / count) : 0;
  for (const [id, xs] of costs)
    costs.set(
      id,
      xs.map((x) => x + overhead),
    );
  return costs;
}

const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

/**
 * Calibrate from A/A runs of one probe on one host: noise per level, false verdicts between the runs, and what
 * a comparison of `budgetMinutes` can detect, per workload. Workloads measured by fewer than 2 runs are
 * `not-calibrated` with the reason.
 */
export function calibrationOf(runs: readonly ResultsFile[], opts: CalibrationOptions): CalibrationResult {
  const alpha = opts.alpha ?? 0.05;
  const power = opts.power ?? 0.8;
  const noisePct = opts.noisePct ?? 1;
  const resamples = opts.resamples ?? 2000;
  if (!(opts.budgetMinutes > 0)) throw new RangeError(`budget must be above 0 minutes (got ${opts.budgetMinutes})`);
  if (!(power > 0.5 && power < 1)) throw new RangeError(`power must be between 0.5 and 1 (got ${power})`);
  const settings = { budgetMinutes: opts.budgetMinutes, alpha, power, noisePct, seed: opts.seed, resamples };
  const ids: string[] = [];
  for (const f of runs) for (const w of f.workloads) if (!ids.includes(w.id)) ids.push(w.id);
  const costs = runs.map(roundCosts);

  // A/A comparisons between every two runs (the engine `compare` uses, one run per side).
  const verdicts = new Map<string, { comparisons: number; slower: number; faster: number }>();
  for (let i = 0; i < runs.length; i++) {
    for (let j = i + 1; j < runs.length; j++) {
      const c = compareResults(runs[i] as ResultsFile, runs[j] as ResultsFile, {
        noisePct,
        alpha,
        resamples,
        seed: opts.seed + i * 1000 + j,
      });
      for (const row of c.rows) {
        if (row.status !== 'compared') continue;
        const v = verdicts.get(row.id) ?? { comparisons: 0, slower: 0, faster: 0 };
        v.comparisons++;
        if (row.verdict === 'slower') v.slower++;
        if (row.verdict === 'faster') v.faster++;
        verdicts.set(row.id, v);
      }
    }
  }

  // Mean cost of one round per workload, and of one pass over every calibrated workload (the budget is shared).
  const perRound = new Map<string, number>();
  for (const id of ids) {
    const xs = costs.flatMap((c) => c.get(id) ?? []);
    if (xs.length) perRound.set(id, xs.reduce((a, b) => a + b, 0) / xs.length);
  }
  const measuredIds = ids.filter(
    (id) => runs.filter((f) => f.workloads.some((w) => w.id === id && w.status === 'ok' && w.rounds.length > 0)).length >= 2,
  );
  const passSeconds = measuredIds.reduce((a, id) => a + (perRound.get(id) ?? 0), 0);
  const budgetSeconds = opts.budgetMinutes * 60;
  const pairSeconds = (opts.duelMode === 'duet' ? 1 : 2) * passSeconds;
  const pairs = pairSeconds > 0 ? Math.floor(budgetSeconds / pairSeconds) : 0;
  const roundsHalf = passSeconds > 0 ? Math.floor(budgetSeconds / 2 / passSeconds) : 0;

  const workloads = ids.map((id): WorkloadCalibration => {
    const oks = runs
      .map((f) => f.workloads.find((w) => w.id === id))
      .filter((w): w is WorkloadOk => w?.status === 'ok' && w.rounds.length > 0);
    if (oks.length < 2) {
      const notOk = runs.map((f) => f.workloads.find((w) => w.id === id)).find((w) => w && w.status !== 'ok');
      const why =
        notOk && notOk.status !== 'ok' ? `${notOk.status}: ${notOk.reason}` : `measured by ${oks.length} run${oks.length === 1 ? '' : 's'}`;
      return { status: 'not-calibrated', id, reason: `${why} (calibration needs 2 or more runs that measured it)` };
    }
    const first = oks[0] as WorkloadOk;
    const noise = noiseLevels(oks);
    const sRound = (noise.roundPct ?? 0) / 100;
    const sRun = (noise.runPct ?? 0) / 100;
    const sPair = opts.pairSd?.[id] ?? Math.SQRT2 * sRound;
    const zq = normalMultiplier(alpha, power);
    const duelMde = pairs >= 6 ? detectablePct(duelSe(sPair, pairs), zq, noisePct) : null;
    const runsMde = (R: number) =>
      roundsHalf >= 1 ? detectablePct(runsSe(sRun, sRound, roundsHalf, R), runsMultiplier(alpha, power, R), noisePct) : null;
    let runsFor: number | null = null;
    if (duelMde !== null) {
      for (let R = 1; R <= 100; R++) {
        const m = runsMde(R);
        if (m !== null && m <= duelMde) {
          runsFor = R;
          break;
        }
      }
    }
    const nRun = median(oks.map((w) => w.rounds.length));
    const gate = 100 * Math.expm1(zq * gateSe(sRun, sRound, nRun, oks.length));
    const v = verdicts.get(id) ?? { comparisons: 0, slower: 0, faster: 0 };
    return {
      status: 'calibrated',
      id,
      unit: first.unit,
      better: first.better,
      runs: oks.length,
      rounds: oks.reduce((a, w) => a + w.rounds.length, 0),
      batchesPerRound: median(oks.flatMap((w) => w.rounds.map((r) => r.samples.length))),
      noise,
      roundSeconds: perRound.get(id) ?? 0,
      falseVerdicts: { ...v, ratePct: v.comparisons ? (100 * (v.slower + v.faster)) / v.comparisons : null },
      detectable: {
        duel: { pairs, mdePct: duelMde },
        runs: { runsPerSide: 1, roundsPerRun: roundsHalf, mdePct: runsMde(1) },
        runsForDuelMde: runsFor,
        gateMaxRegressionPct: Number.isFinite(gate) ? gate : null,
      },
    };
  });
  return { settings, workloads };
}

/**
 * A gate config (schema/gate-config.v1.json) whose per-workload max regressions are what the host can detect:
 * each calibrated workload's gate figure rounded up to the next half percent and never below the verdicts'
 * noise threshold; the default (`maxRegression`) is the largest of them, so an uncalibrated workload is not
 * promised more than the worst calibrated one.
 */
export function gateConfigOf(cal: CalibrationResult): {
  schema: 'virtax.gate-config/v1';
  maxRegression?: number;
  perWorkload: Record<string, number>;
} {
  const perWorkload: Record<string, number> = {};
  for (const w of cal.workloads) {
    if (w.status !== 'calibrated' || w.detectable.gateMaxRegressionPct === null) continue;
    const v = Math.max(cal.settings.noisePct, Math.ceil(w.detectable.gateMaxRegressionPct * 2 - 1e-9) / 2);
    perWorkload[w.id] = Math.min(1000, v);
  }
  const values = Object.values(perWorkload);
  return { schema: 'virtax.gate-config/v1', ...(values.length ? { maxRegression: Math.max(...values) } : {}), perWorkload };
}

export const CALIBRATION_SCHEMA = 'virtax.calibration/v1' as const;

/** The calibration file (schema/calibration.v1.json). */
export interface CalibrationFile extends CalibrationResult {
  schema: typeof CALIBRATION_SCHEMA;
  id: string;
  createdAt: string;
  tool: ResultsFile['tool'];
  /** The host of the first run (every run must be of one host). */
  host: Fingerprint;
  /** The A/A runs it rests on: their files (relative to this file), ids, times and load. */
  runs: {
    file: string;
    id: string;
    label: string;
    startedAt: string;
    finishedAt: string | null;
    loadAvg1Start: number | null;
    loadAvg1End: number | null;
    stealPct: number | null;
  }[];
  /** The A/A duel whose pairs gave the duel's pair SD (calibrate --duel), per workload in percent. */
  duelPairs?: { dir: string; mode: string; sdPct: Record<string, number> };
  /** How the numbers were made and what they assume, in words. */
  notes: string[];
}
