import { describe, expect, it } from 'vitest';
import { comparisonCsv, comparisonMarkdown, comparisonTable } from '../../src/report/comparison-exporters.js';
import { compareResults, compareRunSets, countForTest } from '../../src/stats/compare.js';
import { syntheticResults } from '../../src/stats/synthetic.js';
import type { Comparison } from '../../src/stats/types.js';
import { tinyFile, tinyWorkload } from '../helpers/compare-fixtures.js';

/** Every number anywhere in the comparison is finite (JSON would silently turn NaN into null). */
function expectAllFinite(x: unknown, path = '$'): void {
  if (typeof x === 'number') expect(Number.isFinite(x), `${path} = ${x}`).toBe(true);
  else if (Array.isArray(x)) x.forEach((v, i) => expectAllFinite(v, `${path}[${i}]`));
  else if (x && typeof x === 'object') for (const [k, v] of Object.entries(x)) expectAllFinite(v, `${path}.${k}`);
}

function reasons(c: Comparison): Record<string, string> {
  return Object.fromEntries(c.rows.map((r) => [r.id, r.status === 'not-compared' ? r.reason : r.verdict]));
}

const ok = (id: string, figures = [10, 11, 12, 10.5], samples?: number[][]) =>
  tinyWorkload({ id, figures, ...(samples ? { samples } : {}) });

