/**
 * The duel (docs/duel.md): two agents on the same machine, every workload measured in round pairs. Pass after
 * pass, the still-running workloads are shuffled afresh, so slow drift of the machine spreads over all
 * workloads and, inside a pair, hits both sides alike.
 *
 * Interleaved (the default): the two rounds of a pair run back to back in a seeded random order (AB or BA),
 * never both at once. Duet (`mode: 'duet'`, Bulej et al. 2020; src/probes/agent/duet.ts): both rounds of a pair run at
 * the same time, each agent on its own CPUs: both agents prepare their round (protocol v2 `prepare`: set-up,
 * batch sizing and warm-up), and once both are ready both are started together (`start`), so the pair's two
 * figures come from the same time window and noise from outside hits both. Workloads whose sides would measure
 * each other (duetConflict) run interleaved within a duet, with a note. A duet needs protocol v2 on both sides;
 * an interleaved duel serves v1 agents too.
 *
 * Each side's rounds go into its own ResultsFile, checkpointed after every round, so an agent that dies
 * leaves the rounds already measured on disk. Handshake problems throw InputError (the sides given cannot
 * duel); an agent failing mid-duel ends the duel with status 'failed' and the reason.
 */
import { randomUUID } from 'node:crypto';
import { InputError } from '../errors.js';
import { createRng, shuffled } from '../stats/random.js';
import type { Comparison } from '../stats/types.js';
import { RESULTS_SCHEMA, type Fingerprint, type ResultsFile, type Suite } from '../types.js';
import type { AnyWorkload, RoundPlan } from '../workloads/types.js';
import type { RoundReply } from '../probes/engine/executor.js';
import { roundSeedOf, workloadResultOf, type WorkloadAccum } from '../probes/engine/runner.js';
import { AgentError, type AgentLink, type ReplyFields } from './client.js';
import { compareDuel } from './compare.js';
import { addWarning } from '../stats/compare.js';
import { roundReplyProblem } from '../probes/agent/protocol.js';
import { duetConflict } from '../probes/agent/duet.js';
import { userTaskOrder, type UserTaskSpec } from '../workloads/user.js';

export type SideKey = 'a' | 'b';

export interface DuelSide {
  label: string;
  /** How the side's agent was started (recorded in its results file). */
  command: string;
  link: AgentLink;
}

/** `--rounds auto`: add round pairs until every interval is narrow enough or time runs out. */
export interface AutoRounds {
  /** Stop a workload once its overhead interval's half-width (percentage points) is below this. */
  targetHalfWidthPct: number;
  /** Stop starting new pairs after this many seconds of duel. */
  budgetSeconds: number;
  /** Pairs every workload gets before its interval is checked. */
  minRounds: number;
  /** Never more pairs than this per workload. */
  maxRounds: number;
}

/** How a pair ran: A then B, B then A, or both at once (duet). */
export type PairOrder = 'AB' | 'BA' | 'duet';

export type DuelMode = 'interleaved' | 'duet';

export type DuelEvent =
  | { type: 'ready'; a: Fingerprint; b: Fingerprint }
  | {
      type: 'pair';
      workloadId: string;
      pair: number;
      of: number | null;
      order: PairOrder;
      a: RoundReply | null;
      b: RoundReply | null;
      pairsDone: number;
      pairsTotal: number | null;
    }
  | { type: 'check'; pass: number; widths: { id: string; halfWidthPct: number | null; settled: boolean }[] };

export interface DuelOptions {
  a: DuelSide;
  b: DuelSide;
  /** Interleaved (default) or duet: both rounds of a pair at once, each side on its own CPUs (set up by the caller). */
  mode?: DuelMode;
  /** Words for the results files on how the sides were placed (a duet's CPU sets). */
  placement?: { a: string; b: string };
  /** Workloads to duel (already selected and known to this virtax). */
  workloads: AnyWorkload[];
  /** The user's tinybench tasks among `workloads` (duel --workload): each round order carries its module. */
  userTasks?: UserTaskSpec[];
  suite: Suite;
  plan: RoundPlan;
  /** A fixed number of pairs per workload, or automatic. */
  rounds: number | AutoRounds;
  seed: number;
  /** Our own version: both agents must report it. */
  toolVersion: string;
  /** Per-order timeout. */
  timeoutMs: number;
  noisePct?: number;
  alpha?: number;
  resamples?: number;
  /** Called with a side's file after each of its rounds (write it atomically). */
  checkpoint?: (side: SideKey, file: ResultsFile) => void;
  onEvent?: (e: DuelEvent) => void;
  signal?: AbortSignal;
  /** Wall clock (injectable): ISO timestamps and the auto budget. */
  now?: () => number;
}

