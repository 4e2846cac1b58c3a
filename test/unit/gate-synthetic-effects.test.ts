/**
 * The gate against synthetic data with a known true effect (seeded log-normal noise): a true 10%
 * regression fails a 5% gate, a true 0% passes, a true 5% with wide noise is inconclusive, not a failure.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { busyHostWarnings, GATE_LEVEL, judge, perWorkloadLevel, runGate } from '../../src/gate/gate.js';
import { createRng } from '../../src/stats/random.js';
import { saveResults } from '../../src/results/io.js';
import { compareRunSets } from '../../src/stats/compare.js';
import { gaussian, shiftOf, syntheticResults, type SyntheticWorkload } from '../../src/stats/synthetic.js';

const dir = mkdtempSync(join(tmpdir(), 'virtax-gate-effects-'));

function write(name: string, seed: number, workloads: SyntheticWorkload[], rounds = 10): string {
  const p = join(dir, name);
  saveResults(p, syntheticResults({ seed, rounds, batches: 20, workloads }));
  return p;
}

const cost = (effectPct: number, roundSd = 0.01): SyntheticWorkload => ({
  id: 'cpu.int',
  better: 'lower',
  figure: 120,
  shift: shiftOf(effectPct),
  roundSd,
});
const rate = (effectPct: number, roundSd = 0.01): SyntheticWorkload => ({
  id: 'crypto.sha256',
  category: 'crypto',
  better: 'higher',
  figure: 4e5,
  shift: shiftOf(effectPct),
  roundSd,
});

function gate(base: string, cur: string) {
  return runGate({ baseline: base, current: cur, maxRegressionPct: 5, seed: 3, resamples: 2000 }, compareRunSets);
}

describe('gate on synthetic data with a known effect, 5% max regression', () => {
  it('a true 10% regression fails (cost and rate workloads)', () => {
    const g = gate(write('b10.json', 1, [cost(0), rate(0)]), write('c10.json', 2, [cost(10), rate(10)]));
    expect(g.rows.map((r) => r.outcome)).toEqual(['fail', 'fail']);
    expect(g.outcome).toBe('fail');
    expect(g.exitCode).toBe(1);
    for (const r of g.rows) if (r.outcome === 'fail') expect(r.row.overheadPct.point).toBeGreaterThan(7);
    // both judged workloads fail: R = m, so the false-coverage-rate adjustment leaves them at the gate's 90%
    expect(g.comparison.settings.level).toBeCloseTo(0.9, 12);
    expect(g.fcr).toEqual({ selected: 2, judged: 2, level: 0.9 });
    for (const r of g.rows) if (r.outcome === 'fail') expect(r.row.overheadPct.level).toBeCloseTo(0.9, 12);
  });

  it('a true 0% passes', () => {
    const g = gate(write('b0.json', 3, [cost(0), rate(0)]), write('c0.json', 4, [cost(0), rate(0)]));
    expect(g.rows.map((r) => r.outcome)).toEqual(['pass', 'pass']);
    expect(g.exitCode).toBe(0);
  });

  it('a true 5% with wide noise is inconclusive, not a failure, for several seeds', () => {
    for (const seed of [5, 7, 9, 11, 13]) {
      const g = gate(write(`b5-${seed}.json`, seed, [cost(0, 0.08)]), write(`c5-${seed}.json`, seed + 100, [cost(5, 0.08)]));
      expect(g.rows[0]?.outcome, `seed ${seed}`).toBe('inconclusive');
      expect(g.exitCode).toBe(0);
    }
  });

  it('one failing workload of two is re-judged at the false-coverage-rate adjusted level 1 - 1·10%/2', () => {
    const g = gate(write('bf1.json', 31, [cost(0), rate(0)]), write('cf1.json', 32, [cost(12), rate(0)]));
    expect(g.rows.map((r) => r.outcome)).toEqual(['fail', 'pass']);
    expect(g.fcr).toEqual({ selected: 1, judged: 2, level: 0.95 });
    const f = g.rows[0];
    if (f?.outcome === 'fail') {
      expect(f.row.overheadPct.level).toBeCloseTo(0.95, 12);
      expect(f.row.notes.join(' ')).toMatch(/false-coverage-rate adjusted/);
    }
  });

  it('Bonferroni (kept for the simulation): per-workload level from the family-wise confidence', () => {
    expect(perWorkloadLevel(0.95, 1)).toBeCloseTo(0.95, 12);
    expect(perWorkloadLevel(0.95, 16)).toBeCloseTo(0.996875, 12);
    expect(perWorkloadLevel(0.9, 0)).toBeCloseTo(0.9, 12);
  });

  it('warns when a run was measured on a busy host (load average above its CPUs)', () => {
    const quiet = syntheticResults({ seed: 1, rounds: 2, batches: 3, workloads: [cost(0)] });
    const busy = structuredClone(quiet);
    const w = busy.workloads[0];
    if (w?.status === 'ok' && w.rounds[1]) w.rounds[1].loadAvg1 = 15.2;
    expect(busyHostWarnings([{ name: 'quiet.json', file: quiet }])).toEqual([]);
    expect(busyHostWarnings([{ name: 'busy.json', file: busy }])).toEqual([
      "busy.json was measured on a busy host (load average up to 15.2 on 2 CPUs): its figures carry other processes' contention",
    ]);
  });

  it('a baseline of three replicate runs catches a true 10% regression; runs are the top level (t across runs)', () => {
    const pool = mkdtempSync(join(tmpdir(), 'virtax-gate-pool-'));
    for (const s of [21, 22, 23])
      saveResults(join(pool, `run-${s}.json`), syntheticResults({ seed: s, rounds: 5, batches: 20, workloads: [cost(0)] }));
    const g = gate(pool, write('cpool.json', 24, [cost(10)], 5));
    expect(g.baseline.files).toHaveLength(3);
    const r = g.rows[0];
    expect(r?.outcome).toBe('fail');
    if (r?.outcome === 'fail') {
      expect(r.row.base.rounds).toBe(15);
      expect(r.row.overheadPct.method).toBe('runs-t');
      expect(r.row.notes.join(' ')).toMatch(/candidate has one run: its run-to-run spread is taken to be the other side's \(3 runs\)/);
    }
    expect(g.scope).toMatchObject({ baseRuns: 3, candRuns: 1, covers: 'platforms' });
  });

  it('several --baseline files are replicate runs too; an A/A gate against them passes', () => {
    const files = [41, 42, 43].map((s) => write(`rep-${s}.json`, s, [cost(0), rate(0)], 5));
    const g = runGate(
      { baseline: files, current: write('rep-cur.json', 44, [cost(0), rate(0)], 5), maxRegressionPct: 5, seed: 3, resamples: 1000 },
      compareRunSets,
    );
    expect(g.baseline.files).toEqual(files);
    expect(g.scope).toMatchObject({ baseRuns: 3, candRuns: 1 });
    expect(g.rows.every((r) => r.outcome !== 'fail')).toBe(true);
  });

  it('A/A with run-to-run offsets: no false fail against 5 replicate baseline runs over 16 workloads (10 gates)', () => {
    const rng = createRng(2026);
    const ids = Array.from({ length: 16 }, (_, i) => `w${i}`);
    const sides = new Map(ids.map((id) => [id, { base: 'ok' as const, cur: 'ok' as const, reason: null }]));
    const policy = { defaultMaxRegressionPct: 5, perWorkload: {}, ignore: [] };
    const runFile = () =>
      syntheticResults({
        label: 'aa',
        seed: rng.int(0, 2 ** 30),
        workloads: ids.map((id) => ({
          id,
          category: 'cpu' as const,
          better: 'lower' as const,
          figure: 100,
          shift: 0.02 * gaussian(rng),
          rounds: 5,
          batches: 10,
          roundSd: 0.01,
          batchSd: 0.03,
        })),
      });
    let falseFails = 0;
    for (let g = 0; g < 10; g++) {
      const j = judge(
        Array.from({ length: 5 }, runFile),
        [runFile()],
        { onlyIds: ids, level: GATE_LEVEL, resamples: 200, seed: g + 1 },
        sides,
        policy,
        null,
        compareRunSets,
      );
      if (j.rows.some((r) => r.outcome === 'fail')) falseFails++;
    }
    expect(falseFails).toBe(0);
  });
});

describe('gate on contended rounds', () => {
  it('a regression measured mostly on contended rounds is inconclusive, read from the row typed trusted: false', () => {
    const base = write('bq.json', 11, [cost(0)]);
    const file = syntheticResults({ seed: 12, rounds: 10, batches: 20, workloads: [cost(20)] });
    const w = file.workloads[0];
    if (w?.status !== 'ok') throw new Error('synthetic workload not ok');
    // 8 of 10 rounds starved by other work: too few clean ones remain to drop them (src/stats/contention.ts).
    w.rounds.forEach((r, i) => {
      if (i < 8)
        r.conditions = {
          wallSeconds: r.seconds,
          cpuUserSeconds: r.seconds * 0.6,
          cpuSystemSeconds: 0,
          runDelaySeconds: r.seconds * 0.4,
          involuntarySwitches: 100,
          nrThrottled: null,
          throttledSeconds: null,
          contentionPct: 40,
          contended: true,
        };
    });
    const cur = join(dir, 'cq.json');
    saveResults(cur, file);
    const g = gate(base, cur);
    const row = g.rows[0];
    expect(row?.outcome).toBe('inconclusive');
    if (row?.outcome === 'inconclusive') expect(row.row.trusted).toBe(false);
    // The same effect on clean rounds fails.
    expect(gate(base, write('cq-clean.json', 12, [cost(20)])).rows[0]?.outcome).toBe('fail');
  });
});
