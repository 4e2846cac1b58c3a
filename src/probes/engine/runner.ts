/**
 * The runner: rounds of every selected workload in a seeded random order, each round in a fresh process
 * (through an Executor), checkpointing the results file after every round so an interrupted run keeps
 * what it measured and `--resume` continues it.
 *
 * Order: for round r = 1..R, the workloads in a fresh seeded shuffle. Slow drift of the machine then
 * spreads over all workloads instead of landing on one (docs/compare.md).
 */
import { randomUUID } from 'node:crypto';
import { summarize } from '../../stats/describe.js';
import { createRng, shuffled } from '../../stats/random.js';
import {
  RESULTS_SCHEMA,
  type Fingerprint,
  type ResultsFile,
  type Round,
  type Suite,
  type WorkloadNotOk,
  type WorkloadOk,
  type WorkloadResult,
} from '../../types.js';
import { InputError } from '../../errors.js';
import type { WorkloadRegistry } from '../../workloads/registry.js';
import type { AnyWorkload, PeerAddress, RoundPlan, WorkloadContext } from '../../workloads/types.js';
import type { Executor, RoundReply } from './executor.js';
import { loadAvg1 } from '../../proc/steal.js';
import { SUITES } from './suites.js';

export type RunEvent =
  | { type: 'start'; totalRounds: number; doneRounds: number; workloads: number }
  | { type: 'round-start'; workloadId: string; round: number; of: number }
  | { type: 'round-end'; workloadId: string; round: number; of: number; reply: RoundReply; doneRounds: number };

export interface RunOptions {
  suite: Suite;
  /** Rounds per workload; the suite's default when omitted. */
  rounds?: number;
  seed: number;
  label: string;
  onlyIds: string[] | null;
  host: Fingerprint;
  toolVersion: string;
  executor: Executor;
  ctx: Omit<WorkloadContext, 'suite'>;
  /** Override the suite's round plan (tests use tiny plans). */
  plan?: RoundPlan;
  /** A partial (or finished) file to continue: its id, seed, suite, rounds and measured rounds are kept. */
  resume?: ResultsFile;
  /** Called with the file as it stands after every round (write it atomically). */
  checkpoint?: (file: ResultsFile) => void;
  onEvent?: (e: RunEvent) => void;
  signal?: AbortSignal;
  /** Wall clock for timestamps (injectable for tests). */
  now?: () => Date;
}

/** What a run has gathered for one workload so far (shared with the duel, which keeps one per side). */
export interface WorkloadAccum {
  w: AnyWorkload;
  params: Record<string, unknown> | null;
  rounds: Round[];
  /** Set once the workload was skipped or failed: its remaining rounds do not run. */
  ended: { status: 'skipped' | 'failed'; reason: string } | null;
  extra?: Record<string, unknown>;
  notes: string[];
}

type Accum = WorkloadAccum & { extra: Record<string, unknown> };

/** The seeded schedule: round-major, workloads shuffled afresh in every round. */
export function schedule(ids: readonly string[], rounds: number, seed: number): string[] {
  const rng = createRng(seed);
  const out: string[] = [];
  for (let r = 0; r < rounds; r++) out.push(...shuffled(ids, rng));
  return out;
}

/** A round's own seed: the run's seed, the workload and the round number, hashed (FNV-1a) to 31 bits. */
export function roundSeedOf(seed: number, id: string, round: number): number {
  let h = 0x811c9dc5;
  for (const ch of `${seed}:${id}:${round}`) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193);
  return (h >>> 1) & 0x7fffffff;
}

function peerLabel(peer: PeerAddress | null): string | null {
  if (!peer) return null;
  return peer.kind === 'loopback' ? `loopback (${peer.host}:${peer.port})` : `${peer.host}:${peer.port}`;
}

function mergeExtra(into: Record<string, unknown>, extra: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(extra)) {
    const prev = into[k];
    into[k] = Array.isArray(prev) ? [...prev, v] : prev === undefined ? [v] : [prev, v];
  }
}

/**
 * The WorkloadResult for what was gathered: ok with its summary, or skipped/failed with the reason.
 * `noRounds` is the reason given when nothing ran and nothing ended the workload.
 */
