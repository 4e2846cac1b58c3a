/**
 * Exporters of a Comparison: terminal table, JSON, Markdown and CSV. One signature, `(c) => string`;
 * the caller decides where the string goes (CONTRIBUTING.md). Verdicts come from the Comparison,
 * computed once by src/stats/verdict.ts.
 */
import { escapeCsv, escapeMarkdown } from '../format/escape.js';
import { junitXml, type JunitCase } from '../format/junit.js';
import type { AddedCost, Comparison, Estimate, InconclusiveReason, KernelTime, NoiseComparison, RowComparison } from '../stats/types.js';
import { noColour, signedNumber, signedPct, verdictStyle, type Paint } from '../format/text.js';
import { noteCodesOf, noteText } from '../format/notes.js';
import { figureColumn, fitTerminalTable, markdownTable, type Column, type Columns } from './columns.js';
import { formatNumber } from './table.js';

/** Terminal options of the text exporters: colour painter and the width tables fit into. */
export interface TerminalOptions {
  paint?: Paint;
  width?: number | null;
}

export type ComparisonExporter = (c: Comparison, opts?: TerminalOptions) => string;

type Compared = Extract<RowComparison, { status: 'compared' }>;

/** "+5.2% [+4.1, +6.3]" (the point with the kit's one precision rule) */
export function formatOverhead(e: Estimate): string {
  return `${signedPct(e.point)} [${signedNumber(e.lo)}, ${signedNumber(e.hi)}]`;
}

/** A row's kernel time per op, formatted as the overhead column; the point alone with one round on a side. */
export function formatKernelOverhead(k: KernelTime): string {
  return k.overheadPct ? formatOverhead(k.overheadPct) : `${signedPct(k.pointPct)} (no interval)`;
}

/** Whether any compared row carries kernel time per op (the tables then give it a column). */
export const hasKernel = (c: Comparison): boolean => c.rows.some((r) => r.status === 'compared' && r.kernel);

/** Whether any compared row carries an added time per operation (the tables then give it a column). */
export const hasAddedPerOp = (c: Comparison): boolean => c.rows.some((r) => r.status === 'compared' && r.addedPerOp);

const TIME_SCALES: [string, number][] = [
  ['ns', 1e-9],
  ['us', 1e-6],
  ['µs', 1e-6],
  ['ms', 1e-3],
];

/**
 * An added time per operation in the largest time unit that keeps it above 1: "+75.3 us/call [+70.1, +80.2]"
 * (the workload's unit is `ns/call`; the interval in the same unit as the point).
 */
export function formatAddedPerOp(a: AddedCost): string {
  const m = /^(ns|us|µs|ms)(\/.+)?$/.exec(a.unit);
  if (!m) return `${signedNumber(a.point, 1)} ${a.unit} [${signedNumber(a.lo, 1)}, ${signedNumber(a.hi, 1)}]`;
  const seconds = (TIME_SCALES.find(([u]) => u === m[1]) as [string, number])[1];
  const per = m[2] ?? '';
  // The point's own scale (the interval follows it), so a small added cost is not printed as +0.0 ms.
  const big = (a.point !== 0 ? Math.abs(a.point) : Math.max(Math.abs(a.lo), Math.abs(a.hi))) * seconds;
  const [name, scale] = big >= 1e-3 ? ['ms', 1e-3] : big >= 1e-6 ? ['us', 1e-6] : ['ns', 1e-9];
  const f = seconds / scale;
  const digits = (x: number) => (Math.abs(x * f) >= 100 ? 0 : Math.abs(x * f) >= 10 ? 1 : 2);
  return `${signedNumber(a.point * f, digits(a.point))} ${name}${per} [${signedNumber(a.lo * f, digits(a.lo))}, ${signedNumber(a.hi * f, digits(a.hi))}]`;
}

/**
 * hyperfine's one-line summary of a compared row: "cand is 1.052 ± 0.011 times slower than base". The ratio
 * is the worse-direction ratio of medians (exp of the log ratio), turned round when the candidate is better;
 * ± is half the width of its interval; an interval wider than ±10% of the ratio is shown as [low, high].
 */
