/**
 * Per-round conditions: the /proc and cgroup parsers on captured text, the contention rule (run-queue delay beyond
 * quota throttling, never for noisy-neighbour rounds), warm-up by stability, and a real round recording them.
 */
import { describe, expect, it } from 'vitest';
import { levelledOff, runRound, warmUp, type Clock } from '../../src/workloads/round.js';
import {
  CONTENDED_PCT,
  conditionsBetween,
  cpuStatPaths,
  parseCgroupCpuStat,
  parseChildrenSystemSeconds,
  parseProcStatPerCpu,
  parseSchedstat,
  type ConditionsSnapshot,
} from '../../src/proc/steal.js';
import type { AnyWorkload, RoundPlan } from '../../src/workloads/types.js';

const snap = (over: Partial<ConditionsSnapshot> = {}): ConditionsSnapshot => ({
  wall: 0,
  userSeconds: 0,
  systemSeconds: 0,
  childrenSystemSeconds: 0,
  involuntarySwitches: 0,
  runDelaySeconds: 0,
  timeslices: null,
  throttling: null,
  ...over,
});

describe('parsers of captured /proc and cgroup text', () => {
  it('schedstat: ns on CPU, ns waiting, timeslices', () => {
    expect(parseSchedstat('1500000000 250000000 42\n')).toEqual({ runSeconds: 1.5, waitSeconds: 0.25, timeslices: 42 });
    expect(parseSchedstat('garbage')).toBeNull();
  });

  it('cpu.stat v2 (throttled_usec) and v1 (throttled_time ns); root v2 without nr_throttled is null', () => {
    const v2 =
      'usage_usec 9000\nuser_usec 6000\nsystem_usec 3000\nnr_periods 100\nnr_throttled 7\nthrottled_usec 350000\nnr_bursts 0\nburst_usec 0\n';
    expect(parseCgroupCpuStat(v2)).toEqual({ nrThrottled: 7, throttledSeconds: 0.35 });
    const v1 = 'nr_periods 0\nnr_throttled 3\nthrottled_time 2000000000\nnr_bursts 0\nburst_time 0\n';
    expect(parseCgroupCpuStat(v1)).toEqual({ nrThrottled: 3, throttledSeconds: 2 });
    expect(parseCgroupCpuStat('usage_usec 1\nuser_usec 1\nsystem_usec 0\n')).toBeNull();
  });

  it('cpu.stat paths: the v1 cpu hierarchy first, then the unified one', () => {
    const hybrid = '9:name=systemd:/\n2:cpu,cpuacct:/docker/abc\n0::/docker/abc\n';
    expect(cpuStatPaths(hybrid, '/cg')).toEqual([
      '/cg/cpu,cpuacct/docker/abc/cpu.stat',
      '/cg/cpu/docker/abc/cpu.stat',
      '/cg/docker/abc/cpu.stat',
      '/cg/unified/docker/abc/cpu.stat',
      // then the hierarchy roots, where a container finds its own cgroup mounted
      '/cg/cpu,cpuacct/cpu.stat',
      '/cg/cpu/cpu.stat',
      '/cg/cpu.stat',
      '/cg/unified/cpu.stat',
    ]);
    expect(cpuStatPaths('0::/user.slice/x.scope\n', '/cg')).toEqual([
      '/cg/user.slice/x.scope/cpu.stat',
      '/cg/unified/user.slice/x.scope/cpu.stat',
      '/cg/cpu.stat',
      '/cg/unified/cpu.stat',
    ]);
  });

  it('/proc/self/stat: cstime (field 17) in ticks, with a command name holding spaces and parentheses', () => {
    const stat = '1234 (node (x) y) S 1 1234 1234 0 -1 4194560 500 0 0 0 120 30 7 250 20 0 11 0 100 1000 200 18446744073709551615';
    expect(parseChildrenSystemSeconds(stat)).toBe(2.5);
  });
});