export interface PairRecord {
  workloadId: string;
  pair: number;
  order: PairOrder;
}

export interface DuelOutcome {
  /** finished: every planned pair ran; failed: an agent died/hung/answered garbage; interrupted: signal. */
  status: 'finished' | 'failed' | 'interrupted';
  error: string | null;
  /** Why the duel stopped adding pairs (fixed count reached, target reached, budget spent, ...). */
  stopped: string;
  a: ResultsFile;
  b: ResultsFile;
  comparison: Comparison;
  pairs: PairRecord[];
  seconds: number;
  mode: DuelMode;
  /** Workloads a duet ran interleaved instead, with the reason. */
  interleavedInDuet: { id: string; reason: string }[];
  /** The protocol version each side spoke. */
  protocols: { a: number; b: number };
}

type Accum = WorkloadAccum;

class SideState {
  readonly acc = new Map<string, Accum>();
  readonly file: ResultsFile;

  constructor(
    side: DuelSide,
    key: SideKey,
    other: DuelSide,
    host: Fingerprint,
    tool: ResultsFile['tool'],
    opts: DuelOptions,
    startedAt: string,
    loadAvg1: number,
  ) {
    for (const w of opts.workloads) this.acc.set(w.id, { w, params: null, rounds: [], ended: null, notes: [] });
    this.file = {
      schema: RESULTS_SCHEMA,
      id: randomUUID(),
      label: side.label,
      startedAt,
      finishedAt: null,
      tool,
      host,
      config: {
        suite: opts.suite,
        rounds: typeof opts.rounds === 'number' ? opts.rounds : opts.rounds.maxRounds,
        seed: opts.seed,
        onlyIds: opts.workloads.map((w) => w.id),
        peer: null,
      },
      conditions: {
        stealPct: null,
        loadAvg1Start: loadAvg1,
        loadAvg1End: null,
        notes: [
          opts.mode === 'duet'
            ? `duel side ${key.toUpperCase()} ("${side.label}", started as: ${side.command}${opts.placement ? `, ${opts.placement[key]}` : ''}), in duet with side ${key === 'a' ? 'B' : 'A'} ("${other.label}", ${other.command}): both rounds of a pair ran at the same time`
            : `duel side ${key.toUpperCase()} ("${side.label}", started as: ${side.command}), interleaved round by round with side ${key === 'a' ? 'B' : 'A'} ("${other.label}", ${other.command})`,
        ],
      },
      workloads: [],
    };
  }

  snapshot(): ResultsFile {
    this.file.workloads = [...this.acc.values()].map((a) =>
      workloadResultOf(a, { status: 'skipped', reason: 'no round ran (the duel ended before this workload)' }),
    );
    const steals = [...this.acc.values()].flatMap((a) => a.rounds.map((r) => r.stealPct)).filter((x): x is number => x !== null);
    this.file.conditions.stealPct = steals.length ? steals.reduce((x, y) => x + y, 0) / steals.length : null;
    return this.file;
  }
}

