/**
 * The report model: a plain, serialisable view of many results files and their comparisons against one
 * baseline (CONTRIBUTING.md). Every exporter (HTML, Markdown, PNG) and every chart spec reads only this.
 * Nothing here computes a statistic a second time: overheads, intervals and verdicts come from the
 * Comparison objects (src/stats), and the one overall verdict uses src/stats/verdict.ts.
 */
import type { Advice } from '../advise/types.js';
import { cpuModelHiddenBy, cpuModelWarning } from '../results/host.js';
import { signedCount } from '../format/text.js';
import { networkText, storageText } from '../format/devices.js';
import { warningCodesOf, warningText } from '../format/warnings.js';
import { noisyFiguresOf } from '../results/noisy.js';
import {
  isLifecycleFile,
  lifecycleFigure,
  lifecyclePlatformOf,
  memoryFitOf,
  type Figure,
  type FitCoefficientJson,
} from '../results/lifecycle.js';
import { contentionWarning, filterContended } from '../stats/contention.js';
import { loopbackNote } from '../results/loopback.js';
import { median, summarize } from '../stats/describe.js';
import type { AddedCost, Comparison, Estimate, InconclusiveReason, Verdict } from '../stats/types.js';
import { verdictOf } from '../stats/verdict.js';
import type { Category, ComparisonWarning, Fingerprint, ResultsFile, WorkloadOk } from '../types.js';
import { CATEGORIES } from '../types.js';
import { platformClassOf, type PlatformClass } from './platform-class.js';

export const REPORT_MODEL_SCHEMA = 'virtax.report-model/v1' as const;

/** One host as a card: what it is, and why comparing it to the others may be unfair. */
export interface HostCard {
  label: string;
  /** Id of the host's first run. */
  id: string;
  /**
   * Runs behind this host: results files with its label (separately launched replicate runs, compared with
   * runs as the top level). The card's other facts are its first run's.
   */
  runs: number;
  isBaseline: boolean;
  hostname: string;
  /** What kind of platform this is in a planner's words (src/report/platform-class.ts). */
  platformClass: PlatformClass;
  platform: Fingerprint['platform'];
  hypervisor: string | null;
  container: string | null;
  cloud: string | null;
  cpuModel: string;
  cores: number;
  threads: number;
  mhz: number;
  /** CPU features that matter for crypto and entropy: hardware AES, SHA extensions, RDRAND. */
  crypto: { aes: boolean; sha: boolean; rdrand: boolean };
  vector: { avx2: boolean; avx512: boolean };
  clocksource: string | null;
  /** The devices the storage and network workloads used, in words; null where not recorded (older files). */
  devices: { storage: string | null; network: string | null };
  kernel: string;
  os: string;
  memoryGiB: number;
  numaNodes: number;
  /** Steal time over the whole run, percent; null when unknown. */
  stealPct: number | null;
  evidence: string[];
  suite: string;
  rounds: number;
  seed: number;
  startedAt: string;
  finishedAt: string | null;
  workloadsOk: number;
  notOk: { id: string; status: 'skipped' | 'failed'; reason: string }[];
  /** Loud differences from the baseline (CPU model, ...) and comparison warnings, in words. */
  warnings: string[];
  /** The same warnings as codes (what the report's warning list decides on; src/types.ts `ComparisonWarning`). */
  warningCodes: ComparisonWarning[];
  /**
   * Agility and density of a `virtax lifecycle` file (medians over its rounds; null where not measured): start to
   * the first program inside, ms, and host memory per idle instance, MiB. Absent for other runs.
   */
  lifecycle?: { startMs: number | null; memoryPerInstanceMiB: number | null };
}

/** What a planner quotes for one non-baseline host. */
export interface Headline {
  label: string;
  baseline: string;
  overall: Estimate | null;
  overallVerdict: Verdict | null;
  workloads: number;
  /** The three workloads with the largest overhead (point estimate), with their verdicts. */
  worst: { id: string; title: string; overheadPct: Estimate; verdict: Verdict }[];
  /** Workloads whose interval lies inside the noise band. */
  same: { id: string; title: string }[];
  counts: Record<Verdict, number>;
  notCompared: { id: string; reason: string }[];
  warnings: string[];
  /** What the overall figure rests on: compared workloads and categories, out of all the report measured. */
  coverage: Coverage;
  /** With a profile: the capacity line for this host ("needs 14 hosts (+2) for 12 metal hosts, 13,720 USD/month"). */
  capacity: string | null;
}

