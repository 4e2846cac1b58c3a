/**
 * The one comparison engine, `compareEngine(baseRuns, candRuns, estimator, opts)`, and its two front doors:
 * `compareResults(base, cand)` (one run per side) and `compareRunSets(baseRuns, candRuns)` (replicate runs
 * per side), producing the Comparison contract (./types.ts) that compare, gate, duel, report and advise
 * consume. Pure and seeded: the same files and options give the same Comparison, byte for byte.
 *
 * The estimator is the parameter: `independentEstimator` (estimator.ts: one run per side, the bootstrap over
 * rounds of the log ratio of medians, bootstrap.ts, with the Mann-Whitney U test, mann-whitney.ts; several runs,
 * Welch's t across run figures, runs.ts), or the paired estimator of a duel in src/duel/compare.ts. Then, for
 * every estimator alike: Benjamini-Hochberg q-values (fdr.ts), the verdict against the noise threshold
 * (verdict.ts, the single definition), the rules that withhold a verdict, the false-coverage-rate adjustment of
 * the selected rows (Benjamini & Yekutieli 2005), rounds to settle from the interval's width, the overall index
 * (overall.ts), the hosts' noise (noise.ts), the fingerprint fields that differ and what the intervals cover
 * (`scope`, environment.ts). Anything that cannot be compared becomes a `not-compared` row or a warning with one
 * line of reason, never an exception or a NaN.
 */
import { idMatches } from '../results/ids.js';
import type { Category, ComparisonWarning, ResultsFile, WorkloadOk, WorkloadResult } from '../types.js';
import { warningText } from '../format/warnings.js';
import { noteText } from '../format/notes.js';
import { type SideMemo } from './bootstrap.js';
import { contentionWarning } from './contention.js';
import { benjaminiHochberg } from './fdr.js';
import { compareNoise, type NoiseRow } from './noise.js';
import { overallIndex, pct, type IndexInput } from './overall.js';
import { normQuantile } from './distributions.js';
import { signedRankMinP } from './paired.js';
import type { CompareOptions, Comparison, ComparisonScope, FcrApplied, EnvDiff, Estimate, RowComparison, SideSummary } from './types.js';
import { verdictOf } from './verdict.js';
import { independentEstimator, mannWhitneyMinP, type RowEstimate, type RowEstimator } from './estimator.js';
import { envDiffs, fileWarnings, scopeOf } from './environment.js';

export const COMPARISON_SCHEMA = 'virtax.comparison/v1' as const;

export const DEFAULTS = { noisePct: 1, alpha: 0.05, resamples: 10_000, seed: 1, level: 0.95 } as const;

/** Beyond this many rounds per side "rounds to settle" is reported as null (the row sits on a threshold). */
export const MAX_SETTLE_ROUNDS = 10_000;

type Compared = Extract<RowComparison, { status: 'compared' }>;

