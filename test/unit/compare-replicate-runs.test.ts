/**
 * Comparisons across replicate runs and the verdict rules, on synthetic data of known answer (seeded):
 * what every reader says with one run per side, several files per side (and the same label = the same
 * side), the false-coverage-rate adjustment of slower/faster rows, and the inputs that must not give an
 * overconfident verdict (no spread, 2 vs 2 rounds, 3 vs 60 rounds).
 */
import { describe, expect, it } from 'vitest';
import { sidesOf } from '../../src/analysis/sides.js';
import { comparisonJson, comparisonMarkdown, comparisonTable } from '../../src/report/comparison-exporters.js';
import { createRng } from '../../src/stats/random.js';
import { compareResults, compareRunSets } from '../../src/stats/compare.js';
import { mannWhitneyMinP } from '../../src/stats/estimator.js';
import { gaussian, syntheticResults, type SyntheticWorkload } from '../../src/stats/synthetic.js';
import type { ResultsFile } from '../../src/types.js';
import { tinyFile, tinyWorkload } from '../helpers/compare-fixtures.js';

const w = (id: string, shift = 0, rounds = 8): SyntheticWorkload => ({
  id,
  category: 'cpu',
  better: 'lower',
  figure: 100,
  shift,
  rounds,
  batches: 10,
  roundSd: 0.01,
  batchSd: 0.03,
});
const run = (label: string, seed: number, ws: SyntheticWorkload[]) => syntheticResults({ label, seed, workloads: ws });
const row = (c: ReturnType<typeof compareResults>, id: string) => {
  const r = c.rows.find((x) => x.id === id);
  if (r?.status !== 'compared') throw new Error(`${id} not compared`);
  return r;
};

describe('one run per side', () => {
  it('table, Markdown and JSON say the interval covers these two runs only, and so does the verdict', () => {
    const c = compareResults(run('a', 1, [w('cpu.int')]), run('b', 2, [w('cpu.int', 0.2)]), { resamples: 500 });
    expect(c.scope).toMatchObject({ baseRuns: 1, candRuns: 1, covers: 'these-runs' });
    const t = comparisonTable(c);
    expect(t).toMatch(/cover these two runs only/);
    expect(t).toMatch(/slower \(these 2 runs\)/);
    const md = comparisonMarkdown(c);
    expect(md).toMatch(/cover these two runs only/);
    expect(md).toMatch(/slower \(these 2 runs\)/);
    const j = JSON.parse(comparisonJson(c)) as { scope: { covers: string; statement: string }; warnings: string[] };
    expect(j.scope.covers).toBe('these-runs');
    expect(j.warnings.join(' ')).toMatch(/these two runs only/);
  });
});

