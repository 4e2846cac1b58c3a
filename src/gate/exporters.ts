/**
 * Gate exporters: terminal table, JUnit XML, Markdown summary and GitHub Actions annotations.
 * Each is `(result: GateResult) => string`; the CLI decides where the string goes (CONTRIBUTING.md).
 */
import { escapeCsv, escapeHtml, escapeMarkdown, markdownCode } from '../format/escape.js';
import { junitXml, type JunitCase } from '../format/junit.js';
import { noColour, signedPct, verdictStyle, type Paint } from '../format/text.js';
import { figureColumn, htmlTable, markdownTable, terminalTable, type Column, type Columns } from '../report/columns.js';
import { formatNumber } from '../report/table.js';
import type { Estimate } from '../stats/types.js';
import { isJudged, type GateResult, type GateRow, type JudgedRow } from './types.js';

/** The kit's signed percentage (src/report/format.ts): gate and compare print +102.7% alike. */
export { signedPct } from '../format/text.js';

function plainPct(x: number): string {
  return `${Number(x.toFixed(2))}%`;
}

/** A confidence level as a percentage: 0.95 -> 95%, 0.996875 -> 99.69%. */
export function levelPct(level: number): string {
  return `${Number((100 * level).toFixed(2))}%`;
}

function interval(e: Estimate): string {
  return `[${signedPct(e.lo)}, ${signedPct(e.hi)}]`;
}

const LABEL: Record<GateRow['outcome'], string> = {
  pass: 'pass',
  fail: 'FAIL',
  inconclusive: 'inconclusive',
  crashed: 'FAIL (crashed)',
  missing: 'missing',
  ignored: 'ignored',
  'not-compared': 'not compared',
};

/**
 * The gate's own words for a judged row: it asks whether the regression is beyond the row's max at the gate's
 * level, not compare's slower/faster, so it never says "slower" ("regressed beyond 5%", "within 5%").
 */
export function gateWords(r: GateRow): string {
  if (!isJudged(r)) return LABEL[r.outcome];
  const max = plainPct(r.maxRegressionPct);
  if (r.outcome === 'fail') return `regressed beyond ${max}`;
  if (r.outcome === 'pass') return `within ${max}`;
  return `interval contains ${max}`;
}

/** One line saying why a row got its outcome, with the numbers. */
export function explainRow(r: GateRow): string {
  if (isJudged(r)) {
    const e = r.row.overheadPct;
    const head = `overhead ${signedPct(e.point)}, ${levelPct(e.level)} interval ${interval(e)} (${e.method}), max regression ${plainPct(r.maxRegressionPct)}`;
    const medians = `median ${formatNumber(r.row.base.median)} -> ${formatNumber(r.row.cand.median)} ${r.row.unit} (${r.row.better} is better; ${r.row.base.rounds} vs ${r.row.cand.rounds} rounds)`;
    const why =
      r.outcome === 'fail'
        ? 'the whole interval lies above the max'
        : r.outcome === 'pass'
          ? 'the upper bound is below the max'
          : 'the interval contains the max: more rounds (or more baseline runs) would settle it';
    return `${head}: ${why}; ${medians}`;
  }
  return r.reason;
}

function headline(g: GateResult): string {
  const c = g.counts;
  const judged = c.pass + c.fail + c.inconclusive + c.crashed + c.missing;
  if (g.outcome === 'fail') return `FAIL: ${c.fail + c.crashed} of ${judged} workloads regressed beyond their max`;
  if (g.outcome === 'inconclusive') {
    const parts = [
      c.inconclusive ? `${c.inconclusive} inconclusive` : '',
      c.missing ? `${c.missing} missing from the current run` : '',
    ].filter(Boolean);
    return `INCONCLUSIVE: ${parts.join(', ')} of ${judged} workloads${g.strict ? ' (--strict: exit 3)' : ' (exit 0; --strict makes this exit 3)'}`;
  }
  return `PASS: all ${judged} workloads are below their max regression`;
}

/** Which interval methods the judged rows used and at what level (say which, docs/compare.md). */
export function methodsNote(g: GateResult): string {
  const judged = g.rows.filter(isJudged);
  const counts = new Map<string, number>();
  for (const r of judged) counts.set(r.row.overheadPct.method, (counts.get(r.row.overheadPct.method) ?? 0) + 1);
  const names: Record<string, string> = {
    bca: 'BCa',
    percentile: 'percentile',
    'runs-t': 't across runs',
    'runs-bootstrap': 'bootstrap of runs',
    walsh: 'Walsh',
  };
  const parts = [...counts].map(([m, n]) => `${names[m] ?? m} for ${n}`);
  const fcr =
    g.fcr && g.fcr.level !== g.confidence
      ? `; the ${g.fcr.selected} of ${g.fcr.judged} above their max regression re-judged at ${levelPct(g.fcr.level)} (false-coverage-rate adjusted, Benjamini-Yekutieli)`
      : '';
  return `intervals ${levelPct(g.confidence)} per workload${fcr}: ${parts.join(', ') || 'none'}; ${g.comparison.settings.resamples} resamples, seed ${g.comparison.settings.seed}`;
}

