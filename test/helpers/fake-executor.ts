/** A deterministic Executor and host for tests of the runner and of `virtax run` (no process is started). */
import type { Executor, RoundReply, RoundRequest } from '../../src/probes/engine/executor.js';
import type { Fingerprint } from '../../src/types.js';

export const fakeHost: Fingerprint = {
  hostname: 'fake',
  platform: 'vm',
  hypervisor: 'kvm',
  container: null,
  evidence: ['fixture'],
  cloud: null,
  cpu: { model: 'fake', cores: 2, threads: 2, mhz: 0, flags: { aes: true, sha: true, rdrand: true, avx2: true, avx512: false } },
  clocksource: 'tsc',
  kernel: '6.1.0',
  os: 'test',
  memoryBytes: 1,
  numaNodes: 1,
};

/** Replies from a script: `fate(id, n)` for the n-th call of workload id (1-based); ok rounds have figure = 100*n. */
export class FakeExecutor implements Executor {
  calls: string[] = [];
  /** Every request, in order (its ctx shows the peer, scratch and io directories the run gave). */
  requests: RoundRequest[] = [];
  private readonly perId = new Map<string, number>();
  constructor(
    private readonly fate: (id: string, n: number) => RoundReply['status'] = () => 'ok',
    private readonly onCall?: (id: string, callIndex: number) => void,
  ) {}
  async runRound(req: RoundRequest): Promise<RoundReply> {
    const n = (this.perId.get(req.workloadId) ?? 0) + 1;
    this.perId.set(req.workloadId, n);
    this.calls.push(req.workloadId);
    this.requests.push(req);
    this.onCall?.(req.workloadId, this.calls.length);
    const status = this.fate(req.workloadId, n);
    if (status === 'skipped') return { status, reason: `${req.workloadId} needs /dev/fake` };
    if (status === 'failed') return { status, reason: `${req.workloadId} crashed in round ${n}` };
    const ops = 1000 * n;
    return {
      status: 'ok',
      params: { n: 1 },
      outcome: {
        round: { figure: 100 * n, operations: ops, seconds: 1e-5, samples: [100 * n, 100 * n], stealPct: 0, batchOperations: ops / 2 },
      },
    };
  }
}
