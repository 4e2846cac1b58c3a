/**
 * `virtax calibrate`'s statistics on synthetic A/A runs of known noise: the variance components are recovered,
 * the minimum detectable effect is the effect a duel of that many pairs really calls slower 80% of the time,
 * run-level noise shows up as false verdicts between runs, and the gate config is valid and rounded up.
 */
import { describe, expect, it } from 'vitest';
import { asGateConfig } from '../../src/gate/config.js';
import {
  betweenSd,
  calibrationOf,
  detectablePct,
  duelSe,
  gateConfigOf,
  normalMultiplier,
  pairSdOf,
  pooledSd,
  runsSe,
  type CalibrationResult,
  type WorkloadCalibration,
} from '../../src/stats/calibrate.js';
import { pairedEstimate } from '../../src/stats/paired.js';
import { createRng } from '../../src/stats/random.js';
import { gaussian, measuredWorkload, syntheticResults, type SyntheticWorkload } from '../../src/stats/synthetic.js';
import { stddev } from '../../src/stats/describe.js';
import { verdictOf } from '../../src/stats/verdict.js';

/**
 * k A/A runs: each run's level drawn with SD runSd (a log shift per run), the rest from the synthetic factory;
 * every round's measured phase took 1 s of wall time (each synthetic run lasts 60 s). The factory's first round
 * of a file comes out about +3% high whatever the seed (the generator's first draws after seeding), so one extra
 * round is made and dropped.
 */
function aaRuns(k: number, seed: number, ws: (SyntheticWorkload & { runSd: number })[], rounds = 20, batches = 20) {
  const rng = createRng(seed);
  const conditions = {
    wallSeconds: 1,
    cpuUserSeconds: 1,
    cpuSystemSeconds: 0,
    runDelaySeconds: 0,
    involuntarySwitches: 0,
    nrThrottled: null,
    throttledSeconds: null,
    contentionPct: 0,
    contended: false,
  };
  return Array.from({ length: k }, (_, i) => {
    const f = syntheticResults({
      seed: seed * 100 + i,
      rounds: rounds + 1,
      batches,
      workloads: ws.map(({ runSd, ...w }) => ({ ...w, shift: runSd * gaussian(rng) })),
    });
    f.config.rounds = rounds;
    for (const w of f.workloads) if (w.status === 'ok') w.rounds = w.rounds.slice(1).map((r) => ({ ...r, conditions }));
    return f;
  });
}

const calibrated = (c: CalibrationResult, id: string) => {
  const w = c.workloads.find((x) => x.id === id) as WorkloadCalibration;
  if (w.status !== 'calibrated') throw new Error(`${id} not calibrated: ${w.reason}`);
  return w;
};

describe('variance components (golden values)', () => {
  it('pooled within SD and the between-group component', () => {
    expect(pooledSd([[1, 2, 3], [4, 6], [9]])).toBeCloseTo(Math.sqrt(4 / 3), 12);
    expect(pooledSd([[1], [2]])).toBeNull();
    // Two groups of two, means 0 and 2, no spread inside: MSB = 4, MSW = 0, n0 = 2 -> sqrt(2).
    expect(
      betweenSd([
        [0, 0],
        [2, 2],
      ]),
    ).toBeCloseTo(Math.SQRT2, 12);
    // Group means closer than the within spread explains: the component is 0, not negative.
    expect(
      betweenSd([
        [0, 10],
        [1, 9],
      ]),
    ).toBe(0);
    expect(betweenSd([[1, 2, 3]])).toBeNull();
  });

  it('the detectable effect and standard errors', () => {
    expect(normalMultiplier(0.05, 0.8)).toBeCloseTo(1.959964 + 0.841621, 5);
    // ln(1.01) + 2.801585 * 0.01 -> +3.86%.
    expect(detectablePct(0.01, normalMultiplier(0.05, 0.8), 1)).toBeCloseTo(100 * Math.expm1(Math.log(1.01) + 0.02801585), 5);
    expect(duelSe(0.03, 12)).toBeCloseTo(0.03 * Math.sqrt(Math.PI / 36), 12);
    expect(runsSe(0.02, 0.01, 25, 2)).toBeCloseTo(Math.sqrt((2 * (0.0004 + 0.0001 / 25)) / 2), 12);
  });
});

