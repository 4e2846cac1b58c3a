/**
 * The devices a run's storage and network workloads used (src/probes/host/devices.ts): the pure parts, how they
 * are compared as environment differences (only where both sides recorded them), and the host card's lines.
 */
import { describe, expect, it } from 'vitest';
import { mountOf, selectedScheduler } from '../../src/probes/host/devices.js';
import { buildReportModel } from '../../src/report/model.js';
import { envDiffs } from '../../src/stats/environment.js';
import { syntheticHost } from '../../src/stats/synthetic.js';
import type { Fingerprint, HostDevices } from '../../src/types.js';
import { threeHosts } from '../helpers/report-fixtures.js';

const devices = (over: Partial<HostDevices['storage']> = {}, nic: Partial<HostDevices['network']> = {}): HostDevices => ({
  storage: {
    dir: '/work',
    filesystem: 'ext4',
    device: '/dev/vda',
    model: 'Virtio disk',
    type: 'HD',
    scheduler: 'none',
    rotational: true,
    ...over,
  },
  network: { iface: 'lo', driver: 'loopback', speedMbps: null, virtual: false, mtu: 65536, ...nic },
});

describe('host devices', () => {
  it('reads the selected I/O scheduler and the mount that holds a directory', () => {
    expect(selectedScheduler('none [mq-deadline] kyber bfq')).toBe('mq-deadline');
    expect(selectedScheduler('none')).toBe('none');
    const mounts = [{ mount: '/' }, { mount: '/work' }, { mount: '/workspace' }];
    expect(mountOf('/work/main/results', mounts)?.mount).toBe('/work');
    expect(mountOf('/workspace', mounts)?.mount).toBe('/workspace');
    expect(mountOf('/tmp', mounts)?.mount).toBe('/');
    expect(mountOf('/tmp', [])).toBeNull();
  });

  it('are environment differences when both sides recorded them, never against a file without them', () => {
    const a: Fingerprint = { ...syntheticHost(), devices: devices() };
    const b: Fingerprint = {
      ...syntheticHost(),
      devices: devices({ model: 'Amazon EBS', type: 'SSD', scheduler: 'mq-deadline' }, { iface: 'eth0', driver: 'ena', speedMbps: 25000 }),
    };
    const fields = envDiffs(a, b).map((d) => d.field);
    expect(fields).toEqual(['storage.device', 'storage.scheduler', 'network.interface']);
    expect(envDiffs(a, b).find((d) => d.field === 'network.interface')).toEqual({
      field: 'network.interface',
      base: 'lo, loopback',
      cand: 'eth0, ena, 25000 Mbit/s',
    });
    // An older file (no devices), or a run without storage workloads: nothing to state.
    expect(envDiffs(a, syntheticHost())).toEqual([]);
    expect(envDiffs(a, { ...syntheticHost(), devices: { storage: null, network: devices().network } })).toEqual([]);
    expect(envDiffs(a, { ...syntheticHost(), devices: devices() })).toEqual([]);
  });

  it("show in the host card's facts", () => {
    const { files, comparisons } = threeHosts();
    const withDevices = files.map((f, i) => (i === 0 ? { ...f, host: { ...f.host, devices: devices() } } : f));
    const m = buildReportModel({
      files: withDevices,
      comparisons,
      baseline: 'metal',
      noisePct: 1,
      generatedAt: '2026-11-25T00:00:00.000Z',
      toolVersion: '0.1.0',
    });
    const card = m.hosts.find((h) => h.label === 'metal');
    expect(card?.devices).toEqual({ storage: 'Virtio disk, HD, ext4, scheduler none', network: 'lo, loopback' });
    expect(m.hosts.find((h) => h.label !== 'metal')?.devices).toEqual({ storage: null, network: null });
  });
});
