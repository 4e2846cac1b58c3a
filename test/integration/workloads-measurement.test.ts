/**
 * What the workloads now record about their own measurement: LLC-sized pointer chase, the clock path from system
 * time, storage device facts and the tmpfs skip, loopback labels, honest tail names, seeded aggressor order, and
 * kernel time per operation compared beside the main figure.
 */
import { describe, expect, it } from 'vitest';
import { roundSeedOf } from '../../src/probes/engine/runner.js';
import { formatKernelOverhead } from '../../src/report/comparison-exporters.js';
import { kernelTimeOf } from '../../src/stats/kernel-time.js';
import type { Round } from '../../src/types.js';
import { chaseBytesFor, parseCacheSize } from '../../src/workloads/memory.js';
import { loopbackNote } from '../../src/results/loopback.js';
import { linkOf } from '../../src/workloads/network.js';
import { syntheticResults } from '../../src/stats/synthetic.js';
import { tailName } from '../../src/workloads/noisy.js';
import { devNumbers, memoryFilesystemReason } from '../../src/workloads/storage.js';
import { clockPathOf, TRAPPED_SYSTEM_SHARE_PCT } from '../../src/workloads/syscall.js';

const MiB = 1024 * 1024;

describe('mem.latency working set', () => {
  it('parses sysfs cache sizes', () => {
    expect(parseCacheSize('32768K')).toBe(32 * MiB);
    expect(parseCacheSize('1M')).toBe(MiB);
    expect(parseCacheSize('512')).toBe(512);
    expect(parseCacheSize('big')).toBeNull();
  });
  it('is at least 8x the LLC and at least 256 MiB', () => {
    expect(chaseBytesFor(32 * MiB)).toBe(256 * MiB);
    expect(chaseBytesFor(96 * MiB)).toBe(768 * MiB);
    expect(chaseBytesFor(null)).toBe(256 * MiB);
  });
});

describe('sys.clock: did the reads trap?', () => {
  it('about no system time: vDSO, consistent with tsc', () => {
    const v = clockPathOf(0.001, 1, 1e7, 'tsc');
    expect(v.path).toBe('vdso');
    expect(v.note).toBeNull();
    expect(v.systemNsPerRead).toBeCloseTo(0.1);
  });
  it('mostly system time under a vDSO clocksource: trapped, and the claim is contradicted', () => {
    const v = clockPathOf(0.8, 1, 1e6, 'kvm-clock');
    expect(v.path).toBe('trapped');
    expect(v.systemSharePct).toBeGreaterThan(TRAPPED_SYSTEM_SHARE_PCT);
    expect(v.note).toMatch(/kvm-clock should be read through the vDSO/);
  });
  it('a trapping clocksource that does trap: no note', () => {
    expect(clockPathOf(0.7, 1, 1e6, 'xen').note).toBeNull();
  });
});

describe('io.fsync facts', () => {
  it('dev_t major/minor (glibc encoding)', () => {
    expect(devNumbers(65024n)).toEqual({ major: 254, minor: 0 });
    expect(devNumbers(2049n)).toEqual({ major: 8, minor: 1 });
    expect(devNumbers((259n << 8n) | 3n)).toEqual({ major: 259, minor: 3 });
  });
  it('tmpfs/ramfs are skipped unless --io-dir chose them', () => {
    expect(memoryFilesystemReason('tmpfs', '/tmp', false)).toMatch(/tmpfs: a flush reaches no device/);
    expect(memoryFilesystemReason('ramfs', '/r', false)).not.toBeNull();
    expect(memoryFilesystemReason('tmpfs', '/tmp', true)).toBeNull();
    expect(memoryFilesystemReason('ext4', '/data', false)).toBeNull();
  });
});

describe('labels and seeds', () => {
  it('network results say loopback unless a remote peer was given', () => {
    expect(linkOf({ host: '127.0.0.1', port: 1, kind: 'loopback' })).toBe('loopback');
    expect(linkOf({ host: '10.0.0.2', port: 7878, kind: 'remote' })).toBe('network');
  });
  it('readers name the hosts whose network figures are loopback', () => {
    const f = syntheticResults({
      seed: 1,
      label: 'kvm',
      rounds: 2,
      workloads: [{ id: 'net.tcp-rtt', category: 'network', better: 'lower', figure: 50 }],
    });
    expect(loopbackNote([f])).toBeNull();
    const w = f.workloads[0]!;
    if (w.status === 'ok') w.params = { link: 'loopback' };
    expect(loopbackNote([f, f])).toMatch(/^network figures of kvm were measured on loopback/);
  });

  it('a "p99" over fewer than 100 batch means is called what it is', () => {
    expect(tailName(12)).toMatch(/near-maximum of 12 batch means/);
    expect(tailName(400)).toBe('p99 of 400 batch means');
  });
  it('round seeds are deterministic and differ between rounds and workloads', () => {
    expect(roundSeedOf(7, 'noisy.cpu', 1)).toBe(roundSeedOf(7, 'noisy.cpu', 1));
    expect(roundSeedOf(7, 'noisy.cpu', 1)).not.toBe(roundSeedOf(7, 'noisy.cpu', 2));
    expect(roundSeedOf(7, 'noisy.cpu', 1)).not.toBe(roundSeedOf(7, 'noisy.tcp-rtt', 1));
  });
});

describe('kernel time per operation beside the main figure', () => {
  const r = (k: number | undefined): Round => ({
    figure: 1,
    operations: 1,
    seconds: 1,
    samples: [1],
    stealPct: null,
    ...(k === undefined ? {} : { kernelSecondsPerOp: k }),
  });
  const opts = { level: 0.95, seed: 1, resamples: 1000 };
  it('doubled kernel time reads as about +100% with an interval, seeded', () => {
    const base = [1e-7, 1.01e-7, 0.99e-7, 1.02e-7].map(r);
    const cand = [2e-7, 2.02e-7, 1.98e-7, 2.01e-7].map(r);
    const k = kernelTimeOf(base, cand, opts);
    if (!k) throw new Error('expected a kernel figure');
    expect(k.baseSecondsPerOp).toBeCloseTo(1.005e-7, 12); // "101 ns"
    expect(k.candSecondsPerOp).toBeCloseTo(2.005e-7, 12); // "201 ns"
    expect(formatKernelOverhead(k)).toMatch(/^\+99\.5% \[\+9\d\.\d, \+10\d\.\d\]$/);
    expect(k.overheadPct?.lo).toBeGreaterThan(90);
    expect(kernelTimeOf(base, cand, opts)).toEqual(k);
    const one = kernelTimeOf(base.slice(0, 1), cand, opts);
    expect(one?.overheadPct).toBeNull();
    expect(one && formatKernelOverhead(one)).toMatch(/^\+\d+\.\d% \(no interval\)$/);
  });
  it('absent on either side (old files, workloads that do not record it): no note', () => {
    expect(kernelTimeOf([r(undefined), r(undefined)], [r(1e-6), r(1e-6)], opts)).toBeNull();
  });
});