/** Workloads and categories behind a figure, out of those measured anywhere in the report. */
export interface Coverage {
  workloads: number;
  ofWorkloads: number;
  categories: Category[];
  ofCategories: number;
}

/** "12 of 19 workloads, 5 of 7 categories" */
export function coverageText(c: Coverage): string {
  return `${c.workloads} of ${c.ofWorkloads} workloads, ${c.categories.length} of ${c.ofCategories} categories`;
}

/** One interval in the forest plot. */
export interface ForestRow {
  host: string;
  id: string;
  title: string;
  category: Category;
  unit: string;
  point: number;
  lo: number;
  hi: number;
  level: number;
  method: Estimate['method'];
  verdict: Verdict;
  pValue: number;
  qValue: number;
  roundsToSettle: number | null;
  tailRatio: number | null;
  /** Why an inconclusive row is (words: inconclusiveText in src/report/comparison-exporters.ts). */
  inconclusive: InconclusiveReason | null;
  /** Added time per operation, where the workload is measured in time per operation. */
  addedPerOp: AddedCost | null;
}

/** One round's figure, for the distribution charts. */
export interface RoundPoint {
  host: string;
  id: string;
  round: number;
  figure: number;
  stealPct: number | null;
}

/** Workload facts shared by the round points (kept once, not per point, to keep the report small). */
export interface WorkloadInfo {
  id: string;
  title: string;
  category: Category;
  unit: string;
  better: 'lower' | 'higher';
}

/** Noise of one host on one workload, from its results file. */
export interface NoiseRow {
  host: string;
  id: string;
  category: Category;
  /** Coefficient of variation of the round figures, percent. */
  cvPct: number;
  /** p99/p50 of the batches in the worse direction (>= 1; 1 = no tail). */
  tail: number;
  stealPct: number | null;
}

/** Noise of one host over all its workloads, and against the baseline when compared. */
export interface HostNoise {
  host: string;
  medianCvPct: number | null;
  medianTail: number | null;
  stealPct: number | null;
  /** cand/base CV ratio and tail ratio with intervals (from the comparison); null for the baseline. */
  cvRatio: Estimate | null;
  tailRatio: Estimate | null;
}

/** Noisy-neighbor measurements read from `noisy.*` workloads. */
export interface NoisyRow {
  host: string;
  id: string;
  victim: string;
  /** What the number measures: the aggressor kind or the field path it came from. */
  against: string;
  metric: 'tail amplification' | 'slowdown' | 'steal %';
  value: number;
  /** Where it came from: the workload's own `extra`, or its p99 against the victim's p99 on the same host. */
  source: 'extra' | 'victim p99';
}

/**
 * One cell of the first screen: what a kind of work costs on a host, as a factor of the baseline's cost
 * (1 = the same; 32 = thirty-two times), with its interval: the comparison's index over that category's workloads
 * (Comparison.byCategory, made as the overall index). For comparisons saved without it, the geometric mean of the
 * workloads' factors and of their bounds (conservative: as wide as if their errors all moved together).
 */
export interface CostCell {
  factor: number;
  lo: number;
  hi: number;
  /** Compared workloads behind the cell. */
  workloads: number;
  verdict: Verdict;
}

/** One host's row of the first screen; the baseline's cells are x1.00 for every category it measured. */
export interface CostRow {
  host: string;
  isBaseline: boolean;
  platformClass: PlatformClass;
  cells: Partial<Record<Category, CostCell>>;
  /** The comparison's overall index as a factor (null for the baseline and without an overall). */
  overall: CostCell | null;
}

/**
 * The first screen: hosts x categories. Noisy-neighbour figures are amplification within a host (with a
 * neighbour against alone), not a factor against the baseline: they are not a column here (ReportModel.noisy).
 */
export interface CostTable {
  categories: Category[];
  rows: CostRow[];
}

/**
 * How loud a cell is, by the size of its factor: `same` when its verdict is same or its interval holds 1
 * (nothing shown to differ), `better` below 1, then bands of worse: up to x1.10, x1.50, x3, x10, beyond.
 */
export type FactorBand = 'same' | 'better' | 'worse-1' | 'worse-2' | 'worse-3' | 'worse-4' | 'worse-5';

