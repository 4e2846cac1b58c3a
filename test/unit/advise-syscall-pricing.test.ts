import { describe, expect, it } from 'vitest';
import { addedSecondsPerOp, APP_WORKLOADS, formatAppPrediction, ownTimeFigures, predictApp, syscallScale } from '../../src/advise/app.js';
import { priceRuleOf, priceTable } from '../../src/advise/syscall-classes.js';
import { APP_SCHEMA, OPERATION_CLASSES, type AppProfile, type OperationClass, type SyscallCount } from '../../src/results/app-profile.js';
import { comparedRow, comparisonOf, SYNTHETIC_METAL_HOST, syntheticResults } from '../../src/stats/synthetic.js';
import { registry } from '../../src/workloads/index.js';

/** A compared row whose sides take `baseNs` and `candNs` per operation; the interval is ±10% of the added time. */
function priced(id: string, baseNs: number, candNs: number, kernelBaseNs?: number) {
  const pct = 100 * (candNs / baseNs - 1);
  const row = comparedRow(id, { point: pct, lo: pct * 0.9, hi: pct * 1.1 }, 'syscall');
  row.base = { ...row.base, median: baseNs };
  row.cand = { ...row.cand, median: candNs };
  if (kernelBaseNs !== undefined)
    row.kernel = { baseSecondsPerOp: kernelBaseNs * 1e-9, candSecondsPerOp: kernelBaseNs * 1e-9, overheadPct: null, pointPct: 0 };
  return row;
}

function app(
  mix: Record<string, number> | null,
  rates: Partial<Record<OperationClass, number>> = {},
  totals: Partial<AppProfile['totals']> = {},
): AppProfile {
  const syscalls = mix
    ? Object.fromEntries(Object.entries(mix).map(([k, calls]): [string, SyscallCount] => [k, { calls, errors: 0, seconds: 0 }]))
    : null;
  return {
    schema: APP_SCHEMA,
    name: 'synthetic',
    command: ['app'],
    pid: null,
    startedAt: '2026-12-03T08:00:00.000Z',
    wallSeconds: 2,
    ownSeconds: 2,
    exitCode: 0,
    host: { hostname: 'h', kernel: '6.1', platform: 'vm' },
    method: { sampler: 'procfs', intervalMs: 100, syscalls: mix ? 'strace' : null, notes: [] },
    totals: {
      cpuUserSeconds: 0,
      cpuSystemSeconds: 0,
      minorFaults: 0,
      majorFaults: 0,
      voluntarySwitches: 0,
      involuntarySwitches: 0,
      readSyscalls: 0,
      writeSyscalls: 0,
      readBytes: 0,
      writeBytes: 0,
      processes: 0,
      runDelaySeconds: 0,
      ...totals,
    },
    syscalls,
    rates: Object.fromEntries(OPERATION_CLASSES.map((c) => [c, rates[c] ?? 0])) as Record<OperationClass, number>,
  };
}

describe('syscall -> pricing class', () => {
  it('maps the common calls to the workload that performs them, with the calls per operation', () => {
    expect(priceRuleOf('openat')).toMatchObject({ cls: 'open-close', workload: 'sys.open', perCall: 0.5 });
    expect(priceRuleOf('close')).toMatchObject({ cls: 'open-close', workload: 'sys.open', perCall: 0.5 });
    expect(priceRuleOf('getdents64')).toMatchObject({
      cls: 'readdir',
      workload: 'sys.readdir',
      perCall: 0.5,
      less: [{ workload: 'sys.open' }, { workload: 'sys.fstat' }],
    });
    expect(priceRuleOf('fstat')).toMatchObject({ cls: 'fstat', workload: 'sys.fstat' });
    expect(priceRuleOf('statx')).toMatchObject({ cls: 'stat', workload: 'sys.stat' });
    expect(priceRuleOf('writev')).toMatchObject({ cls: 'write', workload: 'sys.pipe-write' });
    expect(priceRuleOf('pread64')).toMatchObject({ cls: 'read', workload: 'sys.read' });
    expect(priceRuleOf('epoll_pwait')).toMatchObject({ cls: 'poll', workload: 'sys.poll' });
  });
  it('calls without a workload: grouped by measured cost and marked as proxies; unknown ones are unmeasured plain syscalls', () => {
    expect(priceRuleOf('munmap')).toMatchObject({ cls: 'memory-map', workload: 'sys.read', perCall: 1.7 });
    expect(priceRuleOf('mprotect')).toMatchObject({ cls: 'plain', workload: 'sys.read', perCall: 1 });
    const unknown = priceRuleOf('io_uring_enter');
    expect(unknown).toMatchObject({ cls: 'unmeasured', workload: 'sys.read' });
    expect(unknown.cls && unknown.proxy).toMatch(/not measured/);
    for (const [name, r] of priceTable()) if (r.cls && r.workload === 'sys.read' && r.cls !== 'read') expect(r.proxy, name).toBeTruthy();
  });
  it('waits and process creation are not priced per call, with the reason', () => {
    expect(priceRuleOf('futex')).toMatchObject({ cls: null, reason: expect.stringMatching(/context switch/) });
    expect(priceRuleOf('wait4').cls).toBeNull();
    expect(priceRuleOf('execve').cls).toBeNull();
  });
  it('every workload a rule prices with exists', () => {
    for (const id of APP_WORKLOADS) expect(registry.get(id), id).toBeDefined();
  });
});