describe('calibrationOf on synthetic A/A runs', () => {
  // Round figures carry the batch noise averaged over 20 batches: SD sqrt(0.01^2 + 0.02^2/20) = 1.095%.
  const ws = [
    { id: 'quiet', figure: 100, roundSd: 0.01, batchSd: 0.02, runSd: 0 },
    { id: 'drifty', figure: 50, roundSd: 0.01, batchSd: 0.02, runSd: 0.04, better: 'higher' as const },
  ];
  const runs = aaRuns(10, 3, ws, 20, 20);
  const cal = calibrationOf(runs, { budgetMinutes: 10, seed: 1, resamples: 1000 });

  it('recovers the noise of each level', () => {
    const q = calibrated(cal, 'quiet');
    const d = calibrated(cal, 'drifty');
    for (const w of [q, d]) {
      expect(w.noise.batchPct!).toBeGreaterThan(1.9);
      expect(w.noise.batchPct!).toBeLessThan(2.1);
      expect(w.noise.roundPct!).toBeGreaterThan(0.9);
      expect(w.noise.roundPct!).toBeLessThan(1.3);
    }
    expect(q.noise.runPct!).toBeLessThan(0.5);
    expect(d.noise.runPct!).toBeGreaterThan(2);
    expect(d.noise.runPct!).toBeLessThan(6.5);
    expect(q.runs).toBe(10);
    expect(q.rounds).toBe(200);
    expect(q.batchesPerRound).toBe(20);
  });

  it("splits the budget into pairs and rounds from the runs' own timing", () => {
    // Each synthetic run lasts 60 s for 2 x 20 rounds: 1.5 s a round, 3 s a pass; 600 s -> 100 pairs, 100 rounds a side.
    const q = calibrated(cal, 'quiet');
    expect(q.roundSeconds).toBeCloseTo(1.5, 3);
    expect(q.detectable.duel.pairs).toBe(100);
    expect(q.detectable.runs.roundsPerRun).toBe(100);
    // In duet both rounds of a pair run at once: a pair costs one round's time.
    expect(
      calibrated(calibrationOf(runs, { budgetMinutes: 10, seed: 1, resamples: 1000, duelMode: 'duet' }), 'quiet').detectable.duel.pairs,
    ).toBe(200);
    const short = calibrated(calibrationOf(runs, { budgetMinutes: 0.5, seed: 1, resamples: 1000 }), 'quiet');
    expect(short.detectable.duel.pairs).toBe(5);
    expect(short.detectable.duel.mdePct).toBeNull(); // under 6 pairs no verdict is possible
  });

  it('run-level noise makes separate runs need many more runs than a duel, and false verdicts between runs', () => {
    const q = calibrated(cal, 'quiet');
    const d = calibrated(cal, 'drifty');
    expect(d.detectable.runs.mdePct!).toBeGreaterThan(3 * d.detectable.duel.mdePct!);
    expect(d.detectable.runsForDuelMde === null || d.detectable.runsForDuelMde >= 10).toBe(true);
    expect(q.detectable.runsForDuelMde).toBeLessThanOrEqual(2);
    expect(d.falseVerdicts.comparisons).toBe(45);
    expect(d.falseVerdicts.ratePct!).toBeGreaterThan(50);
    expect(q.falseVerdicts.ratePct!).toBeLessThan(15);
    expect(d.detectable.gateMaxRegressionPct!).toBeGreaterThan(3 * q.detectable.gateMaxRegressionPct!);
  });

  it('the duel MDE is the effect a duel of that many pairs calls slower with 80% power', () => {
    // A duel's pairs from the same round-level noise: d_i = ln(1 + MDE) + sqrt(2) * sigma_round * Z.
    const small = calibrationOf(runs, { budgetMinutes: 1.5, seed: 1, resamples: 1000 }); // 15 pairs
    const q = calibrated(small, 'quiet');
    const n = q.detectable.duel.pairs;
    expect(n).toBe(15);
    const sPair = Math.SQRT2 * Math.sqrt(0.01 ** 2 + 0.02 ** 2 / 20); // the truth, not the estimate
    const mde = detectablePct(duelSe(sPair, n), normalMultiplier(0.05, 0.8), 1);
    expect(Math.abs(q.detectable.duel.mdePct! - mde) / mde).toBeLessThan(0.15);
    const rng = createRng(11);
    const sims = 600;
    let slower = 0;
    for (let s = 0; s < sims; s++) {
      const d = Array.from({ length: n }, () => Math.log1p(mde / 100) + sPair * gaussian(rng));
      const est = pairedEstimate(d, { level: 0.95, resamples: 1, rng });
      if (verdictOf({ lo: est.overheadPct.lo, hi: est.overheadPct.hi }, 1) === 'slower') slower++;
    }
    expect(slower / sims).toBeGreaterThan(0.72);
    expect(slower / sims).toBeLessThan(0.88);
  });

  it('a measured pair SD replaces sqrt(2) sigma_round', () => {
    const q = calibrated(calibrationOf(runs, { budgetMinutes: 10, seed: 1, resamples: 1000, pairSd: { quiet: 0.001 } }), 'quiet');
    expect(q.detectable.duel.mdePct!).toBeLessThan(calibrated(cal, 'quiet').detectable.duel.mdePct!);
  });

  it('writes a valid gate config rounded up to half percents, never below the noise threshold', () => {
    const g = gateConfigOf(cal);
    expect(() => asGateConfig(g, 'calibrated')).not.toThrow();
    const q = calibrated(cal, 'quiet').detectable.gateMaxRegressionPct!;
    expect(g.perWorkload.quiet).toBe(Math.max(1, Math.ceil(q * 2) / 2));
    expect(g.perWorkload.drifty! % 0.5).toBe(0);
    expect(g.maxRegression).toBe(Math.max(g.perWorkload.quiet!, g.perWorkload.drifty!));
  });

  it('a workload only one run measured is not calibrated, with the reason', () => {
    const one = aaRuns(2, 5, [{ id: 'w', figure: 10, runSd: 0 }]);
    one[1]!.workloads = [{ id: 'w', category: 'cpu', title: 'w', status: 'skipped', reason: 'not here' }];
    const c = calibrationOf(one, { budgetMinutes: 5, seed: 1, resamples: 1000 });
    expect(c.workloads[0]).toMatchObject({ status: 'not-calibrated', id: 'w' });
    expect((c.workloads[0] as { reason: string }).reason).toMatch(/skipped: not here.*2 or more runs/);
  });

  it('the same runs and seed give the same calibration', () => {
    expect(calibrationOf(runs, { budgetMinutes: 10, seed: 1, resamples: 1000 })).toEqual(cal);
  });
});