export function factorBand(c: Pick<CostCell, 'factor' | 'lo' | 'hi' | 'verdict'>): FactorBand {
  if (c.verdict === 'same' || (c.lo <= 1 && c.hi >= 1)) return 'same';
  if (c.factor < 1) return 'better';
  return c.factor < 1.1 ? 'worse-1' : c.factor < 1.5 ? 'worse-2' : c.factor < 3 ? 'worse-3' : c.factor < 10 ? 'worse-4' : 'worse-5';
}

/** "9 warnings: 5 contended rounds, 1 loopback, 3 other" (kinds in a fixed order, the most first within none). */
export function noticeCounts(notices: readonly Notice[]): string {
  const words: Record<NoticeKind, string> = {
    'contended-rounds': 'contended rounds',
    scope: 'one run per side',
    loopback: 'loopback network',
    hardware: 'hardware',
    environment: 'environment differences',
    other: 'other',
  };
  const order: NoticeKind[] = ['contended-rounds', 'scope', 'loopback', 'hardware', 'environment', 'other'];
  const parts = order.flatMap((k) => {
    const n = notices.filter((x) => x.kind === k).length;
    return n ? [`${n} ${words[k]}`] : [];
  });
  return `${notices.length} warning${notices.length === 1 ? '' : 's'}${parts.length ? `: ${parts.join(', ')}` : ''}`;
}

/** Where a warning came from (so a renderer can count them without reading their words). */
export type NoticeKind = 'contended-rounds' | 'scope' | 'loopback' | 'hardware' | 'environment' | 'other';

/** A warning stated once, with the hosts it concerns (empty: the whole report). */
export interface Notice {
  kind: NoticeKind;
  text: string;
  hosts: string[];
}

export interface Methodology {
  noisePct: number;
  alpha: number | null;
  level: number | null;
  resamples: number | null;
  seed: number | null;
  intervalMethods: Partial<Record<Estimate['method'], number>>;
  tests: string[];
  verdictRule: string;
  perHost: { label: string; suite: string; rounds: number; seed: number; tool: string; node: string; startedAt: string }[];
}

/**
 * One platform's agility and density from a `virtax lifecycle` file (docs/lifecycle.md), shown on the first screen
 * beside the cost table: medians over rounds (min-max), memory per idle instance from the fit with its interval.
 */
export interface AgilityRow {
  host: string;
  /** The platform the file measured (process, podman, podman-gvisor, gvisor, uml, or a launcher's name). */
  platform: string;
  startMs: Figure | null;
  startNodeMs: Figure | null;
  stopMs: Figure | null;
  /** Host memory (PSS) per idle instance, MiB: the fit's per-instance cost [interval], else the median [min, max]. */
  memoryPerInstanceMiB: FitCoefficientJson | null;
  /** The fit's level, null when memory is the median over rounds. */
  memoryLevel: number | null;
  /** Idle instances per GiB of host memory (median over rounds). */
  densityPerGiB: number | null;
}

export function agilityRowOf(f: ResultsFile): AgilityRow {
  const fit = memoryFitOf(f);
  const mem = lifecycleFigure(f, 'life.memory');
  return {
    host: f.label,
    platform: lifecyclePlatformOf(f),
    startMs: lifecycleFigure(f, 'life.start'),
    startNodeMs: lifecycleFigure(f, 'life.start-node'),
    stopMs: lifecycleFigure(f, 'life.stop'),
    memoryPerInstanceMiB: fit ? fit.perInstanceMiB : mem ? { point: mem.median, lo: mem.min, hi: mem.max } : null,
    memoryLevel: fit ? fit.level : null,
    densityPerGiB: lifecycleFigure(f, 'life.density')?.median ?? null,
  };
}

export interface ReportModel {
  schema: typeof REPORT_MODEL_SCHEMA;
  title: string;
  generatedAt: string;
  toolVersion: string;
  baseline: string;
  noisePct: number;
  hosts: HostCard[];
  headlines: Headline[];
  workloads: WorkloadInfo[];
  forest: ForestRow[];
  rounds: RoundPoint[];
  noise: NoiseRow[];
  hostNoise: HostNoise[];
  noisy: NoisyRow[];
  advice: Advice | null;
  methodology: Methodology;
  warnings: string[];
  /** The first screen: what each platform costs each kind of work. */
  costTable: CostTable;
  /**
   * The first screen's agility and density: one row per lifecycle file. With a performance baseline, lifecycle files
   * are shown here only (they share no workload with it); with a lifecycle baseline they are compared as any host.
   */
  agility: AgilityRow[];
  /** Every warning of the report (report-wide, host cards, headlines) once, with the hosts it concerns. */
  notices: Notice[];
}