describe('pricing by added time per operation (synthetic, known answers)', () => {
  it('added time is the candidate per-op time minus the baseline one; the interval is the overhead interval on the baseline time', () => {
    const a = addedSecondsPerOp(priced('sys.open', 5000, 105000));
    expect(a?.point).toBeCloseTo(100e-6, 12);
    expect(a?.lo).toBeCloseTo(90e-6, 12);
    expect(a?.hi).toBeCloseTo(110e-6, 12);
  });

  const host = comparisonOf([
    priced('sys.open', 5000, 105000), // +100 us per open+close
    priced('sys.readdir', 300_000, 700_000), // +400 us per listing
    priced('sys.fstat', 1000, 51000), // +50 us
    priced('sys.read', 500, 20500), // +20 us
    priced('sys.pipe-write', 1000, 11000), // +10 us
  ]);

  it('a mix of opens, listings, fstats, mmaps, an unmeasured call and futex waits: golden slowdown and shares', () => {
    // 2 s of own time, untraced = traced (under 100 read/write calls: scale 1).
    const p = predictApp(
      app({ openat: 2000, close: 2000, getdents64: 400, fstat: 200, mmap: 100, io_uring_enter: 20, futex: 1000, write: 50 }),
      [host],
      'base',
      null,
    );
    const h = p.hosts[0];
    if (!h) throw new Error('no host');
    const pct = (cls: string) => h.contributions.find((c) => c.operationClass === cls)?.addedPct.point;
    // per second: 2000 open/close calls = 1000 sys.open ops x 100 us = 0.1 s -> +10%
    expect(pct('open-close')).toBeCloseTo(10, 9);
    // 200 getdents64/s x (0.5 x 400 - 0.5 x 100 - 0.5 x 50) us = 200 x 125 us = 25 ms -> +2.5%
    expect(pct('readdir')).toBeCloseTo(2.5, 9);
    expect(pct('fstat')).toBeCloseTo(100 * 100 * 50e-6, 9); // 100/s x 50 us = +0.5%
    expect(pct('memory-map')).toBeCloseTo(100 * 50 * 1.7 * 20e-6, 9); // 50/s x 1.7 reads x 20 us = +0.17%
    expect(pct('unmeasured')).toBeCloseTo(100 * 10 * 20e-6, 9); // 10/s as one read = +0.02%
    expect(pct('write')).toBeCloseTo(100 * 25 * 10e-6, 9); // 25/s x 10 us = +0.025%
    expect(h.slowdownPct.point).toBeCloseTo(10 + 2.5 + 0.5 + 0.17 + 0.02 + 0.025, 9);
    expect(h.proxySharePct).toBeCloseTo((100 * (0.17 + 0.02)) / h.slowdownPct.point, 6);
    expect(p.notPriced).toEqual([{ reason: expect.stringMatching(/futex/), syscalls: [{ name: 'futex', rate: 500 }] }]);
    // Interval: each class at its bounds; the listing's subtracted parts at their opposite bounds.
    expect(h.slowdownPct.lo).toBeLessThan(h.slowdownPct.point);
    expect(h.slowdownPct.hi).toBeGreaterThan(h.slowdownPct.point);
    expect(h.contributions.find((c) => c.operationClass === 'readdir')?.addedPct.lo).toBeCloseTo(
      100 * 200 * (0.5 * 360 - 0.5 * 110 - 0.5 * 55) * 1e-6,
      9,
    );
    const text = formatAppPrediction(p);
    const lines = text.split('\n');
    expect(text).toMatch(/^ {2}slowdown +\+13\.2% \(95% interval/m);
    expect(lines[lines.findIndex((l) => /^ {2}slowdown/.test(l)) + 1]).toMatch(/^ {2}carried by +open-close 76%, readdir 19%, fstat 4%/);
    expect(text).toMatch(/by proxy +1% of the prediction: memory-map \(mmap; an mmap\+munmap pair measured/);
    expect(text).toMatch(/Not priced per call: futex 500\/s: futex waits/);
  });

  it('the strace counts are scaled to the untraced run by the read/write calls of both', () => {
    const a = app({ read: 1000, openat: 400 }, {}, { readSyscalls: 500 });
    expect(syscallScale(a)).toBeCloseTo(0.5, 12);
    const h = predictApp(a, [host], 'base', null).hosts[0];
    expect(h?.contributions.find((c) => c.operationClass === 'open-close')?.rate).toBeCloseTo((400 * 0.5) / 2, 9);
  });

  it('a workload missing on a host leaves its class not priced, never guessed; a listing without sys.fstat too', () => {
    const partial = comparisonOf([priced('sys.open', 5000, 105000), priced('sys.readdir', 300_000, 700_000)]);
    const h = predictApp(app({ openat: 200, getdents64: 20, fstat: 10 }), [partial], 'base', null).hosts[0];
    expect(h?.slowdownPct.point).toBeCloseTo(100 * 100 * 0.5 * 100e-6, 9);
    expect(h?.unpriced.map((u) => [u.operationClass, u.reason])).toEqual([
      ['readdir', "sys.fstat (part of sys.readdir's operation) was not compared on this host"],
      ['fstat', 'sys.fstat was not compared on this host'],
    ]);
  });

  it('without a syscall mix: unexplained system time is estimated as unseen plain syscalls and --syscalls is recommended', () => {
    const rows = comparisonOf([priced('sys.read', 500, 20500, 200), priced('cpu.int', 100, 100)]);
    // 0.2 s of system time per second of own time, 100 reads/s explain 100 x 200 ns = 20 us of it:
    // the rest, 0.19998 s/s, is 999,900 read-sized calls/s; at +20 us each that is +1999.8%.
    const a = app(null, { 'read-write': 100, cpu: 0.5 }, { cpuSystemSeconds: 0.4 });
    const p = predictApp(a, [rows], 'base', null);
    expect(p.hosts[0]?.unseenPct).toBeCloseTo(100 * ((0.2 - 100 * 200e-9) / 200e-9) * 20e-6, 6);
    expect(p.notes.join(' ')).toMatch(/no syscall mix.*up to \+1999\.8%.*record again with --syscalls/);
    // A recording whose system time the reads explain: nothing unseen, no advice to re-record.
    const quiet = predictApp(app(null, { 'read-write': 1000 }, { cpuSystemSeconds: 0.0004 }), [rows], 'base', null);
    expect(quiet.hosts[0]?.unseenPct).toBe(0);
    expect(quiet.notes.join(' ')).not.toMatch(/record again/);
  });
});

describe("prices on each side's own time (a CPU quota is not a per-operation tax)", () => {
  /**
   * A host whose rounds of sys.open take `ns` per op and of cpu.int `mops`, each round waiting `waitShare` of its
   * time for a CPU; the waits fall on `stalled` of its 10 batches (which then read 20 times slower).
   */
  function host(label: string, ns: number, mops: number, waitShare: number, stalled: number) {
    const f = syntheticResults({
      label,
      seed: 7,
      host: SYNTHETIC_METAL_HOST,
      workloads: [
        {
          id: 'sys.open',
          category: 'syscall',
          better: 'lower',
          unit: 'ns/open',
          figure: ns,
          shift: 0,
          rounds: 5,
          batches: 10,
          roundSd: 0,
          batchSd: 0,
        },
        {
          id: 'cpu.int',
          category: 'cpu',
          better: 'higher',
          unit: 'Mops/s',
          figure: mops,
          shift: 0,
          rounds: 5,
          batches: 10,
          roundSd: 0,
          batchSd: 0,
        },
      ],
    });
    for (const w of f.workloads) {
      if (w.status !== 'ok') continue;
      for (const r of w.rounds) {
        const fast = w.better === 'lower' ? ns : mops;
        r.samples = Array.from({ length: 10 }, (_, i) => (i < stalled ? (w.better === 'lower' ? fast * 20 : fast / 20) : fast));
        r.figure = w.better === 'lower' ? ns / (1 - waitShare) : mops * (1 - waitShare);
        r.conditions = {
          wallSeconds: 1,
          cpuUserSeconds: 1 - waitShare,
          cpuSystemSeconds: 0,
          runDelaySeconds: waitShare,
          involuntarySwitches: 0,
          nrThrottled: null,
          throttledSeconds: null,
          contentionPct: null,
          contended: false,
        };
      }
    }
    return f;
  }
  it('a quota that halves every round figure (its pauses stall a few batches) leaves the per-operation costs and the CPU ratio as they are', () => {
    const base = ownTimeFigures([host('base', 5000, 500, 0, 0)]);
    const quota = ownTimeFigures([host('quota', 5000, 500, 0.5, 1)]);
    expect(quota.figures.get('sys.open')).toBeCloseTo(5000, 9);
    expect(quota.figures.get('cpu.int')).toBeCloseTo(500, 9);
    expect(quota.waitPct).toBeCloseTo(50, 9);
    // The comparison of the raw figures says +100% on both; on own time the application pays nothing per operation.
    const c = comparisonOf([priced('sys.open', 5000, 10000), comparedRow('cpu.int', { point: 100, lo: 90, hi: 110 })]);
    c.cand.label = 'quota';
    const a = app({ openat: 2000, close: 2000 }, { cpu: 0.8 });
    const raw = predictApp(a, [c], 'base', null).hosts[0];
    const own = predictApp(a, [c], 'base', null, null, { base, quota }).hosts[0];
    expect(raw?.slowdownPct.point).toBeGreaterThan(50);
    expect(own?.slowdownPct.point).toBeCloseTo(0, 9);
    expect(own?.cpuWaitPct).toBeCloseTo(50, 9);
    expect(formatAppPrediction(predictApp(a, [c], 'base', null, null, { base, quota }))).toMatch(
      /CPU waits +its pricing rounds waited 50% of their time/,
    );
  });
});

describe('a CPU quota as a floor under the prediction (synthetic, known answers)', () => {
  // No per-operation tax: every workload costs the same on both sides (a runc container).
  const rows = () => [priced('sys.read', 500, 500), comparedRow('cpu.int', { point: 0, lo: -1, hi: 1 }, 'cpu')];
  const quotaHost = (cores: number | null) => {
    const c = comparisonOf(rows());
    c.cand = {
      ...c.cand,
      label: 'half-cpu',
      host: { ...c.cand.host, limits: { cpuQuotaCores: cores, cpuset: null, memoryLimitBytes: null } },
    };
    return c;
  };
  // 2 s of own time, 1.6 s of user and 0.4 s of system CPU: one CPU's worth of work per second.
  const busy = app({ read: 1000 }, { cpu: 0.8 }, { cpuUserSeconds: 1.6, cpuSystemSeconds: 0.4 });

  it('one CPU of work under a 0.5 CPU quota takes at least twice as long: +100%, said on its own line, the classes carry no share', () => {
    const p = predictApp(busy, [quotaHost(0.5)], 'base', null);
    const h = p.hosts[0];
    if (!h) throw new Error('no host');
    expect(h.quota?.demandCores).toBeCloseTo(1, 12);
    expect(h.perOperationPct.point).toBeCloseTo(0, 9);
    expect(h.slowdownPct.point).toBeCloseTo(100, 9);
    expect(h.slowdownPct.lo).toBeGreaterThanOrEqual(h.quota?.floorPct.lo ?? Infinity);
    for (const x of h.contributions) expect(x.sharePct).toBeNull();
    expect(h.dominant).toMatch(/CPU quota: 1\.00 CPUs of work per second where 0\.5 are allowed/);
    const text = formatAppPrediction(p);
    expect(text).toMatch(/CPU quota {4}0\.5 CPU here; the application used 1\.00 CPU per second .* at least \+100\.0%/);
    expect(text).not.toMatch(/which is not a per-operation tax/);
  });

  it('no floor without a quota, or when the work fits in it (0.3 CPU of work under 0.5)', () => {
    expect(predictApp(busy, [quotaHost(null)], 'base', null).hosts[0]?.quota).toBeNull();
    const light = app({ read: 1000 }, { cpu: 0.25 }, { cpuUserSeconds: 0.5, cpuSystemSeconds: 0.1 });
    const h = predictApp(light, [quotaHost(0.5)], 'base', null).hosts[0];
    expect(h?.quota).toBeNull();
    expect(h?.slowdownPct.point).toBeCloseTo(h?.perOperationPct.point ?? NaN, 12);
  });

  it('a per-operation tax above the floor wins: the floor grows with the extra work but the larger bound is kept', () => {
    const c = quotaHost(2);
    c.rows = [priced('sys.read', 500, 200_500), comparedRow('cpu.int', { point: 0, lo: -1, hi: 1 }, 'cpu')]; // +200 us per read
    const h = predictApp(busy, [c], 'base', null).hosts[0];
    if (!h) throw new Error('no host');
    // 500 reads per second x 200 us = +10%; the floor: 1 CPU x 1.10 / 2 CPUs -> below 0, so no floor at all
    expect(h.quota).toBeNull();
    const tight = quotaHost(0.25);
    tight.rows = c.rows;
    const t = predictApp(busy, [tight], 'base', null).hosts[0];
    // floor: 1 x 1.10 / 0.25 - 1 = +340%
    expect(t?.quota?.floorPct.point).toBeCloseTo(340, 6);
    expect(t?.slowdownPct.point).toBeCloseTo(340, 6);
    expect(t?.perOperationPct.point).toBeCloseTo(10, 6);
  });
});
