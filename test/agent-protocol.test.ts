import { spawnSync } from 'node:child_process';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { handleLine, serveAgent, type AgentDeps } from '../src/duel/agent.js';
import type { Executor, RoundRequest } from '../src/engine/executor.js';
import type { Fingerprint } from '../src/types.js';

const plan = { targetBatchSeconds: 0.001, roundSeconds: 0.02, minBatches: 2, maxBatches: 50 };
const fp = { hostname: 'fake', platform: 'metal' } as unknown as Fingerprint;

function deps(seen: RoundRequest[] = []): AgentDeps {
  const executor: Executor = {
    runRound: async (req) => {
      seen.push(req);
      return { status: 'ok', params: { n: 1 }, outcome: { round: { figure: 42, operations: 42, seconds: 1, samples: [42], stealPct: null } } };
    },
  };
  return { executor, fingerprint: async () => fp, ctx: { peer: null, scratchDir: '/tmp', ioDir: '/tmp' }, toolVersion: '9.9.9', log: () => {} };
}

const order = (o: Record<string, unknown>) => JSON.stringify({ v: 1, ...o });

describe('agent protocol v1', () => {
  it('answers hello with the protocol and tool version, fingerprint with the host', async () => {
    const hello = await handleLine(order({ id: 1, op: 'hello' }), deps());
    expect(hello.reply).toMatchObject({ v: 1, id: 1, ok: true, protocol: 1, tool: { name: 'virtax', version: '9.9.9' } });
    const f = await handleLine(order({ id: 'f', op: 'fingerprint' }), deps());
    expect(f.reply).toMatchObject({ id: 'f', ok: true, fingerprint: fp });
  });

  it('runs a round through the executor with the ordered workload, suite and plan', async () => {
    const seen: RoundRequest[] = [];
    const r = await handleLine(order({ id: 3, op: 'round', workload: 'cpu.int', suite: 'quick', plan }), deps(seen));
    expect(r.reply).toMatchObject({ id: 3, ok: true, result: { status: 'ok', outcome: { round: { figure: 42 } } } });
    expect(seen[0]).toMatchObject({ workloadId: 'cpu.int', suite: 'quick', plan, ctx: { suite: 'quick', scratchDir: '/tmp' } });
  });

  it("hands the order's round seed to the round (a noisy.* round's aggressor order); a seed that is not a whole number is refused", async () => {
    const seen: RoundRequest[] = [];
    await handleLine(order({ id: 1, op: 'round', workload: 'cpu.int', suite: 'quick', plan, seed: 123456789 }), deps(seen));
    expect(seen[0]?.ctx.roundSeed).toBe(123456789);
    await handleLine(order({ id: 2, op: 'round', workload: 'cpu.int', suite: 'quick', plan }), deps(seen));
    expect(seen[1]?.ctx.roundSeed).toBeUndefined();
    const bad = await handleLine(order({ id: 3, op: 'round', workload: 'cpu.int', suite: 'quick', plan, seed: 1.5 }), deps(seen));
    expect(bad.reply).toMatchObject({ id: 3, ok: false, error: 'round: seed must be a whole number' });
    expect(seen).toHaveLength(2);
  });

  it('asks for the loopback peer only for network workloads and hands it to their rounds', async () => {
    const seen: RoundRequest[] = [];
    let starts = 0;
    const d: AgentDeps = { ...deps(seen), peer: async () => (starts++, { host: '127.0.0.1', port: 4242, kind: 'loopback' }) };
    await handleLine(order({ id: 1, op: 'round', workload: 'cpu.int', suite: 'quick', plan }), d);
    expect(starts).toBe(0);
    expect(seen[0]?.ctx.peer).toBeNull();
    await handleLine(order({ id: 2, op: 'round', workload: 'net.tcp-rtt', suite: 'quick', plan }), d);
    expect(seen[1]?.ctx.peer).toEqual({ host: '127.0.0.1', port: 4242, kind: 'loopback' });
    expect(starts).toBe(1);
  });

  it.each([
    ['not json', null, /not JSON/],
    ['[1,2]', null, /JSON object/],
    [JSON.stringify({ v: 1, op: 'hello' }), null, /no id/],
    [order({ id: 4 }), 4, /unknown op null/],
    [order({ id: 5, op: 'dance' }), 5, /unknown op "dance"/],
    [JSON.stringify({ v: 2, id: 6, op: 'hello' }), 6, /protocol version 2/],
    [order({ id: 7, op: 'round', suite: 'quick', plan }), 7, /workload must be/],
    [order({ id: 8, op: 'round', workload: 'cpu.int', suite: 'huge', plan }), 8, /suite must be/],
    [order({ id: 9, op: 'round', workload: 'cpu.int', suite: 'quick', plan: { ...plan, roundSeconds: -1 } }), 9, /plan.roundSeconds/],
    [order({ id: 10, op: 'round', workload: 'no.such', suite: 'quick', plan }), 10, /unknown workload no.such/],
  ])('answers %s with an error reply, never a crash', async (line, id, why) => {
    const { reply, quit } = await handleLine(line, deps());
    expect(quit).toBe(false);
    expect(reply).toMatchObject({ v: 1, id, ok: false });
    expect((reply as { error: string }).error).toMatch(why);
  });

  it('serves orders in order over streams and stops at quit', async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    const lines: string[] = [];
    output.on('data', (d: Buffer) => lines.push(...d.toString().split('\n').filter(Boolean)));
    const done = serveAgent(input, output, deps());
    input.write(`${order({ id: 1, op: 'hello' })}\n\n{oops\n${order({ id: 2, op: 'quit' })}\n${order({ id: 3, op: 'hello' })}\n`);
    expect(await done).toBe('quit');
    const replies = lines.map((l) => JSON.parse(l) as { id: unknown; ok: boolean });
    expect(replies.map((r) => [r.id, r.ok])).toEqual([[1, true], [null, false], [2, true]]);
  });

  it('as `virtax agent`: stdout carries only replies, a real round is measured, logs go to stderr', () => {
    const input = [
      order({ id: 1, op: 'hello' }),
      'garbage',
      order({ id: 2, op: 'round', workload: 'cpu.int', suite: 'quick', plan }),
      order({ id: 3, op: 'quit' }),
    ].join('\n');
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/run-cli.ts', 'agent'], { input, encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(0);
    const replies = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(replies.map((x) => x.ok)).toEqual([true, false, true, true]);
    const round = replies[2] as { result: { status: string; outcome: { round: { figure: number; samples: number[] } } } };
    expect(round.result.status).toBe('ok');
    expect(round.result.outcome.round.figure).toBeGreaterThan(0);
    expect(round.result.outcome.round.samples.length).toBeGreaterThanOrEqual(2);
    expect(r.stderr).toMatch(/agent ready/);
  });
});