describe("pairSdOf (an A/A duel's pairs)", () => {
  it('is the SD of the per-pair log ratios, in the worse direction, per workload with 3 or more pairs', () => {
    const [a] = aaRuns(
      1,
      9,
      [
        { id: 'r', figure: 5e6, better: 'higher', runSd: 0 },
        { id: 'c', figure: 1e-5, runSd: 0 },
      ],
      6,
    );
    const b = structuredClone(a!);
    const d = [0.01, -0.02, 0.03, 0, 0.015, -0.005];
    for (const w of b.workloads) {
      if (w.status !== 'ok') continue;
      // B worse by exp(d_i) in pair i: a cost is multiplied, a rate divided.
      w.rounds = w.rounds.map((r, i) => ({ ...r, figure: w.better === 'lower' ? r.figure * Math.exp(d[i]!) : r.figure / Math.exp(d[i]!) }));
    }
    const sd = pairSdOf(a!, b);
    expect(sd.r).toBeCloseTo(stddev(d), 12);
    expect(sd.c).toBeCloseTo(stddev(d), 12);
    const short = structuredClone(a!);
    short.workloads = short.workloads.map((w) => (w.status === 'ok' ? measuredWorkload({ ...w, rounds: w.rounds.slice(0, 2) }) : w));
    expect(pairSdOf(short, b)).toEqual({});
  });
});
