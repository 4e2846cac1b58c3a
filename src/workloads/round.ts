/**
 * One round of one workload, in the current process: batch sizing, warm-up, timed batches.
 * Run by src/probes/engine/round-child.ts inside a fresh process; the clock and the conditions are injectable so tests are exact.
 */
import type { Round, RoundWarmup } from '../types.js';
import { figureOf, type AnyWorkload, type BatchMeasure, type RoundPlan, type WarmupSpec, type WorkloadContext } from './types.js';
import { conditionsBetween, readCpuTimes, snapshotConditions, stealPct, type ConditionsSnapshot, type CpuTimes } from '../proc/steal.js';

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
export async function sizeBatch(w: AnyWorkload, state: unknown, target: number, clock: Clock = hrClock, maxSteps = 40): Promise<number> {
  let ops = Math.max(1, Math.floor(w.initialOperations ?? 1));
  for (let step = 0; step < maxSteps; step++) {
    const { wall } = await timedBatch(w, state, ops, clock);
    if (wall >= target) return ops;
    const next = wall <= target / 20 ? ops * 10 : Math.ceil((ops * target * 1.1) / Math.max(wall, 1e-9));
    ops = Math.max(ops + 1, Math.min(next, ops * 10));
  }
  return ops;
}

/** Batches compared per window when testing whether warm-up batch times have levelled off. */
const WARMUP_WINDOW = 3;
/** Levelled off: the latest window's median batch time is no more than this fraction faster than the one before. */
const WARMUP_TOLERANCE = 0.03;
const WARMUP_MAX_BATCHES = 500;

/**
 * Levelling-off test on warm-up batch times (pure): true when the median of the last WARMUP_WINDOW batches is
 * not more than WARMUP_TOLERANCE below the median of the WARMUP_WINDOW before them (no longer getting faster).
 */
export function levelledOff(times: readonly number[]): boolean {
  if (times.length < 2 * WARMUP_WINDOW) return false;
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
  const last = med(times.slice(-WARMUP_WINDOW));
  const prev = med(times.slice(-2 * WARMUP_WINDOW, -WARMUP_WINDOW));
  return last >= prev * (1 - WARMUP_TOLERANCE);
}

/**
 * Warm up by stability: run batches of `ops` until their times level off (JIT tiers, caches, first-touch faults,
 * TCP and HTTP client warm-up), after at least `spec.minOperations`, bounded by `spec.maxSeconds`.
 */
export async function warmUp(
  w: AnyWorkload,
  state: unknown,
  ops: number,
  plan: RoundPlan,
  clock: Clock = hrClock,
  spec: WarmupSpec = w.warmup ?? {},
): Promise<RoundWarmup> {
  const maxSeconds = spec.maxSeconds ?? Math.max(0.3, 3 * plan.roundSeconds);
  const minOps = spec.minOperations ?? 0;
  const times: number[] = [];
  let done = 0;
  const start = clock.now();
  for (;;) {
    const { wall, measure } = await timedBatch(w, state, ops, clock);
    times.push(measure.seconds / Math.max(1, measure.operations));
    done += ops;
    const spent = clock.now() - start;
    if (done >= minOps && levelledOff(times)) return { batches: times.length, seconds: spent, settled: true };
    if (spent >= maxSeconds || times.length >= WARMUP_MAX_BATCHES || !(wall >= 0))
      return { batches: times.length, seconds: spent, settled: false };
  }
}

/** Conditions and kernel time of a measured phase, added to its round. */
function withConditions(round: Round, w: AnyWorkload, before: ConditionsSnapshot, after: ConditionsSnapshot): Round {
  const conditions = conditionsBetween(before, after, w.category === 'noisy-neighbor');
  const out: Round = { ...round, conditions };
  if (w.kernelTime && round.operations > 0)
    out.kernelSecondsPerOp = (conditions.cpuSystemSeconds + (conditions.cpuChildrenSystemSeconds ?? 0)) / round.operations;
  return out;
}

export interface RoundOutcome {
  round: Round;
  extra?: Record<string, unknown>;
  notes?: string[];
}

/**
 * Run one round of `w` here: setup, batch sizing, warm-up until stable, timed batches with their conditions, teardown.
 * `beforeTimed` runs between the warm-up and the first timed batch (a duet's barrier: both sides' rounds start their
 * timed phase together); for a workload with its own round, before that round.
 */
export async function runRound(
  w: AnyWorkload,
  params: Record<string, unknown>,
  ctx: WorkloadContext,
  plan: RoundPlan,
  clock: Clock = hrClock,
  cpuTimes: () => CpuTimes | null = readCpuTimes,
  conditions: () => ConditionsSnapshot = snapshotConditions,
  beforeTimed?: () => Promise<void>,
): Promise<RoundOutcome> {
  if (w.customRound) {
    await beforeTimed?.();
    const c0 = conditions();
    const out = await w.customRound(params, ctx, plan);
    const round = withConditions(out.round, w, c0, conditions());
    return { round, ...(out.extra ? { extra: out.extra } : {}), ...(out.notes ? { notes: out.notes } : {}) };
  }
  const state = await w.setup(params, ctx);
  try {
    const target = Math.max(plan.targetBatchSeconds, 1000 * clockResolution(clock, 200));
    const ops = w.fixedBatchOperations ?? (await sizeBatch(w, state, target, clock));
    const warmup = await warmUp(w, state, ops, plan, clock); // JIT tiers, caches, first-touch faults, TCP/HTTP warm-up
    await beforeTimed?.();
    const samples: number[] = [];
    let operations = 0;
    let seconds = 0;
    const before = cpuTimes();
    const c0 = conditions();
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
    const c1 = conditions();
    const after = cpuTimes();
    const round: Round = {
      figure: figureOf(w.figure, operations, seconds),
      operations,
      seconds,
      samples,
      stealPct: stealPct(before, after),
      batchOperations: ops,
      warmup,
    };
    const measured = withConditions(round, w, c0, c1);
    const judged = w.afterRound?.(measured, params) ?? null;
    return { round: measured, ...(judged?.extra ? { extra: judged.extra } : {}), ...(judged?.notes ? { notes: judged.notes } : {}) };
  } finally {
    await w.teardown?.(state);
  }
}
