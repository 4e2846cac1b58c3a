/** Exit codes of `virtax gate` through the CLI's main(): each outcome, bad files, missing workloads, environments. */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { saveResults } from '../../src/results/io.js';
import { shiftOf, syntheticResults, type SyntheticOptions, type SyntheticWorkload } from '../../src/stats/synthetic.js';

const dir = mkdtempSync(join(tmpdir(), 'virtax-gate-exit-'));
let n = 0;
function file(workloads: SyntheticWorkload[], over: Partial<SyntheticOptions> = {}): string {
  n++;
  const p = join(dir, `f${n}.json`);
  saveResults(p, syntheticResults({ seed: 1000 + n, rounds: 8, batches: 10, workloads, ...over }));
  return p;
}
const w = (id: string, effectPct: number, extra: Partial<SyntheticWorkload> = {}): SyntheticWorkload => ({
  id,
  figure: 100,
  shift: shiftOf(effectPct),
  ...extra,
});
const base = () => file([w('cpu.int', 0), w('cpu.float', 0)]);

let out = '';
let err = '';
beforeEach(() => {
  out = '';
  err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true));
  vi.stubEnv('GITHUB_ACTIONS', '');
  vi.stubEnv('GITHUB_STEP_SUMMARY', '');
});
afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

const gate = (b: string, c: string, ...more: string[]) => main(['gate', '--baseline', b, '--current', c, '--resamples', '1000', ...more]);