/** Stable JSON of params, for spotting a workload that ran differently on the two sides. */
function stableJson(x: unknown): string {
  if (Array.isArray(x)) return `[${x.map(stableJson).join(',')}]`;
  if (x && typeof x === 'object') {
    return `{${Object.keys(x as object)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson((x as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(x) ?? 'null';
}

interface Work {
  row: Compared;
  est: RowEstimate;
  index: IndexInput;
  noise: NoiseRow;
  /** Slower/faster may only be called when the row's test can also reject (see `minP`). */
  lopsided: boolean;
}

function notCompared(w: WorkloadResult | undefined, other: WorkloadResult | undefined, id: string, reason: string): RowComparison {
  const any = w ?? other;
  return { status: 'not-compared', id, category: any?.category ?? null, title: any?.title ?? null, reason };
}

/**
 * How many rounds (runs, pairs) per side would likely settle an inconclusive row, from the interval's
 * width and the level in force, not from the noisy point estimate: the count at which an interval of this
 * kind would be no wider than the noise band 2δ (so it can fall inside it or clear it, whatever the
 * truth), n' = n·(W / W_band)² with W the interval's width on the log scale (width shrinks as 1/√n).
 * Null when δ is 0, when the interval is already that narrow (it straddles a threshold: the overhead may
 * sit on it), or beyond MAX_SETTLE_ROUNDS.
 */
export function settleCount(lo: number, hi: number, n: number, noisePct: number): number | null {
  const r = settle(lo, hi, n, noisePct);
  return r.kind === 'count' ? r.n : null;
}

/**
 * The smallest count per side at which the row's test can reach p <= α at all: Mann-Whitney with n vs n
 * rounds (`2 / C(2n, n)`: 4 per side at α = 0.05) or the signed-rank test with n pairs (2 / 2^n: 6 pairs);
 * null for runs (Welch's t can always reach it).
 */
export function countForTest(unit: 'rounds' | 'runs' | 'pairs', alpha: number): number | null {
  if (unit === 'runs') return null;
  for (let n = 2; n <= MAX_SETTLE_ROUNDS; n++) if ((unit === 'rounds' ? mannWhitneyMinP(n, n) : signedRankMinP(n)) <= alpha) return n;
  return null;
}

type Settle = { kind: 'count'; n: number } | { kind: 'narrow' } | { kind: 'too-many' } | { kind: 'unknown' };

/**
 * The range of a count proportional to a variance estimated with ν degrees of freedom, at 80% confidence:
 * σ² lies in [ν·s²/χ²_0.9, ν·s²/χ²_0.1] (chi-square quantiles by Wilson & Hilferty 1931).
 */
export function spreadRange(n: number, nu: number): { lo: number; hi: number } {
  const chi2 = (p: number) => {
    const z = normQuantile(p);
    const a = 2 / (9 * nu);
    return nu * Math.max(1e-9, 1 - a + z * Math.sqrt(a)) ** 3;
  };
  return { lo: Math.max(2, Math.ceil((n * nu) / chi2(0.9))), hi: Math.ceil((n * nu) / chi2(0.1)) };
}

function settle(lo: number, hi: number, n: number, noisePct: number): Settle {
  const band = Math.log1p(noisePct / 100) - Math.log1p(-noisePct / 100);
  const w = hi - lo;
  if (!(band > 0) || !(w > 0) || !(n > 0)) return { kind: 'unknown' };
  const need = Math.ceil(n * (w / band) ** 2);
  if (need <= n) return { kind: 'narrow' };
  if (need > MAX_SETTLE_ROUNDS) return { kind: 'too-many' };
  return { kind: 'count', n: Math.max(2, need) };
}

function toEstimate(
  lo: number,
  hi: number,
  point: number,
  level: number,
  method: Estimate['method'],
  mcError?: number,
): { logRatio: Estimate; overheadPct: Estimate } {
  const logRatio: Estimate = { point, lo, hi, level, method };
  const overheadPct: Estimate = { point: pct(point), lo: pct(lo), hi: pct(hi), level, method };
  if (mcError !== undefined && Number.isFinite(mcError)) {
    logRatio.mcError = mcError;
    // On the percent scale near the bounds: d(100·e^x)/dx = 100·e^x.
    overheadPct.mcError = 100 * Math.exp(hi) * mcError;
  }
  return { logRatio, overheadPct };
}

function validOptions(opts: CompareOptions): { noisePct: number; alpha: number; resamples: number; seed: number; level: number } {
  const noisePct = opts.noisePct ?? DEFAULTS.noisePct;
  const alpha = opts.alpha ?? DEFAULTS.alpha;
  const resamples = opts.resamples ?? DEFAULTS.resamples;
  const seed = opts.seed ?? DEFAULTS.seed;
  const level = opts.level ?? DEFAULTS.level;
  if (!(Number.isFinite(noisePct) && noisePct >= 0 && noisePct < 100))
    throw new RangeError(`noise threshold must be from 0% to below 100% (got ${noisePct})`);
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`alpha must be between 0 and 1 (got ${alpha})`);
  if (!(Number.isInteger(resamples) && resamples >= 100 && resamples <= 1_000_000))
    throw new RangeError(`resamples must be a whole number from 100 to 1,000,000 (got ${resamples})`);
  if (!Number.isInteger(seed)) throw new RangeError(`seed must be a whole number (got ${seed})`);
  if (!(level > 0.5 && level < 1)) throw new RangeError(`confidence level must be between 0.5 and 1 (got ${level})`);
  return { noisePct, alpha, resamples, seed, level };
}

/** Whether `id` is selected by any of the user's patterns (results/ids.ts: exact ids, families and globs). */
function matches(id: string, only: readonly string[]): boolean {
  return only.some((o) => idMatches(id, o));
}

/** Compare two results files. Pure and seeded. Throws RangeError only for invalid options. */
export function compareResults(base: ResultsFile, cand: ResultsFile, opts: CompareOptions = {}): Comparison {
  return compareEngine([base], [cand], independentEstimator, opts);
}

/**
 * Compare replicate runs (separate launches) of two platforms: several results files per side. Runs are
 * the top level (runs.ts); with one file per side this is `compareResults`.
 */
export function compareRunSets(baseRuns: readonly ResultsFile[], candRuns: readonly ResultsFile[], opts: CompareOptions = {}): Comparison {
  if (baseRuns.length === 0 || candRuns.length === 0) throw new RangeError('compare needs at least one results file per side');
  return compareEngine(baseRuns, candRuns, independentEstimator, opts);
}

/** Category weights and workloads of another overall index over the same rows (a profile's). */
export interface Reweighting {
  weights?: Partial<Record<Category, number>>;
  /** Only these workload ids or families enter the index (a profile's `resembles`). */
  onlyIds?: string[];
}

/** A comparison, and the overall index under other weights computed from the same rows' replicates. */
export interface ReweightedComparison {
  comparison: Comparison;
  /** Null when no reweighting was asked for, or when no compared row gets a positive weight. */
  reweighted: Comparison['overall'];
}

/**
 * `compareRunSets`, plus the overall index re-weighted (a profile's category weights, its resembled
 * workloads) from the same rows: the rows are compared once, and the re-weighted index equals the overall
 * of a comparison made with those weights and ids, since every row's replicates depend only on its own
 * data and the seed. `baseMemo` lets one baseline compared with many hosts be resampled once.
 */
export function compareRunSetsReweighted(
  baseRuns: readonly ResultsFile[],
  candRuns: readonly ResultsFile[],
  opts: CompareOptions,
  reweighting: Reweighting | null,
  baseMemo?: SideMemo,
): ReweightedComparison {
  if (baseRuns.length === 0 || candRuns.length === 0) throw new RangeError('compare needs at least one results file per side');
  const { comparison, works, level } = engine(baseRuns, candRuns, independentEstimator, opts, baseMemo);
  if (!reweighting) return { comparison, reweighted: null };
  const only = reweighting.onlyIds;
  const rows = works.filter((w) => !only?.length || matches(w.row.id, only));
  const o = overallIndex(
    rows.map((w) => w.index),
    level,
    reweighting.weights,
  );
  return {
    comparison,
    reweighted: o ? { overheadPct: o.overheadPct, logRatio: o.logRatio, workloads: o.workloads, weights: o.weights } : null,
  };
}

/**
 * The one comparison engine; the estimator is its parameter (independent runs here, paired rounds in
 * src/duel/compare.ts). Per workload: gather every run's entry, let the estimator make d and its
 * interval, then, for all rows together, the verdicts:
 *  1. `verdictOf` on the interval at the level in force (verdict.ts, the single definition);
 *  2. no verdict but inconclusive where no spread was measured (a zero-width side) or where the row's
 *     test cannot reach p <= α with these counts (2 vs 2 rounds, fewer than 6 duel pairs), or, for
 *     lopsided rows, where its BH q is above α;
 *  3. false-coverage-rate control (Benjamini & Yekutieli 2005): when R of m rows were called slower or
 *     faster, their intervals are recomputed at level 1 - R·(1 - level)/m and the verdict is taken again
 *     on the adjusted interval, so the expected share of false directional calls among them stays below
 *     1 - level. The adjusted interval is the one reported (its `level` says so).
 */
export function compareEngine(
  baseRuns: readonly ResultsFile[],
  candRuns: readonly ResultsFile[],
  estimator: RowEstimator,
  opts: CompareOptions = {},
): Comparison {
  return engine(baseRuns, candRuns, estimator, opts).comparison;
}

type Resolved = ReturnType<typeof validOptions>;
type Bad = Exclude<WorkloadResult, WorkloadOk>;

/** One workload's results on each side: every run's (absent where a run did not have it) and the measured ones. */
interface RowSides {
  bs: WorkloadResult[];
  cs: WorkloadResult[];
  okB: WorkloadOk[];
  okC: WorkloadOk[];
}

/** Step 1a: the id's results on each side, or the not-compared row saying why there is nothing to estimate. */
function sidesOf(
  id: string,
  bms: Map<string, WorkloadResult>[],
  cms: Map<string, WorkloadResult>[],
  many: boolean,
): RowSides | RowComparison {
  const bs = bms.map((m) => m.get(id)).filter((w): w is WorkloadResult => w !== undefined);
  const cs = cms.map((m) => m.get(id)).filter((w): w is WorkloadResult => w !== undefined);
  const b = bs[0];
  const c = cs[0];
  if (!b) return notCompared(c, undefined, id, `only in the candidate ${many ? 'runs' : 'file'} (not measured on base)`);
  if (!c) return notCompared(b, undefined, id, `only in the base ${many ? 'runs' : 'file'} (not measured on candidate)`);
  const okB = bs.filter((w): w is WorkloadOk => w.status === 'ok');
  const okC = cs.filter((w): w is WorkloadOk => w.status === 'ok');
  const firstBad = (ws: WorkloadResult[]) => ws.find((w): w is Bad => w.status !== 'ok') as Bad;
  if (okB.length === 0) return notCompared(b, c, id, `${firstBad(bs).status} on base: ${firstBad(bs).reason}`);
  if (okC.length === 0) return notCompared(b, c, id, `${firstBad(cs).status} on candidate: ${firstBad(cs).reason}`);
  const h = okB[0] as WorkloadOk;
  const odd = [...okB, ...okC].find((w) => w.unit !== h.unit || w.better !== h.better);
  if (odd)
    return notCompared(
      b,
      c,
      id,
      `different units or directions (base ${h.unit}, ${h.better} is better; candidate ${odd.unit}, ${odd.better} is better)`,
    );
  return { bs, cs, okB, okC };
}

/** Step 1b: the compared row of an estimate, with the notes the sides call for, and its work for the later steps. */
function comparedRow(id: string, sides: RowSides, est: RowEstimate, s: Resolved, many: boolean): Work {
  const { bs, cs, okB, okC } = sides;
  const h = okB[0] as WorkloadOk;
  const notes = [...est.notes];
  for (const [side, ok, all] of [
    ['base', okB, bs],
    ['candidate', okC, cs],
  ] as const) {
    if (ok.length < all.length) notes.push({ code: 'runs-missing', side, missing: all.length - ok.length, of: all.length });
  }
  if (many && est.method !== 'runs-t') notes.push({ code: 'one-usable-run' });
  if (new Set([...okB, ...okC].map((w) => stableJson(w.params))).size > 1) notes.push({ code: 'params-differ' });
  const { logRatio, overheadPct } = toEstimate(est.lo, est.hi, est.point, s.level, est.method, est.mcError);
  if (est.achievedLevel !== undefined && est.achievedLevel < s.level - 1e-9) {
    logRatio.achievedLevel = est.achievedLevel;
    overheadPct.achievedLevel = est.achievedLevel;
  }
  const tail = h.better === 'lower' ? est.cand.p99 / est.base.p99 : est.base.p99 / est.cand.p99;
  const tailOf = (x: SideSummary) => (h.better === 'lower' ? x.p99 / x.p50 : x.p50 / x.p99);
  const row: Compared = {
    status: 'compared',
    id,
    category: h.category,
    title: h.title,
    unit: h.unit,
    better: h.better,
    base: est.base,
    cand: est.cand,
    overheadPct,
    logRatio,
    pValue: est.pValue,
    qValue: est.pValue, // adjusted across rows in step 2
    verdict: verdictOf(overheadPct, s.noisePct),
    roundsToSettle: null,
    tailRatio: Number.isFinite(tail) && tail > 0 ? tail : null,
    ...(est.kernel ? { kernel: est.kernel } : {}),
    ...(est.addedPerOp ? { addedPerOp: est.addedPerOp } : {}),
    trusted: est.trusted !== false,
    notes: [], // the words of noteCodes, written once the steps are done (wordsOfNotes)
    noteCodes: notes,
  };
  return {
    row,
    est,
    index: { ...est.index, category: h.category, point: est.point, interval: { lo: est.lo, hi: est.hi, method: est.method } },
    noise: { baseCv: est.base.cv, candCv: est.cand.cv, baseTail: tailOf(est.base), candTail: tailOf(est.cand) },
    lopsided: est.lopsided,
  };
}

/** Step 1: one row per workload id (the onlyIds patterns select), compared by the estimator or not compared. */
function rowsOf(
  baseRuns: readonly ResultsFile[],
  candRuns: readonly ResultsFile[],
  estimator: RowEstimator,
  s: Resolved,
  onlyIds: readonly string[] | undefined,
  baseMemo: SideMemo | undefined,
): { rows: RowComparison[]; works: Work[] } {
  const maps = (runs: readonly ResultsFile[]) => runs.map((f) => new Map((f.workloads ?? []).map((w) => [w.id, w] as const)));
  const bms = maps(baseRuns);
  const cms = maps(candRuns);
  let ids = [...new Set([...bms, ...cms].flatMap((m) => [...m.keys()]))];
  if (onlyIds?.length) ids = ids.filter((id) => matches(id, onlyIds));
  const many = baseRuns.length > 1 || candRuns.length > 1;
  const okPos = (ms: Map<string, WorkloadResult>[], id: string) => ms.flatMap((m, i) => (m.get(id)?.status === 'ok' ? [i] : []));
  const rows: RowComparison[] = [];
  const works: Work[] = [];
  for (const id of ids) {
    const sides = sidesOf(id, bms, cms, many);
    if ('status' in sides) {
      rows.push(sides);
      continue;
    }
    const est = estimator({
      id,
      base: sides.okB,
      cand: sides.okC,
      basePos: okPos(bms, id),
      candPos: okPos(cms, id),
      baseFiles: baseRuns.length,
      candFiles: candRuns.length,
      settings: s,
      ...(baseMemo ? { baseMemo } : {}),
    });
    if (typeof est === 'string') {
      rows.push(notCompared(sides.bs[0], sides.cs[0], id, est));
      continue;
    }
    const work = comparedRow(id, sides, est, s, many);
    rows.push(work.row);
    works.push(work);
  }
  return { rows, works };
}

/** Step 2: q-values (Benjamini-Hochberg) across the compared rows. */
function adjustQ(works: readonly Work[]): void {
  const q = benjaminiHochberg(works.map((w) => w.row.pValue));
  works.forEach((w, i) => {
    w.row.qValue = q[i] as number;
  });
}

/** Step 3: verdicts that cannot be trusted are withheld, each with its typed reason; returns the rows whose test cannot reach α. */
function withholdVerdicts(works: readonly Work[], s: Resolved): Set<Work> {
  const tooFew = new Set<Work>();
  for (const w of works) {
    const r = w.row;
    if (r.verdict === 'inconclusive') continue;
    if (w.est.trusted === false) {
      r.noteCodes.push({ code: 'withheld-contended', verdict: r.verdict });
      r.verdict = 'inconclusive';
      r.inconclusive = { code: 'contended' };
    } else if (w.est.degenerate) {
      r.noteCodes.push({ code: 'withheld-no-spread', verdict: r.verdict, spread: w.est.degenerate });
      r.verdict = 'inconclusive';
      r.inconclusive = { code: 'no-spread' };
    } else if (w.est.minP > s.alpha) {
      r.noteCodes.push({ code: 'withheld-test-cannot-reach', verdict: r.verdict, test: w.est.test, alpha: s.alpha, minP: w.est.minP });
      r.verdict = 'inconclusive';
      r.inconclusive = { code: 'test-cannot-reach', test: w.est.test, minP: w.est.minP, alpha: s.alpha };
      tooFew.add(w);
    } else if (w.lopsided && (r.verdict === 'slower' || r.verdict === 'faster') && r.qValue > s.alpha) {
      r.noteCodes.push({ code: 'withheld-lopsided', verdict: r.verdict, test: w.est.test, alpha: s.alpha, q: r.qValue });
      r.verdict = 'inconclusive';
      r.inconclusive = { code: 'lopsided', q: r.qValue, alpha: s.alpha };
    }
  }
  return tooFew;
}

/** Step 4: false-coverage-rate adjusted intervals for the selected rows (called slower/faster, or a caller's rule). */
function adjustCoverage(works: readonly Work[], s: Resolved, option: CompareOptions['fcr']): FcrApplied | null {
  const rule = typeof option === 'object' ? option : null;
  const selected = works.filter((w) => (rule ? rule.select(w.row) : w.row.verdict === 'slower' || w.row.verdict === 'faster'));
  const m = works.length;
  const R = selected.length;
  if (option === false || R === 0) return null;
  if (R === m) return { selected: R, of: m, level: s.level };
  const adjLevel = 1 - (R * (1 - s.level)) / m;
  for (const w of selected) {
    const iv = w.est.intervalAt(adjLevel);
    const e = toEstimate(Math.min(iv.lo, w.est.point), Math.max(iv.hi, w.est.point), w.est.point, adjLevel, w.est.method);
    w.row.logRatio = e.logRatio;
    w.row.overheadPct = e.overheadPct;
    const before = w.row.verdict;
    w.row.verdict = verdictOf(e.overheadPct, s.noisePct);
    if (w.row.verdict === 'inconclusive') w.row.inconclusive = { code: 'fcr', level: adjLevel };
    w.row.noteCodes.push({
      code: 'fcr',
      level: adjLevel,
      selected: R,
      of: m,
      rule: rule ? rule.selected : null,
      before,
      after: w.row.verdict,
    });
  }
  return { selected: R, of: m, level: adjLevel };
}

/** Step 5a: how many rounds, runs or pairs per side would settle one inconclusive row, with its typed reason. */
function settleRow(w: Work, s: Resolved, tooFew: ReadonlySet<Work>): void {
  const r = w.row;
  const unit = w.est.settle.unit;
  const why = r.inconclusive;
  // An interval that already clears the noise band, withheld only because the rank test cannot reach α with
  // so few rounds: what settles it is the count at which the test can, not a narrower interval.
  const testCount = tooFew.has(w) ? countForTest(unit, s.alpha) : null;
  if (testCount !== null) {
    r.roundsToSettle = Math.max(testCount, Math.ceil(w.est.settle.n) + 1);
    return;
  }
  const { se, nu } = w.est.settle;
  const zWidth = se !== undefined ? 2 * normQuantile(1 - (1 - r.logRatio.level) / 2) * se : null;
  const st =
    zWidth !== null
      ? settle(r.logRatio.point - zWidth / 2, r.logRatio.point + zWidth / 2, w.est.settle.n, s.noisePct)
      : settle(r.logRatio.lo, r.logRatio.hi, w.est.settle.n, s.noisePct);
  if (st.kind === 'count') {
    if (unit === 'runs') {
      const range = nu !== undefined && Number.isFinite(nu) && nu > 0 ? spreadRange(st.n, nu) : null;
      r.noteCodes.push({ code: 'runs-to-settle', runs: st.n, range: range && nu !== undefined ? { ...range, nu } : null });
    } else r.roundsToSettle = st.n;
    r.inconclusive = why ?? { code: 'needs-more', unit, n: st.n };
  } else if (st.kind === 'too-many') {
    r.noteCodes.push({ code: 'too-many', max: MAX_SETTLE_ROUNDS, unit });
    r.inconclusive = why ?? { code: 'too-wide', unit, max: MAX_SETTLE_ROUNDS };
  } else if (st.kind === 'narrow' && !w.est.degenerate) {
    r.noteCodes.push({ code: 'on-threshold', noisePct: s.noisePct, unit });
    r.inconclusive = why ?? { code: 'on-threshold', noisePct: s.noisePct };
  }
  r.inconclusive ??= w.est.degenerate ? { code: 'no-spread' } : { code: 'too-wide', unit, max: MAX_SETTLE_ROUNDS };
}

/** Step 5: a slower/faster the rank test does not confirm says so; every inconclusive row says what would settle it. */
function settleAdvice(works: readonly Work[], s: Resolved, tooFew: ReadonlySet<Work>): void {
  for (const w of works) {
    const r = w.row;
    if ((r.verdict === 'slower' || r.verdict === 'faster') && r.qValue > s.alpha && !w.lopsided) {
      r.noteCodes.push({ code: 'test-unconfirmed', test: w.est.test, alpha: s.alpha, q: r.qValue });
    }
    if (r.verdict === 'inconclusive') settleRow(w, s, tooFew);
  }
}

/** Step 6: the overall index and one per category, over the rows not measured mostly on contended rounds. */
function indicesOf(works: readonly Work[], s: Resolved, weights: CompareOptions['weights']) {
  const trustedIndex = works.filter((w) => w.est.trusted !== false).map((w) => w.index);
  const overall = overallIndex(trustedIndex, s.level, weights);
  // Per category: the same index over the category's own workloads (the report's first screen).
  const byCategory = [...new Set(trustedIndex.map((r) => r.category))].flatMap((category) => {
    const o = overallIndex(
      trustedIndex.filter((r) => r.category === category),
      s.level,
      { [category]: 1 },
    );
    return o ? [{ category, overheadPct: o.overheadPct, logRatio: o.logRatio, workloads: o.workloads }] : [];
  });
  return { overall, byCategory };
}

/** Step 7: noise on each side (round CV, batch tails, steal) and how it compares. */
function noiseOf(works: readonly Work[], baseRuns: readonly ResultsFile[], candRuns: readonly ResultsFile[], s: Resolved) {
  const steal = (runs: readonly ResultsFile[], side: 'base' | 'cand') => {
    const vs = runs.map((f) => f.conditions?.stealPct).filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
    if (vs.length) return vs.reduce((a, x) => a + x, 0) / vs.length;
    const xs = works.map((w) => w.row[side].stealPct).filter((x): x is number => x !== null);
    return xs.length ? xs.reduce((a, x) => a + x, 0) / xs.length : null;
  };
  const roundSteal = (runs: readonly ResultsFile[]) =>
    runs.flatMap((f) =>
      works.flatMap((w) => {
        const wr = f.workloads.find((x) => x.id === w.row.id);
        return wr?.status === 'ok'
          ? wr.rounds.map((r) => r.stealPct).filter((x): x is number => typeof x === 'number' && Number.isFinite(x))
          : [];
      }),
    );
  return compareNoise(
    works.map((w) => w.noise),
    { base: steal(baseRuns, 'base'), cand: steal(candRuns, 'cand'), baseRounds: roundSteal(baseRuns), candRounds: roundSteal(candRuns) },
    s,
  );
}

/** Step 8: the comparison's warnings (files, scope, contention, no index) and the trap notes of ptrace guests. */
function warningsOf(
  baseRuns: readonly ResultsFile[],
  candRuns: readonly ResultsFile[],
  works: readonly Work[],
  diffs: EnvDiff[],
  scope: ComparisonScope,
  hasOverall: boolean,
  weights: CompareOptions['weights'],
): ComparisonWarning[] {
  const warnings = fileWarnings(baseRuns, candRuns, diffs);
  if (scope.covers === 'these-runs') warnings.push({ code: 'one-run-per-side' });
  for (const [side, runs] of [
    ['base', baseRuns],
    ['candidate', candRuns],
  ] as const) {
    runs.forEach((f, i) => {
      const cw = contentionWarning(f, { side, run: runs.length > 1 ? i + 1 : null });
      if (cw) warnings.push(cw);
    });
  }
  // Kernel time as a guest that traps through ptrace accounts it does not contain the trap (bench guest).
  const trapGuest = [baseRuns[0]?.host, candRuns[0]?.host].find((h) => h?.hypervisor === 'uml' || h?.container === 'gvisor');
  if (trapGuest) {
    for (const w of works) {
      if (w.row.kernel) w.row.noteCodes.push({ code: 'kernel-trap', guest: trapGuest.hypervisor === 'uml' ? 'User-Mode Linux' : 'gVisor' });
    }
  }
  const distrusted = works.filter((w) => w.est.trusted === false).map((w) => w.row.id);
  if (distrusted.length) warnings.push({ code: 'overall-leaves-out-contended', workloads: distrusted });
  if (works.length === 0) warnings.push({ code: 'nothing-compared' });
  else if (!hasOverall) {
    if (!weights && works.every((w) => w.row.category === 'user')) {
      warnings.push({ code: 'no-overall-user-only' });
    } else if (distrusted.length < works.length) {
      warnings.push({ code: 'no-overall-weights' });
    }
  }
  return warnings;
}

/** The comparison engine: its steps in order, each above. */
function engine(
  baseRuns: readonly ResultsFile[],
  candRuns: readonly ResultsFile[],
  estimator: RowEstimator,
  opts: CompareOptions,
  baseMemo?: SideMemo,
): { comparison: Comparison; works: Work[]; level: number } {
  const s = validOptions(opts);
  const { rows, works } = rowsOf(baseRuns, candRuns, estimator, s, opts.onlyIds, baseMemo);
  adjustQ(works);
  const tooFew = withholdVerdicts(works, s);
  const fcr = adjustCoverage(works, s, opts.fcr);
  settleAdvice(works, s, tooFew);
  const { overall, byCategory } = indicesOf(works, s, opts.weights);
  const noise = noiseOf(works, baseRuns, candRuns, s);
  const base = baseRuns[0] as ResultsFile;
  const cand = candRuns[0] as ResultsFile;
  const diffs = envDiffs(base.host, cand.host);
  const scope = scopeOf(baseRuns.length, candRuns.length);
  const warnings = warningsOf(baseRuns, candRuns, works, diffs, scope, overall !== null, opts.weights);
  for (const w of works) w.row.notes = w.row.noteCodes.map(noteText);
  const comparison: Comparison = {
    schema: COMPARISON_SCHEMA,
    base: { id: base.id, label: base.label, host: base.host },
    cand: { id: cand.id, label: cand.label, host: cand.host },
    settings: { noisePct: s.noisePct, alpha: s.alpha, level: s.level, resamples: s.resamples, seed: s.seed },
    rows,
    overall: overall
      ? { overheadPct: overall.overheadPct, logRatio: overall.logRatio, workloads: overall.workloads, weights: overall.weights }
      : null,
    byCategory,
    noise,
    envDiffs: diffs,
    scope,
    ...(fcr ? { fcr } : {}),
    warnings: warnings.map(warningText),
    warningCodes: warnings,
  };
  return { comparison, works, level: s.level };
}

/** Adds a warning to a comparison made already (a duel's end, a duet), its words and its code together; `first` puts it first. */
export function addWarning(c: Comparison, w: ComparisonWarning, first = false): void {
  if (first) {
    c.warnings.unshift(warningText(w));
    c.warningCodes.unshift(w);
  } else {
    c.warnings.push(warningText(w));
    c.warningCodes.push(w);
  }
}
