import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { predictApp, secondsPerOp } from '../../src/advise/app.js';
import { parseIo, parseSchedstat, parseStat, parseStatusSwitches } from '../../src/probes/record/procfs.js';
import { classifySyscalls, parseStraceSummary } from '../../src/probes/record/strace.js';
import { APP_SCHEMA, OPERATION_CLASSES, type AppProfile, type OperationClass } from '../../src/results/app-profile.js';
import { comparedRow, comparisonOf } from '../../src/stats/synthetic.js';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/record/${name}`, import.meta.url), 'utf8');

function app(rates: Partial<Record<OperationClass, number>>, syscalls: 'strace' | null = 'strace'): AppProfile {
  const all = Object.fromEntries(OPERATION_CLASSES.map((c) => [c, rates[c] ?? 0])) as Record<OperationClass, number>;
  return {
    schema: APP_SCHEMA,
    name: 'synthetic-app',
    command: ['app'],
    pid: null,
    startedAt: '2026-11-30T08:00:00.000Z',
    wallSeconds: 10,
    ownSeconds: 10,
    exitCode: 0,
    host: { hostname: 'h', kernel: '6.1', platform: 'vm' },
    method: { sampler: 'procfs', intervalMs: 100, syscalls, notes: [] },
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
    },
    syscalls: null,
    rates: all,
  };
}

describe('procfs parsers (captured text)', () => {
  it('/proc/<pid>/stat: a command name with spaces and parentheses does not shift the fields', () => {
    const s = parseStat(fixture('proc-stat-paren-comm.txt'));
    expect(s).toMatchObject({
      pid: 4242,
      comm: 'my (odd) app',
      ppid: 4200,
      minorFaults: 1532,
      childMinorFaults: 8841,
      majorFaults: 2,
      childMajorFaults: 7,
      utime: 153,
      stime: 41,
      cutime: 298,
      cstime: 77,
      threads: 11,
      startTime: 987654,
    });
  });
  it('/proc/<pid>/io, status and schedstat', () => {
    expect(parseIo(fixture('proc-io.txt'))).toEqual({
      readSyscalls: 1915389,
      writeSyscalls: 346851,
      readChars: 2674654250,
      writeChars: 693938720,
      storageReadBytes: 250146816,
      storageWriteBytes: 140238848,
    });
    expect(parseStatusSwitches('Name:\tx\nvoluntary_ctxt_switches:\t487\nnonvoluntary_ctxt_switches:\t112\n')).toEqual({
      voluntary: 487,
      involuntary: 112,
    });
    expect(parseSchedstat('123456 7890 12\n')).toEqual({ runNs: 123456, waitNs: 7890 });
  });
  it('rejects text that is not a stat line', () => {
    expect(() => parseStat('garbage')).toThrow(/stat/);
  });
});

describe('strace -c -f summary', () => {
  const mix = parseStraceSummary(fixture('strace-c-f-ls-stat.txt'));
  it('parses every row with and without an errors column, and drops the total', () => {
    expect(mix.newfstatat).toEqual({ calls: 74, errors: 16, seconds: 0.000053 });
    expect(mix.read).toEqual({ calls: 21, errors: 0, seconds: 0.000025 });
    expect(mix.total).toBeUndefined();
    expect(Object.values(mix).reduce((s, c) => s + c.calls, 0)).toBe(421);
  });
  it('classifies: stat family, read/write, execve as spawn; blocking calls and clone are not other-syscall', () => {
    const c = classifySyscalls(mix);
    expect(c.stat).toBe(74 + 5 + 2); // newfstatat, access, statx
    expect(c['read-write']).toBe(21 + 2 + 6); // read, write, pread64
    expect(c.spawn).toBe(3); // execve
    const blocked = (mix.wait4?.calls ?? 0) + (mix.futex?.calls ?? 0) + (mix.vfork?.calls ?? 0);
    expect(c['other-syscall']).toBe(421 - 81 - 29 - 3 - blocked);
  });
});

describe('predicted slowdown of an application (additive per-operation costs)', () => {
  it('golden: 1,000,000 stat calls/s at 100 ns that cost +100% add +10%; CPU at +0% adds nothing', () => {
    const c = comparisonOf([
      comparedRow('sys.stat', { point: 100, lo: 80, hi: 120 }, 'syscall'),
      comparedRow('cpu.int', { point: 0, lo: -1, hi: 1 }),
    ]);
    const p = predictApp(app({ stat: 1_000_000, cpu: 0.5 }), [c], 'base', 400);
    const h = p.hosts[0];
    expect(h?.slowdownPct.point).toBeCloseTo(10, 9);
    expect(h?.slowdownPct.lo).toBeCloseTo(8 - 0.5, 9);
    expect(h?.slowdownPct.hi).toBeCloseTo(12 + 0.5, 9);
    expect(h?.dominant).toMatch(/^100% of the predicted \+10\.0% is stat calls/);
    expect(h?.hosts).toEqual({ point: 440, lo: 430, hi: 450 });
    const unpriced = predictApp(app({ stat: 1_000_000 }), [c], 'base', 400, { perHost: { base: 100 }, unit: 'USD/month' });
    expect(unpriced.hosts[0]?.fleetCost).toBeNull();
    expect(unpriced.notes.join(' ')).toMatch(/no cost given for cand.*today: 400 base hosts = 40,000 USD\/month/);
    const priced = predictApp(app({ stat: 1_000_000 }), [c], 'base', 400, { perHost: { base: 100, cand: 90 }, unit: 'USD/month' });
    expect(priced.hosts[0]?.fleetCost).toEqual({ point: 440 * 90, lo: 432 * 90, hi: 448 * 90, unit: 'USD/month' });
  });
  it('a class whose workload was not compared is listed as not priced, never guessed', () => {
    const c = comparisonOf([comparedRow('cpu.int', { point: 5, lo: 4, hi: 6 })]);
    const h = predictApp(app({ cpu: 1, 'page-fault': 5000 }), [c], 'base', null).hosts[0];
    expect(h?.slowdownPct.point).toBeCloseTo(5, 9);
    expect(h?.unpriced).toEqual([{ operationClass: 'page-fault', rate: 5000, reason: 'mem.pagefault was not compared on this host' }]);
  });
  it('a recording without a syscall mix says what it cannot price', () => {
    const p = predictApp(app({ cpu: 1 }, null), [comparisonOf([comparedRow('cpu.int', { point: 0, lo: -1, hi: 1 })])], 'base', null);
    expect(p.notes.join(' ')).toMatch(/--syscalls/);
  });
  it('per-operation seconds from time units only', () => {
    expect(secondsPerOp({ unit: 'ns/call', better: 'lower' }, 2000)).toBeCloseTo(2e-6, 15);
    expect(secondsPerOp({ unit: 'us/spawn', better: 'lower' }, 1800)).toBeCloseTo(1.8e-3, 12);
    expect(secondsPerOp({ unit: 'Mops/s', better: 'higher' }, 500)).toBeNull();
  });
});
