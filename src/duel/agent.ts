/**
 * `virtax agent`: a probe driven over stdin/stdout for duels (protocol in src/duel/protocol.ts and
 * docs/duel.md). Orders are handled one at a time, in the order they arrive; every round runs in a fresh
 * child process through the same Executor the runner uses, so rounds stay independent. stdout carries
 * replies only; logs go to stderr. A malformed or unknown order gets an error reply, never a crash.
 */
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { PROTOCOL_VERSION, parseOrder, type Order, type Reply } from './protocol.js';
import type { Fingerprint } from '../types.js';
import { registry } from '../workloads/index.js';
import { usesPeer } from '../workloads/network.js';
import { specOfOrder, userWorkload, userWorkloadFor } from '../workloads/user.js';
import type { PeerAddress, WorkloadContext } from '../workloads/types.js';
import type { Executor } from '../engine/executor.js';
import { loadAvg1 } from '../host/steal.js';

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

/** Answer one order. Never throws: any failure becomes an error reply. */
export async function answer(order: Order, deps: AgentDeps): Promise<Reply> {
  const v = PROTOCOL_VERSION;
  try {
    switch (order.op) {
      case 'hello':
        return { v, id: order.id, ok: true, protocol: PROTOCOL_VERSION, tool: { name: 'virtax', version: deps.toolVersion, node: process.version }, pid: process.pid };
      case 'fingerprint':
        return { v, id: order.id, ok: true, fingerprint: await deps.fingerprint() };
      case 'quit':
        return { v, id: order.id, ok: true, bye: true };
      case 'round': {
        const user = order.userTask ? specOfOrder(order.workload, order.userTask) : null;
        if (typeof user === 'string') return { v, id: order.id, ok: true, result: { status: 'failed', reason: user }, loadAvg1: loadAvg1() };
        const w = user ? userWorkload(user) : (registry.get(order.workload) ?? userWorkloadFor(order.workload, deps.ctx));
        if (!w) return { v, id: order.id, ok: false, error: `unknown workload ${order.workload} (see \`virtax list\`)` };
        const peer = usesPeer(w) && !deps.ctx.peer && deps.peer ? await deps.peer() : deps.ctx.peer;
        const load = loadAvg1();
        const result = await deps.executor.runRound(
          { workloadId: order.workload, suite: order.suite, ctx: { ...deps.ctx, peer, suite: order.suite, ...(user ? { userTasks: [user] } : {}), ...(order.seed !== undefined ? { roundSeed: order.seed } : {}) }, plan: order.plan },
          deps.signal,
        );
        return { v, id: order.id, ok: true, result, loadAvg1: load };
      }
    }
  } catch (e) {
    return { v, id: order.id, ok: false, error: e instanceof Error ? e.message.split('\n')[0] ?? 'error' : String(e) };
  }
}

/** Handle one line of input: parse, answer. Returns the reply and whether the agent should stop. */
export async function handleLine(line: string, deps: AgentDeps): Promise<{ reply: Reply; quit: boolean }> {
  const parsed = parseOrder(line);
  if ('error' in parsed) {
    deps.log(`bad order: ${parsed.error.error}`);
    return { reply: parsed.error, quit: false };
  }
  const reply = await answer(parsed.order, deps);
  if (parsed.order.op === 'round') {
    const r = 'result' in reply ? reply.result : null;
    deps.log(`round ${parsed.order.workload}: ${r ? (r.status === 'ok' ? `figure ${r.outcome.round.figure}` : `${r.status}: ${r.reason}`) : `error: ${(reply as { error?: string }).error}`}`);
  }
  return { reply, quit: parsed.order.op === 'quit' };
}

/**
 * Serve orders from `input` until a quit order or the end of input. Replies are written to `output`,
 * one JSON object per line, in order.
 */
export async function serveAgent(input: Readable, output: Writable, deps: AgentDeps): Promise<'quit' | 'eof'> {
  const rl = createInterface({ input, crlfDelay: Infinity, terminal: false });
  try {
    for await (const raw of rl) {
      const line = raw.trim();
      if (line === '') continue;
      const { reply, quit } = await handleLine(line, deps);
      output.write(`${JSON.stringify(reply)}\n`);
      if (quit) return 'quit';
    }
    return 'eof';
  } finally {
    rl.close();
  }
}