describe('per-CPU steal', () => {
  it('parses the cpuN lines and reports the worst CPU, which the aggregate dilutes', () => {
    const t0 = 'cpu  200 0 0 1800 0 0 0 0 0 0\ncpu0 100 0 0 900 0 0 0 0 0 0\ncpu1 100 0 0 900 0 0 0 0 0 0\nintr 1\n';
    const t1 = 'cpu  300 0 0 1880 0 0 0 20 0 0\ncpu0 180 0 0 900 0 0 0 20 0 0\ncpu1 120 0 0 980 0 0 0 0 0 0\nintr 2\n';
    expect(parseProcStatPerCpu(t0)).toEqual([
      { total: 1000, steal: 0 },
      { total: 1000, steal: 0 },
    ]);
    const c = conditionsBetween(snap({ perCpu: parseProcStatPerCpu(t0) }), snap({ wall: 1, perCpu: parseProcStatPerCpu(t1) }));
    expect(c.stealPctMaxCpu).toBeCloseTo(20);
  });
});

describe('contention rule', () => {
  it('marks a round when run-queue delay beyond throttling exceeds the threshold', () => {
    const c = conditionsBetween(snap(), snap({ wall: 1, userSeconds: 0.5, runDelaySeconds: 0.4, involuntarySwitches: 30 }));
    expect(c.contended).toBe(true);
    expect(c.contentionPct).toBeCloseTo(40);
    expect(c.involuntarySwitches).toBe(30);
  });

  it('waiting behind other work (milliseconds per slice) is contention', () => {
    const c = conditionsBetween(snap({ timeslices: 100 }), snap({ wall: 1, runDelaySeconds: 0.3, timeslices: 200 }));
    expect(c.timeslices).toBe(100);
    expect(c.contended).toBe(true);
  });

  it('wake-up latency of a ping-pong (microseconds per slice) is what it measures, not contention', () => {
    const c = conditionsBetween(snap({ timeslices: 0 }), snap({ wall: 1, runDelaySeconds: 0.3, timeslices: 20_000 }));
    expect(c.contentionPct).toBeCloseTo(30);
    expect(c.contended).toBe(false);
  });

  it('a quiet round is not contended', () => {
    const c = conditionsBetween(snap(), snap({ wall: 1, userSeconds: 1, runDelaySeconds: 0.001 }));
    expect(c.contended).toBe(false);
    expect(c.contentionPct).toBeLessThan(CONTENDED_PCT);
  });

  it('quota throttling is recorded but is not contention', () => {
    const a = snap({ throttling: { nrThrottled: 10, throttledSeconds: 1 } });
    const b = snap({ wall: 1, runDelaySeconds: 0.5, throttling: { nrThrottled: 60, throttledSeconds: 1.48 } });
    const c = conditionsBetween(a, b);
    expect(c.nrThrottled).toBe(50);
    expect(c.throttledSeconds).toBeCloseTo(0.48);
    expect(c.contended).toBe(false);
  });

  it('a noisy-neighbour round (the aggressor is the experiment) is never marked', () => {
    const c = conditionsBetween(snap(), snap({ wall: 1, runDelaySeconds: 0.6 }), true);
    expect(c.contentionPct).toBeCloseTo(60);
    expect(c.contended).toBe(false);
  });

  it('unknown run-queue delay: recorded as null, not contended', () => {
    const c = conditionsBetween(snap({ runDelaySeconds: null }), snap({ wall: 1, runDelaySeconds: null }));
    expect(c.runDelaySeconds).toBeNull();
    expect(c.contended).toBe(false);
  });
});

const plan: RoundPlan = { targetBatchSeconds: 0.001, roundSeconds: 0.01, minBatches: 3, maxBatches: 10 };

