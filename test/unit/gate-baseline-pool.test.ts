import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { guardedDiffs, loadBaseline, poolRuns } from '../../src/baseline/read.js';
import { asResultsFile, saveResults } from '../../src/results/io.js';
import { syntheticResults } from '../../src/stats/synthetic.js';

const run = (seed: number, over: Partial<Parameters<typeof syntheticResults>[0]> = {}) =>
  syntheticResults({
    seed,
    rounds: 4,
    batches: 5,
    workloads: [
      { id: 'cpu.int', figure: 10 },
      { id: 'sys.stat', figure: 500, category: 'syscall' },
    ],
    ...over,
  });

function dirWith(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'virtax-baseline-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

describe('gate baselines: one file or pooled runs of a directory', () => {
  it('pools the rounds of every run per workload, says how many runs, and stays a valid results file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'virtax-baseline-'));
    for (const s of [1, 2, 3]) saveResults(join(dir, `run-${s}.json`), run(s));
    writeFileSync(join(dir, 'index.json'), '{"not":"a results file"}');
    writeFileSync(join(dir, '.run-4.json.abc.tmp'), 'half a file');
    const b = loadBaseline(dir);
    expect(b.runs.map((r) => r.path)).toEqual([1, 2, 3].map((s) => join(dir, `run-${s}.json`)));
    const w = b.pooled.workloads.find((x) => x.id === 'cpu.int');
    expect(w?.status === 'ok' && w.rounds.length).toBe(12);
    expect(w?.status === 'ok' && w.summary.rounds).toBe(12);
    expect(b.runsPerWorkload.get('cpu.int')).toBe(3);
    expect(() => asResultsFile(JSON.parse(JSON.stringify(b.pooled)), 'pooled')).not.toThrow();
    expect(b.pooled.conditions.notes[0]).toMatch(/^pooled from 3 runs/);
  });

  it('a single file is its own baseline', () => {
    const dir = mkdtempSync(join(tmpdir(), 'virtax-baseline-'));
    const p = join(dir, 'one.json');
    saveResults(p, run(7));
    const b = loadBaseline(p);
    expect(b.runs).toHaveLength(1);
    expect(b.pooled).toEqual(run(7));
  });

  it('runs of two labels or two suites are not one baseline: exit-2 error unless --allow-mixed', () => {
    const a = run(1, { label: 'kvm' });
    expect(() =>
      poolRuns([
        { path: 'a', file: a },
        { path: 'b', file: run(2, { label: 'metal' }) },
      ]),
    ).toThrow(/baseline: .*2 labels \(kvm, metal\); pass --allow-mixed/);
    expect(() =>
      poolRuns([
        { path: 'a', file: a },
        { path: 'b', file: run(2, { label: 'kvm', suite: 'standard' }) },
      ]),
    ).toThrow(/2 suites \(quick, standard\)/);
    const p = poolRuns(
      [
        { path: 'a', file: a },
        { path: 'b', file: run(2, { label: 'metal' }) },
      ],
      true,
    );
    expect(p.warnings.join(' ')).toMatch(/2 labels .*pooled \(--allow-mixed\)/);
  });

  it('pools only the runs that measured a workload', () => {
    const a = run(1);
    const b = run(2, {
      workloads: [
        { id: 'cpu.int', figure: 10, status: 'skipped' },
        { id: 'sys.stat', figure: 500, category: 'syscall' },
      ],
    });
    const p = poolRuns([
      { path: 'a', file: a },
      { path: 'b', file: b },
    ]);
    expect(p.runsPerWorkload.get('cpu.int')).toBe(1);
    expect(p.runsPerWorkload.get('sys.stat')).toBe(2);
  });

  it('refuses a directory with no results file', () => {
    const dir = dirWith({ 'index.json': '{}', 'notes.txt': 'x' });
    expect(() => loadBaseline(dir)).toThrow(/holds no results files/);
    expect(() => loadBaseline(join(dir, 'missing'))).toThrow(/no such file or directory/);
  });

  it('a corrupt file in the directory is named', () => {
    const dir = mkdtempSync(join(tmpdir(), 'virtax-baseline-'));
    saveResults(join(dir, 'a.json'), run(1));
    writeFileSync(join(dir, 'b.json'), JSON.stringify(run(2)).slice(0, 200));
    expect(() => loadBaseline(dir)).toThrow(new RegExp(`^${join(dir, 'b.json')}: not valid JSON`));
    const dir2 = mkdtempSync(join(tmpdir(), 'virtax-baseline-'));
    saveResults(join(dir2, 'a.json'), run(1));
    writeFileSync(join(dir2, 'c.json'), JSON.stringify({ ...run(3), host: { hostname: 'x' } }));
    expect(() => loadBaseline(dir2)).toThrow(new RegExp(`^${join(dir2, 'c.json')}: invalid results file`));
  });

  it('refuses runs of different host classes, naming the fields', () => {
    const other = run(2, { host: { cpuModel: 'Other CPU', hypervisor: 'xen' } });
    expect(() =>
      poolRuns([
        { path: 'a.json', file: run(1) },
        { path: 'b.json', file: other },
      ]),
    ).toThrow(
      'baseline runs are not one host class: b.json differs from a.json in cpu.model ("Synthetic CPU @ 2.0GHz" vs "Other CPU"), hypervisor ("kvm" vs "xen")',
    );
  });

  it('refuses to pool a workload measured in different units', () => {
    const a = run(1);
    const b = run(2, {
      workloads: [
        { id: 'cpu.int', figure: 10, better: 'higher', unit: 'ops/s' },
        { id: 'sys.stat', figure: 500, category: 'syscall' },
      ],
    });
    expect(() =>
      poolRuns([
        { path: 'a', file: a },
        { path: 'b', file: b },
      ]),
    ).toThrow(/b: workload cpu.int is in ops\/s .* cannot pool/);
  });

  it('the guard looks at CPU model and hypervisor only', () => {
    expect(guardedDiffs(run(1).host, run(2, { host: { kernel: '6.6', hypervisor: null } }).host)).toEqual([
      { field: 'hypervisor', base: 'kvm', cand: '(none)' },
    ]);
    expect(guardedDiffs(run(1).host, run(2, { host: { kernel: '6.6' } }).host)).toEqual([]);
  });
});
