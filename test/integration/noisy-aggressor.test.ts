import { spawn } from 'node:child_process';
import { describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { AGGRESSOR_KINDS, dutyPhase, startAggressor } from '../../src/workloads/aggressor.js';
import { summarizePhases } from '../../src/workloads/noisy.js';
import { registry } from '../../src/workloads/index.js';

describe('aggressor', () => {
  it.each(AGGRESSOR_KINDS)('%s: does work and stops by itself at its deadline', async (kind) => {
    const a = startAggressor({ kind, seconds: 0.5, workers: 1 });
    await a.ready;
    const reports = await a.done;
    expect(reports).toHaveLength(1);
    expect(reports[0]!.operations).toBeGreaterThan(0);
    expect(reports[0]!.seconds).toBeGreaterThanOrEqual(0.45);
  });

  it('stop() ends the workers early (SIGTERM) and still reports', async () => {
    const a = startAggressor({ kind: 'cpu', seconds: 600, workers: 2 });
    await a.ready;
    const reports = await a.stop();
    expect(reports).toHaveLength(2);
    for (const r of reports) expect(r.seconds).toBeLessThan(600);
  });

  it('rejects bad options', () => {
    expect(() => startAggressor({ kind: 'disk' as never, seconds: 1 })).toThrow(/unknown aggressor kind/);
    expect(() => startAggressor({ kind: 'cpu', seconds: 0 })).toThrow(/positive/);
    expect(() => startAggressor({ kind: 'cpu', seconds: 1, duty: { onSeconds: 0, offSeconds: 1 } })).toThrow(/duty cycle/);
  });

  it('duty cycle phases: on for on seconds, off for off seconds, from the common start', () => {
    const duty = { onSeconds: 2, offSeconds: 3 };
    expect(dutyPhase(0, duty)).toEqual({ on: true, msToSwitch: 2000 });
    expect(dutyPhase(1999, duty)).toEqual({ on: true, msToSwitch: 1 });
    expect(dutyPhase(2000, duty)).toEqual({ on: false, msToSwitch: 3000 });
    expect(dutyPhase(4500, duty)).toEqual({ on: false, msToSwitch: 500 });
    expect(dutyPhase(5000, duty)).toEqual({ on: true, msToSwitch: 2000 });
    expect(dutyPhase(12_000, duty)).toEqual({ on: false, msToSwitch: 3000 });
    expect(dutyPhase(123, null)).toEqual({ on: true, msToSwitch: Number.POSITIVE_INFINITY });
  });

  it('a duty-cycled worker loads in phases, idles between them and stops at its deadline', async () => {
    // 0.1 s on, 0.3 s off for 1.5 s: a worker that starts within the first cycles enters 2 or more loading phases.
    const a = startAggressor({ kind: 'cpu', seconds: 1.5, workers: 1, duty: { onSeconds: 0.1, offSeconds: 0.3 } });
    await a.ready;
    const [r] = await a.done;
    expect(r!.operations).toBeGreaterThan(0);
    expect(r!.onPhases).toBeGreaterThanOrEqual(2);
  });
});

describe('virtax aggressor (CLI)', () => {
  const cli = (args: string[]) =>
    new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const p = spawn(
        process.execPath,
        [
          '--import',
          'tsx',
          '-e',
          `import('./src/cli/main.ts').then(m => m.main(${JSON.stringify(args)})).then(c => { process.exitCode = c; })`,
        ],
        { stdio: ['ignore', 'ignore', 'pipe'] },
      );
      let stderr = '';
      p.stderr.on('data', (d) => (stderr += d));
      p.on('exit', (code) => resolve({ code, stderr }));
    });

  it('runs for --seconds and exits 0', async () => {
    const r = await cli(['aggressor', '--kind', 'syscall', '--seconds', '0.5', '--workers', '1']);
    expect(r.stderr).toMatch(/aggressor syscall: 1 worker\(s\) for 0.5 s/);
    expect(r.stderr).toMatch(/aggressor syscall: stopped after/);
    expect(r.code).toBe(0);
  });

  it('--on/--off: a duty cycle, said at start and end', async () => {
    const r = await cli(['aggressor', '--kind', 'cpu', '--seconds', '0.6', '--workers', '1', '--on', '100ms', '--off', '0.1s']);
    expect(r.stderr).toMatch(/for 0.6 s, on 0.1 s \/ off 0.1 s in phase/);
    expect(r.stderr).toMatch(/stopped after .* operations, \d+ loading phase\(s\)/);
    expect(r.code).toBe(0);
  });

  it('bad input: one line, exit 2', async () => {
    const lines: string[] = [];
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((s) => (lines.push(String(s)), true));
    try {
      expect(await main(['aggressor', '--kind', 'cpu', '--seconds', '-1'])).toBe(2);
      expect(lines.join('').trim().split('\n')).toEqual([expect.stringMatching(/--seconds/)]);
      expect(await main(['aggressor', '--kind', 'disk'])).toBe(2);
      expect(await main(['aggressor', '--kind', 'cpu', '--workers', '0'])).toBe(2);
      expect(await main(['aggressor', '--kind', 'cpu', '--on', '2s'])).toBe(2);
      expect(await main(['aggressor', '--kind', 'cpu', '--on', 'two', '--off', '1s'])).toBe(2);
      expect(await main(['aggressor', '--kind', 'cpu', '--on', '0s', '--off', '1s'])).toBe(2);
    } finally {
      spy.mockRestore();
    }
  });
});