export interface ReportInput {
  /** The results files, baseline among them; files with one label are replicate runs of one host. */
  files: ResultsFile[];
  /** Label of the baseline file (must be one of the files' labels). */
  baseline: string;
  /** One comparison per non-baseline label, baseline as `base`. */
  comparisons: Comparison[];
  /** Noise threshold in percent used for the comparisons. */
  noisePct: number;
  advice?: Advice | null;
  /** ISO time the report was made; passed in so the model is reproducible. */
  generatedAt: string;
  toolVersion: string;
  title?: string;
}

const VERDICTS: Verdict[] = ['slower', 'faster', 'same', 'inconclusive'];

/** The median of a lifecycle figure in a file, null when it was not measured. */
const lifeMedian = (f: ResultsFile, id: string): number | null => lifecycleFigure(f, id)?.median ?? null;

function hostCard(runs: readonly ResultsFile[], baseline: ResultsFile, comparison: Comparison | undefined): HostCard {
  const f = runs[0] as ResultsFile;
  const h = f.host;
  const codes: ComparisonWarning[] = [];
  // The comparison warns of differing CPU models exactly when its environment differences hold cpu.model (src/stats/compare.ts).
  const cmpSaysCpu = (comparison?.envDiffs ?? []).some((d) => d.field === 'cpu.model');
  const model = f !== baseline && !cmpSaysCpu ? cpuModelWarning(baseline.host, h) : null;
  if (model) codes.push(model);
  const partial = runs.filter((r) => r.finishedAt === null).length;
  if (partial) codes.push({ code: 'partial-runs', partial, of: runs.length });
  for (const w of comparison ? warningCodesOf(comparison) : []) {
    if (!codes.some((x) => warningText(x) === warningText(w))) codes.push(w);
  }
  const warnings = codes.map(warningText);
  return {
    label: f.label,
    id: f.id,
    runs: runs.length,
    isBaseline: f === baseline,
    hostname: h.hostname,
    platformClass: platformClassOf(h),
    platform: h.platform,
    hypervisor: h.hypervisor,
    container: h.container,
    cloud: h.cloud,
    cpuModel: h.cpu.model,
    cores: h.cpu.cores,
    threads: h.cpu.threads,
    mhz: h.cpu.mhz,
    crypto: { aes: h.cpu.flags.aes, sha: h.cpu.flags.sha, rdrand: h.cpu.flags.rdrand },
    vector: { avx2: h.cpu.flags.avx2, avx512: h.cpu.flags.avx512 },
    clocksource: h.clocksource,
    devices: {
      storage: h.devices?.storage
        ? `${storageText(h.devices.storage)}${h.devices.storage.scheduler ? `, scheduler ${h.devices.storage.scheduler}` : ''}`
        : null,
      network: h.devices?.network ? networkText(h.devices.network) : null,
    },
    kernel: h.kernel,
    os: h.os,
    memoryGiB: h.memoryBytes / 2 ** 30,
    numaNodes: h.numaNodes,
    stealPct: f.conditions.stealPct,
    evidence: h.evidence,
    suite: f.config.suite,
    rounds: f.config.rounds,
    seed: f.config.seed,
    startedAt: f.startedAt,
    finishedAt: f.finishedAt,
    workloadsOk: f.workloads.filter((w) => w.status === 'ok').length,
    notOk: f.workloads.flatMap((w) => (w.status === 'ok' ? [] : [{ id: w.id, status: w.status, reason: w.reason }])),
    warnings,
    warningCodes: codes,
    ...(isLifecycleFile(f)
      ? { lifecycle: { startMs: lifeMedian(f, 'life.start'), memoryPerInstanceMiB: lifeMedian(f, 'life.memory') } }
      : {}),
  };
}

