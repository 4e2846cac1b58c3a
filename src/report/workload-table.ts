/**
 * The report's table of one host's workloads against the baseline, as one column spec that the HTML and the
 * Markdown report both draw (src/report/columns.ts): overhead with its interval, added time per operation,
 * verdict with why an inconclusive one is, q, the p99 ratio and the rounds that would settle it. A workload not
 * compared is a row of the same table with its reason in the verdict column.
 */
import { escapeHtml, escapeMarkdown } from '../format/escape.js';
import { signedPct } from '../format/text.js';
import { figureColumn, type Columns } from './columns.js';
import { formatAddedPerOp, formatP, inconclusiveText } from './comparison-exporters.js';
import type { ForestRow } from './model.js';

/** A compared row, or a workload not compared with its reason. */
export type WorkloadTableRow = ForestRow | { id: string; reason: string };

const compared = (r: WorkloadTableRow): r is ForestRow => !('reason' in r);
const ok =
  (f: (r: ForestRow) => string) =>
  (r: WorkloadTableRow): string =>
    compared(r) ? f(r) : '';
const interval = (r: ForestRow) => `${signedPct(r.point)} [${signedPct(r.lo)}, ${signedPct(r.hi)}]`;
/** Figures need no escaping in either format (signs and brackets are ours). */
const figure = (head: string, f: (r: ForestRow) => string) => figureColumn(head, ok(f));

export const WORKLOAD_TABLE: Columns<WorkloadTableRow> = [
  { head: 'workload', align: 'left', cell: (r) => r.id, html: (r) => `<code>${escapeHtml(r.id)}</code>` },
  { head: 'category', align: 'left', cell: ok((r) => r.category) },
  {
    ...figure('overhead [interval]', interval),
    html: ok((r) => `${signedPct(r.point)} <span class="ci">[${signedPct(r.lo)}, ${signedPct(r.hi)}]</span>`),
  },
  { head: 'added per op [interval]', align: 'right', cell: ok((r) => (r.addedPerOp ? formatAddedPerOp(r.addedPerOp) : '')) },
  {
    head: 'verdict',
    align: 'left',
    cell: (r) =>
      compared(r) ? `${r.verdict}${r.inconclusive ? ` (${inconclusiveText(r.inconclusive)})` : ''}` : `not compared: ${r.reason}`,
    markdown: (r) =>
      compared(r)
        ? `${r.verdict}${r.inconclusive ? ` (${escapeMarkdown(inconclusiveText(r.inconclusive))})` : ''}`
        : `not compared: ${escapeMarkdown(r.reason)}`,
    html: (r) =>
      compared(r)
        ? `<span class="verdict v-${escapeHtml(r.verdict)}">${escapeHtml(r.verdict)}</span>${r.inconclusive ? ` <span class="muted">${escapeHtml(inconclusiveText(r.inconclusive))}</span>` : ''}`
        : `<span class="muted">not compared: ${escapeHtml(r.reason)}</span>`,
  },
  figure('q', (r) => formatP(r.qValue)),
  figure('p99 ratio', (r) => (r.tailRatio === null ? '–' : `×${r.tailRatio.toFixed(2)}`)),
  figure('rounds to settle', (r) => (r.roundsToSettle === null ? '' : String(r.roundsToSettle))),
];
