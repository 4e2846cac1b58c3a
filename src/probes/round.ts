/**
 * One round of one workload, in the current process: calibrate, warm up, time batches.
 * Run by src/probes/round-child.ts inside a fresh process; the clock is injectable so tests are exact.
 */
import type { Round } from '../types.js';
import { figureOf, type AnyWorkload, type BatchMeasure, type RoundPlan, type WorkloadContext } from '../workloads/types.js';
import { readCpuTimes, stealPct, type CpuTimes } from './steal.js';

/** Seconds from an arbitrary origin, high resolution. */
export interface Clock {
  now(): number;
}

export const hrClock: Clock = { now: () => Number(process.hrtime.bigint()) / 1e9 };

/** The smallest positive step the clock shows (median of many), in seconds. */
export function clockResolution(clock: Clock = hrClock, reads = 2000): number {
  const steps: number[] = [];
  let prev = clock.now();
  for (let i = 0; i < reads; i++) {
    const t = clock.now();
    if (t > prev) steps.push(t - prev);
    prev = t;
  }
  if (steps.length === 0) return 1e-6;
  steps.sort((a, b) => a - b);
  return steps[Math.floor(steps.length / 2)] ?? 1e-6;
}

async function timedBatch(w: AnyWorkload, state: unknown, ops: number, clock: Clock): Promise<{ wall: number; measure: BatchMeasure }> {
  const t0 = clock.now();
  const r = w.batch(state, ops);
  const out = r instanceof Promise ? await r : r;
  const wall = clock.now() - t0;
  return { wall, measure: out ?? { operations: ops, seconds: wall } };
}

/**
 * Find the operations per batch whose batch lasts at least `target` seconds.
 * Grows geometrically (x10 while far below, then proportionally), never more than `maxSteps` tries.
 */
export async function calibrate(
  w: AnyWorkload,
  state: unknown,
  target: number,
  clock: Clock = hrClock,
  maxSteps = 40,
): Promise<number> {
  let ops = Math.max(1, Math.floor(w.initialOperations ?? 1));
  for (let step = 0; step < maxSteps; step++) {
    const { wall } = await timedBatch(w, state, ops, clock);
    if (wall >= target) return ops;
    const next = wall <= target / 20 ? ops * 10 : Math.ceil((ops * target * 1.1) / Math.max(wall, 1e-9));
    ops = Math.max(ops + 1, Math.min(next, ops * 10));
  }
  return ops;
}

export interface RoundOutcome {
  round: Round;
  extra?: Record<string, unknown>;
  notes?: string[];
}

/** Run one round of `w` here: setup, calibration, one warm-up batch, timed batches, teardown. */
export async function runRound(
  w: AnyWorkload,
  params: Record<string, unknown>,
  ctx: WorkloadContext,
  plan: RoundPlan,
  clock: Clock = hrClock,
  cpuTimes: () => CpuTimes | null = readCpuTimes,
): Promise<RoundOutcome> {
  if (w.customRound) {
    const out = await w.customRound(params, ctx, plan);
    return { round: out.round, ...(out.extra ? { extra: out.extra } : {}), ...(out.notes ? { notes: out.notes } : {}) };
  }
  const state = await w.setup(params, ctx);
  try {
    const target = Math.max(plan.targetBatchSeconds, 1000 * clockResolution(clock, 200));
    const ops = w.fixedBatchOperations ?? (await calibrate(w, state, target, clock));
    await timedBatch(w, state, ops, clock); // warm-up: JIT tiers, caches, page faults of the first touch
    const samples: number[] = [];
    let operations = 0;
    let seconds = 0;
    const before = cpuTimes();
    // The round is bounded by wall time: a workload that measures itself (timer oversleep) reports far fewer
    // seconds than pass, and counting those would stretch its round many-fold.
    const start = clock.now();
    while (samples.length < plan.maxBatches && (clock.now() - start < plan.roundSeconds || samples.length < plan.minBatches)) {
      const { measure } = await timedBatch(w, state, ops, clock);
      if (!(measure.seconds > 0) || !(measure.operations > 0)) {
        throw new Error(`batch measured ${measure.operations} operations in ${measure.seconds} s`);
      }
      samples.push(figureOf(w.figure, measure.operations, measure.seconds));
      operations += measure.operations;
      seconds += measure.seconds;
    }
    const after = cpuTimes();
    return {
      round: {
        figure: figureOf(w.figure, operations, seconds),
        operations,
        seconds,
        samples,
        stealPct: stealPct(before, after),
        batchOperations: ops,
      },
    };
  } finally {
    await w.teardown?.(state);
  }
}
