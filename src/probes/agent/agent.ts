/**
 * `virtax agent`: a probe driven over stdin/stdout for duels (protocol in src/probes/agent/protocol.ts and
 * docs/duel.md). Orders are handled one at a time, in the order they arrive; every round runs in a fresh
 * child process through the same Executor the runner uses, so rounds stay independent. stdout carries
 * replies only; logs go to stderr. A malformed or unknown order gets an error reply, never a crash.
 *
 * Protocol v2's duet round: `prepare` starts a round process up to its barrier (after the warm-up) and holds it;
 * `start` releases it and answers with the result; `abort` drops it. One prepared round at a time: a new
 * `prepare` (or the end of the session) drops the one before.
 */
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { readFileSync } from 'node:fs';
import { parseCpuList } from './duet.js';
import { PROTOCOL_VERSION, PROTOCOL_VERSIONS, parseOrder, type Order, type Reply, type RoundFields } from './protocol.js';
import type { Fingerprint } from '../../types.js';
import { registry } from '../../workloads/index.js';
import { usesPeer } from '../../workloads/types.js';
import { specOfOrder, userWorkload, userWorkloadFor } from '../../workloads/user.js';
import type { PeerAddress, WorkloadContext } from '../../workloads/types.js';
import type { Executor, PreparedRound, RoundRequest } from '../engine/executor.js';
import { loadAvg1 } from '../../proc/steal.js';

export interface AgentDeps {
  executor: Executor;
  fingerprint: () => Promise<Fingerprint>;
  /** Context for workloads (scratch and storage directories); the suite comes with each order. */
  ctx: Omit<WorkloadContext, 'suite'>;
  toolVersion: string;
  /** One log line to stderr (or wherever the caller wants). */
  log: (line: string) => void;
  /** Aborts a round in progress when the agent is told to stop. */
  signal?: AbortSignal;
  /** The network target for workloads that need one (started on first use), like `virtax run` does. */
  peer?: () => Promise<PeerAddress>;
}

/** What an agent holds between orders: the duet round waiting at its barrier. */
export interface AgentState {
  prepared: { workload: string; round: PreparedRound; loadAvg1: number } | null;
}

/** The CPUs this process may run on (/proc/self/status Cpus_allowed_list), or null where that is not readable. */
export function allowedCpus(status = '/proc/self/status'): number[] | null {
  try {
    const m = /^Cpus_allowed_list:\s*(\S+)/m.exec(readFileSync(status, 'utf8'));
    return m ? parseCpuList(m[1] as string) : null;
  } catch {
    return null;
  }
}

/** The request for a round order, or the reply that ends it here (unknown workload, a user task that cannot run). */
async function roundRequest(order: RoundFields & { id: Order['id']; v: Order['v'] }, deps: AgentDeps): Promise<RoundRequest | Reply> {
  const v = order.v;
  const user = order.userTask ? specOfOrder(order.workload, order.userTask) : null;
  if (typeof user === 'string') return { v, id: order.id, ok: true, result: { status: 'failed', reason: user }, loadAvg1: loadAvg1() };
  const w = user ? userWorkload(user) : (registry.get(order.workload) ?? userWorkloadFor(order.workload, deps.ctx));
  if (!w) return { v, id: order.id, ok: false, error: `unknown workload ${order.workload} (see \`virtax list\`)` };
  const peer = usesPeer(w) && !deps.ctx.peer && deps.peer ? await deps.peer() : deps.ctx.peer;
  return {
    workloadId: order.workload,
    suite: order.suite,
    ctx: {
      ...deps.ctx,
      peer,
      suite: order.suite,
      ...(user ? { userTasks: [user] } : {}),
      ...(order.seed !== undefined ? { roundSeed: order.seed } : {}),
    },
    plan: order.plan,
  };
}