function baselineLine(g: GateResult): string {
  const n = g.baseline.files.length;
  return n === 1
    ? `baseline ${g.baseline.label} (${g.baseline.files[0] ?? g.baseline.source})`
    : `baseline ${g.baseline.label} (${n} replicate runs from ${g.baseline.source})`;
}

/**
 * The gate's one column spec, drawn as the terminal table, the Markdown summary and the HTML section: each
 * workload's medians, overhead with its interval at the level it was judged at (a row re-judged under the
 * false-coverage-rate adjustment shows its own), its max and the gate's words.
 */
function gateColumns(paint: Paint = noColour): Columns<GateRow> {
  const judged = (f: (r: JudgedRow) => string) => (r: GateRow) => (isJudged(r) ? f(r) : '');
  const median = (head: string, side: 'base' | 'cand'): Column<GateRow> => ({
    head,
    align: 'right',
    cell: judged((r) => `${formatNumber(r.row[side].median)} ${r.row.unit}`),
    markdown: judged((r) => `${formatNumber(r.row[side].median)} ${escapeMarkdown(r.row.unit)}`),
  });
  const figure = (head: string, f: (r: JudgedRow) => string) => figureColumn(head, judged(f));
  return [
    {
      head: 'workload',
      align: 'left',
      cell: (r) => r.id,
      markdown: (r) => markdownCode(r.id),
      html: (r) => `<code>${escapeHtml(r.id)}</code>`,
    },
    median('baseline', 'base'),
    median('current', 'cand'),
    {
      ...figure('overhead', (r) => signedPct(r.row.overheadPct.point)),
      terminal: judged((r) => paint(signedPct(r.row.overheadPct.point), verdictStyle(r.outcome))),
    },
    figure('interval', (r) => interval(r.row.overheadPct)),
    figure('level', (r) => levelPct(r.row.overheadPct.level)),
    figure('max', (r) => plainPct(r.maxRegressionPct)),
    {
      head: 'gate',
      align: 'left',
      shrink: true,
      cell: (r) => (isJudged(r) ? `${LABEL[r.outcome]}: ${gateWords(r)}` : `${LABEL[r.outcome]}: ${r.reason}`),
      terminal: (r) =>
        isJudged(r)
          ? paint(`${LABEL[r.outcome]}: ${gateWords(r)}`, verdictStyle(r.outcome))
          : `${paint(LABEL[r.outcome], verdictStyle(r.outcome))}: ${r.reason}`,
      markdown: (r) => (isJudged(r) ? `${MD_MARK[r.outcome]}: ${gateWords(r)}` : `${MD_MARK[r.outcome]}: ${escapeMarkdown(r.reason)}`),
    },
  ];
}

/** The terminal table with a headline, the baseline, notes and warnings. */
export function formatGateTable(g: GateResult, opts: { paint?: Paint; width?: number | null } = {}): string {
  const paint = opts.paint ?? noColour;
  const table = terminalTable(gateColumns(paint), g.rows, opts.width ?? null);
  const lines = [
    `virtax gate: ${headline(g)}`,
    `${baselineLine(g)} vs current ${g.current.label} (${g.current.source}); overhead > 0 means the current run is worse`,
    '',
    table,
    '',
    methodsNote(g),
  ];
  const notes = [...g.envDiffs.map((d) => `environment differs: ${d.field} "${d.base}" -> "${d.cand}"`), ...g.warnings];
  if (notes.length) lines.push('', ...notes.map((n) => `warning: ${n}`));
  return lines.join('\n');
}

/**
 * JUnit XML: one testcase per workload. fail/crashed are failures carrying the numbers; ignored and
 * not-compared are skipped; missing is skipped (a failure under --strict); inconclusive passes with a note
 * in system-out (a failure under --strict).
 */
export function gateJunit(g: GateResult): string {
  const cases: JunitCase[] = g.rows.map((r) => {
    const category = isJudged(r) ? r.row.category : r.category;
    const base = { classname: `virtax.${category ?? 'unknown'}`, name: r.id };
    const text = explainRow(r);
    if (r.outcome === 'fail' || r.outcome === 'crashed' || (g.strict && (r.outcome === 'inconclusive' || r.outcome === 'missing'))) {
      const type = r.outcome === 'fail' ? 'regression' : r.outcome;
      const message = isJudged(r)
        ? `${signedPct(r.row.overheadPct.point)} ${interval(r.row.overheadPct)} vs max ${plainPct(r.maxRegressionPct)}`
        : r.reason;
      return { ...base, failure: { type, message, text: `${r.id}: ${text}` } };
    }
    if (r.outcome === 'ignored' || r.outcome === 'not-compared' || r.outcome === 'missing')
      return { ...base, skipped: `${LABEL[r.outcome]}: ${r.reason}` };
    return { ...base, systemOut: `${LABEL[r.outcome]}: ${text}` };
  });
  return junitXml(
    'virtax gate',
    [
      ['outcome', g.outcome],
      ['baseline', g.baseline.source],
      ['baselineRuns', String(g.baseline.files.length)],
      ['current', g.current.source],
      ['seed', String(g.comparison.settings.seed)],
      ['resamples', String(g.comparison.settings.resamples)],
    ],
    cases,
  );
}

