/**
 * Noisy-neighbour workloads `noisy.<victim>`: a victim workload measured alone and with each aggressor kind
 * (src/workloads/aggressor.ts) running beside it, alternating alone / with-neighbour phases inside a round so
 * slow drift of the host falls on both sides equally.
 *
 * Round figure: the victim's slowdown, time per operation with a neighbour over time per operation alone,
 * pooled over all aggressor kinds (unit `x`, lower is better, 1.0 = no interference). Samples: each
 * with-neighbour batch's time per operation over the round's alone time per operation.
 * `extra` per round: every phase's victim figure (in the victim's unit), p50/p99 and steal time, and per
 * aggressor kind the slowdown and tail amplification (p99 batch time with / p99 batch time alone, against
 * the alone phase just before it). Aggressor kinds run in a seeded random order per round (`order`). The
 * tails are over batch means, and `tail` names what they are (below 100 batches a "p99" is the maximum).
 */
import { availableParallelism } from 'node:os';
import { AGGRESSOR_KINDS, startAggressor, type AggressorKind } from './aggressor.js';
import { hrClock, sizeBatch, warmUp } from './round.js';
import { createRng, shuffled } from '../stats/random.js';
import { readCpuTimes, stealPct } from '../proc/steal.js';
import { quantileSorted, sortedOf } from '../stats/describe.js';
import type { Suite } from '../types.js';
import { cpuInt } from './cpu.js';
import { memLatency } from './memory.js';
import { netTcpRtt, noPeerReason } from './network.js';
import { figureOf, type AnyWorkload, type CustomRoundOutput, type RoundPlan, type Workload, type WorkloadContext } from './types.js';

interface NoisyParams extends Record<string, unknown> {
  victim: string;
  victimUnit: string;
  victimParams: Record<string, unknown>;
  aggressors: AggressorKind[];
  /** Aggressor worker processes per phase: every CPU but the victim's. */
  workers: number;
  phaseSeconds: number;
}

/** One phase of a round: the victim's batches, as seconds per operation. */
interface Phase {
  phase: 'alone' | AggressorKind;
  perOpSeconds: number[];
  operations: number;
  seconds: number;
  stealPct: number | null;
}

function phaseSecondsFor(suite: Suite): number {
  return suite === 'quick' ? 0.3 : suite === 'standard' ? 0.4 : 1;
}

async function runPhase(victim: AnyWorkload, state: unknown, ops: number, seconds: number, phase: Phase['phase']): Promise<Phase> {
  const perOpSeconds: number[] = [];
  let operations = 0;
  let total = 0;
  const before = readCpuTimes();
  while (total < seconds || perOpSeconds.length < 5) {
    const t0 = hrClock.now();
    const r = victim.batch(state, ops);
    if (r instanceof Promise) await r;
    const dt = hrClock.now() - t0;
    perOpSeconds.push(dt / ops);
    operations += ops;
    total += dt;
  }
  return { phase, perOpSeconds, operations, seconds: total, stealPct: stealPct(before, readCpuTimes()) };
}

const p99 = (xs: number[]): number => quantileSorted(sortedOf(xs), 0.99);
/**
 * What the "p99" of a phase really is: the tails are over batch means (one number per timed batch, not per
 * operation), and with fewer than 100 batches the 99th percentile is the interpolated maximum. Say so.
 */
export function tailName(batches: number): string {
  return batches >= 100 ? `p99 of ${batches} batch means` : `near-maximum of ${batches} batch means (fewer than 100: not a true p99)`;
}
const p50 = (xs: number[]): number => quantileSorted(sortedOf(xs), 0.5);

