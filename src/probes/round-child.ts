/** Entry point of a round process: receives one RoundRequest over IPC, measures it, replies, exits. */
import { registry } from '../workloads/index.js';
import { userWorkloadFor } from '../workloads/user.js';
import type { RoundReply, RoundRequest } from './executor.js';
import { runRound } from './round.js';

export async function measure(req: RoundRequest): Promise<RoundReply> {
  const w = registry.get(req.workloadId) ?? userWorkloadFor(req.workloadId, req.ctx);
  if (!w) return { status: 'failed', reason: `unknown workload ${req.workloadId}` };
  try {
    const params = w.params(req.suite, req.ctx);
    const why = w.available ? await w.available(params, req.ctx) : null;
    if (why) return { status: 'skipped', reason: why };
    const outcome = await runRound(w, params, req.ctx, req.plan);
    return { status: 'ok', params, outcome };
  } catch (e) {
    return { status: 'failed', reason: e instanceof Error ? e.message : String(e) };
  }
}

if (process.env.VIRTAX_ROUND_CHILD === '1' && process.send) {
  // The parent starts us in our own process group (Ctrl-C reaches only it) and kills us on interrupt; if it goes
  // away without doing so, stop rather than finish a round nobody will read.
  process.on('disconnect', () => process.exit(1));
  process.once('message', (req: RoundRequest) => {
    void measure(req).then((reply) => {
      process.send!(reply, () => process.exit(0));
    });
  });
}