export function workloadResultOf(
  a: WorkloadAccum,
  noRounds: Omit<WorkloadNotOk, 'id' | 'category' | 'title'> = { status: 'failed', reason: 'no round completed' },
): WorkloadResult {
  const base = { id: a.w.id, category: a.w.category, title: a.w.title };
  if (a.ended && (a.ended.status === 'skipped' || a.rounds.length === 0))
    return { ...base, status: a.ended.status, reason: a.ended.reason };
  if (a.rounds.length === 0) return { ...base, ...noRounds };
  if (a.ended) return { ...base, status: 'failed', reason: `${a.ended.reason} (after ${a.rounds.length} good rounds)` };
  const ok: WorkloadOk = {
    ...base,
    unit: a.w.unit,
    better: a.w.better,
    status: 'ok',
    params: a.params ?? {},
    summary: summarize(a.rounds, a.w.better),
    rounds: [...a.rounds],
  };
  const kernel = a.rounds.map((r) => r.kernelSecondsPerOp).filter((x): x is number => typeof x === 'number' && Number.isFinite(x));
  if (kernel.length) {
    const sorted = [...kernel].sort((x, y) => x - y);
    const mid = sorted.length >> 1;
    const median = sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
    ok.kernel = {
      medianSecondsPerOp: median,
      minSecondsPerOp: sorted[0] as number,
      maxSecondsPerOp: sorted[sorted.length - 1] as number,
      rounds: kernel.length,
    };
  }
  if (a.notes.length) ok.notes = [...new Set(a.notes)];
  if (a.extra && Object.keys(a.extra).length) ok.extra = a.extra;
  return ok;
}

/** Rebuild accumulators from a file being resumed. */
function fromResume(workloads: AnyWorkload[], file: ResultsFile | undefined): Map<string, Accum> {
  const acc = new Map<string, Accum>();
  for (const w of workloads) acc.set(w.id, { w, params: null, rounds: [], ended: null, extra: {}, notes: [] });
  for (const r of file?.workloads ?? []) {
    const a = acc.get(r.id);
    if (!a) continue;
    if (r.status === 'ok') {
      a.params = r.params;
      a.rounds = [...r.rounds];
      a.extra = { ...(r.extra ?? {}) };
      a.notes = [...(r.notes ?? [])];
    } else {
      a.ended = { status: r.status, reason: r.reason };
    }
  }
  return acc;
}

/** Workloads a suite selects (before --only). */
export function suiteWorkloads(all: AnyWorkload[], suite: Suite): AnyWorkload[] {
  return SUITES[suite].quickOnly ? all.filter((w) => w.inQuick) : all;
}

/** `--only` ids or families (comma lists allowed) if given, else the suite's workloads; InputError when none. */
export function selectWorkloads(registry: WorkloadRegistry, suite: Suite, only: string[] | null): AnyWorkload[] {
  let chosen: AnyWorkload[];
  try {
    chosen = only ? registry.select(only) : suiteWorkloads(registry.all(), suite);
  } catch (e) {
    throw new InputError((e as Error).message);
  }
  if (chosen.length === 0) throw new InputError('no workloads selected');
  return chosen;
}

/**
 * Run `workloads` (already selected) and return the finished results file.
 * Never throws for a workload's failure; throws only when nothing can run at all.
 */
