/**
 * `compareResults(base, cand, opts)`: the overhead of CAND relative to BASE per workload and overall,
 * as the Comparison contract (./types.ts) that compare, gate, duel, report and advise consume.
 * Pure and seeded: the same files and options give the same Comparison, byte for byte.
 *
 * Per workload: the hierarchical bootstrap of the log ratio of medians of round figures (bootstrap.ts),
 * the Mann-Whitney U test on the round figures (mann-whitney.ts), Benjamini-Hochberg across the compared
 * rows (fdr.ts), the verdict against the noise threshold (verdict.ts, the single definition), and the
 * rounds that would settle an inconclusive row. Then the overall index (overall.ts), the hosts' noise
 * (noise.ts) and the fingerprint fields that differ. Anything that cannot be compared becomes a
 * `not-compared` row or a warning with one line of reason, never an exception or a NaN.
 */
import type { Fingerprint, ResultsFile, Round, WorkloadOk, WorkloadResult } from '../types.js';
import { nestedCpuModelNote } from '../results/host.js';
import { bootstrapLogRatio, medianOf, type SideInput } from './bootstrap.js';
import { summarize } from './describe.js';
import { benjaminiHochberg } from './fdr.js';
import { mannWhitney } from './mann-whitney.js';
import { compareNoise, type NoiseRow } from './noise.js';
import { overallIndex, pct, type IndexInput } from './overall.js';
import type { CompareOptions, Comparison, EnvDiff, RowComparison, SideSummary } from './types.js';
import { roundsToSettle, verdictOf } from './verdict.js';

export const COMPARISON_SCHEMA = 'virtax.comparison/v1' as const;

export const DEFAULTS = { noisePct: 1, alpha: 0.05, resamples: 10_000, seed: 1, level: 0.95 } as const;

/** Beyond this many rounds per side "rounds to settle" is reported as null (the row sits on a threshold). */
export const MAX_SETTLE_ROUNDS = 10_000;

type Compared = Extract<RowComparison, { status: 'compared' }>;

const finitePositive = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x) && x > 0;

/** Keep rounds with a usable figure; drop unusable batch samples. Says what it dropped. */
function cleanRounds(rounds: readonly Round[]): { rounds: Round[]; droppedRounds: number; droppedSamples: number } {
  const kept: Round[] = [];
  let droppedRounds = 0;
  let droppedSamples = 0;
  for (const r of rounds) {
    if (!finitePositive(r.figure)) {
      droppedRounds++;
      continue;
    }
    const samples = (r.samples ?? []).filter(finitePositive);
    droppedSamples += (r.samples?.length ?? 0) - samples.length;
    kept.push({ ...r, samples });
  }
  return { rounds: kept, droppedRounds, droppedSamples };
}

function sideSummary(w: WorkloadOk, rounds: Round[]): SideSummary {
  const s = summarize(rounds, w.better);
  const finite = (x: number) => (Number.isFinite(x) ? x : 0);
  return {
    median: finite(s.median),
    rounds: s.rounds,
    cv: finite(s.cv),
    p50: finite(s.p50),
    p99: finite(s.p99),
    stealPct: s.stealPct !== null && Number.isFinite(s.stealPct) ? s.stealPct : null,
  };
}

/**
 * Rounds per side that would likely settle an inconclusive row, through verdict.ts's n ≈ (2·z·s/W)².
 * W is twice the distance from d to the threshold the interval must clear (both thresholds when d lies
 * inside the band: the interval must fit in it), and s is the per-round spread the interval we got
 * implies, s = h·sqrt(n)/z with h the half of the interval facing that threshold and n the rounds per
 * side (harmonic mean): so the estimate carries the median's inefficiency and the small-sample widening,
 * and reduces to n·(h/distance)². Null when it would take more than MAX_SETTLE_ROUNDS.
 */
function settleRounds(boot: { point: number; lo: number; hi: number }, noisePct: number, nB: number, nC: number): number | null {
  const up = Math.log1p(noisePct / 100);
  const down = Math.log1p(-noisePct / 100);
  const d = boot.point;
  const below = d - boot.lo;
  const above = boot.hi - d;
  // ratio = half-width / distance on the side that decides; the worst of the two inside the band.
  let ratio: number;
  let dist: number;
  if (d > up) [ratio, dist] = [below / (d - up), d - up];
  else if (d < down) [ratio, dist] = [above / (down - d), down - d];
  else {
    const ru = above / (up - d);
    const rd = below / (d - down);
    [ratio, dist] = ru >= rd ? [ru, up - d] : [rd, d - down];
  }
  if (!(dist > 0) || !Number.isFinite(ratio)) return null;
  const z = 1.96;
  const n = 2 / (1 / nB + 1 / nC);
  const halfWidth = ratio * dist;
  const settle = roundsToSettle((halfWidth * Math.sqrt(n)) / z, 2 * dist, z);
  return settle !== null && settle <= MAX_SETTLE_ROUNDS ? settle : null;
}

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