/** The protocol versions an agent's hello says it speaks (a v1 agent names only `protocol: 1`). */
export function helloProtocols(hello: ReplyFields): number[] {
  if (Array.isArray(hello.protocols) && hello.protocols.every((x) => Number.isInteger(x))) return hello.protocols as number[];
  return Number.isInteger(hello.protocol) ? [hello.protocol as number] : [];
}
/** hello + fingerprint; throws InputError when the side cannot take part. */
async function handshake(
  side: DuelSide,
  key: string,
  opts: DuelOptions,
): Promise<{ host: Fingerprint; tool: ResultsFile['tool']; protocols: number[] }> {
  try {
    const hello = await side.link.request({ op: 'hello' }, opts.timeoutMs);
    const tool = hello.tool as { name?: unknown; version?: unknown; node?: unknown } | undefined;
    const protocols = helloProtocols(hello);
    if (!protocols.includes(1) && !protocols.includes(2)) {
      throw new InputError(
        `side ${key} ("${side.label}") speaks agent protocol ${JSON.stringify(hello.protocol ?? null)}, this duel speaks 1 and 2: run the same virtax version on both sides`,
      );
    }
    if (opts.mode === 'duet' && !protocols.includes(2)) {
      throw new InputError(
        `side ${key} ("${side.label}") speaks agent protocol ${protocols.join(', ')} only; a duet needs protocol 2 on both sides (a newer virtax there), or duel it interleaved (--mode interleaved)`,
      );
    }
    if (tool?.name !== 'virtax' || tool.version !== opts.toolVersion) {
      throw new InputError(
        `side ${key} ("${side.label}") is virtax ${String(tool?.version ?? '?')}, this duel is virtax ${opts.toolVersion}: run the same version on both sides`,
      );
    }
    const fp = await side.link.request({ op: 'fingerprint' }, opts.timeoutMs);
    const host = fp.fingerprint as Fingerprint | undefined;
    if (typeof host !== 'object' || host === null || typeof host.platform !== 'string' || typeof host.cpu !== 'object') {
      throw new InputError(`side ${key} ("${side.label}") answered fingerprint without a fingerprint`);
    }
    return {
      host,
      tool: { name: 'virtax', version: opts.toolVersion, node: typeof tool.node === 'string' ? tool.node : 'unknown' },
      protocols,
    };
  } catch (e) {
    if (e instanceof AgentError) throw new InputError(`could not start the duel: ${e.message}`);
    throw e;
  }
}

