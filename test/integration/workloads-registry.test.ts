import { describe, expect, it } from 'vitest';
import { registry } from '../../src/workloads/index.js';
import { directionOf, type WorkloadContext } from '../../src/workloads/types.js';
import type { Suite } from '../../src/types.js';

const LOCAL: Record<string, string> = {
  'cpu.int': 'cpu',
  'cpu.float': 'cpu',
  'mem.bandwidth': 'memory',
  'mem.latency': 'memory',
  'mem.pagefault': 'memory',
  'sys.stat': 'syscall',
  'sys.read': 'syscall',
  'sys.clock': 'syscall',
  'sys.open': 'syscall',
  'sys.readdir': 'syscall',
  'sys.fstat': 'syscall',
  'sys.poll': 'syscall',
  'sys.pipe-write': 'syscall',
  'proc.spawn': 'process',
  'sched.ctxswitch': 'process',
  'timer.jitter': 'process',
  'crypto.aes-gcm': 'crypto',
  'crypto.sha256': 'crypto',
  'crypto.sign': 'crypto',
  'crypto.random': 'crypto',
  'io.fsync': 'storage',
};

/** The workloads that price `advise --app`'s syscall classes: not in the quick suite. */
const SYSCALL_CLASS_WORKLOADS = ['sys.open', 'sys.readdir', 'sys.fstat', 'sys.poll', 'sys.pipe-write'];

// A loopback peer, so network families' params can be computed too (no connection is made by params()).
const ctxFor = (suite: Suite): WorkloadContext => ({
  suite,
  peer: { host: '127.0.0.1', port: 9, kind: 'loopback' },
  scratchDir: '/tmp',
  ioDir: process.cwd(),
});

describe('workload registry', () => {
  it('registers every local workload of docs/workloads.md under its exact id and category', () => {
    for (const [id, category] of Object.entries(LOCAL)) {
      const w = registry.get(id);
      expect(w, id).toBeDefined();
      expect(w?.category, id).toBe(category);
    }
  });

  it.each(registry.all().map((w) => [w.id, w] as const))('%s: unit, direction and figure kind agree', (_id, w) => {
    expect(w.unit.length).toBeGreaterThan(0);
    expect(w.title.length).toBeGreaterThan(0);
    expect(w.stresses.length).toBeGreaterThan(0);
    expect(w.better).toBe(directionOf(w.figure));
    expect(Number.isFinite(w.figure.scale) && w.figure.scale > 0).toBe(true);
    // Rates are "x per second"; costs are "time per x" (or, for timer.jitter, time overslept);
    // noisy-neighbor figures are slowdown factors ("x": time per operation with neighbour / alone).
    if (w.figure.kind === 'rate') expect(w.unit).toMatch(/\/s$/);
    else if (w.category === 'noisy-neighbor') expect(w.unit).toBe('x');
    else expect(w.unit).toMatch(/^(ns|us|ms)\b/);
  });

  it.each(registry.all().map((w) => [w.id, w] as const))('%s: params for every suite are plain JSON', (_id, w) => {
    for (const suite of ['quick', 'standard', 'full'] as const) {
      const p = w.params(suite, ctxFor(suite));
      expect(JSON.parse(JSON.stringify(p))).toEqual(p);
    }
  });

  it('runs every local workload in the quick suite but the syscall-class ones (standard and full: quick stays under 2 minutes)', () => {
    for (const id of Object.keys(LOCAL)) expect(registry.get(id)?.inQuick ?? false, id).toBe(!SYSCALL_CLASS_WORKLOADS.includes(id));
  });

  it('sizes the pointer chase far beyond a 32 MiB L3', () => {
    const w = registry.get('mem.latency');
    expect(w?.params('quick', ctxFor('quick')).bufferBytes).toBeGreaterThanOrEqual(128 * 2 ** 20);
    expect(w?.params('standard', ctxFor('standard')).bufferBytes).toBeGreaterThanOrEqual(256 * 2 ** 20);
    expect(registry.get('mem.bandwidth')?.params('quick', ctxFor('quick')).bufferBytes).toBeGreaterThanOrEqual(64 * 2 ** 20);
  });

  it('records the clocksource, CPU crypto flags and filesystem in params', () => {
    const ctx = ctxFor('quick');
    expect(registry.get('sys.clock')?.params('quick', ctx)).toHaveProperty('clocksource');
    for (const id of ['crypto.aes-gcm', 'crypto.sha256', 'crypto.random']) {
      expect(registry.get(id)?.params('quick', ctx), id).toHaveProperty('cpuFlags');
    }
    expect(registry.get('io.fsync')?.params('quick', ctx)).toHaveProperty('filesystem');
  });
});