export function ratioSentence(r: Compared, base: string, cand: string, paint: Paint = noColour): string {
  const worse = r.logRatio.point >= 0;
  const k = worse ? 1 : -1;
  const ratio = Math.exp(k * r.logRatio.point);
  const lo = Math.exp(k * (worse ? r.logRatio.lo : r.logRatio.hi));
  const hi = Math.exp(k * (worse ? r.logRatio.hi : r.logRatio.lo));
  const pm = (hi - lo) / 2;
  const word = r.verdict === 'same' ? (worse ? 'slower (within noise)' : 'faster (within noise)') : worse ? 'slower' : 'faster';
  // ± reads right only for a tight, nearly symmetric interval; a wide one is shown as its bounds.
  const tight = pm <= 0.1 * ratio;
  const figure = paint(
    tight ? `${ratio.toFixed(3)} ± ${pm.toFixed(3)}` : `${ratio.toFixed(3)} [${lo.toFixed(3)}, ${hi.toFixed(3)}]`,
    verdictStyle(r.verdict),
  );
  return `${r.id}: ${cand} is ${figure} times ${word} than ${base}${r.verdict === 'inconclusive' ? ' (inconclusive)' : ''}`;
}

/** A p-value the way people read them: 0.003, 0.04, <0.0001. */
export function formatP(p: number): string {
  if (!Number.isFinite(p)) return '';
  if (p < 1e-4) return '<0.0001';
  if (p < 0.01) return p.toFixed(4);
  return p.toFixed(3);
}

/** Why a row is inconclusive, in a few words (the one place the codes become words). */
export function inconclusiveText(why: InconclusiveReason): string {
  switch (why.code) {
    case 'contended':
      return 'rounds starved by other work';
    case 'no-spread':
      return 'no spread measured on a side';
    case 'test-cannot-reach':
      return `the ${why.test} test cannot reach p <= ${why.alpha} with so few`;
    case 'lopsided':
      return `lopsided counts; the rank test does not confirm it (q = ${why.q.toPrecision(2)})`;
    case 'fcr':
      return `does not survive the false-coverage-rate adjustment (${(100 * why.level).toFixed(1)}%)`;
    case 'needs-more':
      return `~${why.n} ${why.unit}${why.unit === 'pairs' ? '' : ' per side'} would settle it`;
    case 'too-wide':
      return `too noisy: more than ${why.max} ${why.unit}${why.unit === 'pairs' ? '' : ' per side'} needed`;
    case 'on-threshold':
      return `sits on the ±${why.noisePct}% threshold`;
  }
}

function verdictText(r: Compared, c: Comparison): string {
  if (r.verdict === 'inconclusive')
    return r.inconclusive
      ? `inconclusive (${inconclusiveText(r.inconclusive)})`
      : r.roundsToSettle !== null
        ? `inconclusive (~${r.roundsToSettle} rounds)`
        : 'inconclusive';
  // With one run per side a verdict speaks about those two runs, not the platforms (Comparison.scope).
  return c.scope?.covers === 'these-runs' ? `${r.verdict} (these 2 runs)` : r.verdict;
}

function ratioText(e: Estimate | null, point: number | null = null): string {
  if (e) return `${e.point.toFixed(2)}x [${e.lo.toFixed(2)}, ${e.hi.toFixed(2)}]`;
  return point === null ? 'n/a' : `${point.toFixed(2)}x`;
}

function noiseLines(n: NoiseComparison): string[] {
  const steal = (x: number | null) => (x === null ? 'unknown' : `${x.toFixed(2)}%`);
  return [
    `  round-to-round CV (median over workloads): base ${(100 * n.baseCv).toFixed(2)}%, candidate ${(100 * n.candCv).toFixed(2)}%, ratio ${ratioText(n.cvRatio)}`,
    `  batch tail p99/p50 (median over workloads): base ${n.baseTail.toFixed(2)}, candidate ${n.candTail.toFixed(2)}, ratio ${ratioText(n.tailRatio)}`,
    `  steal time: base ${steal(n.baseStealPct)}, candidate ${steal(n.candStealPct)}${n.stealDiffPct ? `, difference ${signedNumber(n.stealDiffPct.point, 2)} points [${signedNumber(n.stealDiffPct.lo, 2)}, ${signedNumber(n.stealDiffPct.hi, 2)}]` : ''}`,
  ];
}