describe('noisy-neighbour phases', () => {
  const cost = { figure: { kind: 'cost' as const, scale: 1e9 }, better: 'lower' as const };
  const phase = (p: 'alone' | 'cpu' | 'memory', perOp: number[]) => ({
    phase: p,
    perOpSeconds: perOp,
    operations: perOp.length * 10,
    seconds: perOp.reduce((a, b) => a + b, 0) * 10,
    stealPct: p === 'alone' ? 0 : 2,
  });

  it('slowdown and tail amplification against the alone phase before each kind (golden values)', () => {
    const s = summarizePhases(cost, [
      phase('alone', [1e-9, 1e-9, 1e-9, 1e-9]),
      phase('cpu', [2e-9, 2e-9, 2e-9, 2e-9]),
      phase('alone', [1e-9, 1e-9, 1e-9, 1e-9]),
      phase('memory', [1e-9, 1e-9, 1e-9, 5e-9]),
    ]);
    expect(s.byKind.cpu!.slowdown).toBeCloseTo(2, 12);
    expect(s.byKind.cpu!.tailAmplification).toBeCloseTo(2, 12);
    expect(s.byKind.memory!.slowdown).toBeCloseTo(2, 12);
    // type-7 p99 of [1,1,1,5] = 1 + 0.97 * 4 = 4.88
    expect(s.byKind.memory!.tailAmplification).toBeCloseTo(4.88, 12);
    expect(s.byKind.memory!.stealPctWith).toBe(2);
    expect(s.slowdown).toBeCloseTo(2, 12);
    // samples: each with-neighbour batch over the alone time per op; their mean is the round's figure
    expect(s.samples.reduce((a, b) => a + b, 0) / s.samples.length).toBeCloseTo(s.slowdown, 12);
    expect(s.perPhase[1]).toMatchObject({ phase: 'cpu', figure: 2, p50: 2 });
  });

  it('rate victims: figures stay in the victim unit, p99 is the slow tail', () => {
    const s = summarizePhases({ figure: { kind: 'rate', scale: 1e-6 }, better: 'higher' }, [
      phase('alone', [1e-8, 1e-8, 1e-8]),
      phase('cpu', [2e-8, 2e-8, 4e-8]),
    ]);
    expect(s.perPhase[0]!.figure).toBeCloseTo(100, 9); // 1e8 ops/s = 100 Mops/s
    expect(s.perPhase[1]!.p99).toBeLessThan(s.perPhase[1]!.p50);
    expect(s.byKind.cpu!.slowdown).toBeCloseTo(8 / 3, 12);
  });

  it('registers noisy.cpu, noisy.mem-latency and noisy.tcp-rtt outside the quick suite, lower is better', () => {
    for (const id of ['noisy.cpu', 'noisy.mem-latency', 'noisy.tcp-rtt']) {
      const w = registry.get(id)!;
      expect(w.category).toBe('noisy-neighbor');
      expect(w.better).toBe('lower');
      expect(w.inQuick).toBe(false);
    }
  });
});

describe('noisy.cpu, one real round', () => {
  it('alternates alone and with-neighbour phases for every aggressor kind and records steal per phase', async () => {
    const { measure } = await import('../../src/probes/engine/round-child.js');
    const r = await measure({
      workloadId: 'noisy.cpu',
      suite: 'quick',
      ctx: { suite: 'quick', peer: null, scratchDir: '/tmp', ioDir: '/tmp' },
      plan: { targetBatchSeconds: 0.005, roundSeconds: 0.2, minBatches: 10, maxBatches: 5000 },
    });
    expect(r.status).toBe('ok');
    if (r.status !== 'ok') return;
    const extra = r.outcome.extra as {
      byKind: Record<string, { slowdown: number; tailAmplification: number }>;
      phases: { phase: string; stealPct: number | null }[];
      tailAmplification: number;
      order: string[];
      tail: string;
    };
    expect(Object.keys(extra.byKind).sort()).toEqual([...AGGRESSOR_KINDS].sort());
    // Every kind once, in the round's seeded order, each after an alone phase.
    expect([...extra.order].sort()).toEqual([...AGGRESSOR_KINDS].sort());
    expect(extra.phases.map((p) => p.phase)).toEqual(extra.order.flatMap((k) => ['alone', k]));
    expect(extra.tail).toMatch(/batch means/);
    // The aggressor is the experiment: the round is never marked contended.
    expect(r.outcome.round.conditions?.contended).toBe(false);
    for (const p of extra.phases) expect(p.stealPct === null || p.stealPct >= 0).toBe(true);
    expect(r.outcome.round.figure).toBeGreaterThan(0);
    expect(r.outcome.round.samples.length).toBeGreaterThan(0);
    expect(extra.tailAmplification).toBeGreaterThan(0);
  });
});