function capacityLine(label: string, advice: Advice | null | undefined): string | null {
  const h = advice?.hosts.find((x) => x.label === label);
  if (!advice || !h) return null;
  const p = advice.profile;
  const money = (x: number) => `${x.toLocaleString('en-US', { maximumFractionDigits: 2 })}${p.costUnit ? ` ${p.costUnit}` : ''}`;
  if (!h.hostsNeeded || !h.extraHosts) {
    return `${p.name}: no fleet size for ${label}${h.disqualified.length ? ` (${h.disqualified[0]})` : ''}`;
  }
  const more = h.extraHosts.point;
  const without = h.coverage.missing.length ? `; without ${h.coverage.missing.map((m) => m.name).join(', ')}` : '';
  const out = h.disqualified.length ? `; ruled out: ${h.disqualified.join('; ')}` : '';
  return `${p.name}: needs ${h.hostsNeeded.point} hosts (${signedCount(more)}; ${h.hostsNeeded.lo}-${h.hostsNeeded.hi}) for the work of ${p.fleetSize} ${advice.baseline} hosts${h.fleetCost ? `, ${money(h.fleetCost.point)}` : ''}${without}${out}`;
}

function headline(
  c: Comparison,
  noisePct: number,
  all: { workloads: number; categories: number },
  advice: Advice | null | undefined,
): Headline {
  const compared = c.rows.flatMap((r) => (r.status === 'compared' ? [r] : []));
  const counts = { slower: 0, faster: 0, same: 0, inconclusive: 0 } as Record<Verdict, number>;
  for (const r of compared) counts[r.verdict] += 1;
  const worst = [...compared]
    .sort((a, b) => b.overheadPct.point - a.overheadPct.point || a.id.localeCompare(b.id))
    .slice(0, 3)
    .map((r) => ({ id: r.id, title: r.title, overheadPct: r.overheadPct, verdict: r.verdict }));
  const overall = c.overall?.overheadPct ?? null;
  return {
    label: c.cand.label,
    baseline: c.base.label,
    overall,
    overallVerdict: overall ? verdictOf(overall, noisePct) : null,
    workloads: c.overall?.workloads ?? compared.length,
    worst,
    same: compared.filter((r) => r.verdict === 'same').map((r) => ({ id: r.id, title: r.title })),
    counts,
    notCompared: c.rows.flatMap((r) => (r.status === 'not-compared' ? [{ id: r.id, reason: r.reason }] : [])),
    warnings: [...c.warnings, ...c.envDiffs.map((d) => `${d.field} differs: ${d.base} (baseline) vs ${d.cand}`)],
    // What the headline's figure (the overall index) rests on: its own workloads and categories, not every compared row.
    coverage: {
      workloads: c.overall?.workloads ?? compared.length,
      ofWorkloads: all.workloads,
      categories: c.overall
        ? CATEGORIES.filter((cat) => (c.overall?.weights[cat] ?? 0) > 0)
        : CATEGORIES.filter((cat) => compared.some((r) => r.category === cat)),
      ofCategories: all.categories,
    },
    capacity: capacityLine(c.cand.label, advice),
  };
}

function noisyRows(f: ResultsFile): NoisyRow[] {
  const rows: NoisyRow[] = [];
  const byId = new Map(f.workloads.map((w) => [w.id, w]));
  for (const w of f.workloads) {
    if (w.status !== 'ok' || !w.id.startsWith('noisy.')) continue;
    const victim = w.id.slice('noisy.'.length);
    let found = false;
    for (const x of noisyFiguresOf(w)) {
      rows.push({ host: f.label, id: w.id, victim, against: x.against, metric: x.metric, value: median(x.values), source: 'extra' });
      if (x.metric === 'tail amplification') found = true;
    }
    const v = byId.get(victim);
    if (!found && v && v.status === 'ok' && v.better === w.better && v.unit === w.unit) {
      const amp = w.better === 'lower' ? w.summary.p99 / v.summary.p99 : v.summary.p99 / w.summary.p99;
      if (Number.isFinite(amp) && amp > 0) {
        rows.push({
          host: f.label,
          id: w.id,
          victim,
          against: 'neighbor (vs victim alone)',
          metric: 'tail amplification',
          value: amp,
          source: 'victim p99',
        });
      }
    }
  }
  return rows;
}

const ln1p = (pct: number) => Math.log1p(pct / 100);

/** Geometric mean of the rows' factors and of their bounds (CostCell). */
function costCell(rows: readonly ForestRow[], noisePct: number): CostCell | null {
  if (rows.length === 0) return null;
  const mean = (f: (r: ForestRow) => number) => Math.exp(rows.reduce((s, r) => s + ln1p(f(r)), 0) / rows.length);
  const factor = mean((r) => r.point);
  const lo = mean((r) => r.lo);
  const hi = mean((r) => r.hi);
  const verdict = verdictOf({ lo: 100 * (lo - 1), hi: 100 * (hi - 1) }, noisePct);
  return { factor, lo, hi, workloads: rows.length, verdict };
}

