/**
 * The environment guard and nested guests: User-Mode Linux reports CPU model `UML` and gVisor `unknown`, so a
 * comparison of a host with a guest nested on the same hardware must not say "two machines" (compare's
 * warning, the report's host cards and CPU-model count, the gate's refusal on cpu.model), while a real
 * model difference still does. Hosts come from fingerprints recorded on this machine and inside its guests.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { guardedDiffs } from '../../src/baseline/read.js';
import { detectFingerprint, hostSources } from '../../src/probes/host/fingerprint.js';
import { buildReportModel } from '../../src/report/model.js';
import { cpuModelHiddenBy, nestedCpuModelWarning } from '../../src/results/host.js';
import { compareResults } from '../../src/stats/compare.js';
import { syntheticResults } from '../../src/stats/synthetic.js';
import type { Fingerprint } from '../../src/types.js';

const FIXTURES = new URL('../fixtures/fingerprint/', import.meta.url).pathname;
const recorded = (name: string, env: Record<string, string> = {}): Fingerprint =>
  detectFingerprint(hostSources(join(FIXTURES, name), { env, os: { hostname: 'h', release: 'r', totalmem: 1 } }));

const host = recorded('firecracker-vm-recorded');
const uml = recorded('uml-in-firecracker-recorded', { VIRTAX_OUTER_PLATFORM: 'vm:firecracker' });
const gvisor = recorded('gvisor-in-firecracker-recorded', { VIRTAX_OUTER_PLATFORM: 'vm:firecracker' });

function file(label: string, h: Fingerprint, seed: number) {
  return syntheticResults({
    label,
    seed,
    host: h,
    workloads: [{ id: 'cpu.int', category: 'cpu', better: 'higher', figure: 500, rounds: 4, batches: 5, roundSd: 0.01, batchSd: 0.01 }],
  });
}

describe('nested guests hide the CPU model; that is not another machine', () => {
  it('UML and gVisor fingerprints say who hides the model; the host does not', () => {
    expect(uml.cpu.model).toBe('UML');
    expect(cpuModelHiddenBy(uml)).toBe('User-Mode Linux');
    expect(gvisor.cpu.model).toBe('unknown');
    expect(cpuModelHiddenBy(gvisor)).toBe('gVisor');
    expect(cpuModelHiddenBy(host)).toBeNull();
    // A placeholder model without any sign of nesting is not excused.
    expect(
      cpuModelHiddenBy({ ...host, cpu: { ...host.cpu, model: 'unknown' }, nesting: [{ layer: 'vm', name: 'kvm', source: 'detected' }] }),
    ).toBeNull();
  });

  it('compare: a nested-guest note instead of CPU MODELS DIFFER', () => {
    const c = compareResults(file('host', host, 1), file('uml', uml, 2), { resamples: 200 });
    expect(c.warnings.some((w) => /CPU MODELS DIFFER/.test(w))).toBe(false);
    const note = c.warnings.find((w) => w.startsWith('nested guest: CPU model hidden by the guest kernel'));
    expect(note).toMatch(/candidate "UML" under User-Mode Linux/);
    expect(note).toMatch(/CPU flags agree/);
    expect(c.envDiffs.some((d) => d.field === 'cpu.model')).toBe(true); // still stated as a difference
  });

  it('compare: a real model difference is still loud', () => {
    const other = { ...host, cpu: { ...host.cpu, model: 'Intel(R) Xeon(R) Gold 6230 CPU @ 2.10GHz' } };
    const c = compareResults(file('host', host, 1), file('xeon', other, 2), { resamples: 200 });
    expect(c.warnings.some((w) => /CPU MODELS DIFFER/.test(w))).toBe(true);
    expect(nestedCpuModelWarning(host, other)).toBeNull();
  });

  it('gate: cpu.model is not guarded against a nested guest; the hypervisor still is', () => {
    expect(guardedDiffs(host, uml)).toEqual([{ field: 'hypervisor', base: 'firecracker', cand: 'uml' }]);
    expect(guardedDiffs(host, gvisor)).toEqual([]); // gVisor in this VM: same hypervisor beneath, model hidden
  });

  it('report: no "different CPU models" warning and a nested-guest note on the guest\'s card', () => {
    const files = [file('host', host, 1), file('uml', uml, 2), file('gvisor', gvisor, 3)];
    const model = buildReportModel({
      files,
      baseline: 'host',
      comparisons: [],
      noisePct: 1,
      generatedAt: '2026-01-01T00:00:00.000Z',
      toolVersion: '0',
    });
    expect(model.warnings.some((w) => /different CPU models/.test(w))).toBe(false);
    const card = model.hosts.find((h) => h.label === 'uml');
    expect(card?.warnings.some((w) => /nested guest: CPU model hidden/.test(w))).toBe(true);
  });
});
