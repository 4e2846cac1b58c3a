/**
 * The agility and density table of the report's first screen (docs/lifecycle.md), as one column spec that the HTML
 * and Markdown renderers both draw (src/report/columns.ts): start, node start and stop times (median, min-max), host memory per idle
 * instance with its interval, and idle instances per GiB.
 */
import type { FitCoefficientJson, Figure } from '../results/lifecycle.js';
import type { AgilityRow } from './model.js';
import { escapeHtml } from '../format/escape.js';
import type { Column, Columns } from './columns.js';

const digitsFor = (x: number) => (x >= 100 ? 0 : x >= 10 ? 1 : 2);
const num = (x: number, d = digitsFor(x)) => x.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
const fig = (f: Figure | null) => {
  if (!f) return '–';
  const d = digitsFor(f.median);
  return `${num(f.median, d)} (${num(f.min, d)}-${num(f.max, d)})`;
};
const mem = (c: FitCoefficientJson | null) => {
  if (!c) return '–';
  const d = digitsFor(c.point);
  return c.lo === null || c.hi === null ? num(c.point, d) : `${num(c.point, d)} [${num(c.lo, d)}, ${num(c.hi, d)}]`;
};

const right = (head: string, cell: (r: AgilityRow) => string): Column<AgilityRow> => ({ head, align: 'right', cell });

/** The table's columns; `hostHtml` draws the host's cell in HTML (the report gives it the host's chart colour). */
export function agilityColumns(hostHtml: (label: string) => string = escapeHtml): Columns<AgilityRow> {
  return [
    { head: 'host', align: 'left', cell: (r) => r.host, html: (r) => hostHtml(r.host), htmlClass: 'who' },
    { head: 'platform', align: 'left', cell: (r) => r.platform },
    right('start ms', (r) => fig(r.startMs)),
    right('node start ms', (r) => fig(r.startNodeMs)),
    right('stop ms', (r) => fig(r.stopMs)),
    right('MiB per idle instance', (r) => mem(r.memoryPerInstanceMiB)),
    right('idle instances per GiB', (r) => (r.densityPerGiB === null ? '–' : num(r.densityPerGiB, 0))),
  ];
}

/** The line under the table: what the figures are and where their method is. */
export function agilityNote(rows: readonly AgilityRow[]): string {
  const level = rows.find((r) => r.memoryLevel !== null)?.memoryLevel;
  return `Agility and density (virtax lifecycle, docs/lifecycle.md): times are medians over rounds (min-max), from launch to the first program inside, to node -e answering, and from asking to stop until the instance's host processes are gone; memory is the PSS of every host process of an idle instance, the per-instance cost of a fit over 1, 4 and 16 instances${level ? ` [${Math.round(level * 100)}% interval]` : ''}. virtax advise --instances N --host-memory GiB sizes a fleet from it.`;
}
