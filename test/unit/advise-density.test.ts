/**
 * Fleet sizing by memory (issue: the agility and density tax): `advise --instances N --host-memory G` and a profile
 * with `instances` size a fleet from `virtax lifecycle` files: instances per host from the memory fit, hosts needed,
 * with the fit's interval; wrong input exits 2 with one line.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sizeByMemory } from '../../src/advise/density.js';
import { asProfile, asProfileParts } from '../../src/advise/profile.js';
import { loadResults } from '../../src/results/io.js';
import type { ResultsFile } from '../../src/types.js';
import { runCli } from '../helpers/cli.js';

const LIFECYCLE = ['process', 'podman', 'podman-gvisor', 'gvisor', 'uml'].map((p) => `results/lifecycle/${p}-lifecycle.json`);
const files = LIFECYCLE.map(loadResults);
const dir = mkdtempSync(join(tmpdir(), 'virtax-density-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A lifecycle file whose memory fit is given: fixed + k x perInstance MiB. */
function withFit(label: string, fixed: [number, number, number], per: [number, number, number]): ResultsFile {
  const f = structuredClone(files[1] as ResultsFile);
  f.label = label;
  const mem = f.workloads.find((w) => w.id === 'life.memory');
  if (!mem || mem.status !== 'ok') throw new Error('fixture: podman has life.memory');
  mem.extra = {
    ...mem.extra,
    platform: { name: label },
    fit: {
      fixedMiB: { point: fixed[0], lo: fixed[1], hi: fixed[2] },
      perInstanceMiB: { point: per[0], lo: per[1], hi: per[2] },
      level: 0.95,
    },
  };
  return f;
}

describe('sizing a fleet by memory', () => {
  it('instances per host follow the fit: floor((H - fixed) / (per instance + app)), the interval from the bounds', () => {
    const a = sizeByMemory([withFit('a', [10, 8, 12], [5, 4, 6])], { instances: 1000, hostMemoryGiB: 1, instanceMemoryMiB: 0 });
    const o = a.options[0];
    expect(o?.perHost).toEqual({ point: Math.floor(1014 / 5), lo: Math.floor(1012 / 6), hi: Math.floor(1016 / 4) });
    expect(o?.hostsNeeded).toEqual({ point: Math.ceil(1000 / 202), lo: Math.ceil(1000 / 254), hi: Math.ceil(1000 / 168) });
    const app = sizeByMemory([withFit('a', [10, 8, 12], [5, 4, 6])], { instances: 1000, hostMemoryGiB: 1, instanceMemoryMiB: 45 });
    expect(app.options[0]?.perHost.point).toBe(Math.floor(1014 / 50));
  });

  it('an instance larger than the host fits nowhere: no host count, and no recommendation of it', () => {
    const a = sizeByMemory([withFit('big', [0, 0, 0], [2048, 2000, 2100]), withFit('small', [1, 1, 1], [1, 1, 1])], {
      instances: 10,
      hostMemoryGiB: 1,
      instanceMemoryMiB: 0,
    });
    expect(a.options.map((o) => o.label)).toEqual(['small', 'big']);
    expect(a.options[1]?.hostsNeeded).toBeNull();
    expect(a.recommendation?.label).toBe('small');
  });

  it('on the five committed platforms: a process and runc hold far more idle instances than gVisor and UML', () => {
    const a = sizeByMemory(files, { instances: 5000, hostMemoryGiB: 16, instanceMemoryMiB: 0 });
    const per = Object.fromEntries(a.options.map((o) => [o.platform, o.perHost]));
    expect(per.process!.point).toBeGreaterThan(per.podman!.point);
    expect(per.podman!.lo).toBeGreaterThan(10 * per['podman-gvisor']!.hi!);
    expect(per['podman-gvisor']!.lo).toBeGreaterThan(per.uml!.hi!);
    for (const o of a.options) {
      expect(o.source).toBe('fit');
      expect(o.perHost.lo).toBeLessThanOrEqual(o.perHost.point);
      expect(o.perHost.point).toBeLessThanOrEqual(o.perHost.hi!);
    }
    expect(a.options.at(-1)?.platform).toBe('uml');
  });

  it('performance results files are named as skipped, not sized', () => {
    const perf = loadResults('results/reference-2026-11/firecracker-epyc-host-vm.json');
    const a = sizeByMemory([perf, ...files.slice(0, 2)], { instances: 10, hostMemoryGiB: 8, instanceMemoryMiB: 0 });
    expect(a.skipped).toEqual([{ label: perf.label, reason: expect.stringMatching(/not a lifecycle file/) }]);
    expect(() => sizeByMemory([perf], { instances: 10, hostMemoryGiB: 8, instanceMemoryMiB: 0 })).toThrow(/virtax lifecycle/);
  });
});

