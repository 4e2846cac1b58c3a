/**
 * How the runner gets one round measured. The real executor forks a fresh Node process per round
 * (so rounds are independent: fresh JIT, heap, page tables); tests inject a deterministic fake.
 *
 * A duet (docs/duel.md) needs a round in two steps: `prepareRound` starts the round process, which sets up,
 * sizes its batches and warms up, then waits (`ready`); `go()` starts its timed batches. The duel starts both
 * sides' timed phases together once both are ready.
 */
import { forkSettled, moduleBeside } from '../../proc/node-child.js';
import type { Suite } from '../../types.js';
import type { RoundPlan, WorkloadContext } from '../../workloads/types.js';
import type { RoundOutcome } from '../../workloads/round.js';

export interface RoundRequest {
  workloadId: string;
  suite: Suite;
  ctx: WorkloadContext;
  plan: RoundPlan;
}

export type RoundReply =
  | { status: 'ok'; params: Record<string, unknown>; outcome: RoundOutcome }
  | { status: 'skipped'; reason: string }
  | { status: 'failed'; reason: string };

/** What the round process receives: the request, and whether to wait at the barrier before its timed batches. */
export type ChildRequest = RoundRequest & { barrier?: boolean };

/** A round started up to its barrier (after the warm-up). */
export interface PreparedRound {
  /** Ready at the barrier, or the round's end if it ended before (skipped, failed, timed out). */
  ready: Promise<{ ready: true } | { ready: false; reply: RoundReply }>;
  /** Start the timed batches; resolves with the round's reply. */
  go(): Promise<RoundReply>;
  /** Stop it without measuring (the other side of the pair could not start). */
  abort(): void;
}

export interface Executor {
  runRound(req: RoundRequest, signal?: AbortSignal): Promise<RoundReply>;
  /** A round held at the barrier after its warm-up (duet); absent in executors that cannot hold one. */
  prepareRound?(req: RoundRequest, signal?: AbortSignal): PreparedRound;
}

/** Forks `round-child` for every round. `timeoutMs` bounds one round (a hung workload is a failed round). */
export class ChildProcessExecutor implements Executor {
  constructor(private readonly timeoutMs = 120_000) {}

  runRound(req: RoundRequest, signal?: AbortSignal): Promise<RoundReply> {
    return this.#start(req, signal, false).reply;
  }

  prepareRound(req: RoundRequest, signal?: AbortSignal): PreparedRound {
    const r = this.#start(req, signal, true);
    return {
      ready: r.ready,
      go: () => {
        r.send({ type: 'go' });
        return r.reply;
      },
      abort: () => r.kill('aborted: the other side of the pair could not start its round'),
    };
  }

  #start(req: RoundRequest, signal: AbortSignal | undefined, barrier: boolean) {
    let readyResolve: (r: { ready: true } | { ready: false; reply: RoundReply }) => void = () => {};
    const ready = new Promise<{ ready: true } | { ready: false; reply: RoundReply }>((res) => (readyResolve = res));
    const { child, result, settle, isSettled } = forkSettled<RoundReply>(moduleBeside('round-child', import.meta.url), {
      serialization: 'advanced',
      // Own process group: a terminal's Ctrl-C signals the whole foreground group, and a round process killed
      // by it could be reported as a failed workload before the parent saw its own SIGINT. The parent alone
      // handles the interrupt (abort -> kill this child -> keep the finished rounds).
      detached: true,
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      env: { ...process.env, VIRTAX_ROUND_CHILD: '1' },
      timeoutMs: this.timeoutMs,
      onTimeout: () => ({ status: 'failed', reason: `round did not finish within ${Math.round(this.timeoutMs / 1000)} s` }),
      onEnd: (e) =>
        e.error
          ? { status: 'failed', reason: `could not start a round process: ${e.error.message}` }
          : {
              status: 'failed',
              reason: `round process exited (${e.signal ?? `code ${e.code}`}) without a result${e.lastStderr ? `: ${e.lastStderr}` : ''}`,
            },
      onMessage: (m, done) => {
        const msg = m as RoundReply | { type: 'ready' };
        if ('type' in msg && msg.type === 'ready') readyResolve({ ready: true });
        else done(msg as RoundReply);
      },
    });
    const onAbort = () => settle({ status: 'failed', reason: 'interrupted' });
    signal?.addEventListener('abort', onAbort, { once: true });
    // However it settles, a round still waiting at its barrier learns it will never start.
    const reply = result.then((r) => {
      signal?.removeEventListener('abort', onAbort);
      readyResolve({ ready: false, reply: r });
      return r;
    });
    const message: ChildRequest = barrier ? { ...req, barrier: true } : req;
    child.send(message);
    return {
      ready,
      reply,
      send: (m: { type: 'go' }) => {
        if (!isSettled() && child.connected) child.send(m);
      },
      kill: (reason: string) => settle({ status: 'failed', reason }),
    };
  }
}
