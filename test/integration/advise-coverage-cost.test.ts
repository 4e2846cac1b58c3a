/** Advice coverage (what a host's overhead rests on) and cost keys (label, pattern, platform, runtime). */
import { describe, expect, it } from 'vitest';
import { costFor, coverageOf } from '../../src/advise/advise.js';
import type { Profile } from '../../src/advise/types.js';
import { syntheticHost } from '../../src/stats/synthetic.js';

const profile: Profile = {
  name: 'db',
  weights: { memory: 4, storage: 3, network: 2, syscall: 1, cpu: 1 },
  latencySensitive: true,
  sensitiveData: true,
  fleetSize: 12,
};

describe('coverage', () => {
  it('names the weighted categories not measured, heaviest first, and their share of the weight', () => {
    const c = coverageOf(
      [
        { id: 'cpu.int', category: 'cpu' },
        { id: 'sys.stat', category: 'syscall' },
      ],
      profile,
    );
    expect(c.measured).toEqual(['syscall', 'cpu']);
    expect(c.missing).toEqual([
      { name: 'memory', weight: 4 },
      { name: 'storage', weight: 3 },
      { name: 'network', weight: 2 },
    ]);
    expect(c.missingWeightPct).toBeCloseTo((100 * 9) / 11, 9);
    expect(c.workloads).toBe(2);
  });

  it('resembles-profiles count resembled ids (patterns allowed)', () => {
    const c = coverageOf([{ id: 'mem.latency', category: 'memory' }], {
      ...profile,
      weights: undefined,
      resembles: ['mem.*', 'cpu.int'],
    } as Profile);
    expect(c.measured).toEqual(['mem.*']);
    expect(c.missingWeightPct).toBe(50);
  });
});

describe('costPerHost keys', () => {
  const costs = { 'kvm-epyc': 1, 'kvm-*': 2, vm: 3, docker: 4, metal: 5 };
  const vm = { ...syntheticHost(), platform: 'vm' as const, container: null };
  it('label, then pattern, then platform, then runtime', () => {
    expect(costFor(costs, { label: 'kvm-epyc', host: vm })).toEqual({ cost: 1, key: 'kvm-epyc' });
    expect(costFor(costs, { label: 'kvm-xeon', host: vm })).toEqual({ cost: 2, key: 'kvm-*' });
    expect(costFor(costs, { label: 'vm-host1', host: vm })).toEqual({ cost: 3, key: 'vm' });
    expect(costFor(costs, { label: 'ctr-1', host: { ...vm, platform: 'container-in-vm', container: 'docker' } })).toEqual({
      cost: 4,
      key: 'docker',
    });
    expect(costFor({ metal: 5 }, { label: 'vm-host1', host: vm })).toBeNull();
    expect(costFor(undefined, { label: 'x', host: vm })).toBeNull();
  });
});