const METHOD_NAMES: Record<Estimate['method'], string> = {
  percentile: 'percentile bootstrap over rounds',
  bca: 'BCa bootstrap',
  'runs-t': 't across runs',
  'runs-bootstrap': 'bootstrap of runs, rounds and batches (files from before issue 22)',
  walsh: 'paired round by round: Hodges-Lehmann on per-pair log ratios, Walsh-average interval, Wilcoxon signed-rank p',
};

/** The largest Monte Carlo error of the bootstrap bounds, when there is one to state. */
function mcNote(c: Comparison): string {
  const mc = c.rows.flatMap((r) => (r.status === 'compared' && r.overheadPct.mcError !== undefined ? [r.overheadPct.mcError] : []));
  if (!mc.length) return '';
  const worst = Math.max(...mc);
  return worst === 0
    ? ', exact bootstrap distribution: no Monte Carlo error in the bounds'
    : `, Monte Carlo error of the bounds <= ${worst.toFixed(2)} points`;
}

function methodsUsed(c: Comparison): string {
  const ms = new Set(c.rows.filter((r): r is Compared => r.status === 'compared').map((r) => METHOD_NAMES[r.overheadPct.method]));
  return [...ms].join('/') || 'none';
}

/** Under a table whose verdicts are one word: why each inconclusive row is, and the rows not compared. */
function verdictNotes(c: Comparison): string[] {
  const below = c.rows.flatMap((r) =>
    r.status !== 'compared'
      ? [`  ${r.id}: not compared: ${r.reason}`]
      : r.verdict === 'inconclusive' && r.inconclusive
        ? [`  ${r.id}: inconclusive: ${inconclusiveText(r.inconclusive)}`]
        : [],
  );
  if (c.scope?.covers === 'these-runs' && c.rows.some((r) => r.status === 'compared' && r.verdict !== 'inconclusive'))
    below.unshift('  verdicts speak about these 2 runs only (one run per side)');
  return below;
}

/**
 * The one column spec of a comparison's rows, drawn by the terminal table (in narrower shapes when it must fit)
 * and by Markdown. A row not compared has empty figures and its reason in the verdict column.
 */
export function comparisonColumns(c: Comparison, paint: Paint = noColour) {
  const ok = (f: (r: Compared) => string) => (r: RowComparison) => (r.status === 'compared' ? f(r) : '');
  const median = (side: 'base' | 'cand') => ({
    head: `${side} median`,
    align: 'right' as const,
    cell: ok((r) => `${formatNumber(r[side].median)} ${r.unit}`),
    markdown: ok((r) => `${formatNumber(r[side].median)} ${escapeMarkdown(r.unit)}`),
  });
  const figure = (head: string, f: (r: Compared) => string) => figureColumn(head, ok(f));
  return {
    workload: { head: 'workload', align: 'left', cell: (r) => r.id, markdown: (r) => r.id } satisfies Column<RowComparison>,
    baseMedian: median('base') satisfies Column<RowComparison>,
    candMedian: median('cand') satisfies Column<RowComparison>,
    overhead: {
      ...figure('overhead % [interval]', (r) => formatOverhead(r.overheadPct)),
      terminal: ok((r) => paint(formatOverhead(r.overheadPct), verdictStyle(r.verdict))),
    } satisfies Column<RowComparison>,
    added: {
      head: 'added per op [interval]',
      align: 'right',
      cell: ok((r) => (r.addedPerOp ? formatAddedPerOp(r.addedPerOp) : '')),
    } satisfies Column<RowComparison>,
    kernel: figure('kernel/op %', (r) => (r.kernel ? formatKernelOverhead(r.kernel) : '')),
    p: figure('p', (r) => formatP(r.pValue)),
    q: figure('q', (r) => formatP(r.qValue)),
    verdict: {
      head: 'verdict',
      align: 'left',
      shrink: true,
      cell: (r) => (r.status === 'compared' ? verdictText(r, c) : `not compared: ${r.reason}`),
      terminal: (r) =>
        r.status === 'compared'
          ? paint(r.verdict, verdictStyle(r.verdict)) + verdictText(r, c).slice(r.verdict.length)
          : `not compared: ${r.reason}`,
      markdown: (r) => (r.status === 'compared' ? verdictText(r, c) : `not compared: ${escapeMarkdown(r.reason)}`),
    } satisfies Column<RowComparison>,
    /** The verdict as one word (its reason goes under the table, verdictNotes). */
    verdictShort: {
      head: 'verdict',
      align: 'left',
      shrink: true,
      cell: (r) => (r.status === 'compared' ? r.verdict : 'not compared'),
      terminal: (r) => (r.status === 'compared' ? paint(r.verdict, verdictStyle(r.verdict)) : 'not compared'),
    } satisfies Column<RowComparison>,
  };
}

