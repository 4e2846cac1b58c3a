/**
 * The duel's paired comparison: side A is the base, side B the candidate (positive overhead = B worse).
 * Rounds are paired by index: round i of A and round i of B ran back to back (the duel appends rounds in
 * pairs), so a machine's drift hits both members of a pair alike and cancels in their ratio. Output is
 * the shared Comparison contract (src/stats/types.ts), so every exporter prints it like `compare`'s.
 */
import { summarize } from '../stats/describe.js';
import { benjaminiHochberg, pairedEstimate, pairedLogRatios, toPct, type PairedEstimate } from '../stats/paired.js';
import { createRng } from '../stats/random.js';
import type { Comparison, CompareOptions, EnvDiff, Estimate, NoiseComparison, RowComparison, SideSummary } from '../stats/types.js';
import { roundsToSettle, verdictOf } from '../stats/verdict.js';
import { median, quantileSorted, sortedOf } from '../stats/describe.js';
import type { Category, Fingerprint, ResultsFile, Round, WorkloadOk } from '../types.js';

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

export function envDiffs(a: Fingerprint, b: Fingerprint): EnvDiff[] {
  const fields: [string, (f: Fingerprint) => string][] = [
    ['platform', (f) => f.platform],
    ['hypervisor', (f) => f.hypervisor ?? 'none'],
    ['container', (f) => f.container ?? 'none'],
    ['cpu.model', (f) => f.cpu.model],
    ['cpu.threads', (f) => String(f.cpu.threads)],
    ['clocksource', (f) => f.clocksource ?? 'unknown'],
    ['kernel', (f) => f.kernel],
    ['memoryBytes', (f) => String(f.memoryBytes)],
  ];
  return fields.filter(([, get]) => get(a) !== get(b)).map(([field, get]) => ({ field, base: get(a), cand: get(b) }));
}

export interface PairedRow {
  id: string;
  estimate: PairedEstimate | null;
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

function estimateFrom(point: number, draws: number[], level: number): Estimate {
  const s = sortedOf(draws);
  return { point, lo: quantileSorted(s, (1 - level) / 2), hi: quantileSorted(s, 1 - (1 - level) / 2), level, method: 'percentile' };
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
    const est = pairWorkload(wa, wb, { level, resamples, seed: seed + k });
    if (typeof est === 'string') return rows.push(notCompared(est));
    const n = est.n;
    const notes = [`paired: ${n} round pairs, Hodges-Lehmann on per-pair log ratios, Wilcoxon signed-rank p`];
    if (wa.rounds.length !== wb.rounds.length) notes.push(`${Math.abs(wa.rounds.length - wb.rounds.length)} unpaired round(s) left out`);
    if (n < 6) notes.push('fewer than 6 pairs: the bootstrap interval is optimistic');
    const base = side(wa.rounds.slice(0, n), wa);
    const cand = side(wb.rounds.slice(0, n), wb);
    const verdict = verdictOf(est.overheadPct, noisePct);
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
    overall: overall(estimates, level, options.weights),
    noise: noise(rows, level, seed),
    envDiffs: envDiffs(a.host, b.host),
    warnings,
  };
}

/**
 * Overall index: weighted mean of the per-workload log ratios (equal weight per category unless weights
 * are given, split evenly among a category's workloads); its interval combines the b-th bootstrap
 * replicate of every workload (workloads are resampled independently).
 */
function overall(
  est: { est: PairedEstimate; category: Category }[],
  level: number,
  given: Partial<Record<Category, number>> | undefined,
): Comparison['overall'] {
  if (est.length === 0) return null;
  const perCat = new Map<Category, number>();
  for (const e of est) perCat.set(e.category, (perCat.get(e.category) ?? 0) + 1);
  const weights: Partial<Record<Category, number>> = {};
  for (const c of perCat.keys()) weights[c] = given ? (given[c] ?? 0) : 1;
  const wsum = [...perCat.keys()].reduce((s, c) => s + (weights[c] ?? 0), 0);
  if (!(wsum > 0)) return null;
  const w = est.map((e) => (weights[e.category] ?? 0) / wsum / (perCat.get(e.category) as number));
  const point = est.reduce((s, e, i) => s + (w[i] as number) * e.est.logRatio.point, 0);
  const B = Math.min(...est.map((e) => e.est.replicates.length));
  const draws: number[] = [];
  for (let b = 0; b < B; b++) draws.push(est.reduce((s, e, i) => s + (w[i] as number) * (e.est.replicates[b] as number), 0));
  const log = estimateFrom(point, draws, level);
  return {
    overheadPct: { point: toPct(log.point), lo: toPct(log.lo), hi: toPct(log.hi), level, method: 'percentile' },
    workloads: est.length,
    weights,
  };
}

/** Noise of the two sides: medians over workloads; ratios with a seeded bootstrap over workloads. */
function noise(rows: RowComparison[], level: number, seed: number): NoiseComparison | null {
  const c = rows.filter((r): r is Extract<RowComparison, { status: 'compared' }> => r.status === 'compared');
  if (c.length === 0) return null;
  const tail = (s: SideSummary, better: 'lower' | 'higher') => (better === 'lower' ? s.p99 / s.p50 : s.p50 / s.p99);
  const baseCv = c.map((r) => r.base.cv);
  const candCv = c.map((r) => r.cand.cv);
  const baseTail = c.map((r) => tail(r.base, r.better));
  const candTail = c.map((r) => tail(r.cand, r.better));
  const ratio = (num: number[], den: number[]): Estimate | null => {
    if (c.length < 2) return null;
    const point = median(num) / median(den);
    if (!Number.isFinite(point)) return null;
    const rng = createRng(seed);
    const draws: number[] = [];
    for (let b = 0; b < 2000; b++) {
      const idx = c.map(() => rng.int(0, c.length - 1));
      const r = median(idx.map((i) => num[i] as number)) / median(idx.map((i) => den[i] as number));
      if (Number.isFinite(r)) draws.push(r);
    }
    return draws.length ? estimateFrom(point, draws, level) : null;
  };
  const steal = (xs: (number | null)[]) => {
    const v = xs.filter((x): x is number => x !== null);
    return v.length ? median(v) : null;
  };
  return {
    baseCv: median(baseCv),
    candCv: median(candCv),
    cvRatio: ratio(candCv, baseCv),
    baseTail: median(baseTail),
    candTail: median(candTail),
    tailRatio: ratio(candTail, baseTail),
    baseStealPct: steal(c.map((r) => r.base.stealPct)),
    candStealPct: steal(c.map((r) => r.cand.stealPct)),
  };
}
