/**
 * One column spec per kind of result, drawn as a terminal table, Markdown and HTML (as hyperfine's one table serves
 * Markdown, AsciiDoc and Org): the spec says what each column is and what its cells say; these renderers say how a
 * table is drawn. CSV and JUnit are machine formats with their own field lists (full precision, one field per
 * number), beside the spec in each exporter.
 */
import { escapeHtml, escapeMarkdown } from '../format/escape.js';
import { visibleLength } from '../format/text.js';
import { formatTable, type Align } from './table.js';

export interface Column<R> {
  /** The header, in words. */
  head: string;
  align: Align;
  /** The cell in plain words (a terminal cell without colour, the Markdown and HTML cell before escaping). */
  cell: (r: R) => string;
  /** The terminal cell, where it adds colour to `cell`. */
  terminal?: (r: R) => string;
  /** The Markdown cell, where it is not `cell` escaped (text already in Markdown, or figures that need no escaping). */
  markdown?: (r: R) => string;
  /** The HTML cell, where it is not `cell` escaped (a tag, a muted reason). */
  html?: (r: R) => string;
  /** May the terminal cut this column's cells (with …) when no shape fits? (default: no) */
  shrink?: boolean;
  /** An HTML class of its own for the column's cells (right-aligned cells are `n`). */
  htmlClass?: string;
}

/**
 * A right-aligned column of figures: the same words in the terminal, Markdown and HTML, not escaped for Markdown
 * (signs, brackets and digits are the spec's own). `cell` gives '' for a row without the figure.
 */
export function figureColumn<R>(head: string, cell: (r: R) => string): Column<R> {
  return { head, align: 'right', cell, markdown: cell };
}

/** Column specs of one kind, for a row type R. */
export type Columns<R> = readonly Column<R>[];

/** The terminal table of one shape of the spec; cells are cut only where `maxWidth` leaves no other way. */
export function terminalTable<R>(cols: Columns<R>, rows: readonly R[], maxWidth: number | null = null): string {
  const shrink = cols.flatMap((c, i) => (c.shrink ? [i] : []));
  return formatTable(
    cols.map((c) => c.head),
    rows.map((r) => cols.map((c) => (c.terminal ?? c.cell)(r))),
    cols.map((c) => c.align),
    { maxWidth, ...(shrink.length ? { shrink } : {}) },
  );
}

/**
 * The first of `shapes` (a spec, then narrower ones) whose terminal table fits `width` columns, drawn; the last,
 * cut to fit, when none does. A narrow terminal loses whole columns, in the order the shapes give, rather than
 * words mid-cell. `shape` is the index chosen.
 */
export function fitTerminalTable<R>(
  shapes: readonly Columns<R>[],
  rows: readonly R[],
  width: number | null,
): { table: string; shape: number } {
  const widest = (t: string) => Math.max(...t.split('\n').map(visibleLength));
  if (width === null) return { table: terminalTable(shapes[0] as Columns<R>, rows), shape: 0 };
  const i = shapes.findIndex((s) => widest(terminalTable(s, rows)) <= width);
  const shape = i < 0 ? shapes.length - 1 : i;
  return { table: terminalTable(shapes[shape] as Columns<R>, rows, width), shape };
}

/** Markdown table lines: header (the spec's own words, not escaped), alignment row, one line per row. */
export function markdownTable<R>(cols: Columns<R>, rows: readonly R[]): string[] {
  return [
    `| ${cols.map((c) => c.head).join(' | ')} |`,
    `|${cols.map((c) => (c.align === 'right' ? '---:' : '---')).join('|')}|`,
    ...rows.map((r) => `| ${cols.map((c) => (c.markdown ? c.markdown(r) : escapeMarkdown(c.cell(r)))).join(' | ')} |`),
  ];
}

/** An HTML table body and head (`class="n"` on right-aligned cells, as the report's stylesheet sets numbers). */
export function htmlTable<R>(cols: Columns<R>, rows: readonly R[], attrs = ''): string {
  const cls = (c: Column<R>) => (c.align === 'right' ? ' class="n"' : '');
  const td = (c: Column<R>) => (c.htmlClass ? ` class="${c.htmlClass}"` : cls(c));
  const head = `<tr>${cols.map((c) => `<th${cls(c)}>${escapeHtml(c.head)}</th>`).join('')}</tr>`;
  const body = rows
    .map((r) => `<tr>${cols.map((c) => `<td${td(c)}>${c.html ? c.html(r) : escapeHtml(c.cell(r))}</td>`).join('')}</tr>`)
    .join('');
  return `<table${attrs}><thead>${head}</thead><tbody>${body}</tbody></table>`;
}
