/** `virtax agent` as a library call (src/probes/agent/agent-session.ts) on a fake executor and peer: no process started. */
import { existsSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { agentSession } from '../../src/probes/agent/agent-session.js';
import type { Executor, RoundRequest } from '../../src/probes/engine/executor.js';
import type { PeerProcess } from '../../src/probes/peers/peer.js';
import type { Fingerprint } from '../../src/types.js';

const plan = { targetBatchSeconds: 0.001, roundSeconds: 0.02, minBatches: 2, maxBatches: 50 };

describe('agentSession', () => {
  it('serves orders, starts the loopback peer once for network rounds, then stops it and removes its scratch directory', async () => {
    const seen: RoundRequest[] = [];
    const executor: Executor = {
      runRound: async (req) => {
        seen.push(req);
        return { status: 'ok', params: {}, outcome: { round: { figure: 1, operations: 1, seconds: 1, samples: [1], stealPct: null } } };
      },
    };
    let spawned = 0;
    let stopped = 0;
    const spawnPeer = async () => {
      spawned++;
      return { host: '127.0.0.1', port: 4242, stop: async () => void stopped++ } as unknown as PeerProcess;
    };
    const input = new PassThrough();
    const output = new PassThrough();
    const replies: Record<string, unknown>[] = [];
    output.on('data', (d: Buffer) =>
      replies.push(
        ...d
          .toString()
          .trim()
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l) as Record<string, unknown>),
      ),
    );
    const done = agentSession(
      input,
      output,
      { roundTimeoutMs: 1000, ioDir: '/tmp' },
      { executor, spawnPeer, fingerprint: async () => ({ platform: 'metal' }) as Fingerprint, log: () => {} },
    );
    const order = (o: object) => input.write(`${JSON.stringify({ v: 1, ...o })}\n`);
    order({ id: 1, op: 'round', workload: 'cpu.int', suite: 'quick', plan });
    order({ id: 2, op: 'round', workload: 'net.tcp-rtt', suite: 'quick', plan });
    order({ id: 3, op: 'round', workload: 'net.http', suite: 'quick', plan });
    order({ id: 4, op: 'quit' });
    expect(await done).toBe('quit');
    expect(replies.map((r) => r.id)).toEqual([1, 2, 3, 4]);
    expect(seen.map((r) => r.ctx.peer)).toEqual([
      null,
      { host: '127.0.0.1', port: 4242, kind: 'loopback' },
      { host: '127.0.0.1', port: 4242, kind: 'loopback' },
    ]);
    expect([spawned, stopped]).toEqual([1, 1]);
    expect(seen[0]?.ctx.ioDir).toBe('/tmp');
    expect(existsSync(seen[0]?.ctx.scratchDir ?? '/')).toBe(false);
  });
});