function formatPct(x: number): string {
  return `${x >= 0 ? '+' : ''}${x.toFixed(1)}%`;
}

interface Work {
  row: Compared;
  index: IndexInput;
  noise: NoiseRow;
}

function notCompared(w: WorkloadResult | undefined, other: WorkloadResult | undefined, id: string, reason: string): RowComparison {
  const any = w ?? other;
  return { status: 'not-compared', id, category: any?.category ?? null, title: any?.title ?? null, reason };
}

function compareWorkload(
  id: string,
  b: WorkloadResult | undefined,
  c: WorkloadResult | undefined,
  s: { noisePct: number; level: number; resamples: number; seed: number },
): RowComparison | Work {
  if (!b) return notCompared(c, undefined, id, 'only in the candidate file (not measured on base)');
  if (!c) return notCompared(b, undefined, id, 'only in the base file (not measured on candidate)');
  if (b.status !== 'ok') return notCompared(b, c, id, `${b.status} on base: ${b.reason}`);
  if (c.status !== 'ok') return notCompared(b, c, id, `${c.status} on candidate: ${c.reason}`);
  if (b.unit !== c.unit || b.better !== c.better) {
    return notCompared(b, c, id, `different units or directions (base ${b.unit}, ${b.better} is better; candidate ${c.unit}, ${c.better} is better)`);
  }
  const cb = cleanRounds(b.rounds);
  const cc = cleanRounds(c.rounds);
  const notes: string[] = [];
  for (const [side, cr] of [['base', cb], ['candidate', cc]] as const) {
    if (cr.droppedRounds) notes.push(`${side}: ${cr.droppedRounds} round(s) dropped (zero, negative or non-finite figure)`);
    if (cr.droppedSamples) notes.push(`${side}: ${cr.droppedSamples} batch sample(s) dropped (zero, negative or non-finite)`);
  }
  const nB = cb.rounds.length;
  const nC = cc.rounds.length;
  if (nB < 2 || nC < 2) {
    const few = [nB < 2 ? `${nB} usable round(s) on base` : '', nC < 2 ? `${nC} usable round(s) on candidate` : ''].filter(Boolean).join(' and ');
    let reason = `${few}: need at least 2 per side to estimate the spread between rounds`;
    if (nB >= 1 && nC >= 1) {
      const sgn = b.better === 'lower' ? 1 : -1;
      const d = sgn * (Math.log(medianOf(cc.rounds.map((r) => r.figure))) - Math.log(medianOf(cb.rounds.map((r) => r.figure))));
      reason += ` (point estimate ${formatPct(pct(d))}, no interval)`;
    }
    if (notes.length) reason += `; ${notes.join('; ')}`;
    return notCompared(b, c, id, reason);
  }
  if (stableJson(b.params) !== stableJson(c.params)) notes.push('parameters differ between the two sides: not quite the same measurement');

  const side = (rounds: Round[]): SideInput => ({ figures: rounds.map((r) => r.figure), samples: rounds.map((r) => r.samples) });
  const boot = bootstrapLogRatio(side(cb.rounds), side(cc.rounds), {
    better: b.better,
    resamples: s.resamples,
    level: s.level,
    seed: s.seed,
  });
  const logRatio = { point: boot.point, lo: boot.lo, hi: boot.hi, level: s.level, method: boot.method };
  const overheadPct = { point: pct(boot.point), lo: pct(boot.lo), hi: pct(boot.hi), level: s.level, method: boot.method };
  const mw = mannWhitney(cb.rounds.map((r) => r.figure), cc.rounds.map((r) => r.figure));
  const verdict = verdictOf(overheadPct, s.noisePct);

  let settle: number | null = null;
  if (verdict === 'inconclusive') {
    settle = settleRounds(boot, s.noisePct, nB, nC);
    if (settle === null) notes.push(`the point estimate sits on the noise threshold: no practical number of rounds (<= ${MAX_SETTLE_ROUNDS}) will settle it`);
  }
  const baseSum = sideSummary(b, cb.rounds);
  const candSum = sideSummary(c, cc.rounds);
  const tail = b.better === 'lower' ? candSum.p99 / baseSum.p99 : baseSum.p99 / candSum.p99;
  const tailOf = (x: SideSummary) => (b.better === 'lower' ? x.p99 / x.p50 : x.p50 / x.p99);
  const row: Compared = {
    status: 'compared',
    id,
    category: b.category,
    title: b.title,
    unit: b.unit,
    better: b.better,
    base: baseSum,
    cand: candSum,
    overheadPct,
    logRatio,
    pValue: mw.p,
    qValue: mw.p, // adjusted across rows below
    verdict,
    roundsToSettle: settle,
    tailRatio: Number.isFinite(tail) && tail > 0 ? tail : null,
    notes,
  };
  return {
    row,
    index: { category: b.category, point: boot.point, replicates: boot.replicates, variance: boot.varBase + boot.varCand, widening: boot.widening },
    noise: { baseCv: baseSum.cv, candCv: candSum.cv, baseTail: tailOf(baseSum), candTail: tailOf(candSum) },
  };
}

