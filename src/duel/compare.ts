/**
 * The duel's paired comparison: side A is the base, side B the candidate (positive overhead = B worse).
 * Rounds are paired by index: round i of A and round i of B ran back to back (the duel appends rounds in
 * pairs), so a machine's drift hits both members of a pair alike and cancels in their ratio. Output is
 * the shared Comparison contract (src/stats/types.ts), so every exporter prints it like `compare`'s.
 */
import { summarize } from '../stats/describe.js';
import { envDiffs } from '../stats/compare.js';
import { contentionWarning, filterContendedPairs } from '../stats/contention.js';
import { benjaminiHochberg } from '../stats/fdr.js';
import { compareNoise } from '../stats/noise.js';
import { overallIndex } from '../stats/overall.js';
import { pairedEstimate, pairedLogRatios, type PairedEstimate } from '../stats/paired.js';
import { createRng } from '../stats/random.js';
import type { Comparison, CompareOptions, RowComparison, SideSummary } from '../stats/types.js';
import { roundsToSettle, verdictOf } from '../stats/verdict.js';
import type { Category, ResultsFile, Round, WorkloadOk } from '../types.js';

export interface DuelCompareOptions extends CompareOptions {
  /** Confidence level (default 0.95). */
  level?: number;
}

function side(rounds: Round[], w: WorkloadOk): SideSummary {
  const s = summarize(rounds, w.better);
  return { median: s.median, rounds: s.rounds, cv: s.cv, p50: s.p50, p99: s.p99, stealPct: s.stealPct };
}

/** Rounds per side needed for the interval to clear the noise band or fit inside it (null when unknown). */
function settleRounds(est: PairedEstimate, noisePct: number): number | null {
  const band = Math.log(1 + Math.abs(noisePct) / 100);
  const point = Math.abs(est.logRatio.point);
  const width = 2 * Math.abs(point - band);
  return roundsToSettle(est.sdLog, width);
}

/** Paired estimate of one workload from the two sides' rounds, or the reason it cannot be compared. */
export function pairWorkload(a: WorkloadOk, b: WorkloadOk, opts: { level: number; resamples: number; seed: number }): PairedEstimate | string {
  const n = Math.min(a.rounds.length, b.rounds.length);
  if (n < 2) return `only ${n} round pair${n === 1 ? '' : 's'} measured (need at least 2)`;
  try {
    const d = pairedLogRatios(a.rounds.slice(0, n).map((r) => r.figure), b.rounds.slice(0, n).map((r) => r.figure), a.better);
    return pairedEstimate(d, { level: opts.level, resamples: opts.resamples, rng: createRng(opts.seed) });
  } catch (e) {
    return (e as Error).message;
  }
}

/** Compare side B (candidate) against side A (base) from their results files, pairing rounds by index. */
export function compareDuel(a: ResultsFile, b: ResultsFile, options: DuelCompareOptions = {}): Comparison {
  const noisePct = options.noisePct ?? 1;
  const alpha = options.alpha ?? 0.05;
  const level = options.level ?? 0.95;
  const resamples = options.resamples ?? 10_000;
  const seed = options.seed ?? 1;
  const warnings: string[] = [];
  if (!a.finishedAt || !b.finishedAt) warnings.push('the duel ended early: partial results (measured rounds only)');
  for (const [f, name] of [[a, `side A ${a.label}`], [b, `side B ${b.label}`]] as const) warnings.push(...[contentionWarning(f, name)].filter((x): x is string => x !== null));

  const ids = [...new Set([...a.workloads.map((w) => w.id), ...b.workloads.map((w) => w.id)])].filter(
    (id) => !options.onlyIds || options.onlyIds.includes(id),
  );
  const rows: RowComparison[] = [];
  const estimates: { row: number; est: PairedEstimate; category: Category }[] = [];
  ids.forEach((id, k) => {
    const wa = a.workloads.find((w) => w.id === id);
    const wb = b.workloads.find((w) => w.id === id);
    const any = wa ?? wb;
    const notCompared = (reason: string): RowComparison => ({ status: 'not-compared', id, category: any?.category ?? null, title: any?.title ?? null, reason });
    if (!wa || !wb) return rows.push(notCompared(`missing on side ${wa ? 'B' : 'A'}`));
    if (wa.status !== 'ok') return rows.push(notCompared(`A ${wa.status}: ${wa.reason}`));
    if (wb.status !== 'ok') return rows.push(notCompared(`B ${wb.status}: ${wb.reason}`));
    if (wa.unit !== wb.unit || wa.better !== wb.better) return rows.push(notCompared(`sides measured different units (${wa.unit} vs ${wb.unit})`));
    const kp = filterContendedPairs(wa.rounds, wb.rounds);
    const est = pairWorkload({ ...wa, rounds: kp.a }, { ...wb, rounds: kp.b }, { level, resamples, seed: seed + k });
    if (typeof est === 'string') return rows.push(notCompared(est));
    const n = est.n;
    const notes = [`paired: ${n} round pairs, Hodges-Lehmann on per-pair log ratios, Wilcoxon signed-rank p`, ...kp.notes];
    if (wa.rounds.length !== wb.rounds.length) notes.push(`${Math.abs(wa.rounds.length - wb.rounds.length)} unpaired round(s) left out`);
    if (n < 6) notes.push('fewer than 6 pairs: the bootstrap interval is optimistic');
    const base = side(wa.rounds.slice(0, n), wa);
    const cand = side(wb.rounds.slice(0, n), wb);
    const verdict = kp.trustworthy ? verdictOf(est.overheadPct, noisePct) : 'inconclusive';
    estimates.push({ row: rows.length, est, category: wa.category });
    rows.push({
      status: 'compared',
      id,
      category: wa.category,
      title: wa.title,
      unit: wa.unit,
      better: wa.better,
      base,
      cand,
      overheadPct: est.overheadPct,
      logRatio: est.logRatio,
      pValue: est.pValue,
      qValue: est.pValue,
      verdict,
      roundsToSettle: verdict === 'inconclusive' ? settleRounds(est, noisePct) : null,
      tailRatio: base.p99 > 0 && cand.p99 > 0 ? (wa.better === 'lower' ? cand.p99 / base.p99 : base.p99 / cand.p99) : null,
      notes,
    });
  });
  const q = benjaminiHochberg(estimates.map((e) => e.est.pValue));
  estimates.forEach((e, i) => {
    const r = rows[e.row];
    if (r && r.status === 'compared') r.qValue = q[i] as number;
  });

  return {
    schema: 'virtax.comparison/v1',
    base: { id: a.id, label: a.label, host: a.host },
    cand: { id: b.id, label: b.label, host: b.host },
    settings: { noisePct, alpha, level, resamples, seed },
    rows,
    overall: overallIndex(
      estimates.map((e) => ({ category: e.category, point: e.est.logRatio.point, replicates: e.est.replicates, variance: e.est.replicateVariance, widening: 1 })),
      level,
      options.weights,
    ),
    noise: compareNoise(
      estimates.map((e) => {
        const r = rows[e.row] as Extract<RowComparison, { status: 'compared' }>;
        const tail = (x: SideSummary) => (r.better === 'lower' ? x.p99 / x.p50 : x.p50 / x.p99);
        return { baseCv: r.base.cv, candCv: r.cand.cv, baseTail: tail(r.base), candTail: tail(r.cand) };
      }),
      { base: a.conditions.stealPct, cand: b.conditions.stealPct },
      { resamples, level, seed },
    ),
    envDiffs: envDiffs(a.host, b.host),
    warnings,
  };
}