/** The first screen's table from the forest rows and the comparisons' overall indices. */
export function costTableOf(
  hosts: readonly HostCard[],
  forest: readonly ForestRow[],
  comparisons: readonly Comparison[],
  baselineWorkloads: readonly { category: Category }[],
  noisePct: number,
): CostTable {
  const shown = (c: Category) => c !== 'noisy-neighbor' && ((c !== 'user' && c !== 'lifecycle') || forest.some((r) => r.category === c));
  const categories = CATEGORIES.filter(shown);
  const rows = hosts.map((h): CostRow => {
    const cells: Partial<Record<Category, CostCell>> = {};
    if (h.isBaseline) {
      for (const cat of categories) {
        const n = baselineWorkloads.filter((w) => w.category === cat).length;
        if (n) cells[cat] = { factor: 1, lo: 1, hi: 1, workloads: n, verdict: 'same' };
      }
      return { host: h.label, isBaseline: true, platformClass: h.platformClass, cells, overall: null };
    }
    const byCategory = comparisons.find((c) => c.cand.label === h.label)?.byCategory;
    for (const cat of categories) {
      // The comparison's own per-category index where it has one; the geometric mean of the rows for older comparisons.
      const own = byCategory?.find((b) => b.category === cat);
      const cell = own
        ? {
            factor: 1 + own.overheadPct.point / 100,
            lo: 1 + own.overheadPct.lo / 100,
            hi: 1 + own.overheadPct.hi / 100,
            workloads: own.workloads,
            verdict: verdictOf(own.overheadPct, noisePct),
          }
        : costCell(
            forest.filter((r) => r.host === h.label && r.category === cat),
            noisePct,
          );
      if (cell) cells[cat] = cell;
    }
    const o = comparisons.find((c) => c.cand.label === h.label)?.overall?.overheadPct ?? null;
    const overall = o
      ? {
          factor: 1 + o.point / 100,
          lo: 1 + o.lo / 100,
          hi: 1 + o.hi / 100,
          workloads: comparisons.find((c) => c.cand.label === h.label)?.overall?.workloads ?? 0,
          verdict: verdictOf(o, noisePct),
        }
      : null;
    return { host: h.label, isBaseline: false, platformClass: h.platformClass, cells, overall };
  });
  return { categories, rows };
}

/** The report's kind of a comparison warning, from its code. */
function kindOf(w: ComparisonWarning): NoticeKind {
  if (w.code === 'one-run-per-side') return 'scope';
  if (w.code === 'contended-rounds') return 'contended-rounds';
  if (w.code === 'cpu-models-differ' || w.code === 'cpu-model-hidden') return 'hardware';
  return 'other';
}

/**
 * Every warning once. Kinds come from where each was made (the contention rule, the loopback note, the
 * comparison's warning codes and environment differences), never from its words.
 */
function noticesOf(
  reportWarnings: { kind: NoticeKind; text: string }[],
  cards: readonly HostCard[],
  comparisons: readonly Comparison[],
): Notice[] {
  const out = new Map<string, Notice>();
  const add = (kind: NoticeKind, text: string, host: string | null) => {
    const n = out.get(text) ?? { kind, text, hosts: [] };
    if (host !== null && !n.hosts.includes(host)) n.hosts.push(host);
    out.set(text, n);
  };
  for (const w of reportWarnings) add(w.kind, w.text, null);
  for (const card of cards) {
    const c = comparisons.find((x) => x.cand.label === card.label);
    for (const w of card.warningCodes) {
      // A comparison restates each side's contended rounds ("in base X"); the report states each file's once.
      if (w.code === 'contended-rounds') continue;
      add(kindOf(w), warningText(w), card.label);
    }
    for (const d of c?.envDiffs ?? []) add('environment', `${d.field} differs: ${d.base} (baseline) vs ${d.cand}`, card.label);
  }
  return [...out.values()];
}

