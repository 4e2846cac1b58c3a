/**
 * Batch sizing and a round's figures with an injected fake clock: a fake workload's batch advances the
 * clock by operations * cost, so every number is exact and nothing depends on this machine's speed.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sizeBatch, runRound, type Clock } from '../../src/workloads/round.js';
import { figureOf, type AnyWorkload, type FigureKind, type RoundPlan, type WorkloadContext } from '../../src/workloads/types.js';

class FakeClock implements Clock {
  t = 1000;
  now(): number {
    return this.t;
  }
}

function fakeWorkload(
  clock: FakeClock,
  costSeconds: (batchIndex: number) => number,
  figure: FigureKind = { kind: 'rate', scale: 1e-6 },
): AnyWorkload & { batches: number[] } {
  const batches: number[] = [];
  return {
    id: 'fake.work',
    category: 'cpu',
    title: 'fake',
    unit: figure.kind === 'rate' ? 'Mops/s' : 'ns/op',
    better: figure.kind === 'rate' ? 'higher' : 'lower',
    stresses: 'nothing',
    figure,
    initialOperations: 1,
    batches,
    params: () => ({}),
    setup: () => ({}),
    batch(_state: unknown, ops: number) {
      clock.t += ops * costSeconds(batches.length);
      batches.push(ops);
    },
  };
}

const ctx: WorkloadContext = { suite: 'quick', peer: null, scratchDir: '/nonexistent', ioDir: '/nonexistent' };

describe('sizeBatch (batch sizing)', () => {
  it('returns operations whose batch lasts at least the target', async () => {
    const clock = new FakeClock();
    const w = fakeWorkload(clock, () => 1e-7);
    const ops = await sizeBatch(w, {}, 0.005, clock);
    expect(ops * 1e-7).toBeGreaterThanOrEqual(0.005);
    // ... and not wildly more: the last step grows by target*1.1/wall at most.
    expect(ops * 1e-7).toBeLessThan(0.005 * 1.2);
  });

  it('holds for any per-operation cost and target (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.double({ min: 1e-10, max: 1e-2, noNaN: true }),
        fc.double({ min: 1e-4, max: 0.05, noNaN: true }),
        async (cost, target) => {
          const clock = new FakeClock();
          const w = fakeWorkload(clock, () => cost);
          const ops = await sizeBatch(w, {}, target, clock);
          expect(ops * cost).toBeGreaterThanOrEqual(target * (1 - 1e-9));
          expect(Number.isInteger(ops) && ops >= 1).toBe(true);
        },
      ),
      { numRuns: 100, seed: 7 },
    );
  });

  it("starts from the workload's initialOperations and grows at most tenfold per step", async () => {
    const clock = new FakeClock();
    const w = fakeWorkload(clock, () => 1e-9);
    await sizeBatch(w, {}, 0.01, clock);
    expect(w.batches[0]).toBe(1);
    for (let i = 1; i < w.batches.length; i++) expect(w.batches[i]! / w.batches[i - 1]!).toBeLessThanOrEqual(10);
  });
});

describe('runRound with a fake clock', () => {
  const plan: RoundPlan = { targetBatchSeconds: 0.005, roundSeconds: 0.1, minBatches: 10, maxBatches: 1000 };

  it('a rate round: figure, samples and totals are exactly operations over seconds', async () => {
    const clock = new FakeClock();
    // Alternating fast and slow batches: a median would hide the slow ones, the round figure must not.
    const w = fakeWorkload(clock, (i) => (i % 2 ? 2e-7 : 1e-7));
    const { round } = await runRound(w, {}, ctx, plan, clock, () => null);
    expect(round.samples.length).toBeGreaterThanOrEqual(plan.minBatches);
    expect(round.seconds).toBeGreaterThanOrEqual(plan.roundSeconds);
    expect(round.operations).toBe(round.batchOperations! * round.samples.length);
    expect(round.figure).toBe(figureOf(w.figure, round.operations, round.seconds));
    expect(round.figure).toBe((round.operations / round.seconds) * 1e-6);
    // Per-batch samples are in the same unit; the round figure is total work over total time, not their median.
    const ops = round.batchOperations!;
    const timed = w.batches.slice(-round.samples.length);
    expect(timed.every((b) => b === ops)).toBe(true);
    const first = w.batches.length - round.samples.length;
    const cost = (i: number) => (i % 2 ? 2e-7 : 1e-7);
    round.samples.forEach((s, k) => expect(s).toBeCloseTo(1e-6 / cost(first + k), 6));
    const seconds = timed.reduce((sum, b, k) => sum + b * cost(first + k), 0);
    expect(round.seconds).toBeCloseTo(seconds, 9);
    expect(new Set(round.samples.map((x) => Math.round(x))).size).toBe(2);
    expect(round.stealPct).toBeNull();
  });

  it('a cost round: figure is seconds over operations in the unit', async () => {
    const clock = new FakeClock();
    const w = fakeWorkload(clock, () => 250e-9, { kind: 'cost', scale: 1e9 });
    const { round } = await runRound(w, {}, ctx, plan, clock, () => null);
    expect(round.figure).toBe((round.seconds / round.operations) * 1e9);
    expect(round.figure).toBeCloseTo(250, 6);
    for (const s of round.samples) expect(s).toBeCloseTo(250, 6);
  });

  it('stops at maxBatches and runs teardown', async () => {
    const clock = new FakeClock();
    const w = fakeWorkload(clock, () => 1e-7);
    let tornDown = false;
    w.teardown = () => {
      tornDown = true;
    };
    const { round } = await runRound(w, {}, ctx, { ...plan, roundSeconds: 1e9, maxBatches: 7, minBatches: 1 }, clock, () => null);
    expect(round.samples).toHaveLength(7);
    expect(tornDown).toBe(true);
  });

  it('reports steal from the injected CPU times', async () => {
    const clock = new FakeClock();
    const w = fakeWorkload(clock, () => 1e-7);
    const times = [
      { total: 1000, steal: 10 },
      { total: 1200, steal: 20 },
    ];
    const { round } = await runRound(w, {}, ctx, plan, clock, () => times.shift() ?? null);
    expect(round.stealPct).toBe(5);
  });

  it('a batch that measures nothing fails the round', async () => {
    const clock = new FakeClock();
    const w = fakeWorkload(clock, () => 1e-7);
    const real = w.batch.bind(w);
    let n = 0;
    w.batch = (s: unknown, ops: number) => (++n > 10 ? { operations: ops, seconds: 0 } : real(s, ops));
    await expect(runRound(w, {}, ctx, plan, clock, () => null)).rejects.toThrow(/batch measured \d+ operations in 0 s/);
  });
});

describe('a workload that measures itself', () => {
  it('keeps its fixed batch size and its round is bounded by wall time, not by the seconds it reports', async () => {
    const clock = new FakeClock();
    const batches: number[] = [];
    // Each operation takes 1 ms of wall time but reports only 50 us (like timer.jitter's oversleep).
    const w: AnyWorkload = {
      id: 'fake.sleep',
      category: 'process',
      title: 'fake sleep',
      unit: 'us',
      better: 'lower',
      stresses: 'nothing',
      figure: { kind: 'cost', scale: 1e6 },
      fixedBatchOperations: 1,
      params: () => ({}),
      setup: () => ({}),
      batch(_s: unknown, ops: number) {
        batches.push(ops);
        clock.t += ops * 1e-3;
        return { operations: ops, seconds: ops * 50e-6 };
      },
    };
    const plan: RoundPlan = { targetBatchSeconds: 0.005, roundSeconds: 0.1, minBatches: 5, maxBatches: 10_000 };
    const { round } = await runRound(w, {}, ctx, plan, clock, () => null);
    expect(batches.every((n) => n === 1)).toBe(true); // no batch sizing: one operation per batch throughout
    expect(round.batchOperations).toBe(1);
    // 0.1 s of wall time at 1 ms a batch: about 100 batches (2000 if the reported seconds bounded it).
    expect(round.samples.length).toBeGreaterThanOrEqual(99);
    expect(round.samples.length).toBeLessThanOrEqual(101);
    expect(round.figure).toBeCloseTo(50, 9);
  });
});