const ENV_FIELDS: [string, (f: Fingerprint) => unknown][] = [
  ['cpu.model', (f) => f.cpu.model],
  ['platform', (f) => f.platform],
  ['hypervisor', (f) => f.hypervisor],
  ['container', (f) => f.container],
  ['cloud', (f) => f.cloud],
  ['cpu.cores', (f) => f.cpu.cores],
  ['cpu.threads', (f) => f.cpu.threads],
  ['cpu.flags', (f) => Object.entries(f.cpu.flags).filter(([, v]) => v).map(([k]) => k).join(' ') || 'none'],
  ['clocksource', (f) => f.clocksource],
  ['kernel', (f) => f.kernel],
  ['os', (f) => f.os],
  ['memoryBytes', (f) => f.memoryBytes],
  ['numaNodes', (f) => f.numaNodes],
];

/** Fingerprint fields that differ between the two hosts. */
export function envDiffs(base: Fingerprint, cand: Fingerprint): EnvDiff[] {
  const out: EnvDiff[] = [];
  for (const [field, get] of ENV_FIELDS) {
    let bv: unknown;
    let cv: unknown;
    try {
      bv = get(base);
      cv = get(cand);
    } catch {
      continue; // a field missing from a hand-made fingerprint is not a difference we can state
    }
    const bs = bv === null || bv === undefined ? '(none)' : String(bv);
    const cs = cv === null || cv === undefined ? '(none)' : String(cv);
    if (bs !== cs) out.push({ field, base: bs, cand: cs });
  }
  return out;
}

function fileWarnings(base: ResultsFile, cand: ResultsFile, diffs: EnvDiff[]): string[] {
  const w: string[] = [];
  const model = diffs.find((d) => d.field === 'cpu.model');
  if (model) {
    // A nested guest (UML, gVisor) hides the hardware's model: say so instead of "two machines".
    w.push(nestedCpuModelNote(base.host, cand.host) ?? `CPU MODELS DIFFER (base "${model.base}", candidate "${model.cand}"): this compares two machines, not the cost of virtualization`);
  }
  if (base.schema !== cand.schema) w.push(`different results schemas (base ${String(base.schema)}, candidate ${String(cand.schema)})`);
  if (base.id === cand.id) w.push('both files are the same run (same id): nothing independent to compare');
  for (const [name, f] of [['base', base], ['candidate', cand]] as const) {
    if (f.finishedAt === null) w.push(`${name} file is partial (finishedAt is null: interrupted or still running); only the rounds it has are compared`);
  }
  if (base.tool?.version !== cand.tool?.version) w.push(`different virtax versions (base ${base.tool?.version}, candidate ${cand.tool?.version}): workloads may have changed`);
  if (base.config?.suite !== cand.config?.suite || base.config?.rounds !== cand.config?.rounds) {
    w.push(`different suites (base ${base.config?.suite}/${base.config?.rounds} rounds, candidate ${cand.config?.suite}/${cand.config?.rounds} rounds): batch and round lengths differ`);
  }
  return w;
}

