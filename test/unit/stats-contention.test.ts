/**
 * The contention rule (src/stats/contention.ts) and its use by compare and duel: contended rounds are dropped
 * when enough clean ones remain, else the row's verdict becomes inconclusive; a headline warning names them.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compareDuel } from '../../src/duel/compare.js';
import { runGate } from '../../src/gate/gate.js';
import { asResultsFile } from '../../src/results/io.js';
import { compareResults, compareRunSets } from '../../src/stats/compare.js';
import { contentionWarning, filterContended, filterContendedPairs, MIN_CLEAN_ROUNDS } from '../../src/stats/contention.js';
import type { ComparisonWarning, ResultsFile, Round } from '../../src/types.js';
import { warningText } from '../../src/format/warnings.js';
import { shiftOf, syntheticResults } from '../../src/stats/synthetic.js';

const cond = (contended: boolean, pct: number) => ({
  wallSeconds: 1,
  cpuUserSeconds: 1 - pct / 100,
  cpuSystemSeconds: 0,
  runDelaySeconds: pct / 100,
  involuntarySwitches: 3,
  nrThrottled: null,
  throttledSeconds: null,
  contentionPct: pct,
  contended,
});

const round = (figure: number, contended = false): Round => ({
  figure,
  operations: 1,
  seconds: 1,
  samples: [figure],
  stealPct: 0,
  conditions: cond(contended, contended ? 45 : 0.2),
});

/** Mark the first `k` rounds of every workload contended and (for a visible effect) make them 3x slower. */
function contend(f: ResultsFile, k: number): ResultsFile {
  const g = structuredClone(f);
  for (const w of g.workloads) {
    if (w.status !== 'ok') continue;
    w.rounds = w.rounds.map((r, i) =>
      i < k
        ? { ...r, figure: r.figure * 3, samples: r.samples.map((s) => s * 3), conditions: cond(true, 60) }
        : { ...r, conditions: cond(false, 0.5) },
    );
  }
  return asResultsFile(JSON.parse(JSON.stringify(g)), 'contended.json');
}

describe('filterContended', () => {
  it('no contended round: everything kept, trustworthy', () => {
    const f = filterContended([round(1), round(2), { figure: 3, operations: 1, seconds: 1, samples: [3], stealPct: null }]);
    expect(f).toMatchObject({ contended: 0, dropped: 0, trustworthy: true });
    expect(f.rounds).toHaveLength(3);
  });

  it('drops contended rounds when enough clean ones remain', () => {
    const f = filterContended([round(1, true), round(1), round(1), round(1), round(1)]);
    expect(f).toMatchObject({ contended: 1, dropped: 1, trustworthy: true, worstPct: 45 });
    expect(f.rounds).toHaveLength(4);
  });

  it('keeps them and distrusts the side when too few clean ones remain', () => {
    const rs = [round(1, true), round(1, true), round(1, true), round(1), round(1)];
    expect(MIN_CLEAN_ROUNDS).toBe(3);
    expect(filterContended(rs)).toMatchObject({ contended: 3, dropped: 0, trustworthy: false });
  });

  it('pairs: a pair is contended when either member is', () => {
    const a = [round(1, true), round(1), round(1), round(1)];
    const b = [round(1), round(1), round(1), round(1, true)];
    const p = filterContendedPairs(a, b);
    expect(p.trustworthy).toBe(false);
    const a6 = [...a, round(1), round(1)];
    const b6 = [...b, round(1), round(1)];
    const q = filterContendedPairs(a6, b6);
    expect(q.trustworthy).toBe(true);
    expect(q.a).toHaveLength(4);
  });
});