export const GATE_CSV_HEADER = [
  'id',
  'category',
  'outcome',
  'overhead_pct',
  'overhead_lo',
  'overhead_hi',
  'level',
  'max_regression_pct',
  'verdict',
  'reason',
] as const;

/** CSV, one line per workload (RFC 4180 quoting), full precision: what the gate decided and on what interval. */
export function gateCsv(g: GateResult): string {
  const lines = [GATE_CSV_HEADER.join(',')];
  for (const r of g.rows) {
    const cells: (string | number | null)[] = isJudged(r)
      ? [
          r.id,
          r.row.category,
          r.outcome,
          r.row.overheadPct.point,
          r.row.overheadPct.lo,
          r.row.overheadPct.hi,
          r.row.overheadPct.level,
          r.maxRegressionPct,
          r.row.verdict,
          explainRow(r),
        ]
      : [r.id, r.category, r.outcome, null, null, null, null, null, null, r.reason];
    lines.push(cells.map(escapeCsv).join(','));
  }
  return `${lines.join('\n')}\n`;
}

const MD_MARK: Record<GateRow['outcome'], string> = {
  pass: '✅ pass',
  fail: '❌ **FAIL**',
  inconclusive: '⚠️ inconclusive',
  crashed: '❌ **FAIL** (crashed)',
  missing: '⚠️ missing',
  ignored: 'ignored',
  'not-compared': 'not compared',
};

/** Markdown summary (for a PR comment or $GITHUB_STEP_SUMMARY). */
export function gateMarkdown(g: GateResult): string {
  const mark = g.outcome === 'fail' ? '❌' : g.outcome === 'inconclusive' ? '⚠️' : '✅';
  const lines = [
    `### ${mark} virtax gate: ${escapeMarkdown(headline(g))}`,
    '',
    `${escapeMarkdown(baselineLine(g))} vs current ${escapeMarkdown(g.current.label)} (${markdownCode(g.current.source)}). Overhead > 0 means the current run is worse; ${methodsNote(g)}.`,
    '',
    ...markdownTable(gateColumns(), g.rows),
  ];
  const notes = [
    ...g.envDiffs.map((d) => `environment differs: ${escapeMarkdown(d.field)} ${markdownCode(d.base)} → ${markdownCode(d.cand)}`),
    ...g.warnings.map(escapeMarkdown),
  ];
  if (notes.length) lines.push('', ...notes.map((n) => `- ${n}`));
  lines.push('');
  return lines.join('\n');
}

/**
 * The gate's section at the top of `gate --html`: its outcome and its own rows (regressed beyond / within the
 * max, at the gate's level), before the report of the comparison as `virtax compare` reads it.
 */
export function gateHtmlSection(g: GateResult): string {
  const cls = g.outcome === 'fail' ? 'v-slower' : g.outcome === 'inconclusive' ? 'v-inconclusive' : 'v-faster';
  return `<section id="gate"><h2>Gate: <span class="verdict ${cls}">${escapeHtml(headline(g))}</span></h2>
<p class="muted">${escapeHtml(baselineLine(g))} vs current ${escapeHtml(g.current.label)}. The gate asks one question per workload: does the regression lie beyond its max? ${escapeHtml(methodsNote(g))}. The report below is the comparison as <code>virtax compare</code> reads the same files (its own 95% intervals and verdicts).</p>
${htmlTable(gateColumns(), g.rows, ' class="grid"')}</section>`;
}

/** Escape a GitHub workflow command's message (and, with `property`, a property value). */
export function escapeAnnotation(s: string, property = false): string {
  const e = s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
  return property ? e.replace(/:/g, '%3A').replace(/,/g, '%2C') : e;
}

/** `::error` for regressions and crashes, `::warning` for inconclusive and missing workloads and environment differences. */
export function gateAnnotations(g: GateResult): string {
  const out: string[] = [];
  for (const r of g.rows) {
    const level =
      r.outcome === 'fail' || r.outcome === 'crashed'
        ? 'error'
        : r.outcome === 'inconclusive' || r.outcome === 'missing'
          ? 'warning'
          : null;
    if (!level) continue;
    const title = escapeAnnotation(`virtax gate: ${r.id} ${LABEL[r.outcome]}`, true);
    out.push(`::${level} title=${title}::${escapeAnnotation(`${r.id}: ${explainRow(r)}`)}`);
  }
  for (const d of g.envDiffs) {
    out.push(
      `::warning title=${escapeAnnotation('virtax gate: environment differs', true)}::${escapeAnnotation(`${d.field}: baseline "${d.base}", current "${d.cand}"`)}`,
    );
  }
  return out.length ? `${out.join('\n')}\n` : '';
}
