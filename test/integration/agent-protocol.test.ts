import { spawnSync } from 'node:child_process';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { handleLine, serveAgent, type AgentDeps } from '../../src/probes/agent/agent.js';
import type { Executor, RoundRequest } from '../../src/probes/engine/executor.js';
import type { Fingerprint } from '../../src/types.js';

const plan = { targetBatchSeconds: 0.001, roundSeconds: 0.02, minBatches: 2, maxBatches: 50 };
const fp = { hostname: 'fake', platform: 'metal' } as unknown as Fingerprint;

function deps(seen: RoundRequest[] = []): AgentDeps {
  const executor: Executor = {
    runRound: async (req) => {
      seen.push(req);
      return {
        status: 'ok',
        params: { n: 1 },
        outcome: { round: { figure: 42, operations: 42, seconds: 1, samples: [42], stealPct: null } },
      };
    },
  };
  return {
    executor,
    fingerprint: async () => fp,
    ctx: { peer: null, scratchDir: '/tmp', ioDir: '/tmp' },
    toolVersion: '9.9.9',
    log: () => {},
  };
}

const order = (o: Record<string, unknown>) => JSON.stringify({ v: 1, ...o });

describe('agent protocol v1', () => {
  it('answers hello with the protocol and tool version, fingerprint with the host', async () => {
    const hello = await handleLine(order({ id: 1, op: 'hello' }), deps());
    expect(hello.reply).toMatchObject({
      v: 1,
      id: 1,
      ok: true,
      protocol: 2,
      protocols: [1, 2],
      tool: { name: 'virtax', version: '9.9.9' },
    });
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
    [JSON.stringify({ v: 3, id: 6, op: 'hello' }), 6, /protocol version 3 \(this agent speaks v1 and v2\)/],
    [order({ id: 11, op: 'prepare', workload: 'cpu.int', suite: 'quick', plan }), 11, /prepare needs protocol version 2/],
    [order({ id: 12, op: 'start' }), 12, /start needs protocol version 2/],
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
    expect(replies.map((r) => [r.id, r.ok])).toEqual([
      [1, true],
      [null, false],
      [2, true],
    ]);
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
    const replies = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(replies.map((x) => x.ok)).toEqual([true, false, true, true]);
    const round = replies[2] as { result: { status: string; outcome: { round: { figure: number; samples: number[] } } } };
    expect(round.result.status).toBe('ok');
    expect(round.result.outcome.round.figure).toBeGreaterThan(0);
    expect(round.result.outcome.round.samples.length).toBeGreaterThanOrEqual(2);
    expect(r.stderr).toMatch(/agent ready/);
  });
});

describe('agent protocol v2: the duet round held at its barrier', () => {
  /** An executor whose prepared rounds log what happens to them; `endEarly` rounds end before their barrier. */
  function barrierDeps(log: string[], endEarly: string[] = []): AgentDeps {
    let n = 0;
    const executor: Executor = {
      runRound: async () => ({ status: 'failed', reason: 'not used' }),
      prepareRound: (req) => {
        const k = ++n;
        log.push(`prepare ${req.workloadId} #${k}`);
        const early = endEarly.includes(req.workloadId);
        return {
          ready: Promise.resolve(
            early ? { ready: false as const, reply: { status: 'skipped' as const, reason: 'cannot here' } } : { ready: true as const },
          ),
          go: async () => {
            log.push(`go #${k}`);
            return { status: 'ok', params: {}, outcome: { round: { figure: 7, operations: 7, seconds: 1, samples: [7], stealPct: null } } };
          },
          abort: () => void log.push(`abort #${k}`),
        };
      },
    };
    return { ...deps(), executor };
  }
  const v2 = (o: Record<string, unknown>) => JSON.stringify({ v: 2, ...o });

  it('prepare answers ready; start runs the prepared round and answers its result, in v2', async () => {
    const log: string[] = [];
    const d = barrierDeps(log);
    const state = { prepared: null };
    const p = await handleLine(v2({ id: 1, op: 'prepare', workload: 'cpu.int', suite: 'quick', plan, seed: 5 }), d, state);
    expect(p.reply).toEqual({ v: 2, id: 1, ok: true, ready: true });
    expect(log).toEqual(['prepare cpu.int #1']);
    const s = await handleLine(v2({ id: 2, op: 'start' }), d, state);
    expect(s.reply).toMatchObject({ v: 2, id: 2, ok: true, result: { status: 'ok', outcome: { round: { figure: 7 } } } });
    expect(log).toEqual(['prepare cpu.int #1', 'go #1']);
    const again = await handleLine(v2({ id: 3, op: 'start' }), d, state);
    expect(again.reply).toMatchObject({ v: 2, id: 3, ok: false, error: expect.stringMatching(/no round is prepared/) });
  });

  it('a new prepare, abort and quit drop the round held at the barrier', async () => {
    const log: string[] = [];
    const d = barrierDeps(log);
    const state = { prepared: null };
    await handleLine(v2({ id: 1, op: 'prepare', workload: 'cpu.int', suite: 'quick', plan }), d, state);
    await handleLine(v2({ id: 2, op: 'prepare', workload: 'sys.stat', suite: 'quick', plan }), d, state);
    expect((await handleLine(v2({ id: 3, op: 'abort' }), d, state)).reply).toEqual({ v: 2, id: 3, ok: true, aborted: true });
    expect((await handleLine(v2({ id: 4, op: 'abort' }), d, state)).reply).toEqual({ v: 2, id: 4, ok: true, aborted: false });
    await handleLine(v2({ id: 5, op: 'prepare', workload: 'cpu.int', suite: 'quick', plan }), d, state);
    expect((await handleLine(v2({ id: 6, op: 'quit' }), d, state)).quit).toBe(true);
    expect(log).toEqual(['prepare cpu.int #1', 'abort #1', 'prepare sys.stat #2', 'abort #2', 'prepare cpu.int #3', 'abort #3']);
  });

  it('a round that ends before its barrier answers ready false with its result', async () => {
    const d = barrierDeps([], ['mem.pagefault']);
    const p = await handleLine(v2({ id: 1, op: 'prepare', workload: 'mem.pagefault', suite: 'quick', plan }), d, { prepared: null });
    expect(p.reply).toMatchObject({ v: 2, id: 1, ok: true, ready: false, result: { status: 'skipped', reason: 'cannot here' } });
  });

  it('as `virtax agent`: a real round process waits at the barrier after its warm-up and measures on start', () => {
    const input = [
      order({ id: 1, op: 'hello' }),
      v2({ id: 2, op: 'prepare', workload: 'cpu.int', suite: 'quick', plan }),
      v2({ id: 3, op: 'start' }),
      v2({ id: 4, op: 'quit' }),
    ].join('\n');
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/run-cli.ts', 'agent'], { input, encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(0);
    const replies = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(replies.map((x) => [x.v, x.ok])).toEqual([
      [1, true],
      [2, true],
      [2, true],
      [2, true],
    ]);
    expect(replies[0]!.cpus).toEqual(expect.arrayContaining([0]));
    expect(replies[1]).toMatchObject({ ready: true });
    const round = replies[2] as { result: { status: string; outcome: { round: { figure: number; warmup: { batches: number } } } } };
    expect(round.result.status).toBe('ok');
    expect(round.result.outcome.round.figure).toBeGreaterThan(0);
    expect(round.result.outcome.round.warmup.batches).toBeGreaterThan(0);
  });
});
