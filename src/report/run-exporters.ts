/**
 * Exporters of one run (a results file) for `virtax run --markdown/--csv/--junit`: the same figures as the
 * table printed at the end of a run (median of the round figures, round-to-round cv, batch p50, the worst 1%
 * of batches, steal, rounds), one signature `(file) => string` like the comparison exporters
 * (src/report/comparison-exporters.ts). The HTML of a run is the report of one host (src/analysis/run-report.ts).
 */
import { escapeCsv, escapeMarkdown } from '../format/escape.js';
import { junitXml, type JunitCase } from '../format/junit.js';
import type { ResultsFile, WorkloadOk, WorkloadResult } from '../types.js';
import { figureColumn, markdownTable, type Columns } from './columns.js';
import { formatNumber } from './table.js';

export type RunExporter = (file: ResultsFile) => string;

function hostLine(f: ResultsFile): string {
  const h = f.host;
  return [h.platform, h.hypervisor, h.container].filter(Boolean).join(' / ');
}

const cv = (w: WorkloadOk) => (w.summary.rounds < 2 ? 'n/a' : `${(100 * w.summary.cv).toFixed(1)}%`);

/**
 * The run summary's one column spec, drawn as the terminal table (src/probes/run/summary.ts) and in Markdown
 * (src/report/columns.ts). `worst 1%` is the batch p99 taken in the metric's worse direction (for a rate it lies
 * below the median). A cv needs two rounds: with one (an interrupted run) it is n/a, not 0.0%. A workload that
 * did not run says so in the median column and gives its reason in the last.
 */
const measured =
  (f: (w: WorkloadOk) => string) =>
  (w: WorkloadResult): string =>
    w.status === 'ok' ? f(w) : '';
/** Figures and fixed words: no escaping in Markdown. */
const figure = (head: string, f: (w: WorkloadOk) => string) => figureColumn(head, measured(f));
export const RUN_COLUMNS: Columns<WorkloadResult> = [
  { head: 'workload', align: 'left', cell: (w) => w.id },
  { head: 'unit', align: 'left', cell: measured((w) => w.unit) },
  {
    head: 'median',
    align: 'right',
    cell: (w) => (w.status === 'ok' ? formatNumber(w.summary.median) : w.status.toUpperCase()),
    markdown: (w) => (w.status === 'ok' ? formatNumber(w.summary.median) : `**${w.status}**`),
  },
  figure('cv', cv),
  figure('batch p50', (w) => formatNumber(w.summary.p50)),
  figure('worst 1%', (w) => formatNumber(w.summary.p99)),
  figure('steal', (w) => (w.summary.stealPct === null ? '' : `${w.summary.stealPct.toFixed(2)}%`)),
  figure('rounds', (w) => String(w.summary.rounds)),
  { head: 'direction / reason', align: 'left', shrink: true, cell: (w) => (w.status === 'ok' ? `${w.better} is better` : w.reason) },
];

/** Markdown: what ran where, then one table row per workload (failed and skipped rows carry their reason). */
export const runMarkdown: RunExporter = (f) => {
  const out = [
    `## virtax run: ${escapeMarkdown(f.label)}`,
    '',
    `Host ${escapeMarkdown(hostLine(f))}, ${escapeMarkdown(f.host.cpu.model)}; suite ${escapeMarkdown(f.config.suite)}; started ${escapeMarkdown(f.startedAt)}${f.finishedAt === null ? ' (unfinished: a checkpoint)' : ''}.`,
    '',
    ...markdownTable(RUN_COLUMNS, f.workloads),
  ];
  if (f.conditions.stealPct !== null) out.push('', `Steal time during the run: ${f.conditions.stealPct.toFixed(2)}% of CPU time.`);
  return `${out.join('\n')}\n`;
};

export const RUN_CSV_HEADER = [
  'id',
  'category',
  'status',
  'unit',
  'better',
  'median',
  'mean',
  'min',
  'max',
  'cv',
  'batch_p50',
  'worst_1pct',
  'steal_pct',
  'rounds',
  'reason',
] as const;

/** CSV, one line per workload (RFC 4180 quoting), full precision; cv is a fraction, empty with one round. */
export const runCsv: RunExporter = (f) => {
  const lines = [RUN_CSV_HEADER.join(',')];
  for (const w of f.workloads) {
    const cells: (string | number | null)[] =
      w.status === 'ok'
        ? [
            w.id,
            w.category,
            w.status,
            w.unit,
            w.better,
            w.summary.median,
            w.summary.mean,
            w.summary.min,
            w.summary.max,
            w.summary.rounds < 2 ? null : w.summary.cv,
            w.summary.p50,
            w.summary.p99,
            w.summary.stealPct,
            w.summary.rounds,
            null,
          ]
        : [w.id, w.category, w.status, null, null, null, null, null, null, null, null, null, null, null, w.reason];
    lines.push(cells.map(escapeCsv).join(','));
  }
  return `${lines.join('\n')}\n`;
};

/** JUnit XML: a failed workload is a failure, a skipped one is skipped with its reason, a measured one passes with its figures. */
export const runJunit: RunExporter = (f) => {
  const cases: JunitCase[] = f.workloads.map((w) => {
    const base = { classname: `virtax.${w.category}`, name: w.id };
    if (w.status !== 'ok')
      return w.status === 'failed'
        ? { ...base, failure: { type: 'failed', message: w.reason, text: `${w.id}: ${w.reason}` } }
        : { ...base, skipped: w.reason };
    return {
      ...base,
      systemOut: `${w.id}: median ${formatNumber(w.summary.median)} ${w.unit} (${w.better} is better), cv ${cv(w)}, ${w.summary.rounds} rounds`,
    };
  });
  return junitXml(
    `virtax run: ${f.label}`,
    [
      ['label', f.label],
      ['id', f.id],
      ['host', hostLine(f)],
      ['suite', f.config.suite],
      ['finished', String(f.finishedAt !== null)],
    ],
    cases,
  );
};
