/**
 * The fingerprint detector on recorded /proc, /sys and marker-file trees (test/fixtures/fingerprint/<case>/),
 * and on this machine itself.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectFingerprint, hostSources, parseCpuinfo } from '../src/probes/fingerprint.js';
import { asResultsFile } from '../src/results/io.js';
import type { Fingerprint } from '../src/types.js';

const FIXTURES = new URL('./fixtures/fingerprint/', import.meta.url).pathname;

function fixture(name: string): Fingerprint {
  const root = join(FIXTURES, name);
  const envFile = join(root, '_env.json');
  const env = existsSync(envFile) ? (JSON.parse(readFileSync(envFile, 'utf8')) as Record<string, string>) : {};
  return detectFingerprint(hostSources(root, { env, os: { hostname: 'from-os', release: '0.0.0-os', totalmem: 1 } }));
}

type Expect = Pick<Fingerprint, 'platform' | 'hypervisor' | 'container' | 'cloud'>;

const CASES: Record<string, Expect & { evidence: RegExp[] }> = {
  metal: { platform: 'metal', hypervisor: null, container: null, cloud: null, evidence: [/no `hypervisor` flag/, /Dell Inc\./] },
  kvm: { platform: 'vm', hypervisor: 'kvm', container: null, cloud: null, evidence: [/hypervisor/, /DMI sys_vendor: "QEMU"/, /kvm-clock/] },
  xen: { platform: 'vm', hypervisor: 'xen', container: null, cloud: 'aws', evidence: [/\/sys\/hypervisor\/type: xen/, /clocksource in use: xen/, /amazon/] },
  vmware: { platform: 'vm', hypervisor: 'vmware', container: null, cloud: null, evidence: [/VMware, Inc\./] },
  hyperv: { platform: 'vm', hypervisor: 'hyperv', container: null, cloud: null, evidence: [/Virtual Machine/, /hyperv_clocksource_tsc_page/] },
  azure: { platform: 'vm', hypervisor: 'hyperv', container: null, cloud: 'azure', evidence: [/7783-7084-3265-9085-8269-3286-77/] },
  firecracker: { platform: 'vm', hypervisor: 'firecracker', container: null, cloud: null, evidence: [/virtio_mmio\.device=.*no DMI/, /dmi\/id: absent/] },
  docker: { platform: 'container', hypervisor: null, container: 'docker', cloud: null, evidence: [/\.dockerenv/, /\/docker\//, /overlay/] },
  podman: { platform: 'container', hypervisor: null, container: 'podman', cloud: null, evidence: [/podman-5\.0\.2/] },
  kubernetes: { platform: 'container', hypervisor: null, container: 'kubernetes', cloud: null, evidence: [/kubepods/, /KUBERNETES_SERVICE_HOST/, /serviceaccount/] },
  gke: { platform: 'container-in-vm', hypervisor: 'kvm', container: 'kubernetes', cloud: 'gcp', evidence: [/Google/, /KUBERNETES_SERVICE_HOST/] },
  'container-in-vm': { platform: 'container-in-vm', hypervisor: 'kvm', container: 'docker', cloud: null, evidence: [/QEMU/, /\.dockerenv/] },
  'aws-nitro': { platform: 'vm', hypervisor: 'nitro', container: null, cloud: 'aws', evidence: [/Amazon EC2/, /Nitro/] },
  'aws-metal': { platform: 'metal', hypervisor: null, container: null, cloud: 'aws', evidence: [/bare-metal instance/] },
  'firecracker-docker-recorded': {
    platform: 'container-in-vm', hypervisor: 'firecracker', container: 'docker', cloud: null,
    evidence: [/OEM id "FIRECK"/, /firecracker-init/, /kvm-clock/, /\.dockerenv/],
  },
};

describe('fingerprint fixtures', () => {
  for (const [name, want] of Object.entries(CASES)) {
    it(`${name}: ${want.platform} / ${want.hypervisor ?? '-'} / ${want.container ?? '-'} / ${want.cloud ?? '-'}`, () => {
      const f = fixture(name);
      expect({ platform: f.platform, hypervisor: f.hypervisor, container: f.container, cloud: f.cloud }).toEqual({
        platform: want.platform, hypervisor: want.hypervisor, container: want.container, cloud: want.cloud,
      });
      expect(f.evidence.length).toBeGreaterThan(0);
      for (const line of f.evidence) expect(line).not.toMatch(/\n/);
      for (const re of want.evidence) expect(f.evidence.some((e) => re.test(e)), `evidence matching ${re}: ${f.evidence.join(' | ')}`).toBe(true);
    });
  }

  it('every fixture directory has a case', () => {
    expect(readdirSync(FIXTURES).sort()).toEqual(Object.keys(CASES).sort());
  });

  it('reads host facts from the files, not the OS fallbacks', () => {
    const f = fixture('metal');
    expect(f.hostname).toBe('r640-07');
    expect(f.kernel).toBe('5.15.0-105-generic');
    expect(f.os).toBe('Ubuntu 22.04.4 LTS');
    expect(f.memoryBytes).toBe(394847624 * 1024);
    expect(f.numaNodes).toBe(2);
    expect(f.clocksource).toBe('tsc');
    expect(f.cpu).toEqual({
      model: 'Intel(R) Xeon(R) Gold 6230 CPU @ 2.10GHz', cores: 8, threads: 16, mhz: 2100,
      flags: { aes: true, sha: false, rdrand: true, avx2: true, avx512: true },
    });
  });

  it('an empty tree is "unknown", with OS fallbacks for the facts', () => {
    const f = fixture('does-not-exist');
    expect(f.platform).toBe('unknown');
    expect(f.hostname).toBe('from-os');
    expect(f.kernel).toBe('0.0.0-os');
    expect(f.memoryBytes).toBe(1);
    expect(f.numaNodes).toBe(1);
    expect(f.evidence).toContain('/proc/cpuinfo: unreadable');
  });

  it('a fingerprint from a fixture is valid in a results file', () => {
    const host = fixture('gke');
    const file = {
      schema: 'virtax.results/v1', id: '00000000-0000-4000-8000-000000000000', label: 'x',
      startedAt: '2026-01-01T00:00:00.000Z', finishedAt: null, tool: { name: 'virtax', version: '0', node: 'v20' },
      host, config: { suite: 'quick', rounds: 1, seed: 1, onlyIds: null },
      conditions: { stealPct: null, loadAvg1Start: 0, loadAvg1End: null, notes: [] }, workloads: [],
    };
    expect(() => asResultsFile(file, 'gke.json')).not.toThrow();
  });
});

describe('parseCpuinfo', () => {
  it('counts cores by (physical id, core id) and reads Arm features', () => {
    const arm = [0, 1, 2, 3]
      .map((p) => `processor\t: ${p}\nBogoMIPS\t: 243.75\nFeatures\t: fp asimd evtstrm aes pmull sha1 sha2 crc32 atomics fphp asimdhp cpuid asimdrdm lrcpc dcpop asimddp ssbs rng\nCPU implementer\t: 0x41\nCPU architecture: 8\nCPU variant\t: 0x3\nCPU part\t: 0xd0c\nCPU revision\t: 1\n`)
      .join('\n');
    const c = parseCpuinfo(arm);
    expect(c.model).toBe('Arm Neoverse-N1 (implementer 0x41, part 0xd0c)');
    expect([c.cores, c.threads, c.mhz]).toEqual([4, 4, 0]);
    expect(c.flags).toEqual({ aes: true, sha: true, rdrand: true, avx2: false, avx512: false });
  });
});

describe('fingerprint of this machine', () => {
  const onThisKindOfHost = existsSync('/.dockerenv') && /\bhypervisor\b/.test(readFileSync('/proc/cpuinfo', 'utf8'));
  if (!onThisKindOfHost) console.log('skipping live fingerprint check: this host is not a container in a VM (/.dockerenv + cpuinfo hypervisor flag)');
  it.skipIf(!onThisKindOfHost)('is a Docker container inside a KVM-based VM', () => {
    const f = detectFingerprint(hostSources('/'));
    expect(f.platform).toBe('container-in-vm');
    expect(f.container).toBe('docker');
    // Firecracker runs on KVM; it is named only when the host shows Firecracker's own marks.
    const fcMarks = /firecracker/i.test(readFileSync('/proc/cmdline', 'utf8'));
    expect(f.hypervisor).toBe(fcMarks ? 'firecracker' : 'kvm');
    expect(f.evidence).toContain('/proc/cpuinfo: flags include `hypervisor` (CPUID says a hypervisor is present)');
    expect(f.evidence).toContain('/.dockerenv present (Docker puts it in every container)');
    expect(f.cpu.threads).toBeGreaterThan(0);
    expect(f.memoryBytes).toBeGreaterThan(0);
  });
});