/** A fake clock advanced by the workload: batch k of n operations takes `cost(k)` seconds per operation. */
function transient(cost: (k: number) => number): { w: AnyWorkload; clock: Clock } {
  let t = 0;
  let k = 0;
  const clock: Clock = { now: () => t };
  const w: AnyWorkload = {
    id: 'fake.warm',
    category: 'cpu',
    title: 'fake',
    unit: 'ns/op',
    better: 'lower',
    stresses: 'x',
    figure: { kind: 'cost', scale: 1e9 },
    kernelTime: true,
    fixedBatchOperations: 10,
    params: () => ({}),
    setup: () => ({}),
    batch: (_s: unknown, ops: number) => {
      t += ops * cost(k++);
    },
  };
  return { w, clock };
}

describe('warm-up by stability', () => {
  it('levelledOff: still falling is not level; flat is', () => {
    expect(levelledOff([10, 9, 8, 7, 6, 5])).toBe(false);
    expect(levelledOff([10, 3, 3.02, 3, 3.05, 2.98])).toBe(true);
    expect(levelledOff([3, 3, 3])).toBe(false);
  });

  it('runs past a long transient, then stops once batch times level off', async () => {
    const { w, clock } = transient((k) => (k < 20 ? 1e-4 * (40 - k) : 1e-4));
    const r = await warmUp(w, {}, 10, plan, clock, { maxSeconds: 100 });
    expect(r.settled).toBe(true);
    expect(r.batches).toBeGreaterThan(20);
  });

  it('is bounded: a workload that keeps getting faster stops at maxSeconds, not settled', async () => {
    const { w, clock } = transient((k) => 1 / (k + 1));
    const r = await warmUp(w, {}, 1, plan, clock, { maxSeconds: 2 });
    expect(r.settled).toBe(false);
    expect(r.seconds).toBeGreaterThanOrEqual(2);
  });

  it('minOperations holds the warm-up open even when batches look level', async () => {
    const { w, clock } = transient(() => 1e-4);
    const r = await warmUp(w, {}, 10, plan, clock, { minOperations: 500, maxSeconds: 100 });
    expect(r.batches).toBe(50);
  });
});

describe('a round records its conditions, warm-up and kernel time', () => {
  it('with injected conditions: kernel seconds per operation from system CPU time', async () => {
    const { w, clock } = transient(() => 1e-4);
    let calls = 0;
    const conditions = () =>
      calls++ === 0 ? snap() : snap({ wall: 1, systemSeconds: 0.5, childrenSystemSeconds: 0.1, runDelaySeconds: 0 });
    const out = await runRound(
      w,
      {},
      { suite: 'quick', peer: null, scratchDir: '/tmp', ioDir: '/tmp' },
      plan,
      clock,
      () => null,
      conditions,
    );
    expect(out.round.conditions?.cpuSystemSeconds).toBeCloseTo(0.5);
    expect(out.round.kernelSecondsPerOp).toBeCloseTo(0.6 / out.round.operations);
    expect(out.round.warmup?.settled).toBe(true);
    expect(out.round.conditions?.contended).toBe(false);
  });

  it('with the real /proc readings: every field present and non-negative', async () => {
    const w: AnyWorkload = {
      id: 'fake.spin',
      category: 'cpu',
      title: 'spin',
      unit: 'ns/op',
      better: 'lower',
      stresses: 'x',
      figure: { kind: 'cost', scale: 1e9 },
      params: () => ({}),
      setup: () => ({ x: 0 }),
      batch: (s: { x: number }, ops: number) => {
        for (let i = 0; i < ops * 100; i++) s.x = (s.x + i) % 1000003;
      },
    };
    const out = await runRound(w, {}, { suite: 'quick', peer: null, scratchDir: '/tmp', ioDir: '/tmp' }, plan);
    const c = out.round.conditions;
    expect(c).toBeDefined();
    expect(c!.wallSeconds).toBeGreaterThan(0);
    expect(c!.cpuUserSeconds + c!.cpuSystemSeconds).toBeGreaterThanOrEqual(0);
    expect(c!.involuntarySwitches).toBeGreaterThanOrEqual(0);
    expect(typeof c!.contended).toBe('boolean');
    expect(out.round.kernelSecondsPerOp).toBeUndefined();
  });
});