/** The readable terminal table with the overall index, noise, environment differences and warnings. */
export const comparisonTable: ComparisonExporter = (c, opts = {}) => {
  const paint = opts.paint ?? noColour;
  const out: string[] = [];
  for (const w of c.warnings) out.push(`WARNING: ${w}`);
  if (c.warnings.length) out.push('');
  out.push(
    `base:      ${c.base.label} (${c.base.host.platform}${c.base.host.hypervisor ? `/${c.base.host.hypervisor}` : ''}, ${c.base.host.hostname})`,
  );
  out.push(
    `candidate: ${c.cand.label} (${c.cand.host.platform}${c.cand.host.hypervisor ? `/${c.cand.host.hypervisor}` : ''}, ${c.cand.host.hostname})`,
  );
  out.push(
    `overhead = candidate vs base, positive = candidate worse; ${Math.round(c.settings.level * 100)}% intervals (${methodsUsed(c)}; ${c.settings.resamples} resamples, seed ${c.settings.seed}${mcNote(c)}); noise threshold ±${c.settings.noisePct}%`,
  );
  out.push('');
  // Kernel time per op gets its own column where any row has it (sys.*, mem.pagefault, proc.spawn, io.*).
  const hasKernelColumn = hasKernel(c);
  const hasAdded = hasAddedPerOp(c);
  const col = comparisonColumns(c, paint);
  /**
   * The table in one of six shapes, widest first: everything; verdicts as one word with their notes under the
   * table; without p (q stays); without kernel/op; without added per op; without the medians. The first that fits
   * the terminal is printed, so a narrow terminal loses whole columns and says so rather than cutting verdicts
   * mid-word (the verdict's cells are cut only if even the narrowest shape does not fit).
   */
  type Shape = { short: boolean; p: boolean; kernel: boolean; added: boolean; medians: boolean };
  const shapes: Shape[] = [
    { short: false, p: true, kernel: hasKernelColumn, added: hasAdded, medians: true },
    { short: true, p: true, kernel: hasKernelColumn, added: hasAdded, medians: true },
    { short: true, p: false, kernel: hasKernelColumn, added: hasAdded, medians: true },
    { short: true, p: false, kernel: false, added: hasAdded, medians: true },
    { short: true, p: false, kernel: false, added: false, medians: true },
    { short: true, p: false, kernel: false, added: false, medians: false },
  ];
  const columnsOf = (sh: Shape): Columns<RowComparison> => [
    col.workload,
    ...(sh.medians ? [col.baseMedian, col.candMedian] : []),
    col.overhead,
    ...(sh.added ? [col.added] : []),
    ...(sh.kernel ? [col.kernel] : []),
    ...(sh.p ? [col.p] : []),
    col.q,
    sh.short ? col.verdictShort : col.verdict,
  ];
  const fitted = fitTerminalTable(shapes.map(columnsOf), c.rows, opts.width ?? null);
  const used = shapes[fitted.shape] as Shape;
  const width = opts.width ?? null;
  const chosen = { table: fitted.table, below: used.short ? verdictNotes(c) : [] };
  const kernel = used.kernel;
  out.push(chosen.table);
  if (chosen.below.length) out.push('verdict notes:', ...chosen.below);
  if (used.added) out.push(ADDED_NOTE);
  const left = [
    !used.medians && 'the medians',
    hasAdded && !used.added && 'added per op',
    hasKernelColumn && !kernel && 'kernel/op %',
    !used.p && 'p',
  ].filter((x): x is string => typeof x === 'string');
  if (left.length) out.push(`left out to fit ${width} columns: ${left.join(', ')} (COLUMNS= or --markdown shows them)`);
  if (kernel)
    out.push("kernel/op % = system CPU time per operation, candidate vs base: the platform's cost without Node's user-space share");
  const compared = c.rows.filter((r): r is Compared => r.status === 'compared');
  if (compared.length) out.push('', 'summary:', ...compared.map((r) => `  ${ratioSentence(r, c.base.label, c.cand.label, paint)}`));
  // A duel's method note ("paired: N round pairs, Hodges-Lehmann ...") repeats on every row; the header names the method.
  const notes = c.rows.flatMap((r) =>
    r.status === 'compared' ? noteCodesOf(r).flatMap((n) => (n.code === 'paired-method' ? [] : [`  ${r.id}: ${noteText(n)}`])) : [],
  );
  if (notes.length) out.push('', 'notes:', ...notes);
  out.push('');
  if (c.overall) {
    const weights = Object.entries(c.overall.weights)
      .map(([k, v]) => `${k} ${((v as number) * 100).toFixed(0)}%`)
      .join(', ');
    out.push(
      `overall: ${formatOverhead(c.overall.overheadPct)} (geometric mean of ${c.overall.workloads} workloads; category weights ${weights})`,
    );
  } else out.push('overall: n/a');
  if (c.noise) out.push('noise:', ...noiseLines(c.noise));
  if (c.envDiffs.length) {
    out.push('environment differences:');
    for (const d of c.envDiffs) out.push(`  ${d.field}: ${d.base} -> ${d.cand}`);
  } else out.push('environment differences: none');
  return `${out.join('\n')}\n`;
};