describe('compare: edge cases give a clear line, never a crash or NaN', () => {
  it('missing on one side, skipped, failed, one round, zero and negative values', () => {
    const base = tinyFile('b', [
      ok('both'),
      ok('only-base'),
      { id: 'skip', category: 'storage', title: 'skip', status: 'skipped', reason: 'no O_DIRECT on tmpfs' },
      ok('fails-on-cand'),
      ok('one-round', [10]),
      ok('zero-figures', [0, 10, -3, 11]),
      ok(
        'bad-samples',
        [10, 11, 12],
        [
          [10, 0, 10.2],
          [11, -1, Number.NaN, 11],
          [12, 12.1],
        ],
      ),
      ok('all-bad', [0, -1]),
    ]);
    const cand = tinyFile('c', [
      ok('both'),
      ok('only-cand'),
      ok('skip'),
      { id: 'fails-on-cand', category: 'cpu', title: 'f', status: 'failed', reason: 'worker exited with code 1' },
      ok('one-round', [12, 12.5]),
      ok('zero-figures'),
      ok('bad-samples'),
      ok('all-bad'),
    ]);
    const c = compareResults(base, cand, { resamples: 500 });
    const r = reasons(c);
    expect(r['only-base']).toMatch(/only in the base file/);
    expect(r['only-cand']).toMatch(/only in the candidate file/);
    expect(r.skip).toMatch(/^skipped on base: no O_DIRECT on tmpfs/);
    expect(r['fails-on-cand']).toMatch(/^failed on candidate: worker exited/);
    expect(r['one-round']).toMatch(/1 usable round\(s\) on base: need at least 2 .* \(point estimate \+22\.5%, no interval\)/);
    expect(r['all-bad']).toMatch(/0 usable round\(s\) on base.*2 round\(s\) dropped/);
    const zero = c.rows.find((x) => x.id === 'zero-figures');
    expect(zero?.status === 'compared' && zero.notes.join()).toMatch(/base: 2 round\(s\) dropped/);
    const bad = c.rows.find((x) => x.id === 'bad-samples');
    expect(bad?.status === 'compared' && bad.notes.join()).toMatch(/base: 3 batch sample\(s\) dropped/);
    expectAllFinite(c);
    for (const out of [comparisonTable(c), comparisonMarkdown(c), comparisonCsv(c)]) expect(out).not.toMatch(/NaN|Infinity|undefined/);
    expect(comparisonTable(c)).toMatch(/skip .*not compared: skipped on base/);
  });

  it('nothing comparable: no overall, no noise, a warning', () => {
    const c = compareResults(tinyFile('b', [ok('a')]), tinyFile('c', [ok('z')]), { resamples: 200 });
    expect(c.overall).toBeNull();
    expect(c.noise).toBeNull();
    expect(c.warnings).toContain('no workload could be compared (see the not-compared rows)');
    expect(comparisonTable(c)).toMatch(/overall: n\/a/);
  });

  it('partial files, different CPU models and other host differences are stated loudly', () => {
    const base = tinyFile('b', [ok('a')]);
    const cand = { ...tinyFile('c', [ok('a')]), finishedAt: null };
    cand.host = {
      ...cand.host,
      cpu: { ...cand.host.cpu, model: 'Other CPU' },
      platform: 'vm',
      hypervisor: 'kvm',
      clocksource: 'kvm-clock',
      kernel: '6.8.0',
    };
    const c = compareResults(base, cand, { resamples: 200 });
    expect(c.warnings.some((w) => /^CPU MODELS DIFFER .*compares two machines, not the cost of virtualization/.test(w))).toBe(true);
    expect(c.warnings.some((w) => /candidate file is partial/.test(w))).toBe(true);
    expect(c.envDiffs.map((d) => d.field)).toEqual(['cpu.model', 'platform', 'hypervisor', 'clocksource', 'kernel']);
    expect(c.envDiffs.find((d) => d.field === 'hypervisor')).toEqual({ field: 'hypervisor', base: '(none)', cand: 'kvm' });
    expect(comparisonTable(c)).toMatch(/^WARNING: CPU MODELS DIFFER/);
  });

  it('the same run on both sides and different schema strings are warned about', () => {
    const f = tinyFile('b', [ok('a')], '00000000-0000-4000-8000-000000000000');
    const g = { ...f, schema: 'virtax.results/v2' } as unknown as typeof f;
    const c = compareResults(f, g, { resamples: 200 });
    expect(c.warnings.join('\n')).toMatch(/same run/);
    expect(c.warnings.join('\n')).toMatch(/different results schemas/);
  });

  it('invalid options throw a RangeError (the CLI validates before calling)', () => {
    const f = tinyFile('b', [ok('a')]);
    expect(() => compareResults(f, f, { resamples: 5 })).toThrow(RangeError);
    expect(() => compareResults(f, f, { alpha: 2 })).toThrow(RangeError);
  });

  it('onlyIds selects ids and families', () => {
    const f = tinyFile('b', [ok('mem.latency'), ok('mem.bandwidth'), ok('cpu.int')]);
    const g = tinyFile('c', [ok('mem.latency'), ok('mem.bandwidth'), ok('cpu.int')]);
    expect(compareResults(f, g, { resamples: 200, onlyIds: ['mem'] }).rows.map((r) => r.id)).toEqual(['mem.latency', 'mem.bandwidth']);
  });

  it('a clear effect withheld because the rank test cannot reach alpha with 2 or 3 rounds: settled by 4 rounds per side, not hundreds', () => {
    const f = (label: string, seed: number, shift: number, rounds: number) =>
      syntheticResults({
        label,
        seed,
        workloads: [
          { id: 'sys.stat', category: 'syscall', better: 'lower', figure: 2000, shift, rounds, batches: 20, roundSd: 0.01, batchSd: 0.05 },
        ],
      });
    for (const n of [2, 3]) {
      const r = compareRunSets([f('a', 1, 0, n)], [f('b', 2, 0.5, n)], { resamples: 2000 }).rows[0];
      if (r?.status !== 'compared') throw new Error('fixture');
      expect(r.overheadPct.lo).toBeGreaterThan(20); // the interval clears the noise band
      expect(r.verdict).toBe('inconclusive');
      expect(r.roundsToSettle, `${n} rounds`).toBe(4);
    }
    expect(countForTest('rounds', 0.05)).toBe(4); // 2 / C(8, 4) = 0.029
    expect(countForTest('pairs', 0.05)).toBe(6); // 2 / 2^6 = 0.031
    expect(countForTest('rounds', 0.01)).toBe(5); // 2 / C(10, 5) = 0.0079
    expect(countForTest('runs', 0.05)).toBeNull();
  });
});