describe('compare acts on contended rounds', () => {
  const wl = [
    { id: 'cpu.int', figure: 100, roundSd: 0.005 },
    { id: 'sys.read', category: 'syscall' as const, better: 'lower' as const, figure: 200, roundSd: 0.005 },
  ];
  const base = syntheticResults({ seed: 1, label: 'quiet', rounds: 8, workloads: wl });
  const candQuiet = syntheticResults({ seed: 2, label: 'same-host', rounds: 8, workloads: wl });

  it('a file with old rounds (no conditions) compares as before, with no contention warning', () => {
    const c = compareResults(base, candQuiet, { resamples: 500 });
    expect(c.warnings.some((w) => /CONTENDED/.test(w))).toBe(false);
    expect(contentionWarning(base)).toBeNull();
  });

  it('a few contended rounds are dropped: the 3x slower rounds do not make the verdict slower', () => {
    const cand = contend(candQuiet, 2);
    const c = compareResults(base, cand, { resamples: 500 });
    for (const r of c.rows) {
      expect(r.status).toBe('compared');
      if (r.status !== 'compared') continue;
      expect(r.verdict).not.toBe('slower');
      expect(r.cand.rounds).toBe(6);
      expect(r.notes.some((n) => /CONTENDED: candidate had 2 round\(s\).*dropped/.test(n))).toBe(true);
    }
    expect(c.warnings.some((w) => /CONTENDED ROUNDS in candidate same-host/.test(w))).toBe(true);
  });

  it('mostly contended: the verdict is inconclusive (never a clean slower), and every reader gets the headline', () => {
    const cand = contend(candQuiet, 6);
    const c = compareResults(base, cand, { resamples: 500 });
    for (const r of c.rows) {
      if (r.status !== 'compared') throw new Error('expected compared');
      expect(r.verdict).toBe('inconclusive');
      expect(r.notes.some((n) => /not trustworthy/.test(n))).toBe(true);
    }
    const cw = contentionWarning(cand, { label: 'cand.json' });
    expect(cw).toMatchObject({ code: 'contended-rounds', label: 'cand.json', rounds: 12 });
    expect(cw?.workloads).toContainEqual({ id: 'cpu.int', contended: 6, rounds: 8 });
    expect(warningText(cw as ComparisonWarning)).toMatch(/^CONTENDED ROUNDS in cand\.json: 12 round\(s\).*cpu\.int 6\/8/);
    // The headline index does not rest on them either.
    expect(c.overall).toBeNull();
    expect(c.warnings).toContain('the overall index leaves out 2 workload(s) measured mostly on contended rounds: cpu.int, sys.read');
    expect(c.warningCodes).toContainEqual({ code: 'overall-leaves-out-contended', workloads: ['cpu.int', 'sys.read'] });
    expect(c.warnings.some((w) => /no overall index/.test(w))).toBe(false);
  });

  it('duel: contended pairs distrust the paired verdict and warn', () => {
    const d = compareDuel(base, contend(candQuiet, 6), { resamples: 500 });
    for (const r of d.rows) if (r.status === 'compared') expect(r.verdict).toBe('inconclusive');
    expect(d.warnings.some((w) => /CONTENDED ROUNDS in candidate/.test(w))).toBe(true);
  });
});

describe('gate acts on contended rounds', () => {
  it('a regression measured mostly on contended rounds is inconclusive, not a failure', () => {
    const dir = mkdtempSync(join(tmpdir(), 'virtax-gate-contended-'));
    try {
      const wl = [{ id: 'cpu.int', figure: 100, roundSd: 0.005 }];
      const base = syntheticResults({ seed: 3, label: 'base', rounds: 8, workloads: wl });
      const slow = syntheticResults({ seed: 4, label: 'slow', rounds: 8, workloads: [{ ...wl[0]!, shift: shiftOf(40) }] });
      writeFileSync(join(dir, 'base.json'), JSON.stringify(base));
      writeFileSync(join(dir, 'slow.json'), JSON.stringify(slow));
      writeFileSync(join(dir, 'slow-contended.json'), JSON.stringify(contend(slow, 6)));
      const gate = (cur: string) =>
        runGate({ baseline: join(dir, 'base.json'), current: join(dir, cur), maxRegressionPct: 5, resamples: 500 }, compareRunSets);
      expect(gate('slow.json').outcome).toBe('fail');
      const g = gate('slow-contended.json');
      expect(g.outcome).toBe('inconclusive');
      expect(g.warnings.some((w) => /CONTENDED ROUNDS/.test(w))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
