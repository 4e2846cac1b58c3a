/**
 * `virtax duel` as a library (src/duel/session.ts) with in-process fake agents and a fake Ctrl-C: the four files
 * and the extra outputs it writes, the agents closed whatever happens, an agent failing or an interrupt ending
 * the duel with the measured rounds kept. No process is started.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AgentError, type AgentLink, type OrderBody, type ReplyFields } from '../../src/duel/client.js';
import { FILES, duelSession, type DuelDeps, type DuelRequest } from '../../src/duel/session.js';
import { SUITES } from '../../src/probes/engine/suites.js';
import { loadResults } from '../../src/results/io.js';
import { VERSION } from '../../src/version.js';
import { fakeHost } from '../helpers/fake-executor.js';

const dir = mkdtempSync(join(tmpdir(), 'virtax-duel-session-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** An agent in this process: figures drift round to round, times `factor`; `failAt` its n-th round dies. */
class FakeAgent implements AgentLink {
  rounds = 0;
  closed = false;
  constructor(
    readonly name: string,
    private readonly factor: number,
    private readonly failAt?: number,
    private readonly onRound?: () => void,
  ) {}
  async request(order: OrderBody): Promise<ReplyFields> {
    if (order.op === 'hello') return { protocol: 1, tool: { name: 'virtax', version: VERSION, node: process.version } };
    if (order.op === 'fingerprint') return { fingerprint: { ...fakeHost, hostname: this.name } };
    if (order.op !== 'round') return {};
    this.rounds++;
    if (this.rounds === this.failAt) throw new AgentError(this.name, 'died', `side ${this.name}: agent exited (code 3)`);
    this.onRound?.();
    const f = [100, 60, 140, 80, 120, 90][this.rounds % 6]! * this.factor;
    return {
      result: {
        status: 'ok',
        params: { fake: true },
        outcome: { round: { figure: f, operations: f, seconds: 1, samples: [f, f], stealPct: null } },
      },
      loadAvg1: 0,
    };
  }
  async close(): Promise<void> {
    this.closed = true;
  }
}

function request(out: string, extra: Partial<DuelRequest> = {}): DuelRequest {
  return {
    a: 'agent-a',
    b: 'agent-b',
    labelA: 'host',
    labelB: 'half',
    suite: 'quick',
    rounds: 4,
    plan: SUITES.quick.plan,
    noisePct: 1,
    timeoutSeconds: 5,
    seed: 3,
    only: ['cpu.int'],
    out,
    ...extra,
  };
}

function deps(a: FakeAgent, b: FakeAgent, ac = new AbortController()): DuelDeps & { closed: () => boolean } {
  let closed = false;
  return {
    startAgents: () => ({ a, b, close: async () => void (await Promise.all([a.close(), b.close()]), (closed = true)) }),
    interrupt: () => ({ signal: ac.signal, dispose: () => {} }),
    closed: () => closed,
  };
}

describe('duelSession with fake agents', () => {
  it('writes a.json, b.json, comparison.json, duel.json and the Markdown/CSV/JUnit/HTML asked for; closes both agents', async () => {
    const out = join(dir, 'ok');
    const a = new FakeAgent('a', 1);
    const b = new FakeAgent('b', 0.5);
    const d = deps(a, b);
    const events: string[] = [];
    const { outcome, out: wrote } = await duelSession(
      request(out, { markdown: join(dir, 'ok.md'), csv: join(dir, 'ok.csv'), junit: join(dir, 'ok.xml'), html: join(dir, 'ok.html') }),
      { ...d, onEvent: (e) => events.push(e.type) },
    );
    expect(wrote).toBe(out);
    expect(outcome.status).toBe('finished');
    expect(readdirSync(out).sort()).toEqual(Object.values(FILES).sort());
    expect(loadResults(join(out, FILES.a)).label).toBe('host');
    expect(loadResults(join(out, FILES.b)).label).toBe('half');
    const record = JSON.parse(readFileSync(join(out, FILES.duel), 'utf8')) as {
      seed: number;
      rounds: number;
      sides: { a: { command: string } };
    };
    expect(record).toMatchObject({ seed: 3, rounds: 4, sides: { a: { command: 'agent-a' } } });
    expect(JSON.parse(readFileSync(join(out, FILES.comparison), 'utf8'))).toEqual(JSON.parse(JSON.stringify(outcome.comparison)));
    expect(readFileSync(join(dir, 'ok.md'), 'utf8')).toMatch(/cpu\.int/);
    expect(readFileSync(join(dir, 'ok.csv'), 'utf8')).toMatch(/cpu\.int/);
    expect(existsSync(join(dir, 'ok.html'))).toBe(true);
    expect(readFileSync(join(dir, 'ok.xml'), 'utf8')).toMatch(
      /<testsuites name="virtax compare: half vs host" tests="\d+"[^]*<testcase classname="virtax.cpu" name="cpu.int"/,
    );
    expect([a.rounds, b.rounds]).toEqual([4, 4]);
    expect(events[0]).toBe('ready');
    expect(events.filter((t) => t === 'pair')).toHaveLength(4);
    expect(d.closed()).toBe(true);
  });

  it('an agent that dies ends the duel as failed with the rounds before kept, and both agents are closed', async () => {
    const out = join(dir, 'died');
    const d = deps(new FakeAgent('a', 1), new FakeAgent('b', 0.5, 3));
    const { outcome } = await duelSession(request(out), d);
    expect(outcome.status).toBe('failed');
    expect(outcome.error).toMatch(/agent exited \(code 3\)/);
    const a = loadResults(join(out, FILES.a));
    const kept = a.workloads[0]!;
    expect(kept.status === 'ok' ? kept.rounds.length : 0).toBeGreaterThanOrEqual(2);
    expect(existsSync(join(out, FILES.duel))).toBe(true);
    expect(d.closed()).toBe(true);
  });

  it('Ctrl-C ends the duel as interrupted', async () => {
    const ac = new AbortController();
    const a = new FakeAgent('a', 1, undefined, () => a.rounds === 2 && ac.abort());
    const d = deps(a, new FakeAgent('b', 1), ac);
    const { outcome } = await duelSession(request(join(dir, 'int')), d);
    expect(outcome.status).toBe('interrupted');
    expect(d.closed()).toBe(true);
  });

  it('a bad --workload-timeout is refused before any agent starts', async () => {
    let started = false;
    await expect(
      duelSession(request(join(dir, 'bad'), { workload: ['x.mjs'], workloadTimeout: -1 }), {
        startAgents: () => {
          started = true;
          throw new Error('not expected');
        },
      }),
    ).rejects.toThrow('--workload-timeout: expected seconds, more than 0 and at most 3600');
    expect(started).toBe(false);
  });
});
