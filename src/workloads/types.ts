/**
 * The one Workload interface (CONTRIBUTING.md). A workload is a value; the runner never knows which one it runs.
 *
 * Lifecycle of a round, always in a fresh child process (src/probes/engine/round-child.ts):
 *   available?(ctx) -> setup(params, ctx) -> batch sizing -> warm-up until batch times level off -> timed batches
 *   (with the round's conditions: CPU time, run-queue delay, throttling) -> afterRound?(round) -> teardown(state)
 *
 * Figures: a workload's `figure` says how (operations, seconds) becomes a number in its unit.
 *   - `rate`: operations / seconds * scale (higher is better): ops/s, bytes/s ...
 *   - `cost`: seconds / operations * scale (lower is better): ns per call, us per fsync ...
 * A round's figure is its total operations over its total timed seconds (docs/workloads.md: not a median of batches).
 */
import type { Better, Category, Round, Suite } from '../types.js';
import type { UserTaskSpec } from './user.js';

export type FigureKind = { kind: 'rate'; scale: number } | { kind: 'cost'; scale: number };

/** What a batch may return when it measures itself (e.g. oversleep of timers) instead of being timed by the runner. */
export interface BatchMeasure {
  operations: number;
  seconds: number;
}

/** Where network workloads send traffic. */
export interface PeerAddress {
  host: string;
  port: number;
  /** 'loopback' when `run` started its own peer, 'remote' for --peer. */
  kind: 'loopback' | 'remote';
}

/** What a workload may know about the run it is part of. Plain data: it crosses the process boundary. */
export interface WorkloadContext {
  suite: Suite;
  /** Network target for network workloads (null when none was set up). */
  peer: PeerAddress | null;
  /** A scratch directory the workload may write into (removed by the runner). */
  scratchDir: string;
  /** Directory for storage workloads (defaults to the current directory's filesystem, not tmpfs). */
  ioDir: string;
  /** True when the user chose ioDir (--io-dir): storage workloads then measure even a tmpfs on purpose. */
  ioDirChosen?: boolean;
  /** Seed for this round's own random choices (noisy.*: aggressor order), set by the runner per round. */
  roundSeed?: number;
  /** A user's own tinybench tasks (`--workload`), so a round process can build `user.*` workloads (src/workloads/user.ts). */
  userTasks?: UserTaskSpec[];
}

/** How long a round runs; chosen by the runner from the suite. */
export interface RoundPlan {
  /** A timed batch should last at least this long (raised to 1000x the timer's resolution). */
  targetBatchSeconds: number;
  /** Timed batches continue until this much wall time has passed in the timed phase ... */
  roundSeconds: number;
  /** ... and at least this many batches were timed ... */
  minBatches: number;
  /** ... but never more than this many. */
  maxBatches: number;
}

/** How long a workload warms up: until batch times level off, at least `minOperations`, at most `maxSeconds`. */
export interface WarmupSpec {
  /** Operations to run before the levelling-off test may stop the warm-up (default 0). */
  minOperations?: number;
  /** Upper bound on warm-up wall time in seconds (default: three times the round's timed phase, 0.3 s at least). */
  maxSeconds?: number;
}

/** Full control of a round, for workloads whose round is not "sized batches" (noisy-neighbor phases). */
export interface CustomRoundOutput {
  round: Round;
  /** Merged into the WorkloadResult's `extra` by the runner (per-round lists are appended). */
  extra?: Record<string, unknown>;
  notes?: string[];
}

export interface Workload<P extends Record<string, unknown> = Record<string, unknown>, S = unknown> {
  /** Stable id users type: `family.name` (e.g. `mem.latency`). */
  readonly id: string;
  readonly category: Category;
  readonly title: string;
  /** Unit of the figure, e.g. `ns/access`, `MB/s`, `ops/s`. */
  readonly unit: string;
  readonly better: Better;
  /** One line: what this stresses and why virtualization changes it. */
  readonly stresses: string;
  readonly figure: FigureKind;
  /** Included in the quick suite? (standard and full run everything). */
  readonly inQuick?: boolean;
  /** Sends traffic to ctx.peer, so `run` and the agent start a loopback peer when none was given. */
  readonly needsPeer?: boolean;
  /** Parameters for a suite (sizes, counts). Recorded in the results file. */
  params(suite: Suite, ctx: WorkloadContext): P;
  /** A reason this workload cannot run here (missing device, no permission), or null. Checked in the child. */
  available?(params: P, ctx: WorkloadContext): Promise<string | null> | string | null;
  setup(params: P, ctx: WorkloadContext): Promise<S> | S;
  /**
   * Perform `operations` operations. Return nothing to be timed by the runner, or a BatchMeasure when the
   * workload measures itself. Must do real work the optimiser cannot remove (keep a result in `state`).
   */
  batch(state: S, operations: number): void | BatchMeasure | Promise<void | BatchMeasure>;
  teardown?(state: S): Promise<void> | void;
  /** Operations in the first batch-sizing batch (default 1). */
  readonly initialOperations?: number;
  /**
   * A fixed number of operations per batch, skipping batch sizing: for workloads that measure themselves
   * (BatchMeasure) where one operation per batch keeps per-operation samples (timer.jitter's p99).
   */
  readonly fixedBatchOperations?: number;
  /**
   * The workload enters the kernel on every operation (syscalls, page faults, fork, fsync): the round records
   * system CPU seconds per operation (`kernelSecondsPerOp`) beside the wall-time figure.
   */
  readonly kernelTime?: boolean;
  /** Warm-up bounds where the transient is long (net.*: TCP and undici warm over thousands of operations). */
  readonly warmup?: WarmupSpec;
  /**
   * Judge a finished round from its own figures and conditions (sys.clock: did the clock reads trap?). What it
   * returns is merged into the workload's `extra` and notes like a custom round's.
   */
  afterRound?(round: Round, params: P): { extra?: Record<string, unknown>; notes?: string[] } | null;
  /** Replace the sized-batch round entirely (noisy-neighbor phases). */
  customRound?(params: P, ctx: WorkloadContext, plan: RoundPlan): Promise<CustomRoundOutput>;
}

/** Erased type used by the registry and the runner. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyWorkload = Workload<any, any>;

/** Does this workload need a peer (a field of the workload, not a registration)? */
export function usesPeer(w: AnyWorkload): boolean {
  return w.needsPeer === true;
}

/** Figure in the workload's unit for `operations` done in `seconds`. */
export function figureOf(figure: FigureKind, operations: number, seconds: number): number {
  return figure.kind === 'rate' ? (operations / seconds) * figure.scale : (seconds / operations) * figure.scale;
}

/** Unit-kind invariant used by the statistics: higher-is-better figures are rates, lower-is-better are costs. */
export function directionOf(figure: FigureKind): Better {
  return figure.kind === 'rate' ? 'higher' : 'lower';
}
