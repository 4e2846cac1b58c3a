/**
 * Duet mode (`duel --mode duet`) on in-process fake agents that speak protocol v2: the barrier (no side starts its
 * timed phase before both are ready), the pairing (a pair's two figures come from one time window, so noise that
 * changes from window to window cancels in the pair, where it does not when the rounds are interleaved), workloads
 * that would measure each other run interleaved with a note, a side that cannot run a workload, v1 agents refused,
 * and duel.json's record of the CPU split and what it shares. No process is started.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { AgentLink, OrderBody, ReplyFields } from '../../src/duel/client.js';
import { runDuel, type DuelOptions } from '../../src/duel/duel.js';
import { splitCpus } from '../../src/probes/agent/duet.js';
import { duelSession } from '../../src/duel/session.js';
import { InputError } from '../../src/errors.js';
import { SUITES } from '../../src/probes/engine/suites.js';
import { createRng } from '../../src/stats/random.js';
import { gaussian } from '../../src/stats/synthetic.js';
import { VERSION } from '../../src/version.js';
import { registry } from '../../src/workloads/index.js';
import { fakeHost } from '../helpers/fake-executor.js';

const dir = mkdtempSync(join(tmpdir(), 'virtax-duet-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * The machine both fake agents run on: a time window's shared slowdown (large, changing window to window) times a
 * side's own small jitter. An interleaved round takes a window of its own; a duet pair's two rounds share one.
 */
