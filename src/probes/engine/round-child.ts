/**
 * Entry point of a round process: receives one RoundRequest over IPC, measures it, replies, exits.
 * A request with `barrier: true` (a duet round, src/probes/engine/executor.ts prepareRound) stops after the warm-up,
 * sends `{ type: 'ready' }` and starts its timed batches only when `{ type: 'go' }` arrives.
 */
import { registry } from '../../workloads/index.js';
import { userWorkloadFor } from '../../workloads/user.js';
import type { ChildRequest, RoundReply, RoundRequest } from './executor.js';
import { hrClock, runRound } from '../../workloads/round.js';
import { readCpuTimes, snapshotConditions } from '../../proc/steal.js';

/** Measure one round here; `beforeTimed` runs between the warm-up and the timed batches (the duet barrier). */
export async function measure(req: RoundRequest, beforeTimed?: () => Promise<void>): Promise<RoundReply> {
  const w = registry.get(req.workloadId) ?? userWorkloadFor(req.workloadId, req.ctx);
  if (!w) return { status: 'failed', reason: `unknown workload ${req.workloadId}` };
  try {
    const params = w.params(req.suite, req.ctx);
    const why = w.available ? await w.available(params, req.ctx) : null;
    if (why) return { status: 'skipped', reason: why };
    const outcome = await runRound(w, params, req.ctx, req.plan, hrClock, readCpuTimes, snapshotConditions, beforeTimed);
    return { status: 'ok', params, outcome };
  } catch (e) {
    return { status: 'failed', reason: e instanceof Error ? e.message : String(e) };
  }
}

if (process.env.VIRTAX_ROUND_CHILD === '1' && process.send) {
  // The parent starts us in our own process group (Ctrl-C reaches only it) and kills us on interrupt; if it goes
  // away without doing so, stop rather than finish a round nobody will read.
  process.on('disconnect', () => process.exit(1));
  process.once('message', (req: ChildRequest) => {
    const barrier = req.barrier
      ? () =>
          new Promise<void>((resolve) => {
            process.on('message', (m: { type?: string }) => {
              if (m?.type === 'go') resolve();
            });
            process.send!({ type: 'ready' });
          })
      : undefined;
    void measure(req, barrier).then((reply) => {
      process.send!(reply, () => process.exit(0));
    });
  });
}
