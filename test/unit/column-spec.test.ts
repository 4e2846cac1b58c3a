/**
 * One column spec per kind of result (src/report/columns.ts): the terminal, Markdown and HTML drawings of a kind
 * have the same columns, in the same order, and a row without figures (a workload not compared) is a row of the
 * same table, not a shorter one.
 */
import { describe, expect, it } from 'vitest';
import { htmlTable, markdownTable, terminalTable, type Columns } from '../../src/report/columns.js';
import { renderReport } from '../../src/report/html.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { buildReportModel } from '../../src/report/model.js';
import { threeHosts } from '../helpers/report-fixtures.js';

/** The heads of every Markdown table in a text: the line above each `|---` row. */
export const markdownHeads = (md: string): string[][] => {
  const lines = md.split('\n');
  return lines.flatMap((l, i) =>
    /^\|[-:|]+\|$/.test(l)
      ? [
          (lines[i - 1] as string)
            .split('|')
            .slice(1, -1)
            .map((c) => c.trim()),
        ]
      : [],
  );
};
/** Cells per row of each HTML table (th in the head, td in the body). */
export const htmlRowWidths = (html: string): { heads: string[]; widths: number[] }[] =>
  [...html.matchAll(/<table[^>]*>([^]*?)<\/table>/g)].map((t) => {
    const rows = [...(t[1] as string).matchAll(/<tr[^>]*>([^]*?)<\/tr>/g)].map((r) => r[1] as string);
    const heads = [...(rows[0] as string).matchAll(/<th[^>]*>([^<]*)<\/th>/g)].map((m) => m[1] as string);
    const widths = rows.slice(1).map((r) => (r.match(/<td/g) ?? []).length);
    return { heads, widths };
  });

describe('column specs', () => {
  const spec: Columns<{ a: string; n: number }> = [
    { head: 'name', align: 'left', cell: (r) => r.a },
    { head: 'n [x]', align: 'right', cell: (r) => String(r.n), markdown: (r) => String(r.n), html: (r) => `<b>${r.n}</b>` },
  ];
  const rows = [
    { a: 'x|y', n: 1 },
    { a: '<z>', n: 22 },
  ];

  it('one spec, three drawings: same heads in order; each format escapes the data its own way', () => {
    const md = markdownTable(spec, rows);
    expect(md.slice(0, 2)).toEqual(['| name | n [x] |', '|---|---:|']);
    expect(md[2]).toBe('| x\\|y | 1 |');
    const html = htmlTable(spec, rows);
    expect(html).toContain('<tr><th>name</th><th class="n">n [x]</th></tr>');
    expect(html).toContain('<td>&lt;z&gt;</td><td class="n"><b>22</b></td>');
    const term = terminalTable(spec, rows).split('\n');
    expect(term[0]).toMatch(/^name\s+n \[x\]$/);
    expect(term[3]).toMatch(/^<z>\s+22$/);
  });

  it("the report's workload table is the same in HTML and Markdown, and a workload not compared fills the row", () => {
    const { files, comparisons } = threeHosts();
    const m = buildReportModel({
      files,
      comparisons,
      baseline: 'metal',
      noisePct: 1,
      generatedAt: '2026-11-25T00:00:00.000Z',
      toolVersion: '0.1.0',
    });
    const mdHeads = markdownHeads(renderMarkdown(m)).filter((h) => h[0] === 'workload');
    const html = htmlRowWidths(renderReport(m)).filter((t) => t.heads[0] === 'workload');
    expect(mdHeads.length).toBeGreaterThan(0);
    expect(html.length).toBe(mdHeads.length);
    for (const [i, t] of html.entries()) {
      expect(t.heads).toEqual(mdHeads[i]);
      // every body row, the not-compared io.fsync included, has one cell per column (it had 7 of 8 before)
      for (const w of t.widths) expect(w).toBe(t.heads.length);
    }
    expect(renderMarkdown(m)).toContain('| io.fsync |  |  |  | not compared: skipped on docker: no writable disk |  |  |  |');
  });
});