/** Answer one order. Never throws: any failure becomes an error reply. */
export async function answer(order: Order, deps: AgentDeps, state: AgentState = { prepared: null }): Promise<Reply> {
  const v = order.v;
  try {
    switch (order.op) {
      case 'hello': {
        // A v1 hello gets the v1 reply fields (and `protocols`, which v1 duels ignore), so older duels still duel.
        const cpus = allowedCpus();
        return {
          v,
          id: order.id,
          ok: true,
          protocol: PROTOCOL_VERSION,
          protocols: [...PROTOCOL_VERSIONS],
          tool: { name: 'virtax', version: deps.toolVersion, node: process.version },
          pid: process.pid,
          ...(cpus ? { cpus } : {}),
        };
      }
      case 'fingerprint':
        return { v, id: order.id, ok: true, fingerprint: await deps.fingerprint() };
      case 'quit':
        state.prepared?.round.abort();
        state.prepared = null;
        return { v, id: order.id, ok: true, bye: true };
      case 'round': {
        const req = await roundRequest(order, deps);
        if (!('workloadId' in req)) return req;
        const load = loadAvg1();
        const result = await deps.executor.runRound(req, deps.signal);
        return { v, id: order.id, ok: true, result, loadAvg1: load };
      }
      case 'prepare': {
        state.prepared?.round.abort();
        state.prepared = null;
        if (!deps.executor.prepareRound)
          return { v, id: order.id, ok: false, error: 'this agent cannot hold a round at a barrier (its executor has no prepareRound)' };
        const req = await roundRequest(order, deps);
        if (!('workloadId' in req))
          return 'result' in req ? { v: 2, id: order.id, ok: true, ready: false, result: req.result, loadAvg1: req.loadAvg1 } : req;
        const load = loadAvg1();
        const round = deps.executor.prepareRound(req, deps.signal);
        const r = await round.ready;
        if (!r.ready) return { v: 2, id: order.id, ok: true, ready: false, result: r.reply, loadAvg1: load };
        state.prepared = { workload: order.workload, round, loadAvg1: load };
        return { v: 2, id: order.id, ok: true, ready: true };
      }
      case 'start': {
        const p = state.prepared;
        state.prepared = null;
        if (!p) return { v, id: order.id, ok: false, error: 'start: no round is prepared (send prepare first)' };
        const result = await p.round.go();
        return { v, id: order.id, ok: true, result, loadAvg1: p.loadAvg1 };
      }
      case 'abort': {
        const had = state.prepared !== null;
        state.prepared?.round.abort();
        state.prepared = null;
        return { v: 2, id: order.id, ok: true, aborted: had };
      }
    }
  } catch (e) {
    return { v, id: order.id, ok: false, error: e instanceof Error ? (e.message.split('\n')[0] ?? 'error') : String(e) };
  }
}

/** Handle one line of input: parse, answer. Returns the reply and whether the agent should stop. */
export async function handleLine(
  line: string,
  deps: AgentDeps,
  state: AgentState = { prepared: null },
): Promise<{ reply: Reply; quit: boolean }> {
  const parsed = parseOrder(line);
  if ('error' in parsed) {
    deps.log(`bad order: ${parsed.error.error}`);
    return { reply: parsed.error, quit: false };
  }
  const reply = await answer(parsed.order, deps, state);
  if (parsed.order.op === 'round' || parsed.order.op === 'start') {
    const r = 'result' in reply ? reply.result : null;
    const what = parsed.order.op === 'round' ? parsed.order.workload : 'duet';
    deps.log(
      `round ${what}: ${r ? (r.status === 'ok' ? `figure ${r.outcome.round.figure}` : `${r.status}: ${r.reason}`) : `error: ${(reply as { error?: string }).error}`}`,
    );
  }
  return { reply, quit: parsed.order.op === 'quit' };
}

/**
 * Serve orders from `input` until a quit order or the end of input. Replies are written to `output`,
 * one JSON object per line, in order.
 */
export async function serveAgent(input: Readable, output: Writable, deps: AgentDeps): Promise<'quit' | 'eof'> {
  const rl = createInterface({ input, crlfDelay: Infinity, terminal: false });
  const state: AgentState = { prepared: null };
  try {
    for await (const raw of rl) {
      const line = raw.trim();
      if (line === '') continue;
      const { reply, quit } = await handleLine(line, deps, state);
      output.write(`${JSON.stringify(reply)}\n`);
      if (quit) return 'quit';
    }
    return 'eof';
  } finally {
    state.prepared?.round.abort();
    rl.close();
  }
}
