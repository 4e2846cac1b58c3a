/**
 * What the terminal shows: one precision rule (gate and compare print the same percentage), colour only on
 * a TTY and never with NO_COLOR, tables that fit the width, the run summary's headers, run --json/--quiet,
 * hyperfine-style ratio lines, --help examples, and compare's wording.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { formatRunSummary } from '../../src/probes/run/summary.js';
import { signedPct as gatePct } from '../../src/gate/exporters.js';
import { ratioSentence } from '../../src/report/comparison-exporters.js';
import { ansi, colourFor, noColour, signedPct, stripAnsi } from '../../src/format/text.js';
import { formatTable } from '../../src/report/table.js';
import { saveResults } from '../../src/results/io.js';
import { compareResults } from '../../src/stats/compare.js';
import { envDiffs } from '../../src/stats/environment.js';
import { runCli } from '../helpers/cli.js';
import { comparedRow, shiftOf, syntheticHost, syntheticResults } from '../../src/stats/synthetic.js';

const dir = mkdtempSync(join(tmpdir(), 'virtax-output-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

describe('format kit', () => {
  it('one precision rule: +102.7% in gate as in compare, no -0.0%', () => {
    expect(signedPct(102.66)).toBe('+102.7%');
    expect(gatePct(102.66)).toBe('+102.7%');
    expect(signedPct(-0.04)).toBe('0.0%');
    expect(signedPct(-3.25, 2)).toBe('-3.25%');
  });

  it('colour only on a TTY, never with NO_COLOR or TERM=dumb; FORCE_COLOR forces it', () => {
    expect(colourFor({ isTTY: true }, {})).toBe(ansi);
    expect(colourFor({ isTTY: false }, {})).toBe(noColour);
    expect(colourFor({ isTTY: true }, { NO_COLOR: '1' })).toBe(noColour);
    expect(colourFor({ isTTY: true }, { TERM: 'dumb' })).toBe(noColour);
    expect(colourFor({ isTTY: false }, { FORCE_COLOR: '1' })).toBe(ansi);
    expect(ansi('slower', 'red')).toBe('\u001b[31mslower\u001b[39m');
  });

  it('tables fit the width (colour codes take no room) and cut the widest column with …', () => {
    const rows = [['cpu.int', ansi('slower', 'red'), 'x'.repeat(200)]];
    const t = formatTable(['id', 'verdict', 'stresses'], rows, [], { maxWidth: 60 });
    for (const line of t.split('\n')) expect(stripAnsi(line).length).toBeLessThanOrEqual(60);
    expect(t).toContain('…');
    expect(t).toContain('\u001b[31mslower\u001b[39m');
  });

  it('only the columns allowed to shrink are cut (numbers and intervals stay whole)', () => {
    const t = formatTable(['id', 'overhead', 'verdict'], [['cpu.int', '+10.0% [+9.1, +11.0]', `not compared: ${'x'.repeat(100)}`]], [], {
      maxWidth: 50,
      shrink: [2],
    });
    expect(t).toContain('+10.0% [+9.1, +11.0]');
    for (const line of t.split('\n')) expect(line.length).toBeLessThanOrEqual(50);
  });

  it('a hyperfine-style line per workload', () => {
    const r = comparedRow('sys.stat', { point: 5.2, lo: 4.1, hi: 6.3 });
    expect(ratioSentence({ ...r, verdict: 'slower' }, 'metal', 'vm')).toBe('sys.stat: vm is 1.052 ± 0.011 times slower than metal');
    const f = comparedRow('cpu.int', { point: -9.09, lo: -10, hi: -8 });
    expect(ratioSentence({ ...f, verdict: 'faster' }, 'metal', 'vm')).toMatch(/^cpu\.int: vm is 1\.100 ± 0\.01\d times faster than metal$/);
    const wide = comparedRow('sys.stat', { point: 60, lo: -40, hi: 450 });
    expect(ratioSentence({ ...wide, verdict: 'inconclusive' }, 'metal', 'vm')).toBe(
      'sys.stat: vm is 1.600 [0.600, 5.500] times slower than metal (inconclusive)',
    );
  });
});

describe('run output', () => {
  it('summary: every column has a header, worst 1%, and one round is cv n/a, not 0.0%', () => {
    const f = syntheticResults({ seed: 3, rounds: 1, batches: 5, workloads: [{ id: 'cpu.int', figure: 100, better: 'higher' }] });
    const t = formatRunSummary(f);
    const [head, , row] = t.split('\n');
    expect(head).toMatch(/workload\s+unit\s+median\s+cv\s+batch p50\s+worst 1%\s+steal\s+rounds\s+direction \/ reason/);
    expect(row).toMatch(/cpu\.int .* n\/a .* 1 {2}higher is better$/);
    expect(t).not.toMatch(/1 rounds|0\.0%/);
  });

  it('run --json --quiet prints only the JSON summary', async () => {
    const out = join(dir, 'q.json');
    const r = await runCli([
      'run',
      '--only',
      'cpu.int',
      '--rounds',
      '2',
      '--seed',
      '1',
      '--out',
      out,
      '--json',
      '--quiet',
      '--no-progress',
    ]);
    expect(r.code, r.err).toBe(0);
    expect(r.err).toBe('');
    const j = JSON.parse(r.out) as { file: string; interrupted: boolean; workloads: { id: string; rounds: number }[] };
    expect(j).toMatchObject({ file: out, interrupted: false });
    expect(j.workloads.map((w) => [w.id, w.rounds])).toEqual([['cpu.int', 2]]);
  });
});

describe('help and widths', () => {
  it('list, fingerprint, report and advise --help carry examples', async () => {
    for (const c of ['list', 'fingerprint', 'report', 'advise']) {
      let help = '';
      const log = vi.spyOn(console, 'log').mockImplementation((...xs: unknown[]) => void (help += xs.join(' ')));
      const r = await runCli([c, '--help']);
      log.mockRestore();
      expect(help + r.out, c).toMatch(/Examples:\n\s+virtax /);
    }
  });

  it('list fits COLUMNS=80', async () => {
    vi.stubEnv('COLUMNS', '80');
    const r = await runCli(['list']);
    expect(r.code).toBe(0);
    for (const line of r.out.trimEnd().split('\n')) expect(line.length).toBeLessThanOrEqual(80);
  });
});

describe('compare wording', () => {
  const ws = [{ id: 'cpu.int', figure: 100 }];
  it('same suite, different rounds: says rounds, not suites; 0.002% memory is not a difference', () => {
    const a = syntheticResults({ seed: 1, rounds: 5, workloads: ws });
    const b = syntheticResults({ seed: 2, rounds: 3, workloads: ws });
    const c = compareResults(a, b, { resamples: 200 });
    expect(c.warnings.join('\n')).toMatch(/different round counts \(both quick; base 5 rounds, candidate 3\)/);
    expect(c.warnings.join('\n')).not.toMatch(/different suites/);
    const h = syntheticHost();
    expect(envDiffs(h, { ...h, memoryBytes: h.memoryBytes * 1.00002 }).map((d) => d.field)).toEqual([]);
    expect(envDiffs(h, { ...h, memoryBytes: h.memoryBytes * 2 }).map((d) => d.field)).toEqual(['memoryBytes']);
  });

  it('compare colours verdicts with FORCE_COLOR, and not with NO_COLOR; prints the ratio lines', async () => {
    const base = join(dir, 'b.json');
    const cand = join(dir, 'c.json');
    saveResults(base, syntheticResults({ seed: 1, label: 'base', workloads: [{ id: 'cpu.int', figure: 100 }] }));
    saveResults(cand, syntheticResults({ seed: 2, label: 'cand', workloads: [{ id: 'cpu.int', figure: 100, shift: shiftOf(20) }] }));
    vi.stubEnv('FORCE_COLOR', '1');
    const coloured = await runCli(['compare', base, cand, '--resamples', '200']);
    expect(coloured.out).toContain('\u001b[31mslower\u001b[39m');
    expect(stripAnsi(coloured.out)).toMatch(/cpu\.int: cand is 1\.\d{3} ± 0\.\d{3} times slower than base/);
    vi.stubEnv('NO_COLOR', '1');
    const plain = await runCli(['compare', base, cand, '--resamples', '200']);
    expect(plain.out).not.toContain('\u001b[');
  });
});