/** Per-phase and per-kind figures from a round's phases (pure; exported for tests). */
export function summarizePhases(victim: Pick<AnyWorkload, 'figure' | 'better'>, phases: Phase[]) {
  const inUnit = (secondsPerOp: number): number => figureOf(victim.figure, 1, secondsPerOp);
  const perPhase = phases.map((p) => ({
    phase: p.phase,
    figure: figureOf(victim.figure, p.operations, p.seconds),
    p50: inUnit(p50(p.perOpSeconds)),
    // p99 of batch time per operation, i.e. the worse tail whichever way the victim's unit points.
    p99: inUnit(p99(p.perOpSeconds)),
    tail: tailName(p.perOpSeconds.length),
    stealPct: p.stealPct,
    batches: p.perOpSeconds.length,
    seconds: p.seconds,
  }));
  const byKind: Record<string, { slowdown: number; tailAmplification: number; stealPctAlone: number | null; stealPctWith: number | null }> =
    {};
  for (let i = 1; i < phases.length; i++) {
    const w = phases[i] as Phase;
    const a = phases[i - 1] as Phase;
    if (w.phase === 'alone' || a.phase !== 'alone') continue;
    byKind[w.phase] = {
      slowdown: w.seconds / w.operations / (a.seconds / a.operations),
      tailAmplification: p99(w.perOpSeconds) / p99(a.perOpSeconds),
      stealPctAlone: a.stealPct,
      stealPctWith: w.stealPct,
    };
  }
  const alone = phases.filter((p) => p.phase === 'alone');
  const withN = phases.filter((p) => p.phase !== 'alone');
  const sum = (ps: Phase[], f: (p: Phase) => number): number => ps.reduce((s, p) => s + f(p), 0);
  const aloneCost = sum(alone, (p) => p.seconds) / sum(alone, (p) => p.operations);
  const withOps = sum(withN, (p) => p.operations);
  const withSeconds = sum(withN, (p) => p.seconds);
  const slowdown = withSeconds / withOps / aloneCost;
  const samples = withN.flatMap((p) => p.perOpSeconds.map((c) => c / aloneCost));
  const allAlone = alone.flatMap((p) => p.perOpSeconds);
  const allWith = withN.flatMap((p) => p.perOpSeconds);
  return {
    slowdown,
    samples,
    withOps,
    withSeconds,
    tailAmplification: p99(allWith) / p99(allAlone),
    tail: `${tailName(allWith.length)} with a neighbour over ${tailName(allAlone.length)} alone`,
    perPhase,
    byKind,
  };
}

function noisy(victim: AnyWorkload, name: string, title: string, needsPeer: boolean): Workload<NoisyParams, null> {
  const w: Workload<NoisyParams, null> = {
    needsPeer,
    id: `noisy.${name}`,
    category: 'noisy-neighbor',
    title: `${title}: slowdown beside each aggressor kind`,
    unit: 'x',
    better: 'lower',
    figure: { kind: 'cost', scale: 1 },
    stresses: `co-tenant interference on ${victim.title.toLowerCase()}: shared cores, caches, memory bandwidth, kernel; tail amplification and steal`,
    inQuick: false,
    params: (suite, ctx) => ({
      victim: victim.id,
      victimUnit: victim.unit,
      victimParams: victim.params(suite, ctx),
      aggressors: [...AGGRESSOR_KINDS],
      workers: Math.max(1, availableParallelism() - 1),
      phaseSeconds: phaseSecondsFor(suite),
    }),
    available: (p, ctx) => (needsPeer ? noPeerReason(ctx) : null),
    setup: () => null,
    batch: () => {
      throw new Error(`noisy.${name} measures whole rounds (customRound)`);
    },
    async customRound(p, ctx: WorkloadContext, plan: RoundPlan): Promise<CustomRoundOutput> {
      const state = await victim.setup(p.victimParams, ctx);
      try {
        const ops = await sizeBatch(victim, state, plan.targetBatchSeconds, hrClock);
        await warmUp(victim, state, ops, plan); // until batch times level off (long for tcp-rtt), not kept
        const phases: Phase[] = [];
        // A seeded random order per round, so the host's drift within a round does not always land on one kind.
        const order = shuffled(p.aggressors, createRng(ctx.roundSeed ?? 1));
        for (const kind of order) {
          phases.push(await runPhase(victim, state, ops, p.phaseSeconds, 'alone'));
          // The bound is a safety net: the neighbour is stopped as soon as the phase ends.
          const agg = startAggressor({ kind, seconds: p.phaseSeconds + 60, workers: p.workers });
          try {
            await Promise.race([
              agg.ready,
              new Promise((_, rej) => setTimeout(() => rej(new Error(`aggressor ${kind} did not start within 30 s`)), 30_000).unref()),
            ]);
            phases.push(await runPhase(victim, state, ops, p.phaseSeconds, kind));
          } finally {
            await agg.stop();
          }
        }
        const s = summarizePhases(victim, phases);
        const withPhases = phases.filter((x) => x.phase !== 'alone');
        const steals = withPhases.map((x) => x.stealPct).filter((x): x is number => x !== null);
        return {
          round: {
            figure: s.slowdown,
            operations: s.withOps,
            seconds: s.withSeconds,
            samples: s.samples,
            stealPct: steals.length ? steals.reduce((a, b) => a + b, 0) / steals.length : null,
            batchOperations: ops,
          },
          extra: { tailAmplification: s.tailAmplification, tail: s.tail, order, byKind: s.byKind, phases: s.perPhase },
        };
      } finally {
        await victim.teardown?.(state);
      }
    },
  };
  return w;
}

export const noisyWorkloads: AnyWorkload[] = [
  noisy(cpuInt, 'cpu', 'Integer CPU work', false),
  noisy(memLatency, 'mem-latency', 'Memory latency (pointer chase)', false),
  noisy(netTcpRtt, 'tcp-rtt', 'TCP round trip', true),
];