describe('virtax gate exit codes', () => {
  it('pass: 0', async () => {
    expect(await gate(base(), file([w('cpu.int', 0), w('cpu.float', 0)]))).toBe(0);
    expect(out).toMatch(/^virtax gate: PASS: all 2 workloads are below their max regression/);
  });

  it('regression: 1, with the numbers in the table', async () => {
    expect(await gate(base(), file([w('cpu.int', 20), w('cpu.float', 0)]))).toBe(1);
    expect(out).toMatch(/^virtax gate: FAIL: 1 of 2 workloads/);
    expect(out).toMatch(/cpu\.int .*\+\d+\.\d% .*5%\s+FAIL/);
  });

  it('inconclusive: 0 with a warning, 3 under --strict', async () => {
    const b = file([w('cpu.int', 0, { roundSd: 0.08 })]);
    const c = file([w('cpu.int', 5, { roundSd: 0.08 })]);
    expect(await gate(b, c)).toBe(0);
    expect(err).toContain('virtax gate: inconclusive');
    expect(await gate(b, c, '--strict')).toBe(3);
  });

  it('a workload missing from the current run is inconclusive (3 under --strict); a crashed one fails', async () => {
    const b = base();
    expect(await gate(b, file([w('cpu.int', 0)]))).toBe(0);
    expect(out).toContain('missing: measured in the baseline, not in the current run');
    expect(await gate(b, file([w('cpu.int', 0)]), '--strict')).toBe(3);
    expect(await gate(b, file([w('cpu.int', 0), w('cpu.float', 0, { status: 'failed' })]))).toBe(1);
  });

  it('bad input: 2 with one line', async () => {
    const b = base();
    const corrupt = join(dir, 'corrupt.json');
    writeFileSync(corrupt, readFileSync(b, 'utf8').slice(0, 300));
    for (const args of [
      [b, corrupt],
      [join(dir, 'nope.json'), b],
      [b, b, '--max-regression', 'lots'],
      [b, b, '--noise', '150%'],
      [b, b, '--resamples', '10'],
      [b, b, '--confidence', '120%'],
      [b, b, '--only', 'mem.latency'],
      [b, file([w('sys.stat', 0)])],
      [b, b, '--config', join(dir, 'no-config.json')],
    ] as string[][]) {
      err = '';
      expect(await gate(args[0] as string, args[1] as string, ...args.slice(2)), args.join(' ')).toBe(2);
      expect(err.trimEnd().split('\n'), err).toHaveLength(1);
      expect(err).toMatch(/^virtax: /);
    }
  });

  it('different CPU model or hypervisor: 2 naming the fields, unless --allow-env-change', async () => {
    const b = base();
    const other = file([w('cpu.int', 0), w('cpu.float', 0)], { host: { cpuModel: 'Other CPU', hypervisor: 'xen' } });
    expect(await gate(b, other)).toBe(2);
    expect(err).toContain(
      'cpu.model differs (baseline "Synthetic CPU @ 2.0GHz", current "Other CPU"); hypervisor differs (baseline "kvm", current "xen")',
    );
    expect(await gate(b, other, '--allow-env-change')).toBe(0);
    expect(out).toContain('warning: environment differs: cpu.model');
    const kernel = file([w('cpu.int', 0), w('cpu.float', 0)], { host: { kernel: '6.6.0' } });
    expect(await gate(b, kernel)).toBe(0);
    expect(out).toContain('warning: environment differs: kernel "6.1.0-synthetic" -> "6.6.0"');
  });

  it('a config sets per-workload thresholds and ignores; --only narrows', async () => {
    const b = base();
    const c = file([w('cpu.int', 20), w('cpu.float', 0)]);
    const cfg = join(dir, 'virtax.gate.json');
    writeFileSync(cfg, JSON.stringify({ maxRegression: '5%', perWorkload: { 'cpu.int': 40 } }));
    expect(await gate(b, c, '--config', cfg)).toBe(0);
    writeFileSync(cfg, JSON.stringify({ ignore: ['cpu.int'] }));
    expect(await gate(b, c, '--config', cfg)).toBe(0);
    expect(out).toContain('ignored: ignored by the gate config');
    expect(await gate(b, c, '--only', 'cpu.float')).toBe(0);
    expect(await gate(b, c, '--only', 'cpu.int,cpu.float')).toBe(1);
    writeFileSync(cfg, JSON.stringify({ maxRegresion: 5 }));
    expect(await gate(b, c, '--config', cfg)).toBe(2);
    expect(err).toContain('invalid gate config: (top level) must NOT have additional properties (maxRegresion)');
  });

  it('writes JUnit and Markdown, appends to $GITHUB_STEP_SUMMARY and annotates under GitHub Actions', async () => {
    const summary = join(dir, 'summary.md');
    writeFileSync(summary, '# earlier step\n');
    vi.stubEnv('GITHUB_STEP_SUMMARY', summary);
    vi.stubEnv('GITHUB_ACTIONS', 'true');
    const junit = join(dir, 'junit.xml');
    const md = join(dir, 'gate.md');
    expect(await gate(base(), file([w('cpu.int', 20), w('cpu.float', 0)]), '--junit', junit, '--markdown', md)).toBe(1);
    const x = readFileSync(junit, 'utf8');
    expect(x.match(/<testcase /g)).toHaveLength(2);
    expect(x).toMatch(/<failure type="regression" message="\+\d+\.\d% \[\+\d+\.\d%, \+\d+\.\d%\] vs max 5%">/);
    const m = readFileSync(md, 'utf8');
    expect(m).toMatch(/^### ❌ virtax gate: FAIL/);
    expect(readFileSync(summary, 'utf8')).toBe(`# earlier step\n${m}\n`);
    expect(out).toMatch(/^::error title=virtax gate%3A cpu.int FAIL::cpu.int: overhead/m);
  });

  it('--csv writes the decision per workload and --html the report of baseline and current run', async () => {
    const csv = join(dir, 'gate.csv');
    const html = join(dir, 'gate.html');
    expect(await gate(base(), file([w('cpu.int', 20), w('cpu.float', 0)]), '--csv', csv, '--html', html)).toBe(1);
    const lines = readFileSync(csv, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('id,category,outcome,overhead_pct,overhead_lo,overhead_hi,level,max_regression_pct,verdict,reason');
    expect(lines).toHaveLength(3);
    expect(lines.find((l) => l.startsWith('cpu.int,'))).toMatch(/^cpu\.int,cpu,fail,(\d+\.\d+),/);
    expect(Number(lines.find((l) => l.startsWith('cpu.int,'))?.split(',')[3])).toBeGreaterThan(10);
    expect(lines.find((l) => l.startsWith('cpu.float,'))).toMatch(/^cpu\.float,cpu,(pass|inconclusive),/);
    const h = readFileSync(html, 'utf8');
    expect(h).toMatch(/^<!doctype html>/i);
    expect(h).toContain('cpu.int');
  });

  it('an unwritable --csv or --html exits 2 before gating and leaves no other output behind', async () => {
    const junit = join(dir, 'never.xml');
    expect(await gate(base(), file([w('cpu.int', 0), w('cpu.float', 0)]), '--junit', junit, '--html', '/proc/nope/gate.html')).toBe(2);
    expect(err).toMatch(/--html/);
    expect(existsSync(junit)).toBe(false);
  });

  it('the same files and seed give the same result; JSON output is parseable', async () => {
    const b = base();
    const c = file([w('cpu.int', 3), w('cpu.float', 0)]);
    await gate(b, c, '--json', '--seed', '7');
    const first = out;
    out = '';
    await gate(b, c, '--json', '--seed', '7');
    expect(out).toBe(first);
    expect(JSON.parse(out).schema).toBe('virtax.gate/v1');
  });
});
