import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { advise, formatAdvice, hostsFor } from '../../src/advise/advise.js';
import { asProfile, compareOptionsFor, loadProfile } from '../../src/advise/profile.js';
import type { Profile } from '../../src/advise/types.js';
import { InputError } from '../../src/errors.js';
import { comparisonOf, estimate, threeHosts } from '../helpers/report-fixtures.js';

const profile: Profile = {
  name: 'api',
  weights: { network: 2, syscall: 1, cpu: 1 },
  latencySensitive: true,
  p99BudgetPct: 30,
  sensitiveData: false,
  fleetSize: 400,
  costPerHost: { metal: 500, 'kvm-vm': 300, docker: 290 },
  costUnit: 'USD/month',
};

describe('capacity arithmetic', () => {
  it('5.2% overhead on 400 hosts = 21 more hosts', () => {
    expect(hostsFor(400, 5.2)).toBe(421);
    expect(hostsFor(400, 5)).toBe(420); // not 421 from 420.00000000000006
    expect(hostsFor(400, 0)).toBe(400);
    expect(hostsFor(400, -3)).toBe(388);
    expect(hostsFor(1, -99.9)).toBe(1);
  });
});

describe('advisor', () => {
  const { files, comparisons } = threeHosts();

  it("turns each host's weighted overhead into hosts and cost, with the interval", () => {
    const a = advise({ profile, files, baseline: 'metal', comparisons });
    const vm = a.hosts.find((h) => h.label === 'kvm-vm')!;
    expect(vm.overheadPct).toMatchObject({ point: 5.2, lo: 3.9, hi: 6.6 });
    expect(vm.hostsNeeded).toEqual({ point: 421, lo: 416, hi: 427 });
    expect(vm.extraHosts).toEqual({ point: 21, lo: 16, hi: 27 });
    expect(vm.fleetCost).toEqual({ point: 421 * 300, lo: 416 * 300, hi: 427 * 300 });
    const metal = a.hosts.find((h) => h.label === 'metal')!;
    expect(metal).toMatchObject({ isBaseline: true, overheadPct: null, hostsNeeded: { point: 400, lo: 400, hi: 400 } });
  });

  it('weights p99 inflation by the profile and rules out hosts over the budget', () => {
    // kvm-vm rows: network x1.6 (w 2), syscall x1.4 (w 1), cpu x1.02 (w 1) -> geometric mean ~ +38.8% > 30%
    const a = advise({ profile, files, baseline: 'metal', comparisons });
    const vm = a.hosts.find((h) => h.label === 'kvm-vm')!;
    const expected = 100 * (Math.exp((2 * Math.log(1.6) + Math.log(1.4) + Math.log(1.02)) / 4) - 1);
    expect(vm.tailInflationPct).toBeCloseTo(expected, 10);
    expect(vm.disqualified[0]).toMatch(/p99 inflation \+38\.\d% is over the 30% budget/);
    expect(a.ranking[a.ranking.length - 1]).toBe('kvm-vm');
  });

  it('recommends the cheapest eligible host for the same throughput, in plain words', () => {
    const a = advise({ profile, files, baseline: 'metal', comparisons });
    // docker: 1.8% -> 408 hosts x 290 = 118,320 < metal 400 x 500 = 200,000
    expect(a.ranking).toEqual(['docker', 'metal', 'kvm-vm']);
    expect(a.recommendation!.label).toBe('docker');
    const text = a.recommendation!.reasons.join('\n');
    expect(text).toContain('408 hosts x 290 USD/month = 118,320 USD/month');
    expect(text).toContain('+1.8% on 400 hosts = 8 more hosts');
    expect(text).toContain('kvm-vm is ruled out');
  });

  it('ranks by overhead when costs are missing, and says so', () => {
    const a = advise({
      profile: { ...profile, costPerHost: { metal: 1 }, latencySensitive: false },
      files,
      baseline: 'metal',
      comparisons,
    });
    expect(a.ranking).toEqual(['metal', 'docker', 'kvm-vm']);
    expect(a.notes[0]).toMatch(/no cost given for kvm-vm, docker/);
    expect(a.recommendation!.reasons[0]).toMatch(/baseline/);
  });

  it('states security trade-offs: shared tenancy, shared kernel, crypto and entropy exposure', () => {
    const a = advise({ profile: { ...profile, sensitiveData: true }, files, baseline: 'metal', comparisons });
    const vm = a.hosts.find((h) => h.label === 'kvm-vm')!.security;
    const ctr = a.hosts.find((h) => h.label === 'docker')!.security;
    const metal = a.hosts.find((h) => h.label === 'metal')!.security;
    expect(vm).toMatchObject({ sharedTenancy: true, sharedKernel: false, rdrand: false });
    expect(vm.notes.join('\n')).toMatch(/RDRAND not exposed/);
    expect(ctr).toMatchObject({ sharedTenancy: true, sharedKernel: true });
    expect(ctr.notes.join('\n')).toMatch(/shares the kernel/);
    expect(metal.notes[0]).toMatch(/dedicated hardware/);
    expect(a.recommendation!.reasons.join('\n')).toMatch(/caveat: .*sensitive data/);
  });

  it('keeps the baseline when every alternative breaks the p99 budget, and names why', () => {
    const a = advise({
      profile: { ...profile, p99BudgetPct: 0 },
      files: files.slice(1),
      baseline: 'kvm-vm',
      comparisons: [comparisonOf(files[1]!, files[2]!, comparisons[1]!.rows, estimate(2, 1, 3))],
    });
    expect(a.recommendation!.label).toBe('kvm-vm');
    expect(a.recommendation!.reasons.join('\n')).not.toMatch(/next is docker/);
    expect(a.recommendation!.reasons.join('\n')).toMatch(/docker is ruled out: p99 inflation \+\d+\.\d% is over the 0% budget/);
    expect(formatAdvice(a)).toMatch(/ruled out/);
  });

  it('prints one recommendation with its reasons', () => {
    const text = formatAdvice(advise({ profile, files, baseline: 'metal', comparisons }));
    expect(text).toMatch(/^Recommendation: docker$/m);
    expect(text).toMatch(/hosts {8}421 \(\+21; 416-427\)/);
  });
});