class World {
  window = 0;
  readonly log: string[] = [];
  readonly #shared = createRng(1);
  readonly levels: number[] = [];
  next(): number {
    this.window++;
    this.levels.push(Math.exp(0.3 * gaussian(this.#shared)));
    return this.window;
  }
  level(w: number): number {
    return this.levels[w - 1] as number;
  }
}

class V2Agent implements AgentLink {
  protocol: 1 | 2 = 1;
  #prepared: { workload: string; window: number } | null = null;
  readonly #jitter: ReturnType<typeof createRng>;
  constructor(
    readonly name: string,
    private readonly world: World,
    private readonly factor: number,
    private readonly opts: { v1Only?: boolean; cannot?: string[] } = {},
  ) {
    this.#jitter = createRng(name === 'A' ? 11 : 12);
  }
  useProtocol(v: 1 | 2): void {
    this.protocol = v;
  }
  #round(window: number) {
    const f = 100 * this.factor * this.world.level(window) * Math.exp(0.005 * gaussian(this.#jitter));
    return {
      result: { status: 'ok', params: {}, outcome: { round: { figure: f, operations: f, seconds: 1, samples: [f, f], stealPct: null } } },
      loadAvg1: 0,
    };
  }
  async request(order: OrderBody): Promise<ReplyFields> {
    const log = (what: string) => this.world.log.push(`${this.name} ${what}`);
    switch (order.op) {
      case 'hello':
        return this.opts.v1Only
          ? { protocol: 1, tool: { name: 'virtax', version: VERSION, node: process.version } }
          : { protocol: 2, protocols: [1, 2], tool: { name: 'virtax', version: VERSION, node: process.version } };
      case 'fingerprint':
        return { fingerprint: fakeHost };
      case 'round':
        log(`round ${order.workload}`);
        return this.#round(this.world.next());
      case 'prepare': {
        if (this.protocol !== 2) throw new Error('prepare sent in protocol v1');
        if (this.opts.cannot?.includes(order.workload))
          return { ready: false, result: { status: 'skipped', reason: `${this.name} cannot run ${order.workload}` }, loadAvg1: 0 };
        // The window opens when the first side of the pair prepares; both sides' timed phases fall in it.
        const window = this.name === 'A' ? this.world.next() : this.world.window;
        this.#prepared = { workload: order.workload, window };
        await new Promise((r) => setTimeout(r, this.name === 'A' ? 5 : 1)); // A warms up longer: the barrier must wait for it
        log(`ready ${order.workload}`);
        return { ready: true };
      }
      case 'start': {
        const p = this.#prepared;
        this.#prepared = null;
        if (!p) throw new Error('start without prepare');
        log(`start ${p.workload}`);
        return this.#round(p.window);
      }
      case 'abort':
        log('abort');
        this.#prepared = null;
        return { aborted: true };
      default:
        return { bye: true };
    }
  }
  async close(): Promise<void> {}
}

function options(a: AgentLink, b: AgentLink, extra: Partial<DuelOptions> = {}): DuelOptions {
  return {
    a: { label: 'A', command: 'a', link: a },
    b: { label: 'B', command: 'b', link: b },
    workloads: [registry.get('cpu.int')!],
    suite: 'quick',
    plan: SUITES.quick.plan,
    rounds: 12,
    seed: 4,
    toolVersion: VERSION,
    timeoutMs: 5000,
    resamples: 1000,
    ...extra,
  };
}

const row = (o: Awaited<ReturnType<typeof runDuel>>, id: string) => {
  const r = o.comparison.rows.find((x) => x.id === id);
  if (r?.status !== 'compared') throw new Error(`${id} not compared`);
  return r;
};

describe('duet on fake v2 agents', () => {
  it('starts no timed phase before both sides are ready, and records every pair as a duet', async () => {
    const world = new World();
    const o = await runDuel(options(new V2Agent('A', world, 1), new V2Agent('B', world, 1), { mode: 'duet', rounds: 4 }));
    expect(o.status).toBe('finished');
    expect(o.mode).toBe('duet');
    expect(o.protocols).toEqual({ a: 2, b: 2 });
    expect(o.pairs.map((p) => p.order)).toEqual(['duet', 'duet', 'duet', 'duet']);
    // Per pair: both `ready` lines come before either `start` line.
    for (let i = 0; i < world.log.length; i += 4) {
      const pair = world.log.slice(i, i + 4);
      expect(pair.slice(0, 2).sort()).toEqual(['A ready cpu.int', 'B ready cpu.int']);
      expect(pair.slice(2).sort()).toEqual(['A start cpu.int', 'B start cpu.int']);
    }
    expect(o.a.conditions.notes[0]).toMatch(/in duet with side B/);
  });

  it('a pair shares its time window: noise that changes between windows cancels in duet, not interleaved', async () => {
    const pair = (factorB: number) => {
      const w = new World();
      return [new V2Agent('A', w, 1), new V2Agent('B', w, factorB)] as const;
    };
    const duet = await runDuel(options(...pair(1), { mode: 'duet' }));
    const inter = await runDuel(options(...pair(1)));
    const half = (r: ReturnType<typeof row>) => (r.overheadPct.hi - r.overheadPct.lo) / 2;
    expect(half(row(duet, 'cpu.int'))).toBeLessThan(2);
    expect(half(row(inter, 'cpu.int'))).toBeGreaterThan(10 * half(row(duet, 'cpu.int')));
    // A known 30% effect on side B stands out in duet.
    const slow = await runDuel(options(...pair(1 / 1.3), { mode: 'duet' }));
    expect(row(slow, 'cpu.int').verdict).toBe('slower');
    expect(row(slow, 'cpu.int').overheadPct.point).toBeCloseTo(30, 0);
  });

  it('runs workloads whose sides would measure each other interleaved, with a note', async () => {
    const world = new World();
    const o = await runDuel(
      options(new V2Agent('A', world, 1), new V2Agent('B', world, 1), {
        mode: 'duet',
        rounds: 3,
        workloads: [registry.get('cpu.int')!, registry.get('mem.bandwidth')!],
      }),
    );
    expect(o.interleavedInDuet).toEqual([{ id: 'mem.bandwidth', reason: expect.stringMatching(/memory bandwidth/) }]);
    const orders = (id: string) => new Set(o.pairs.filter((p) => p.workloadId === id).map((p) => p.order));
    expect(orders('cpu.int')).toEqual(new Set(['duet']));
    expect([...orders('mem.bandwidth')].every((x) => x === 'AB' || x === 'BA')).toBe(true);
    const wb = o.b.workloads.find((x) => x.id === 'mem.bandwidth');
    expect(wb?.status === 'ok' && wb.notes).toEqual([expect.stringMatching(/^ran interleaved, not in duet: memory bandwidth/)]);
    expect(o.comparison.warnings.join('\n')).toMatch(/ran interleaved instead: mem\.bandwidth/);
  });

  it("a side that cannot run a workload ends it on both sides; the other side's prepared round is dropped", async () => {
    const world = new World();
    const o = await runDuel(
      options(new V2Agent('A', world, 1), new V2Agent('B', world, 1, { cannot: ['cpu.int'] }), { mode: 'duet', rounds: 3 }),
    );
    expect(world.log).toEqual(['A ready cpu.int', 'A abort']);
    expect(o.b.workloads[0]).toMatchObject({ status: 'skipped', reason: 'B cannot run cpu.int' });
    expect(o.a.workloads[0]).toMatchObject({ status: 'skipped', reason: expect.stringMatching(/not run: side B skipped it/) });
  });

  it('refuses a v1 agent in duet (InputError) and serves it interleaved', async () => {
    const world = new World();
    await expect(
      runDuel(options(new V2Agent('A', world, 1), new V2Agent('B', world, 1, { v1Only: true }), { mode: 'duet' })),
    ).rejects.toThrow(/side B \("B"\) speaks agent protocol 1 only; a duet needs protocol 2/);
    const o = await runDuel(options(new V2Agent('A', world, 1), new V2Agent('B', world, 1, { v1Only: true }), { rounds: 2 }));
    expect(o.status).toBe('finished');
    expect(o.protocols).toEqual({ a: 2, b: 1 });
  });
});

describe('duet CPU split and record', () => {
  it("splits this process's CPUs in halves, or takes the lists given; refuses overlaps and one CPU", () => {
    expect(splitCpus([0, 1, 2, 3])).toEqual({ a: [0, 1], b: [2, 3] });
    expect(splitCpus([0, 1, 2])).toEqual({ a: [0], b: [1] });
    expect(splitCpus([0, 1, 2, 3], '0,2', '1-1')).toEqual({ a: [0, 2], b: [1] });
    expect(() => splitCpus([0])).toThrow(/needs 2 CPUs or more/);
    expect(() => splitCpus([0, 1], '0-1', '1')).toThrow(/share CPU 1/);
    expect(() => splitCpus([0, 1], '0', '7')).toThrow(/CPU 7 is not one this process may use/);
    expect(() => splitCpus([0, 1], 'x', '1')).toThrow(InputError);
    expect(() => splitCpus([0, 1], '0')).toThrow(/give both or neither/);
  });

  it('duelSession pins each side to its half and records the split, what it shares and the protocols in duel.json', async () => {
    const world = new World();
    const starts: { label: string; cpus?: string }[] = [];
    const out = join(dir, 'rec');
    await duelSession(
      {
        a: 'a',
        b: 'b',
        mode: 'duet',
        suite: 'quick',
        rounds: 2,
        plan: SUITES.quick.plan,
        noisePct: 1,
        timeoutSeconds: 5,
        seed: 1,
        only: ['cpu.int'],
        out,
      },
      {
        cpus: () => [0, 1],
        startAgents: (a, b) => {
          starts.push(a, b);
          return { a: new V2Agent('A', world, 1), b: new V2Agent('B', world, 1), close: async () => {} };
        },
        interrupt: () => ({ signal: new AbortController().signal, dispose: () => {} }),
      },
    );
    expect(starts.map((s) => s.cpus)).toEqual(['0', '1']);
    const rec = JSON.parse(readFileSync(join(out, 'duel.json'), 'utf8'));
    expect(rec).toMatchObject({ mode: 'duet', protocols: { a: 2, b: 2 }, isolation: { cpusA: [0], cpusB: [1] }, interleavedInDuet: [] });
    expect(rec.isolation.notes.join('\n')).toMatch(/memory bandwidth/);
    await expect(
      duelSession(
        {
          a: 'a',
          b: 'b',
          cpusA: '0',
          cpusB: '1',
          suite: 'quick',
          rounds: 2,
          plan: SUITES.quick.plan,
          noisePct: 1,
          timeoutSeconds: 5,
          only: ['cpu.int'],
          out,
        },
        {},
      ),
    ).rejects.toThrow(/only with --mode duet/);
  });
});