function validOptions(opts: CompareOptions): { noisePct: number; alpha: number; resamples: number; seed: number; level: number } {
  const noisePct = opts.noisePct ?? DEFAULTS.noisePct;
  const alpha = opts.alpha ?? DEFAULTS.alpha;
  const resamples = opts.resamples ?? DEFAULTS.resamples;
  const seed = opts.seed ?? DEFAULTS.seed;
  const level = opts.level ?? DEFAULTS.level;
  if (!(Number.isFinite(noisePct) && noisePct >= 0 && noisePct < 100)) throw new RangeError(`noise threshold must be from 0% to below 100% (got ${noisePct})`);
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`alpha must be between 0 and 1 (got ${alpha})`);
  if (!(Number.isInteger(resamples) && resamples >= 100 && resamples <= 1_000_000)) throw new RangeError(`resamples must be a whole number from 100 to 1,000,000 (got ${resamples})`);
  if (!Number.isInteger(seed)) throw new RangeError(`seed must be a whole number (got ${seed})`);
  if (!(level > 0.5 && level < 1)) throw new RangeError(`confidence level must be between 0.5 and 1 (got ${level})`);
  return { noisePct, alpha, resamples, seed, level };
}

function matches(id: string, only: readonly string[]): boolean {
  return only.some((o) => id === o || id.startsWith(`${o}.`));
}

/** Compare two results files. Pure and seeded. Throws RangeError only for invalid options. */
export function compareResults(base: ResultsFile, cand: ResultsFile, opts: CompareOptions = {}): Comparison {
  const s = validOptions(opts);
  const byId = (f: ResultsFile) => new Map((f.workloads ?? []).map((w) => [w.id, w] as const));
  const bm = byId(base);
  const cm = byId(cand);
  let ids = [...new Set([...bm.keys(), ...cm.keys()])];
  if (opts.onlyIds?.length) ids = ids.filter((id) => matches(id, opts.onlyIds as string[]));

  const rows: RowComparison[] = [];
  const works: Work[] = [];
  for (const id of ids) {
    const r = compareWorkload(id, bm.get(id), cm.get(id), s);
    if ('row' in r) {
      rows.push(r.row);
      works.push(r);
    } else rows.push(r);
  }
  const q = benjaminiHochberg(works.map((w) => w.row.pValue));
  works.forEach((w, i) => {
    w.row.qValue = q[i] as number;
    if ((w.row.verdict === 'slower' || w.row.verdict === 'faster') && w.row.qValue > s.alpha) {
      w.row.notes.push(`the rank test does not confirm it at a false-discovery rate of ${s.alpha} (q = ${w.row.qValue.toPrecision(2)})`);
    }
  });

  const overall = overallIndex(works.map((w) => w.index), s.level, opts.weights);
  const steal = (f: ResultsFile, side: 'base' | 'cand') => {
    const v = f.conditions?.stealPct;
    if (typeof v === 'number' && Number.isFinite(v)) return v;
    const xs = works.map((w) => w.row[side].stealPct).filter((x): x is number => x !== null);
    return xs.length ? xs.reduce((a, x) => a + x, 0) / xs.length : null;
  };
  const roundSteal = (f: ResultsFile) =>
    works.flatMap((w) => {
      const wr = f.workloads.find((x) => x.id === w.row.id);
      return wr?.status === 'ok' ? wr.rounds.map((r) => r.stealPct).filter((x): x is number => typeof x === 'number' && Number.isFinite(x)) : [];
    });
  const noise = compareNoise(
    works.map((w) => w.noise),
    { base: steal(base, 'base'), cand: steal(cand, 'cand'), baseRounds: roundSteal(base), candRounds: roundSteal(cand) },
    s,
  );
  const diffs = envDiffs(base.host, cand.host);
  const warnings = fileWarnings(base, cand, diffs);
  if (works.length === 0) warnings.push('no workload could be compared (see the not-compared rows)');
  else if (!overall) {
    warnings.push(
      opts.weights
        ? 'no overall index: the given weights give no compared category a positive weight'
        : 'no overall index: only user.* workloads were compared (your own workloads join the index only when a profile weighs them)',
    );
  }

  return {
    schema: COMPARISON_SCHEMA,
    base: { id: base.id, label: base.label, host: base.host },
    cand: { id: cand.id, label: cand.label, host: cand.host },
    settings: { noisePct: s.noisePct, alpha: s.alpha, level: s.level, resamples: s.resamples, seed: s.seed },
    rows,
    overall: overall ? { overheadPct: overall.overheadPct, logRatio: overall.logRatio, workloads: overall.workloads, weights: overall.weights } : null,
    noise,
    envDiffs: diffs,
    warnings,
  };
}