/** Build the report model. Throws Error when the baseline label is not among the files. */
export function buildReportModel(input: ReportInput): ReportModel {
  const { files, noisePct } = input;
  // One host per label; several files with a label are its replicate runs (the first stands for its facts).
  const runsOf = new Map<string, ResultsFile[]>();
  for (const f of files) runsOf.set(f.label, [...(runsOf.get(f.label) ?? []), f]);
  const hosts = [...runsOf.values()].map((runs) => runs[0] as ResultsFile);
  const baseline = hosts.find((f) => f.label === input.baseline);
  if (!baseline) throw new Error(`baseline "${input.baseline}" is not among the results (${files.map((f) => f.label).join(', ')})`);
  // Lifecycle files share no workload with a performance baseline: they get the agility table, not a row of costs,
  // a headline or the warnings of an empty comparison.
  const apart = (f: ResultsFile) => isLifecycleFile(f) && !isLifecycleFile(baseline);
  const apartLabels = new Set(hosts.filter(apart).map((f) => f.label));
  const comparisons = input.comparisons.filter((c) => !apartLabels.has(c.cand.label));
  const cmpByLabel = new Map(comparisons.map((c) => [c.cand.label, c]));

  const workloads = new Map<string, WorkloadInfo>();
  const rounds: RoundPoint[] = [];
  const noise: NoiseRow[] = [];
  for (const f of files) {
    for (const w of f.workloads) {
      if (w.status !== 'ok') continue;
      if (!workloads.has(w.id)) workloads.set(w.id, { id: w.id, title: w.title, category: w.category, unit: w.unit, better: w.better });
      w.rounds.forEach((r, i) => rounds.push({ host: f.label, id: w.id, round: i + 1, figure: r.figure, stealPct: r.stealPct }));
    }
  }
  // Noise per host and workload from the rounds a comparison uses (every run, contended rounds dropped as compare
  // drops them), so the table and compare's noise lines are one computation.
  for (const [label, runs] of runsOf) {
    const ids = [...new Set(runs.flatMap((f) => f.workloads.filter((w) => w.status === 'ok').map((w) => w.id)))];
    for (const id of ids) {
      const ws = runs.flatMap((f) => f.workloads.filter((w): w is WorkloadOk => w.id === id && w.status === 'ok'));
      const head = ws[0] as WorkloadOk;
      const s = summarize(
        ws.flatMap((w) => filterContended(w.rounds).rounds),
        head.better,
      );
      const tail = s.p50 > 0 && s.p99 > 0 ? (head.better === 'lower' ? s.p99 / s.p50 : s.p50 / s.p99) : Number.NaN;
      if (Number.isFinite(tail) && Number.isFinite(s.cv))
        noise.push({ host: label, id, category: head.category, cvPct: s.cv * 100, tail, stealPct: s.stealPct });
    }
  }
  const catIndex = (c: Category) => CATEGORIES.indexOf(c);
  const workloadList = [...workloads.values()].sort((a, b) => catIndex(a.category) - catIndex(b.category) || a.id.localeCompare(b.id));

  const forest: ForestRow[] = [];
  for (const c of comparisons) {
    for (const r of c.rows) {
      if (r.status !== 'compared') continue;
      forest.push({
        host: c.cand.label,
        id: r.id,
        title: r.title,
        category: r.category,
        unit: r.unit,
        point: r.overheadPct.point,
        lo: r.overheadPct.lo,
        hi: r.overheadPct.hi,
        level: r.overheadPct.level,
        method: r.overheadPct.method,
        verdict: r.verdict,
        pValue: r.pValue,
        qValue: r.qValue,
        roundsToSettle: r.roundsToSettle,
        tailRatio: r.tailRatio,
        inconclusive: r.inconclusive ?? null,
        addedPerOp: r.addedPerOp ?? null,
      });
    }
  }

  const hostNoise: HostNoise[] = hosts.map((f) => {
    const mine = noise.filter((n) => n.host === f.label);
    const c = cmpByLabel.get(f.label);
    return {
      host: f.label,
      medianCvPct: mine.length ? median(mine.map((n) => n.cvPct)) : null,
      medianTail: mine.length ? median(mine.map((n) => n.tail)) : null,
      stealPct: f.conditions.stealPct,
      cvRatio: f === baseline ? null : (c?.noise?.cvRatio ?? null),
      tailRatio: f === baseline ? null : (c?.noise?.tailRatio ?? null),
    };
  });

  const first = comparisons[0]?.settings;
  const methods: Partial<Record<Estimate['method'], number>> = {};
  for (const r of forest) methods[r.method] = (methods[r.method] ?? 0) + 1;
  const reportWarnings: { kind: NoticeKind; text: string }[] = [];
  // Nested guests (UML, gVisor) hide the hardware's model: they are not counted as other machines.
  const models = new Set(files.filter((f) => cpuModelHiddenBy(f.host) === null).map((f) => f.host.cpu.model));
  if (models.size > 1)
    reportWarnings.push({
      kind: 'hardware',
      text: `The hosts have ${models.size} different CPU models: part of each overhead is the hardware, not virtualization.`,
    });
  for (const runs of runsOf.values()) {
    runs.forEach((f, i) => {
      const w = contentionWarning(f, { run: runs.length > 1 ? i + 1 : null });
      if (w) reportWarnings.push({ kind: 'contended-rounds', text: warningText(w) });
    });
  }
  const loopback = loopbackNote(files);
  if (loopback) reportWarnings.push({ kind: 'loopback', text: loopback });
  for (const c of comparisons) {
    if (c.base.label !== baseline.label)
      reportWarnings.push({
        kind: 'other',
        text: `comparison for ${c.cand.label} used ${c.base.label} as baseline, not ${baseline.label}`,
      });
  }
  const warnings = reportWarnings.map((w) => w.text);
  const cards = hosts.map((f) => hostCard(runsOf.get(f.label) ?? [f], baseline, cmpByLabel.get(f.label)));
  const compared = hosts.filter((f) => !apart(f)).length - 1;
  const agility = hosts.filter(isLifecycleFile).map(agilityRowOf);

  return {
    schema: REPORT_MODEL_SCHEMA,
    title:
      input.title ??
      (compared === 0
        ? `virtax report: ${baseline.label} alone`
        : `virtax report: ${compared} host${compared === 1 ? '' : 's'} compared with ${baseline.label}`) +
        (agility.length && !isLifecycleFile(baseline)
          ? `; start and memory of ${agility.length} platform${agility.length === 1 ? '' : 's'}`
          : ''),
    generatedAt: input.generatedAt,
    toolVersion: input.toolVersion,
    baseline: baseline.label,
    noisePct,
    hosts: cards,
    headlines: hosts.flatMap((f) => {
      const c = cmpByLabel.get(f.label);
      const all = { workloads: workloadList.length, categories: new Set(workloadList.map((w) => w.category)).size };
      return f === baseline || !c || apart(f) ? [] : [headline(c, noisePct, all, input.advice)];
    }),
    workloads: workloadList,
    forest,
    rounds,
    noise,
    hostNoise,
    noisy: files.flatMap(noisyRows),
    advice: input.advice ?? null,
    methodology: {
      noisePct,
      alpha: first?.alpha ?? null,
      level: first?.level ?? null,
      resamples: first?.resamples ?? null,
      seed: first?.seed ?? null,
      intervalMethods: methods,
      tests: [
        'Overhead per workload: ratio of the medians of the round figures, on the log scale, worse direction positive.',
        'Interval: bootstrap of the rounds (a round is a fresh process; its batches are never resampled), each side independently: the exact bootstrap distribution of the median up to about 25 rounds per side, seeded resampling beyond; widened by t/z for the few rounds.',
        'Significance: two-sided Mann-Whitney U on the round figures (tie-corrected), Benjamini-Hochberg across the workloads of each comparison (q-value).',
        'Overall: geometric mean of the per-workload ratios, equal weight per category, with a bootstrap interval.',
        ...(hosts.length < files.length
          ? [
              'Replicate runs: a host with several runs (results files with one label) is compared with runs as the top level: Welch t interval across the run figures (each run its median over rounds), for any number of runs per side; the overall index is Welch across per-run composite indices, so an offset shared by all workloads of a run counts once.',
            ]
          : []),
      ],
      verdictRule: `slower/faster when the whole interval lies beyond ±${noisePct}%; same when it lies inside ±${noisePct}%; inconclusive otherwise.`,
      perHost: files.map((f) => ({
        label: f.label,
        suite: f.config.suite,
        rounds: f.config.rounds,
        seed: f.config.seed,
        tool: `${f.tool.name} ${f.tool.version}`,
        node: f.tool.node,
        startedAt: f.startedAt,
      })),
    },
    warnings,
    costTable: costTableOf(
      cards.filter((_, i) => !apart(hosts[i] as ResultsFile)),
      forest,
      comparisons,
      baseline.workloads.filter((w) => w.status === 'ok'),
      noisePct,
    ),
    agility,
    notices: noticesOf(reportWarnings, cards, comparisons),
  };
}

/** Verdict names in display order (shared by the specs' colour scale and the tables). */
export const VERDICT_ORDER = VERDICTS;
