import { describe, expect, it } from 'vitest';
import { countRows, decideRows, exitCodeOf, overallOutcome } from '../../src/gate/decide.js';
import {
  escapeAnnotation,
  formatGateTable,
  gateAnnotations,
  gateHtmlSection,
  gateJunit,
  gateMarkdown,
  signedPct,
} from '../../src/gate/exporters.js';
import type { GateResult } from '../../src/gate/types.js';
import { comparedRow, comparisonOf, syntheticHost } from '../../src/stats/synthetic.js';

function result(strict: boolean, envDiff = false): GateResult {
  const comparison = comparisonOf([
    comparedRow('cpu.int', { point: 10.24, lo: 8.13, hi: 12.31 }),
    comparedRow('cpu.float', { point: 0.2, lo: -1, hi: 1.5 }),
    comparedRow('sys.stat', { point: 4, lo: 1, hi: 9 }, 'syscall'),
  ]);
  const sides = new Map([
    ['cpu.int', { base: 'ok' as const, cur: 'ok' as const, reason: null }],
    ['cpu.float', { base: 'ok' as const, cur: 'ok' as const, reason: null }],
    ['sys.stat', { base: 'ok' as const, cur: 'ok' as const, reason: null }],
    ['io.fsync', { base: 'skipped' as const, cur: 'skipped' as const, reason: 'tmpfs <no fsync>' }],
    ['noisy.cpu', { base: 'ok' as const, cur: 'ok' as const, reason: null }],
    ['mem.latency', { base: 'ok' as const, cur: 'absent' as const, reason: null }],
  ]);
  const rows = decideRows({ comparison, sides, policy: { defaultMaxRegressionPct: 5, perWorkload: {}, ignore: ['noisy.*'] }, only: null });
  const outcome = overallOutcome(rows);
  const host = syntheticHost();
  return {
    schema: 'virtax.gate/v1',
    outcome,
    exitCode: exitCodeOf(outcome, strict),
    strict,
    rows,
    counts: countRows(rows),
    baseline: {
      source: 'baselines/ci',
      files: ['baselines/ci/a.json', 'baselines/ci/b.json', 'baselines/ci/c.json'],
      label: 'ci-kvm',
      host,
    },
    current: { source: 'current.json', label: 'ci-kvm', host },
    envDiffs: envDiff ? [{ field: 'kernel', base: '6.1', cand: '6.6' }] : [],
    warnings: [],
    confidence: 0.95,
    fcr: null,
    comparison: { settings: comparison.settings },
  };
}

describe('gate exporters', () => {
  it('JUnit: one testcase per workload; the failure carries the numbers; ignored, not compared and missing are skipped', () => {
    const x = gateJunit(result(false));
    expect(x.match(/<testcase /g)).toHaveLength(6);
    expect(x).toContain('<testsuite name="virtax gate" tests="6" failures="1" errors="0" skipped="3"');
    expect(x).toContain('<failure type="regression" message="+10.2% [+8.1%, +12.3%] vs max 5%">');
    expect(x).toContain('median 100.0 -&gt; 110.2 ns/op');
    expect(x).toMatch(/name="io.fsync"[^]*?<skipped message="not compared: skipped in the baseline"\/>/);
    expect(x).toMatch(/name="noisy.cpu"[^]*?<skipped message="ignored: ignored by the gate config"\/>/);
    expect(x).toMatch(/name="sys.stat"[^]*?<system-out>inconclusive: /);
    expect(x).toContain('<property name="baselineRuns" value="3"/>');
  });
  it('JUnit under --strict: inconclusive and missing are failures too', () => {
    const x = gateJunit(result(true));
    expect(x).toContain('failures="3"');
    expect(x).toContain('<failure type="inconclusive" message="+4.0% [+1.0%, +9.0%] vs max 5%">');
    expect(x).toContain('<failure type="missing" message="measured in the baseline, not in the current run">');
  });
  it('Markdown: headline, pooled runs and one table row per workload', () => {
    const m = gateMarkdown(result(false, true));
    expect(m.split('\n')[0]).toBe('### ❌ virtax gate: FAIL: 1 of 4 workloads regressed beyond their max');
    expect(m).toContain('3 replicate runs from baselines/ci');
    expect(m).toContain(
      '| `cpu.int` | 100.0 ns/op | 110.2 ns/op | +10.2% | [+8.1%, +12.3%] | 95% | 5% | ❌ **FAIL**: regressed beyond 5% |',
    );
    expect(m).toContain('- environment differs: kernel `6.1` → `6.6`');
    expect(m.split('\n').filter((l) => l.startsWith('| `'))).toHaveLength(6);
  });
  it('terminal table names the outcome and the baseline', () => {
    const t = formatGateTable(result(false));
    expect(t.split('\n')[0]).toBe('virtax gate: FAIL: 1 of 4 workloads regressed beyond their max');
    expect(t).toContain('intervals 95% per workload: percentile for 3; 1000 resamples, seed 1');
    expect(t).toMatch(/cpu\.int\s+100\.0 ns\/op\s+110\.2 ns\/op\s+\+10\.2%\s+\[\+8\.1%, \+12\.3%\]\s+95%\s+5%\s+FAIL/);
  });
  it('annotations: ::error for the regression, ::warning for inconclusive, missing and environment, escaped', () => {
    const a = gateAnnotations(result(false, true)).trimEnd().split('\n');
    expect(a).toHaveLength(4);
    expect(a[0]).toMatch(/^::error title=virtax gate%3A cpu.int FAIL::cpu.int: overhead \+10.2%25, 95%25 interval/);
    expect(a[1]).toMatch(/^::warning title=virtax gate%3A sys.stat inconclusive::/);
    expect(a[2]).toMatch(/^::warning title=virtax gate%3A mem.latency missing::/);
    expect(a[3]).toBe('::warning title=virtax gate%3A environment differs::kernel: baseline "6.1", current "6.6"');
    expect(escapeAnnotation('a%b\nc,d:e', true)).toBe('a%25b%0Ac%2Cd%3Ae');
  });
  it('signed percentages', () => {
    expect(signedPct(10.24)).toBe('+10.2%');
    expect(signedPct(-0.04)).toBe('0.0%');
    expect(signedPct(-3.25)).toBe('-3.3%');
  });

  it('the terminal, Markdown and HTML tables have the same columns (one spec), the level a row was judged at included', () => {
    const g = result(false);
    const heads = ['workload', 'baseline', 'current', 'overhead', 'interval', 'level', 'max', 'gate'];
    const md = gateMarkdown(g).split('\n');
    expect(md[md.findIndex((l) => /^\|[-:|]+\|$/.test(l)) - 1]).toBe(`| ${heads.join(' | ')} |`);
    const th = [...gateHtmlSection(g).matchAll(/<th[^>]*>([^<]*)<\/th>/g)].map((m) => m[1]);
    expect(th).toEqual(heads);
    const headLine = formatGateTable(g)
      .split('\n')
      .find((l) => l.startsWith('workload')) as string;
    expect(headLine.trim().split(/\s{2,}/)).toEqual(heads);
  });

  it("gate --html leads with the gate's own outcome and words (regressed beyond / within the max), never compare's slower", () => {
    const h = gateHtmlSection(result(false));
    expect(h).toMatch(/^<section id="gate"><h2>Gate: <span class="verdict v-slower">FAIL: /);
    expect(h).toContain('regressed beyond 5%');
    expect(h).not.toMatch(/>slower</);
  });
});
