/**
 * How the runner gets one round measured. The real executor forks a fresh Node process per round
 * (so rounds are independent: fresh JIT, heap, page tables); tests inject a deterministic fake.
 */
import { fork } from 'node:child_process';
import { childExecArgv, moduleBeside } from '../host/node-child.js';
import type { Suite } from '../types.js';
import type { RoundPlan, WorkloadContext } from '../workloads/types.js';
import type { RoundOutcome } from '../workloads/round.js';

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

export interface Executor {
  runRound(req: RoundRequest, signal?: AbortSignal): Promise<RoundReply>;
}


/** Forks `round-child` for every round. `timeoutMs` bounds one round (a hung workload is a failed round). */
export class ChildProcessExecutor implements Executor {
  constructor(private readonly timeoutMs = 120_000) {}

  runRound(req: RoundRequest, signal?: AbortSignal): Promise<RoundReply> {
    return new Promise((resolve) => {
      const child = fork(moduleBeside('round-child', import.meta.url), [], {
        execArgv: childExecArgv(),
        serialization: 'advanced',
        // Own process group: a terminal's Ctrl-C signals the whole foreground group, and a round process killed
        // by it could be reported as a failed workload before the parent saw its own SIGINT. The parent alone
        // handles the interrupt (abort -> kill this child -> keep the finished rounds).
        detached: true,
        stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
        env: { ...process.env, VIRTAX_ROUND_CHILD: '1' },
      });
      let stderr = '';
      let settled = false;
      const finish = (reply: RoundReply) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
        resolve(reply);
      };
      const onAbort = () => finish({ status: 'failed', reason: 'interrupted' });
      signal?.addEventListener('abort', onAbort, { once: true });
      const timer = setTimeout(
        () => finish({ status: 'failed', reason: `round did not finish within ${Math.round(this.timeoutMs / 1000)} s` }),
        this.timeoutMs,
      );
      child.stderr?.on('data', (d: Buffer) => {
        stderr = (stderr + d.toString()).slice(-2000);
      });
      child.on('message', (m) => finish(m as RoundReply));
      child.on('error', (e) => finish({ status: 'failed', reason: `could not start a round process: ${e.message}` }));
      child.on('exit', (code, sig) => {
        const last = stderr.trim().split('\n').filter(Boolean).pop() ?? '';
        finish({
          status: 'failed',
          reason: `round process exited (${sig ?? `code ${code}`}) without a result${last ? `: ${last}` : ''}`,
        });
      });
      child.send(req);
    });
  }
}