export async function runProbe(workloads: AnyWorkload[], opts: RunOptions): Promise<ResultsFile> {
  const now = opts.now ?? (() => new Date());
  const resume = opts.resume;
  const resumedSuite = resume?.config.suite;
  if (resumedSuite === 'lifecycle') throw new InputError('a virtax lifecycle file cannot be resumed as a run (run virtax lifecycle again)');
  const suite = resumedSuite ?? opts.suite;
  const spec = SUITES[suite];
  const rounds = resume?.config.rounds ?? opts.rounds ?? spec.rounds;
  const seed = resume?.config.seed ?? opts.seed;
  const plan = opts.plan ?? spec.plan;
  const ctx: WorkloadContext = { ...opts.ctx, suite };
  const acc = fromResume(workloads, resume);
  const steals: number[] = [];
  for (const a of acc.values()) for (const r of a.rounds) if (r.stealPct !== null) steals.push(r.stealPct);

  const file: ResultsFile = {
    schema: RESULTS_SCHEMA,
    id: resume?.id ?? randomUUID(),
    label: resume?.label ?? opts.label,
    startedAt: resume?.startedAt ?? now().toISOString(),
    finishedAt: null,
    tool: { name: 'virtax', version: opts.toolVersion, node: process.version },
    host: opts.host,
    config: { suite, rounds, seed, onlyIds: resume?.config.onlyIds ?? opts.onlyIds, peer: peerLabel(ctx.peer) },
    conditions: {
      stealPct: null,
      loadAvg1Start: resume?.conditions.loadAvg1Start ?? loadAvg1(),
      loadAvg1End: null,
      notes: [...(resume?.conditions.notes ?? [])],
    },
    workloads: [],
  };
  if (resume) file.conditions.notes.push(`resumed at ${now().toISOString()}`);

  // While the run is unfinished (checkpoints, an interrupted run), a workload with no round yet is left out:
  // writing it as "failed: no round completed" would make --resume treat it as ended and never run it.
  const snapshot = (finished: boolean): ResultsFile => {
    file.workloads = workloads
      .map((w) => acc.get(w.id) as Accum)
      .filter((a) => finished || a.ended || a.rounds.length > 0)
      .map((a) => workloadResultOf(a));
    file.conditions.stealPct = steals.length ? steals.reduce((x, y) => x + y, 0) / steals.length : null;
    return file;
  };

  // Skip in the schedule what the resumed file already holds: the first k occurrences of each workload.
  const seen = new Map<string, number>();
  const todo: { id: string; round: number }[] = [];
  for (const id of schedule(
    workloads.map((w) => w.id),
    rounds,
    seed,
  )) {
    const k = (seen.get(id) ?? 0) + 1;
    seen.set(id, k);
    const a = acc.get(id) as Accum;
    if (a.ended || k <= a.rounds.length) continue;
    todo.push({ id, round: k });
  }
  const total = workloads.length * rounds;
  let done = total - todo.length;
  opts.onEvent?.({ type: 'start', totalRounds: total, doneRounds: done, workloads: workloads.length });

  for (const step of todo) {
    if (opts.signal?.aborted) break;
    const a = acc.get(step.id) as Accum;
    if (a.ended) {
      done++;
      continue;
    }
    opts.onEvent?.({ type: 'round-start', workloadId: step.id, round: step.round, of: rounds });
    const load = loadAvg1();
    const roundSeed = roundSeedOf(seed, step.id, step.round);
    const reply = await opts.executor.runRound({ workloadId: step.id, suite, ctx: { ...ctx, roundSeed }, plan }, opts.signal);
    if (opts.signal?.aborted) break; // an interrupted round is not a failure of the workload
    // Ctrl-C reaches the round process (same process group) as early as this one: its death (EPIPE, exit by
    // SIGINT) can be reported before our own handler has aborted the run. Let that handler run first.
    if (reply.status === 'failed' && opts.signal) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      if (opts.signal.aborted) break;
    }
    if (reply.status === 'ok') {
      a.params = reply.params;
      a.rounds.push({ ...reply.outcome.round, loadAvg1: load });
      if (reply.outcome.round.stealPct !== null) steals.push(reply.outcome.round.stealPct);
      if (reply.outcome.extra) mergeExtra(a.extra, reply.outcome.extra);
      if (reply.outcome.notes) a.notes.push(...reply.outcome.notes);
    } else {
      a.ended = { status: reply.status, reason: reply.reason };
    }
    done++;
    opts.onEvent?.({ type: 'round-end', workloadId: step.id, round: step.round, of: rounds, reply, doneRounds: done });
    opts.checkpoint?.(snapshot(false));
  }

  snapshot(!opts.signal?.aborted);
  if (!opts.signal?.aborted) {
    file.finishedAt = now().toISOString();
    file.conditions.loadAvg1End = loadAvg1();
  }
  return file;
}
