import { describe, expect, it } from 'vitest';
import { escapeCsv, escapeHtml, escapeMarkdown, escapeXml } from '../../src/format/escape.js';
import { gateJunit, gateMarkdown } from '../../src/gate/exporters.js';
import { comparisonMarkdown } from '../../src/report/comparison-exporters.js';
import type { GateResult } from '../../src/gate/types.js';
import { comparedRow, comparisonOf, syntheticHost } from '../../src/stats/synthetic.js';
import { countRows, decideRows, exitCodeOf, overallOutcome } from '../../src/gate/decide.js';

const HOSTILE =
  'ci ![x](https://evil.example/p.png) [click](javascript:alert(1)) <img src=x onerror=alert(1)>\n## owned\u2028- item | cell';

function gateResultLabelled(label: string): GateResult {
  const comparison = comparisonOf([comparedRow('cpu.int', { point: 10, lo: 8, hi: 12 })]);
  const sides = new Map([['cpu.int', { base: 'ok' as const, cur: 'ok' as const, reason: null }]]);
  const rows = decideRows({ comparison, sides, policy: { defaultMaxRegressionPct: 5, perWorkload: {}, ignore: [] }, only: null });
  const outcome = overallOutcome(rows);
  const host = syntheticHost();
  return {
    schema: 'virtax.gate/v1',
    outcome,
    exitCode: exitCodeOf(outcome, false),
    strict: false,
    rows,
    counts: countRows(rows),
    baseline: { source: 'base.json', files: ['base.json'], label, host },
    current: { source: 'cur.json', label, host },
    envDiffs: [],
    warnings: [`label ${label}`],
    confidence: 0.95,
    comparison: { settings: comparison.settings },
  };
}

describe('one escaping kit for every exporter', () => {
  it('Markdown: no link, image, HTML, heading, list or table cell can be injected', () => {
    const s = escapeMarkdown(HOSTILE);
    expect(s).not.toMatch(/(^|[^\\])!\[/);
    expect(s).not.toMatch(/(^|[^\\])\]\(/);
    expect(s).not.toContain('<img');
    expect(s).not.toMatch(/[\n\r\u2028\u2029]/);
    expect(s).not.toMatch(/(^|[^\\])\|/);
  });

  it('the gate Markdown summary escapes a hostile label like every other Markdown exporter', () => {
    const md = gateMarkdown(gateResultLabelled(HOSTILE));
    expect(md).not.toContain('<img');
    expect(md).not.toMatch(/(^|[^\\])!\[x\]/);
    expect(md).not.toMatch(/^## owned/m);
    expect(md).not.toContain('\u2028');
    const cmp = comparisonMarkdown({ ...comparisonOf([comparedRow('cpu.int', { point: 1, lo: 0, hi: 2 })]) });
    expect(cmp).toContain('## virtax compare');
  });

  it('JUnit XML escapes the label and drops characters XML forbids', () => {
    const xml = gateJunit(gateResultLabelled(`a"b<c>&d\u0001e`));
    expect(xml).not.toContain('\u0001');
    expect(xml).not.toMatch(/<c>/);
    expect(escapeXml(`a"b<c>&d'\u0001`)).toBe('a&quot;b&lt;c&gt;&amp;d&apos;');
  });

  it('HTML and CSV: golden values', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    expect(escapeCsv('a,"b"\nc')).toBe('"a,""b""\nc"');
    expect(escapeCsv(1.5)).toBe('1.5');
    expect(escapeCsv(null)).toBe('');
  });
});