describe('several runs per side', () => {
  it('3 vs 3 runs: t interval across run figures, the scope covers the platforms, no "these 2 runs"', () => {
    const base = [11, 12, 13].map((s) => run('metal', s, [w('cpu.int')]));
    const cand = [21, 22, 23].map((s) => run('vm', s, [w('cpu.int', 0.2)]));
    const c = compareRunSets(base, cand, { resamples: 500 });
    const r = row(c, 'cpu.int');
    expect(r.overheadPct.method).toBe('runs-t');
    expect(r.verdict).toBe('slower');
    expect(r.base.rounds).toBe(24);
    expect(c.scope).toMatchObject({ baseRuns: 3, candRuns: 3, covers: 'platforms' });
    expect(comparisonTable(c)).not.toMatch(/these 2 runs/);
    // Same truth (+22.1%) inside the interval.
    expect(r.overheadPct.lo).toBeLessThan(22.1);
    expect(r.overheadPct.hi).toBeGreaterThan(22.1);
  });

  it('6 vs 6 runs: the same Welch t interval as 2-5 runs (one method for any number of runs), covers the truth', () => {
    const c = compareRunSets(
      [1, 2, 3, 4, 5, 6].map((s) => run('m', 60 + s, [w('x')])),
      [1, 2, 3, 4, 5, 6].map((s) => run('v', 70 + s, [w('x', 0.1)])),
      { resamples: 1000 },
    );
    const r = row(c, 'x');
    expect(r.overheadPct.method).toBe('runs-t');
    expect(r.logRatio.lo).toBeLessThan(0.1);
    expect(r.logRatio.hi).toBeGreaterThan(0.1);
    expect(r.verdict).toBe('slower');
  });

  it('files with the same label are replicate runs of one side; --base/--cand lists; two labels only', () => {
    const files = new Map<string, ResultsFile>([
      ['m1', run('metal', 1, [w('x')])],
      ['v1', run('vm', 2, [w('x')])],
      ['m2', run('metal', 3, [w('x')])],
      ['v2', run('vm', 4, [w('x')])],
      ['o', run('other', 5, [w('x')])],
    ]);
    const load = (p: string) => files.get(p) as ResultsFile;
    const s = sidesOf({ files: ['m1', 'v1', 'm2', 'v2'] }, load);
    expect(s.base.map((f) => f.label)).toEqual(['metal', 'metal']);
    expect(s.cand.map((f) => f.label)).toEqual(['vm', 'vm']);
    expect(sidesOf({ base: ['m1', 'm2'], cand: ['v1'] }, load).cand).toHaveLength(1);
    // Two files with the same label stay an A/A comparison of two runs.
    expect(sidesOf({ files: ['m1', 'm2'] }, load).cand[0]?.label).toBe('metal');
    expect(() => sidesOf({ files: ['m1', 'v1', 'o'] }, load)).toThrow(/3 label\(s\)/);
    expect(() => sidesOf({ base: ['m1'] }, load)).toThrow(/both --base and --cand/);
  });

  it('the medians beside a runs row are the ones the estimate compares: cand/base is the point (geometric mean of run medians)', () => {
    const c = compareRunSets(
      [1, 2, 3].map((s) => run('m', 80 + s, [w('x', 0.02 * s)])),
      [4, 5, 6].map((s) => run('v', 80 + s, [w('x', 0.03 * s)])),
      { resamples: 300 },
    );
    const r = row(c, 'x');
    expect(100 * (r.cand.median / r.base.median - 1)).toBeCloseTo(r.overheadPct.point, 9);
  });

  it('"about N runs would settle it" is centred on the truth and gives the range its 3-run spread allows', () => {
    // Truth +1.5%, run SD 2%, noise band ±1%: 2·1.96·sqrt(2·0.02²/n) <= 0.02 needs about 31 runs per side.
    const rng = createRng(9);
    const counts: number[] = [];
    let covered = 0;
    for (let k = 0; k < 120; k++) {
      const side = (label: string, shift: number) =>
        Array.from({ length: 3 }, () =>
          syntheticResults({
            label,
            seed: rng.int(0, 2 ** 30),
            workloads: [{ id: 'w', figure: 100, shift: shift + 0.02 * gaussian(rng), rounds: 10, roundSd: 0.01 }],
          }),
        );
      const r = row(compareRunSets(side('b', 0), side('c', 0.015), { resamples: 200 }), 'w');
      const m = /about (\d+) runs per side would settle it \((\d+)-(\d+) at 80% confidence/.exec(r.notes.join(' '));
      if (!m) continue;
      counts.push(Number(m[1]));
      if (Number(m[2]) <= 31 && 31 <= Number(m[3])) covered++;
    }
    counts.sort((a, b) => a - b);
    const median = counts[Math.floor(counts.length / 2)] as number;
    console.log(`settle counts: median ${median} of ${counts.length}; 80% ranges cover the truth in ${covered}`);
    expect(median).toBeGreaterThan(31 / 1.5);
    expect(median).toBeLessThan(31 * 1.5);
    expect(covered / counts.length).toBeGreaterThan(0.7);
  });

  it('--base/--cand with two labels or two suites on one side is bad input unless --allow-mixed', () => {
    const files = new Map<string, ResultsFile>([
      ['a', run('metal', 1, [w('x')])],
      ['b', run('kvm', 2, [w('x')])],
      ['c', run('vm', 3, [w('x')])],
      ['s', syntheticResults({ label: 'vm', seed: 4, suite: 'standard', workloads: [w('x')] })],
    ]);
    const load = (p: string) => files.get(p) as ResultsFile;
    expect(() => sidesOf({ base: ['a', 'b'], cand: ['c'] }, load)).toThrow(/compare --base: .*2 labels \(metal, kvm\); pass --allow-mixed/);
    expect(() => sidesOf({ base: ['a'], cand: ['c', 's'] }, load)).toThrow(/compare --cand: .*2 suites \(quick, standard\)/);
    expect(() => sidesOf({ files: ['a', 'c', 's'] }, load)).toThrow(/2 suites/);
    expect(sidesOf({ base: ['a', 'b'], cand: ['c'], allowMixed: true }, load).base).toHaveLength(2);
  });

  it('a workload measured in one run per side only, among several runs: its row says it covers those two runs only', () => {
    const c = compareRunSets(
      [run('b', 1, [w('x'), w('y')]), run('b', 2, [w('x')])],
      [run('c', 3, [w('x'), w('y')]), run('c', 4, [w('x')])],
      { resamples: 300 },
    );
    expect(row(c, 'x').overheadPct.method).toBe('runs-t');
    expect(row(c, 'y').overheadPct.method).toBe('percentile');
    expect(row(c, 'y').notes.join(' ')).toMatch(/covers those two runs only/);
  });

  it('3 baseline runs against 1: the single run borrows the baseline run-to-run spread (said in a note)', () => {
    const c = compareRunSets(
      [1, 2, 3].map((s) => run('b', s, [w('x')])),
      [run('c', 9, [w('x', 0.1)])],
      { resamples: 300 },
    );
    const r = row(c, 'x');
    expect(r.notes.join(' ')).toMatch(/candidate has one run: its run-to-run spread is taken to be the other side's \(3 runs\)/);
    expect(c.scope?.covers).toBe('platforms');
  });
});

describe('verdicts: false-coverage-rate control and no overconfident calls', () => {
  it('one real effect among 9 null rows: its interval is FCR-adjusted to 1 - 1·5%/10 = 99.5% and says so', () => {
    const ids = Array.from({ length: 10 }, (_, i) => `w${i}`);
    const c = compareResults(
      run(
        'a',
        1,
        ids.map((id) => w(id, 0, 10)),
      ),
      run(
        'b',
        2,
        ids.map((id, i) => w(id, i === 0 ? 0.15 : 0, 10)),
      ),
      { resamples: 2000 },
    );
    const r = row(c, 'w0');
    const called = c.rows.filter((x) => x.status === 'compared' && (x.verdict === 'slower' || x.verdict === 'faster'));
    expect(r.verdict).toBe('slower');
    const R = called.length;
    expect(r.overheadPct.level).toBeCloseTo(1 - (R * 0.05) / 10, 12);
    expect(r.notes.join(' ')).toMatch(/false-coverage-rate adjusted \(Benjamini-Yekutieli\)/);
    // The adjusted interval contains the unadjusted one.
    const raw = row(
      compareResults(
        run(
          'a',
          1,
          ids.map((id) => w(id, 0, 10)),
        ),
        run(
          'b',
          2,
          ids.map((id, i) => w(id, i === 0 ? 0.15 : 0, 10)),
        ),
        { resamples: 2000, fcr: false },
      ),
      'w0',
    );
    expect(r.overheadPct.lo).toBeLessThanOrEqual(raw.overheadPct.lo);
    expect(r.overheadPct.hi).toBeGreaterThanOrEqual(raw.overheadPct.hi);
  });

  it('zero spread (500 vs 490 every round): a note and no slower verdict', () => {
    const c = compareResults(
      tinyFile('b', [tinyWorkload({ id: 'x', figures: [490, 490, 490, 490, 490] })]),
      tinyFile('c', [tinyWorkload({ id: 'x', figures: [500, 500, 500, 500, 500] })]),
      { resamples: 500 },
    );
    const r = row(c, 'x');
    expect(r.overheadPct.point).toBeCloseTo(100 * (500 / 490 - 1), 9);
    expect(r.verdict).toBe('inconclusive');
    expect(r.notes.join(' ')).toMatch(/no spread between rounds .* quantised timer/);
  });

  it('2 vs 2 rounds: the rank test cannot reach alpha (smallest p 1/3): no verdict, said why', () => {
    expect(mannWhitneyMinP(2, 2)).toBeCloseTo(1 / 3, 12);
    expect(mannWhitneyMinP(5, 5)).toBeCloseTo(2 / 252, 12);
    const c = compareResults(
      tinyFile('b', [tinyWorkload({ id: 'x', figures: [100, 101] })]),
      tinyFile('c', [tinyWorkload({ id: 'x', figures: [150, 152] })]),
      { resamples: 500 },
    );
    const r = row(c, 'x');
    expect(r.verdict).toBe('inconclusive');
    expect(r.notes.join(' ')).toMatch(/Mann-Whitney U test cannot reach p <= 0\.05 with these counts \(smallest possible p 0\.333\)/);
  });

  it('3 vs 60 rounds with no true difference: a lopsided note, and no slower/faster without the rank test', () => {
    let calls = 0;
    for (let s = 0; s < 20; s++) {
      const c = compareResults(run('a', 100 + s, [w('x', 0, 3)]), run('b', 200 + s, [w('x', 0, 60)]), { resamples: 500 });
      const r = row(c, 'x');
      expect(r.notes.join(' ')).toMatch(/lopsided: 3 vs 60 rounds/);
      if (r.verdict === 'slower' || r.verdict === 'faster') {
        calls++;
        expect(r.qValue).toBeLessThanOrEqual(0.05);
      }
    }
    expect(calls).toBeLessThanOrEqual(1);
  });

  it('a non-finite round figure is dropped with a note, never a NaN', () => {
    const c = compareResults(
      tinyFile('b', [tinyWorkload({ id: 'x', figures: [100, 101, 99, Number.POSITIVE_INFINITY, 100] })]),
      tinyFile('c', [tinyWorkload({ id: 'x', figures: [110, 111, 109, 110, 112] })]),
      { resamples: 500 },
    );
    const r = row(c, 'x');
    expect(r.notes.join(' ')).toMatch(/base: 1 round\(s\) dropped/);
    expect(Number.isFinite(r.overheadPct.lo) && Number.isFinite(r.overheadPct.hi)).toBe(true);
  });
});