describe('profiles that give instances', () => {
  it('a profile with instances needs hostMemoryGiB, and needs no weights', () => {
    expect(asProfileParts({ name: 'x', instances: 100, hostMemoryGiB: 16 }, 'p.json')).toEqual({
      performance: null,
      density: { instances: 100, hostMemoryGiB: 16, instanceMemoryMiB: 0 },
    });
    expect(() => asProfileParts({ name: 'x', instances: 100 }, 'p.json')).toThrow(/hostMemoryGiB/);
    expect(() => asProfileParts({ name: 'x', weights: { cpu: 1 } }, 'p.json')).toThrow(/fleetSize|latencySensitive/);
    expect(() => asProfile({ name: 'x', instances: 100, hostMemoryGiB: 16 }, 'p.json')).toThrow(/only instances/);
  });
});

describe('virtax advise --instances', () => {
  it('prints instances per host and hosts needed per platform, and the same as JSON', async () => {
    const r = await runCli(['advise', ...LIFECYCLE, '--instances', '2000', '--host-memory', '16', '--instance-memory', '40']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/Fleet by memory: 2,000 instances of 40 MiB each, on 16 GiB hosts/);
    expect(r.out).toMatch(/^16 GiB hosts: [\d,]+ process instances, [\d,]+ podman, /m);
    const j = await runCli(['advise', ...LIFECYCLE, '--instances', '2000', '--host-memory', '16', '--json']);
    const parsed = JSON.parse(j.out) as { density: { options: { platform: string; hostsNeeded: { point: number } }[] } };
    const hosts = Object.fromEntries(parsed.density.options.map((o) => [o.platform, o.hostsNeeded.point]));
    expect(hosts.uml).toBeGreaterThan(hosts.podman!);
  });

  it('a profile with instances and weights gives placement advice on the performance files and sizing on the lifecycle files', async () => {
    const p = join(dir, 'both.json');
    const api = JSON.parse(readFileSync('examples/profiles/api-gateway.json', 'utf8')) as Record<string, unknown>;
    writeFileSync(p, JSON.stringify({ ...api, instances: 500, hostMemoryGiB: 8, instanceMemoryMiB: 64 }));
    const perf = ['results/reference-2026-11/firecracker-epyc-host-vm.json', 'results/reference-2026-11/firecracker-epyc-podman-runc.json'];
    const r = await runCli(['advise', ...perf, ...LIFECYCLE, '--profile', p]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/Placement advice for/);
    expect(r.out).toMatch(/Fleet by memory: 500 instances of 64 MiB each, on 8 GiB hosts/);
    expect(r.out).not.toMatch(/Skipped/);
  });

  it.each([
    [['--instances', '10'], /--host-memory/],
    [['--host-memory', '16', '--profile', 'examples/profiles/api-gateway.json'], /go with --instances/],
    [['--instances', '0', '--host-memory', '16'], /positive whole number/],
    [['--instances', '10', '--host-memory', '-1'], /positive number of GiB/],
  ])('%j exits 2 with one line', async (flags, why) => {
    const r = await runCli(['advise', ...LIFECYCLE, ...flags]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(why);
    expect(r.err.trim().split('\n')).toHaveLength(1);
  });

  it('performance files alone exit 2: sizing needs lifecycle files', async () => {
    const r = await runCli([
      'advise',
      'results/reference-2026-11/firecracker-epyc-host-vm.json',
      '--instances',
      '10',
      '--host-memory',
      '16',
    ]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/virtax lifecycle/);
  });
});