/** Run the duel. Throws InputError when the two sides cannot duel; otherwise always returns an outcome. */
export async function runDuel(opts: DuelOptions): Promise<DuelOutcome> {
  const now = opts.now ?? Date.now;
  const t0 = now();
  const startedAt = new Date(t0).toISOString();
  const ha = await handshake(opts.a, 'A', opts);
  const hb = await handshake(opts.b, 'B', opts);
  // Speak v2 with agents that speak it (a duet needs it; an interleaved duel's `round` is the same in both).
  const protocols = { a: ha.protocols.includes(2) ? 2 : 1, b: hb.protocols.includes(2) ? 2 : 1 } as const;
  if (protocols.a === 2) opts.a.link.useProtocol?.(2);
  if (protocols.b === 2) opts.b.link.useProtocol?.(2);
  const mode: DuelMode = opts.mode ?? 'interleaved';
  const interleavedInDuet: { id: string; reason: string }[] = [];
  opts.onEvent?.({ type: 'ready', a: ha.host, b: hb.host });
  const load = (await import('../proc/steal.js')).loadAvg1;
  const sides: Record<SideKey, SideState> = {
    a: new SideState(opts.a, 'a', opts.b, ha.host, ha.tool, opts, startedAt, load()),
    b: new SideState(opts.b, 'b', opts.a, hb.host, hb.tool, opts, startedAt, load()),
  };
  const compareOpts = { noisePct: opts.noisePct ?? 1, alpha: opts.alpha ?? 0.05, resamples: opts.resamples ?? 10_000, seed: opts.seed };
  const auto = typeof opts.rounds === 'number' ? null : opts.rounds;
  const fixed = typeof opts.rounds === 'number' ? opts.rounds : null;
  const rng = createRng(opts.seed);
  const pairs: PairRecord[] = [];
  const settled = new Set<string>();
  let status: DuelOutcome['status'] = 'finished';
  let error: string | null = null;
  let stopped = '';
  const elapsed = () => (now() - t0) / 1000;

  const userTaskField = (id: string) => {
    const spec = opts.userTasks?.find((t) => t.id === id);
    return spec ? { userTask: userTaskOrder(spec) } : {};
  };
  // Both rounds of a pair get the same round seed (a noisy.* round's aggressor order): the pair differs only in its side.
  const roundFields = (w: AnyWorkload, pass: number) => ({
    workload: w.id,
    suite: opts.suite,
    plan: opts.plan,
    seed: roundSeedOf(opts.seed, w.id, pass),
    ...userTaskField(w.id),
  });
  const linkOf = (key: SideKey) => (key === 'a' ? opts.a : opts.b).link;
  const runSide = async (key: SideKey, w: AnyWorkload, pass: number): Promise<RoundReply> => {
    const reply = await linkOf(key).request({ op: 'round', ...roundFields(w, pass) }, opts.timeoutMs);
    return record(key, w, reply);
  };
  /**
   * A duet pair: both sides prepare (set-up, batch sizing, warm-up) at once; once both are ready, both are started
   * together, and both replies are recorded. A side whose round ended before its barrier (skipped, failed) is
   * recorded as such and the other side's prepared round is dropped.
   */
  const runDuetPair = async (w: AnyWorkload, pass: number): Promise<{ a: RoundReply | null; b: RoundReply | null }> => {
    const fields = roundFields(w, pass);
    const prepared = await Promise.allSettled([
      linkOf('a').request({ op: 'prepare', ...fields }, opts.timeoutMs),
      linkOf('b').request({ op: 'prepare', ...fields }, opts.timeoutMs),
    ]);
    const [pa, pb] = prepared;
    const failed = prepared.find((p): p is PromiseRejectedResult => p.status === 'rejected');
    if (failed) {
      // Drop what the other side prepared, then report the broken agent.
      for (const [k, p] of [
        ['a', pa],
        ['b', pb],
      ] as const)
        if (p.status === 'fulfilled' && p.value.ready === true)
          await linkOf(k)
            .request({ op: 'abort' }, opts.timeoutMs)
            .catch(() => {});
      throw failed.reason;
    }
    const ra = (pa as PromiseFulfilledResult<Record<string, unknown>>).value;
    const rb = (pb as PromiseFulfilledResult<Record<string, unknown>>).value;
    if (ra.ready === true && rb.ready === true) {
      // Both at the barrier: the two start orders leave back to back, so both timed phases begin together.
      const [sa, sb] = await Promise.all([
        linkOf('a').request({ op: 'start' }, opts.timeoutMs),
        linkOf('b').request({ op: 'start' }, opts.timeoutMs),
      ]);
      return { a: record('a', w, sa), b: record('b', w, sb) };
    }
    const out: { a: RoundReply | null; b: RoundReply | null } = { a: null, b: null };
    for (const [k, r] of [
      ['a', ra],
      ['b', rb],
    ] as const) {
      if (r.ready === true) await linkOf(k).request({ op: 'abort' }, opts.timeoutMs);
      else if (r.ready === false) out[k] = record(k, w, r);
      else
        throw new AgentError(
          k === 'a' ? opts.a.label : opts.b.label,
          'garbage',
          `side ${k.toUpperCase()}: answered prepare without ready true or false`,
        );
    }
    return out;
  };
  const record = (key: SideKey, w: AnyWorkload, reply: Record<string, unknown>): RoundReply => {
    const why = roundReplyProblem(reply.result);
    if (why)
      throw new AgentError(
        key === 'a' ? opts.a.label : opts.b.label,
        'garbage',
        `side ${key.toUpperCase()}: answered a round with an invalid result: ${why}`,
      );
    const result = reply.result as RoundReply;
    const acc = sides[key].acc.get(w.id) as Accum;
    if (result.status === 'ok') {
      acc.params = result.params;
      acc.rounds.push({ ...result.outcome.round, ...(typeof reply.loadAvg1 === 'number' ? { loadAvg1: reply.loadAvg1 } : {}) });
      if (result.outcome.notes) acc.notes.push(...result.outcome.notes);
    } else {
      acc.ended = { status: result.status, reason: result.reason };
      // The pair stops here: the other side never runs this workload, and its file says why (a guest that
      // cannot measure it, e.g. mem.pagefault in gVisor), not that the duel ended early.
      const otherKey: SideKey = key === 'a' ? 'b' : 'a';
      const other = sides[otherKey].acc.get(w.id) as Accum;
      if (!other.ended && other.rounds.length === 0) {
        other.ended = {
          status: 'skipped',
          reason: `not run: side ${key.toUpperCase()} ${result.status === 'skipped' ? 'skipped' : 'failed'} it (${result.reason})`,
        };
        opts.checkpoint?.(otherKey, sides[otherKey].snapshot());
      }
    }
    opts.checkpoint?.(key, sides[key].snapshot());
    return result;
  };

  if (mode === 'duet') {
    for (const w of opts.workloads) {
      const why = duetConflict(w);
      if (!why) continue;
      interleavedInDuet.push({ id: w.id, reason: why });
      for (const key of ['a', 'b'] as const) (sides[key].acc.get(w.id) as Accum).notes.push(`ran interleaved, not in duet: ${why}`);
    }
  }

  try {
    for (let pass = 0; ; pass++) {
      const active = opts.workloads.filter((w) => !settled.has(w.id) && !sides.a.acc.get(w.id)?.ended && !sides.b.acc.get(w.id)?.ended);
      if (active.length === 0) {
        stopped = auto ? `every interval narrower than ±${auto.targetHalfWidthPct}%` : 'no workload left to run';
        break;
      }
      if (fixed !== null && pass >= fixed) {
        stopped = `${fixed} round pairs per workload`;
        break;
      }
      if (auto && pass >= auto.maxRounds) {
        stopped = `maximum of ${auto.maxRounds} round pairs reached`;
        break;
      }
      if (auto && elapsed() >= auto.budgetSeconds) {
        stopped = `time budget of ${auto.budgetSeconds} s spent`;
        break;
      }
      for (const w of shuffled(active, rng)) {
        if (opts.signal?.aborted) throw new DOMException('interrupted', 'AbortError');
        if (auto && elapsed() >= auto.budgetSeconds) break;
        // The interleaved order is drawn for every pair in both modes, so a duet's workload order is the same.
        const drawn: PairOrder = rng.int(0, 1) === 0 ? 'AB' : 'BA';
        const together = mode === 'duet' && !interleavedInDuet.some((x) => x.id === w.id);
        let got: { a: RoundReply | null; b: RoundReply | null };
        if (together) got = await runDuetPair(w, pass);
        else {
          const first: SideKey = drawn === 'AB' ? 'a' : 'b';
          const second: SideKey = drawn === 'AB' ? 'b' : 'a';
          const r1 = await runSide(first, w, pass);
          const r2 = r1.status === 'ok' ? await runSide(second, w, pass) : null;
          got = first === 'a' ? { a: r1, b: r2 } : { a: r2, b: r1 };
        }
        const order: PairOrder = together ? 'duet' : drawn;
        pairs.push({ workloadId: w.id, pair: pass + 1, order });
        opts.onEvent?.({
          type: 'pair',
          workloadId: w.id,
          pair: pass + 1,
          of: fixed,
          order,
          a: got.a,
          b: got.b,
          pairsDone: pairs.length,
          pairsTotal: fixed !== null ? fixed * opts.workloads.length : null,
        });
      }
      if (auto && pass + 1 >= auto.minRounds) {
        // The stopping rule reads the engine's own intervals, made as the final table's are (estimator, level,
        // resamples, seed), over the workloads still running; without the false-coverage-rate adjustment, which
        // depends on which rows end up called slower or faster.
        const now = compareDuel(sides.a.snapshot(), sides.b.snapshot(), { ...compareOpts, onlyIds: active.map((w) => w.id), fcr: false });
        const widths = active.map((w) => {
          const row = now.rows.find((r) => r.id === w.id);
          const half = row?.status === 'compared' ? (row.overheadPct.hi - row.overheadPct.lo) / 2 : null;
          const ok = half !== null && half < auto.targetHalfWidthPct;
          if (ok) settled.add(w.id);
          return { id: w.id, halfWidthPct: half, settled: ok };
        });
        opts.onEvent?.({ type: 'check', pass: pass + 1, widths });
      }
    }
  } catch (e) {
    if (e instanceof AgentError) {
      status = 'failed';
      error = e.message;
      stopped = 'an agent failed';
    } else if (e instanceof DOMException && e.name === 'AbortError') {
      status = 'interrupted';
      error = 'interrupted';
      stopped = 'interrupted';
    } else {
      throw e;
    }
  }

  const end = new Date(now()).toISOString();
  for (const key of ['a', 'b'] as const) {
    const s = sides[key];
    s.snapshot();
    if (status === 'finished') {
      s.file.finishedAt = end;
      s.file.conditions.loadAvg1End = load();
    } else {
      s.file.conditions.notes.push(`duel ended early at ${end}: ${error}`);
    }
    opts.checkpoint?.(key, s.file);
  }
  const comparison = compareDuel(sides.a.file, sides.b.file, compareOpts);
  if (status !== 'finished') addWarning(comparison, { code: 'duel-stopped', status, error });
  if (mode === 'duet')
    addWarning(comparison, { code: 'duet', interleaved: interleavedInDuet.map((x) => ({ id: x.id, reason: x.reason })) });
  return {
    status,
    error,
    stopped,
    a: sides.a.file,
    b: sides.b.file,
    comparison,
    pairs,
    seconds: elapsed(),
    mode,
    interleavedInDuet,
    protocols,
  };
}