/** JSON as documented by schema/comparison.v1.json. */
export const comparisonJson: ComparisonExporter = (c) => `${JSON.stringify(c, null, 2)}\n`;

/** Markdown: a summary line, the per-workload table, noise and environment differences. */
export const comparisonMarkdown: ComparisonExporter = (c) => {
  const out: string[] = [];
  out.push(`## virtax compare: ${escapeMarkdown(c.cand.label)} vs ${escapeMarkdown(c.base.label)}`, '');
  for (const w of c.warnings) out.push(`> **Warning:** ${escapeMarkdown(w)}`, '');
  if (c.overall)
    out.push(
      `**Overall overhead:** ${formatOverhead(c.overall.overheadPct)} (geometric mean of ${c.overall.workloads} workloads, ${Math.round(c.settings.level * 100)}% interval)`,
      '',
    );
  out.push(
    `Positive = candidate worse. Noise threshold ±${c.settings.noisePct}%, ${c.settings.resamples} bootstrap resamples, seed ${c.settings.seed}.`,
    '',
  );
  const kernel = hasKernel(c);
  const added = hasAddedPerOp(c);
  const col = comparisonColumns(c);
  out.push(
    ...markdownTable(
      [
        col.workload,
        col.baseMedian,
        col.candMedian,
        col.overhead,
        ...(added ? [col.added] : []),
        ...(kernel ? [col.kernel] : []),
        col.p,
        col.q,
        col.verdict,
      ],
      c.rows,
    ),
  );
  if (added) out.push('', `_${ADDED_NOTE}_`);
  if (kernel)
    out.push('', "_kernel/op %: system CPU time per operation, candidate vs base: the platform's cost without Node's user-space share._");
  if (c.noise) out.push('', '**Noise**', '', ...noiseLines(c.noise).map((l) => `- ${l.trim()}`));
  if (c.envDiffs.length) {
    out.push('', '**Environment differences**', '', '| field | base | candidate |', '|---|---|---|');
    for (const d of c.envDiffs) out.push(`| ${d.field} | ${escapeMarkdown(d.base)} | ${escapeMarkdown(d.cand)} |`);
  }
  return `${out.join('\n')}\n`;
};