describe('profiles', () => {
  const dir = new URL('../../examples/profiles/', import.meta.url);
  it('every example profile is valid', () => {
    const names = readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .sort();
    expect(names).toEqual(['api-gateway.json', 'batch-job.json', 'crypto-service.json', 'database.json']);
    for (const n of names) expect(loadProfile(new URL(n, dir).pathname).name).toBe(n.replace('.json', ''));
  });

  it('turn into compare options: weights, or the workload ids they resemble', () => {
    const batch = loadProfile(new URL('batch-job.json', dir).pathname);
    expect(compareOptionsFor(batch)).toEqual({ onlyIds: ['cpu.int', 'cpu.float', 'mem.bandwidth'] });
    const db = JSON.parse(readFileSync(new URL('database.json', dir), 'utf8')) as Profile;
    expect(compareOptionsFor(db).weights).toEqual(db.weights);
  });

  it('reject bad profiles with one line', () => {
    const ok = { name: 'x', weights: { cpu: 1 }, latencySensitive: false, sensitiveData: false, fleetSize: 10 };
    expect(() => asProfile({ ...ok, weights: undefined }, 'p.json')).toThrow(/give "weights".*or "resembles"/);
    expect(() => asProfile({ ...ok, fleetSize: 0 }, 'p.json')).toThrow(InputError);
    expect(() => asProfile({ ...ok, weights: { cpu: 0 } }, 'p.json')).toThrow(/every weight is 0/);
    expect(() => asProfile({ ...ok, weights: { gpu: 1 } }, 'p.json')).toThrow(/additional properties \(gpu\)/);
    expect(() => loadProfile('/nonexistent/p.json')).toThrow(/no such file/);
  });
});

describe('advisor security notes for sandboxes and nested guests', () => {
  const { files, comparisons } = threeHosts();
  const withHost = (label: string, host: Partial<(typeof files)[number]['host']>) =>
    files.map((f) => (f.label === label ? { ...f, host: { ...f.host, ...host } } : f));

  it('a gVisor sandbox in a VM is not called a shared-kernel container; a UML guest has a kernel of its own', () => {
    const sandboxed = advise({
      profile,
      files: withHost('docker', { platform: 'sandbox-in-vm', container: 'gvisor', hypervisor: 'firecracker' }),
      baseline: 'metal',
      comparisons,
    });
    const sb = sandboxed.hosts.find((h) => h.label === 'docker')!;
    expect(sb.security.sharedKernel).toBe(false);
    expect(sb.security.notes.join(' ')).toMatch(/sandboxed \(gvisor\).*application kernel/);
    expect(sb.security.notes.join(' ')).toMatch(/runs inside a VM \(firecracker\)/);
    const nested = advise({
      profile,
      files: withHost('kvm-vm', { platform: 'vm-in-vm', hypervisor: 'uml' }),
      baseline: 'metal',
      comparisons,
    });
    expect(nested.hosts.find((h) => h.label === 'kvm-vm')!.security.notes.join(' ')).toMatch(
      /a guest kernel of its own \(uml\), nested in another guest/,
    );
  });
});