export const CSV_HEADER = [
  'id',
  'category',
  'status',
  'unit',
  'better',
  'base_median',
  'cand_median',
  'base_rounds',
  'cand_rounds',
  'overhead_pct',
  'overhead_lo',
  'overhead_hi',
  'method',
  'p',
  'q',
  'verdict',
  'rounds_to_settle',
  'tail_ratio',
  'reason',
  'kernel_base_s_per_op',
  'kernel_cand_s_per_op',
  'kernel_pct',
  'kernel_lo',
  'kernel_hi',
  'added_per_op',
  'added_lo',
  'added_hi',
  'added_unit',
] as const;

/** What the added-per-op column is, said under every table that has it. */
export const ADDED_NOTE =
  "added per op = candidate minus base time per operation: the platform's own cost per call, which the caller's own share (Node's) does not dilute";

/** CSV, one line per workload (RFC 4180 quoting), full precision. */
export const comparisonCsv: ComparisonExporter = (c) => {
  const lines = [CSV_HEADER.join(',')];
  for (const r of c.rows) {
    const cells: (string | number | null)[] =
      r.status === 'compared'
        ? [
            r.id,
            r.category,
            r.status,
            r.unit,
            r.better,
            r.base.median,
            r.cand.median,
            r.base.rounds,
            r.cand.rounds,
            r.overheadPct.point,
            r.overheadPct.lo,
            r.overheadPct.hi,
            r.overheadPct.method,
            r.pValue,
            r.qValue,
            r.verdict,
            r.roundsToSettle,
            r.tailRatio,
            r.notes.join('; '),
            ...(r.kernel
              ? [
                  r.kernel.baseSecondsPerOp,
                  r.kernel.candSecondsPerOp,
                  r.kernel.pointPct,
                  r.kernel.overheadPct?.lo ?? null,
                  r.kernel.overheadPct?.hi ?? null,
                ]
              : [null, null, null, null, null]),
            ...(r.addedPerOp ? [r.addedPerOp.point, r.addedPerOp.lo, r.addedPerOp.hi, r.addedPerOp.unit] : [null, null, null, null]),
          ]
        : [
            r.id,
            r.category,
            r.status,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            r.reason,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
          ];
    lines.push(cells.map(escapeCsv).join(','));
  }
  return `${lines.join('\n')}\n`;
};

/**
 * JUnit XML, one testcase per workload, for CI systems that read test reports: a row the candidate is
 * `slower` on (beyond the noise threshold, by the comparison's own verdict) is a failure carrying its
 * numbers; a row not compared is skipped with its reason; every other row passes with its summary in
 * system-out. A gate with a tolerated maximum is `virtax gate --junit`; this is the plain comparison.
 */
export const comparisonJunit: ComparisonExporter = (c) => {
  const cases: JunitCase[] = c.rows.map((r) => {
    const base = { classname: `virtax.${r.category ?? 'unknown'}`, name: r.id };
    if (r.status !== 'compared') return { ...base, skipped: `not compared: ${r.reason}` };
    const summary = `${formatOverhead(r.overheadPct)} (${r.better} is better; base ${formatNumber(r.base.median)} ${r.unit}, candidate ${formatNumber(r.cand.median)} ${r.unit}), p ${formatP(r.pValue)}: ${verdictText(r, c)}`;
    if (r.verdict === 'slower')
      return {
        ...base,
        failure: {
          type: 'slower',
          message: `${formatOverhead(r.overheadPct)} beyond the ±${c.settings.noisePct}% noise threshold`,
          text: `${r.id}: ${c.cand.label} vs ${c.base.label}: ${summary}`,
        },
      };
    return { ...base, systemOut: `${r.id}: ${summary}` };
  });
  return junitXml(
    `virtax compare: ${c.cand.label} vs ${c.base.label}`,
    [
      ['base', c.base.label],
      ['candidate', c.cand.label],
      ['noisePct', String(c.settings.noisePct)],
      ['seed', String(c.settings.seed)],
      ['resamples', String(c.settings.resamples)],
      ['overallPct', c.overall ? String(c.overall.overheadPct.point) : 'n/a'],
    ],
    cases,
  );
};
