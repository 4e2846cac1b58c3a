/**
 * The fingerprint detector on recorded /proc, /sys and marker-file trees (test/fixtures/fingerprint/<case>/;
 * the `*-recorded` ones were captured on real platforms with `virtax fingerprint --record DIR`), and live
 * inside platforms the test launches itself (an unshare container, a gVisor sandbox, a User-Mode Linux guest),
 * each skipped with the reason where it cannot be made.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  detectFingerprint,
  hostSources,
  outerPlatformSpec,
  parseCpuinfo,
  recordFingerprint,
  type HostSources,
} from '../../src/probes/host/fingerprint.js';
import { asResultsFile } from '../../src/results/io.js';
import type { Fingerprint } from '../../src/types.js';
import { runCli } from '../helpers/cli.js';

const FIXTURES = new URL('../fixtures/fingerprint/', import.meta.url).pathname;

const OS = { hostname: 'from-os', release: '0.0.0-os', totalmem: 1 };

/** A fixture's sources; `env` replaces its recorded `_env.json` (e.g. `{}`: as if no launcher had said anything). */
function sources(name: string, env?: Record<string, string>): HostSources {
  const root = join(FIXTURES, name);
  const envFile = join(root, '_env.json');
  const recorded = existsSync(envFile) ? (JSON.parse(readFileSync(envFile, 'utf8')) as Record<string, string>) : {};
  return hostSources(root, { env: env ?? recorded, os: OS });
}

function fixture(name: string, env?: Record<string, string>): Fingerprint {
  return detectFingerprint(sources(name, env));
}

/** Sources over an in-memory tree (path -> contents), for cases too small to deserve a fixture directory. */
function memory(files: Record<string, string>, env: Record<string, string> = {}): HostSources {
  return {
    read: (p) => files[p] ?? null,
    list: (p) => {
      const names = Object.keys(files)
        .filter((f) => f.startsWith(`${p}/`))
        .map((f) => f.slice(p.length + 1).split('/')[0] as string);
      return names.length ? [...new Set(names)] : null;
    },
    exists: (p) => p in files || Object.keys(files).some((f) => f.startsWith(`${p}/`)),
    link: (p) => files[p] ?? null,
    dmesg: () => null,
    env,
    os: OS,
  };
}

const METAL_CPUINFO =
  'processor\t: 0\nvendor_id\t: GenuineIntel\nmodel name\t: Intel(R) Xeon(R) Gold 6230 CPU @ 2.10GHz\nflags\t\t: fpu aes avx2\n';
const EXT4_ROOT = '27 1 254:0 / / rw,relatime - ext4 /dev/sda1 rw\n';

type Expect = Pick<Fingerprint, 'platform' | 'hypervisor' | 'container' | 'cloud'>;

const CASES: Record<string, Expect & { evidence: RegExp[] }> = {
  metal: { platform: 'metal', hypervisor: null, container: null, cloud: null, evidence: [/no `hypervisor` flag/, /Dell Inc\./] },
  kvm: { platform: 'vm', hypervisor: 'kvm', container: null, cloud: null, evidence: [/hypervisor/, /DMI sys_vendor: "QEMU"/, /kvm-clock/] },
  xen: {
    platform: 'vm',
    hypervisor: 'xen',
    container: null,
    cloud: 'aws',
    evidence: [/\/sys\/hypervisor\/type: xen/, /clocksource in use: xen/, /amazon/],
  },
  vmware: { platform: 'vm', hypervisor: 'vmware', container: null, cloud: null, evidence: [/VMware, Inc\./] },
  hyperv: {
    platform: 'vm',
    hypervisor: 'hyperv',
    container: null,
    cloud: null,
    evidence: [/Virtual Machine/, /hyperv_clocksource_tsc_page/],
  },
  azure: { platform: 'vm', hypervisor: 'hyperv', container: null, cloud: 'azure', evidence: [/7783-7084-3265-9085-8269-3286-77/] },
  firecracker: {
    platform: 'vm',
    hypervisor: 'firecracker',
    container: null,
    cloud: null,
    evidence: [/virtio_mmio\.device=.*no DMI/, /dmi\/id: absent/],
  },
  docker: { platform: 'container', hypervisor: null, container: 'docker', cloud: null, evidence: [/\.dockerenv/, /\/docker\//, /overlay/] },
  podman: { platform: 'container', hypervisor: null, container: 'podman', cloud: null, evidence: [/podman-5\.0\.2/] },
  kubernetes: {
    platform: 'container',
    hypervisor: null,
    container: 'kubernetes',
    cloud: null,
    evidence: [/kubepods/, /KUBERNETES_SERVICE_HOST/, /serviceaccount/],
  },
  gke: {
    platform: 'container-in-vm',
    hypervisor: 'kvm',
    container: 'kubernetes',
    cloud: 'gcp',
    evidence: [/Google/, /KUBERNETES_SERVICE_HOST/],
  },
  'container-in-vm': {
    platform: 'container-in-vm',
    hypervisor: 'kvm',
    container: 'docker',
    cloud: null,
    evidence: [/QEMU/, /\.dockerenv/],
  },
  'aws-nitro': { platform: 'vm', hypervisor: 'nitro', container: null, cloud: 'aws', evidence: [/Amazon EC2/, /Nitro/] },
  'aws-metal': { platform: 'metal', hypervisor: null, container: null, cloud: 'aws', evidence: [/bare-metal instance/] },
  // This machine, recorded before the detector read namespaces: /.dockerenv and nothing else says "container".
  'firecracker-docker-recorded': {
    platform: 'vm',
    hypervisor: 'firecracker',
    container: null,
    cloud: null,
    evidence: [
      /OEM id "FIRECK"/,
      /firecracker-init/,
      /kvm-clock/,
      /KVM-based VMM/,
      /\.dockerenv present/,
      /root filesystem came from a Docker image/,
      /root filesystem is ext4 on \/dev\/vda/,
    ],
  },
  // Recorded with `virtax fingerprint --record` on this machine (a Firecracker KVM guest) and inside each
  // platform it can host; the launchers' VIRTAX_OUTER_PLATFORM / VIRTAX_SANDBOX_PLATFORM are in _env.json.
  'firecracker-vm-recorded': {
    platform: 'vm',
    hypervisor: 'firecracker',
    container: null,
    cloud: null,
    evidence: [
      /OEM id "FIRECK"/,
      /KVM-based VMM/,
      /pid:\[4026531836\] \(the initial PID namespace\)/,
      /\/proc\/2\/comm: kthreadd/,
      /root filesystem came from a Docker image/,
    ],
  },
  'unshare-in-firecracker-recorded': {
    platform: 'container-in-vm',
    hypervisor: 'firecracker',
    container: 'namespaces',
    cloud: null,
    evidence: [/not the initial PID namespace/, /kthreadd hidden/, /\.dockerenv present.*leftover/],
  },
  'podman-in-firecracker-recorded': {
    platform: 'container-in-vm',
    hypervisor: 'firecracker',
    container: 'podman',
    cloud: null,
    evidence: [
      /\/run\/\.containerenv present/,
      /libpod/,
      /root filesystem is overlay/,
      /not the initial PID namespace/,
      /launcher says .*vm:firecracker.*agrees/,
    ],
  },
  'gvisor-in-firecracker-recorded': {
    platform: 'sandbox-in-vm',
    hypervisor: 'firecracker',
    container: 'gvisor',
    cloud: null,
    evidence: [
      /Linux version 4\.4\.0 #1 SMP Sun Jan 10 15:06:54 PST 2016/,
      /vmlinuz-4\.4\.0-gvisor/,
      /Starting gVisor\.\.\./,
      /application kernel/,
      /launcher says .*vm:firecracker/,
    ],
  },
  'podman-gvisor-in-firecracker-recorded': {
    platform: 'sandbox-in-vm',
    hypervisor: 'firecracker',
    container: 'gvisor',
    cloud: null,
    evidence: [/Starting gVisor/, /\/run\/\.containerenv present/, /platform is ptrace/],
  },
  'uml-in-firecracker-recorded': {
    platform: 'vm-in-vm',
    hypervisor: 'uml',
    container: null,
    cloud: null,
    evidence: [
      /vendor_id "User Mode Linux", model name "UML"/,
      /clocksource in use: timer/,
      /host "Linux vm 6\.18/,
      /paravirtual guest kernel run as a host process/,
      /a VM lies beneath it/,
      /launcher says .*vm:firecracker.*detected only as unknown/,
      /kthreadd/,
    ],
  },
};

describe('fingerprint fixtures', () => {
  for (const [name, want] of Object.entries(CASES)) {
    it(`${name}: ${want.platform} / ${want.hypervisor ?? '-'} / ${want.container ?? '-'} / ${want.cloud ?? '-'}`, () => {
      const f = fixture(name);
      expect({ platform: f.platform, hypervisor: f.hypervisor, container: f.container, cloud: f.cloud }).toEqual({
        platform: want.platform,
        hypervisor: want.hypervisor,
        container: want.container,
        cloud: want.cloud,
      });
      expect(f.evidence.length).toBeGreaterThan(0);
      for (const line of f.evidence) expect(line).not.toMatch(/\n/);
      for (const re of want.evidence)
        expect(
          f.evidence.some((e) => re.test(e)),
          `evidence matching ${re}: ${f.evidence.join(' | ')}`,
        ).toBe(true);
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
      model: 'Intel(R) Xeon(R) Gold 6230 CPU @ 2.10GHz',
      cores: 8,
      threads: 16,
      mhz: 2100,
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
    const file = resultsWith(host);
    expect(() => asResultsFile(file, 'gke.json')).not.toThrow();
  });
});

function resultsWith(host: unknown): Record<string, unknown> {
  return {
    schema: 'virtax.results/v1',
    id: '00000000-0000-4000-8000-000000000000',
    label: 'x',
    startedAt: '2026-01-01T00:00:00.000Z',
    finishedAt: null,
    tool: { name: 'virtax', version: '0', node: 'v20' },
    host,
    config: { suite: 'quick', rounds: 1, seed: 1, onlyIds: null },
    conditions: { stealPct: null, loadAvg1Start: 0, loadAvg1End: null, notes: [] },
    workloads: [],
  };
}

describe('fingerprint: isolation, nesting and launchers', () => {
  it('/.dockerenv alone is not a container: a root filesystem built from a Docker image on metal', () => {
    const f = detectFingerprint(
      memory({
        '/proc/cpuinfo': METAL_CPUINFO,
        '/.dockerenv': '',
        '/proc/self/mountinfo': EXT4_ROOT,
        '/proc/self/ns/pid': 'pid:[4026531836]',
        '/proc/1/comm': 'systemd\n',
        '/proc/2/comm': 'kthreadd\n',
      }),
    );
    expect([f.platform, f.hypervisor, f.container]).toEqual(['metal', null, null]);
    expect(f.nesting).toEqual([]);
    expect(f.evidence).toContain('/proc/self/ns/pid: pid:[4026531836] (the initial PID namespace)');
    expect(f.evidence.some((e) => /no isolation evidence.*root filesystem came from a Docker image/.test(e))).toBe(true);
  });

  it('/.dockerenv with an image root and a PID namespace is a Docker container', () => {
    const f = detectFingerprint(
      memory({
        '/proc/cpuinfo': METAL_CPUINFO,
        '/.dockerenv': '',
        '/proc/self/ns/pid': 'pid:[4026532301]',
        '/proc/self/mountinfo': '512 460 0:52 / / rw - overlay overlay rw,lowerdir=/var/lib/docker/overlay2/l/A\n',
      }),
    );
    expect([f.platform, f.container]).toEqual(['container', 'docker']);
    expect(f.nesting).toEqual([{ layer: 'container', name: 'docker', source: 'detected' }]);
  });

  it('a recorded fixture still reads as it did with and without the new sources (no link, no dmesg)', () => {
    const src = sources('docker');
    const { link: _l, dmesg: _d, ...old } = src;
    expect(detectFingerprint(old).container).toBe('docker');
  });

  it("UML without a launcher: the VM beneath is seen only through the host CPU's hypervisor flag", () => {
    const f = fixture('uml-in-firecracker-recorded', {});
    expect([f.platform, f.hypervisor, f.container]).toEqual(['vm-in-vm', 'uml', null]);
    expect(f.nesting).toEqual([
      { layer: 'vm', name: 'unknown', source: 'detected' },
      { layer: 'vm', name: 'uml', source: 'detected' },
    ]);
    expect(f.cpu.model).toBe('UML');
    expect(f.clocksource).toBe('timer');
    expect(f.evidence.some((e) => /launcher/.test(e))).toBe(false);
  });

  it('UML with VIRTAX_OUTER_PLATFORM=vm:firecracker names the VM beneath it', () => {
    const f = fixture('uml-in-firecracker-recorded');
    expect(f.nesting).toEqual([
      { layer: 'vm', name: 'firecracker', source: 'launcher' },
      { layer: 'vm', name: 'uml', source: 'detected' },
    ]);
  });

  it('gVisor: runtime gvisor, its application kernel named, the sandbox platform from the launcher', () => {
    const f = fixture('gvisor-in-firecracker-recorded');
    expect(f.sandbox).toEqual({ runtime: 'gvisor', platform: 'ptrace', kernel: 'gVisor (reports Linux 4.4.0)' });
    expect(f.nesting).toEqual([
      { layer: 'vm', name: 'firecracker', source: 'launcher' },
      { layer: 'sandbox', name: 'gvisor', source: 'detected' },
    ]);
    const bare = fixture('gvisor-in-firecracker-recorded', {});
    expect([bare.platform, bare.hypervisor, bare.container, bare.sandbox?.platform]).toEqual(['sandbox-in-vm', 'unknown', 'gvisor', null]);
  });

  it('gVisor under podman: the podman container and the sandbox are both layers', () => {
    const f = fixture('podman-gvisor-in-firecracker-recorded');
    expect(f.nesting).toEqual([
      { layer: 'vm', name: 'firecracker', source: 'launcher' },
      { layer: 'container', name: 'podman', source: 'detected' },
      { layer: 'sandbox', name: 'gvisor', source: 'detected' },
    ]);
  });

  it('a launcher-named VM the guest cannot see makes the -in-vm form', () => {
    const f = fixture('docker', { VIRTAX_OUTER_PLATFORM: 'vm:kvm' });
    expect([f.platform, f.hypervisor, f.container]).toEqual(['container-in-vm', 'kvm', 'docker']);
    expect(f.nesting).toEqual([
      { layer: 'vm', name: 'kvm', source: 'launcher' },
      { layer: 'container', name: 'docker', source: 'detected' },
    ]);
    expect(f.evidence).toContain(
      'launcher says the probe runs inside vm:kvm (VIRTAX_OUTER_PLATFORM): a layer the probe cannot see from inside, added beneath what it detects',
    );
  });

  it('a launcher naming the VM the probe sees agrees with it (kvm matches a KVM-based VMM) and adds nothing', () => {
    const f = fixture('firecracker-vm-recorded', { VIRTAX_OUTER_PLATFORM: 'vm:kvm' });
    expect([f.platform, f.hypervisor]).toEqual(['vm', 'firecracker']);
    expect(f.nesting).toEqual([{ layer: 'vm', name: 'firecracker', source: 'detected' }]);
  });

  it('a launcher passes its own layers: `virtax fingerprint --outer` (VIRTAX_OUTER_PLATFORM)', async () => {
    expect(outerPlatformSpec(fixture('firecracker-vm-recorded'))).toBe('vm:firecracker');
    expect(outerPlatformSpec(fixture('podman-in-firecracker-recorded', {}))).toBe('vm:firecracker,container:podman');
    expect(outerPlatformSpec(fixture('metal'))).toBe('');
    const r = await runCli(['fingerprint', '--outer']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^((vm|container|sandbox):[A-Za-z0-9_.+-]+(,(vm|container|sandbox):[A-Za-z0-9_.+-]+)*)?\n$/);
  });

  it('several launcher layers keep their order, outermost first', () => {
    const f = fixture('uml-in-firecracker-recorded', { VIRTAX_OUTER_PLATFORM: 'vm:firecracker,container:podman' });
    expect(f.nesting).toEqual([
      { layer: 'vm', name: 'firecracker', source: 'launcher' },
      { layer: 'container', name: 'podman', source: 'launcher' },
      { layer: 'vm', name: 'uml', source: 'detected' },
    ]);
    expect([f.platform, f.hypervisor, f.container]).toEqual(['vm-in-vm', 'uml', null]);
  });

  it('a VIRTAX_OUTER_PLATFORM it cannot parse is ignored, saying so', () => {
    const f = fixture('docker', { VIRTAX_OUTER_PLATFORM: 'firecracker' });
    expect(f.platform).toBe('container');
    expect(f.evidence.some((e) => /VIRTAX_OUTER_PLATFORM part "firecracker" not understood/.test(e))).toBe(true);
  });

  it('records mitigations, transparent huge pages and cgroup limits (v1, with a podman quota)', () => {
    const host = fixture('firecracker-vm-recorded');
    expect(host.thp).toBe('madvise');
    expect(host.limits).toEqual({ cpuQuotaCores: null, cpuset: '0-1', memoryLimitBytes: null });
    expect(Object.keys(host.mitigations ?? {})).toContain('spectre_v2');
    const ctr = fixture('podman-in-firecracker-recorded');
    expect(ctr.limits).toEqual({ cpuQuotaCores: 0.5, cpuset: '0-1', memoryLimitBytes: 2 ** 30 });
    expect(fixture('uml-in-firecracker-recorded').mitigations).toEqual({});
  });

  it('reads cgroup v2 limits through the unified hierarchy and its ancestors', () => {
    const f = detectFingerprint(
      memory({
        '/proc/cpuinfo': METAL_CPUINFO,
        '/proc/self/cgroup': '0::/app/worker\n',
        '/proc/self/mountinfo': `${EXT4_ROOT}30 27 0:26 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n`,
        '/sys/fs/cgroup/app/worker/cpu.max': 'max 100000\n',
        '/sys/fs/cgroup/app/cpu.max': '150000 100000\n',
        '/sys/fs/cgroup/app/worker/memory.max': '536870912\n',
        '/sys/fs/cgroup/app/memory.max': 'max\n',
        '/sys/fs/cgroup/app/worker/cpuset.cpus.effective': '0-3\n',
      }),
    );
    expect(f.limits).toEqual({ cpuQuotaCores: 1.5, cpuset: '0-3', memoryLimitBytes: 536870912 });
  });

  it('recordFingerprint writes a tree that detects the same (round trip through a recorded fixture)', () => {
    for (const name of ['podman-gvisor-in-firecracker-recorded', 'uml-in-firecracker-recorded', 'firecracker-vm-recorded']) {
      const dir = mkdtempSync(join(tmpdir(), 'virtax-fp-record-'));
      const recorded = recordFingerprint(dir, sources(name));
      const again = detectFingerprint(sources(name));
      expect(recorded).toEqual(again);
      const env = existsSync(join(dir, '_env.json'))
        ? (JSON.parse(readFileSync(join(dir, '_env.json'), 'utf8')) as Record<string, string>)
        : {};
      expect(detectFingerprint(hostSources(dir, { env, os: OS }))).toEqual(again);
    }
  });

  it('`virtax fingerprint --json --record DIR` on this host writes a tree that fingerprints the same', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'virtax-fp-cli-record-'));
    const r = await runCli(['fingerprint', '--json', '--record', dir]);
    expect(r.code, r.err).toBe(0);
    const live = JSON.parse(r.out) as Fingerprint;
    const env = existsSync(join(dir, '_env.json'))
      ? (JSON.parse(readFileSync(join(dir, '_env.json'), 'utf8')) as Record<string, string>)
      : {};
    // hostname, kernel and memory may come from the OS where no file says (gVisor): those are not recorded.
    const again = detectFingerprint(
      hostSources(dir, { env, os: { hostname: live.hostname, release: live.kernel, totalmem: live.memoryBytes } }),
    );
    expect(again).toEqual(live);
  });

  it('new fields validate; files without them (older runs) still do; a bad platform is refused', () => {
    expect(() => asResultsFile(resultsWith(fixture('podman-gvisor-in-firecracker-recorded')), 'new.json')).not.toThrow();
    const { sandbox: _s, nesting: _n, mitigations: _m, thp: _t, limits: _l, ...old } = fixture('kvm');
    expect(() => asResultsFile(resultsWith(old), 'old.json')).not.toThrow();
    expect(() => asResultsFile(resultsWith({ ...old, platform: 'hypervisor' }), 'bad.json')).toThrow();
    expect(() => asResultsFile(resultsWith({ ...old, nesting: [{ layer: 'vm', name: 'x', source: 'guess' }] }), 'bad.json')).toThrow();
  });
});

describe('fingerprint: the committed results file', () => {
  it("this machine's reference run (an older file, without the new fields) validates and says vm", () => {
    const path = new URL('../../results/firecracker-vm-epyc-2vcpu-standard.json', import.meta.url).pathname;
    const file = asResultsFile(JSON.parse(readFileSync(path, 'utf8')) as unknown, path);
    expect([file.host.platform, file.host.hypervisor, file.host.container]).toEqual(['vm', 'firecracker', null]);
    expect(file.host.limits).toBeUndefined();
    expect(file.conditions.notes.some((n) => /fingerprint corrected after the run/.test(n))).toBe(true);
  });
});

describe('parseCpuinfo', () => {
  it('counts cores by (physical id, core id) and reads Arm features', () => {
    const arm = [0, 1, 2, 3]
      .map(
        (p) =>
          `processor\t: ${p}\nBogoMIPS\t: 243.75\nFeatures\t: fp asimd evtstrm aes pmull sha1 sha2 crc32 atomics fphp asimdhp cpuid asimdrdm lrcpc dcpop asimddp ssbs rng\nCPU implementer\t: 0x41\nCPU architecture: 8\nCPU variant\t: 0x3\nCPU part\t: 0xd0c\nCPU revision\t: 1\n`,
      )
      .join('\n');
    const c = parseCpuinfo(arm);
    expect(c.model).toBe('Arm Neoverse-N1 (implementer 0x41, part 0xd0c)');
    expect([c.cores, c.threads, c.mhz]).toEqual([4, 4, 0]);
    expect(c.flags).toEqual({ aes: true, sha: true, rdrand: true, avx2: false, avx512: false });
  });
});

/**
 * Live: the test makes a platform and fingerprints from inside it, asserting only what it made (this machine's
 * own verdict belongs in a recorded fixture). Each runs the detector from source with tsx.
 */
const DETECT = `import(${JSON.stringify(new URL('../../src/probes/host/fingerprint.ts', import.meta.url).pathname)}).then((m) => process.stdout.write(JSON.stringify(m.detectFingerprint(m.hostSources('/')))))`;
const has = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
const isRoot = process.getuid?.() === 0;
/** Why a platform cannot be made here (a quick trial of `true` inside it), or null. */
function cannot(what: string, cmd: string, args: string[]): string | null {
  if (!isRoot) return 'not root';
  if (!has(cmd)) return `${cmd} not installed`;
  const r = spawnSync(cmd, [...args, 'true'], { encoding: 'utf8', timeout: 30_000 });
  return r.status === 0 ? null : `${what} cannot start here (${(r.stderr || String(r.error ?? r.status)).trim().split('\n').pop()})`;
}

function live(cmd: string, args: string[]): Fingerprint {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 50_000 });
  expect(r.status, `${cmd} ${args.join(' ')}: ${r.stderr}`).toBe(0);
  return JSON.parse(r.stdout) as Fingerprint;
}

describe('fingerprint live, inside platforms the test makes', () => {
  const noUnshare = cannot('an unshare container', 'unshare', ['--pid', '--fork', '--mount-proc', '--mount']);
  if (noUnshare) console.log(`skipping live unshare fingerprint: ${noUnshare}`);
  it.skipIf(noUnshare !== null)('in new PID and mount namespaces it made, it says container', () => {
    const f = live('unshare', ['--pid', '--fork', '--mount-proc', '--mount', process.execPath, '--import', 'tsx', '-e', DETECT]);
    expect(['container', 'container-in-vm']).toContain(f.platform);
    expect(f.container).not.toBeNull();
    expect(f.nesting?.[f.nesting.length - 1]?.layer).toBe('container');
    expect(f.evidence.some((e) => /\/proc\/self\/ns\/pid: .*not the initial PID namespace/.test(e))).toBe(true);
  });

  const noRunsc = cannot('a gVisor sandbox', 'runsc', ['--network=none', '--platform=ptrace', 'do', '-force-overlay=false']);
  if (noRunsc) console.log(`skipping live gVisor fingerprint: ${noRunsc}`);
  it.skipIf(noRunsc !== null)('in a gVisor sandbox it started, it says sandbox with runtime gvisor', () => {
    const f = live('runsc', [
      '--network=none',
      '--platform=ptrace',
      'do',
      '-force-overlay=false',
      'env',
      'VIRTAX_SANDBOX_PLATFORM=ptrace',
      process.execPath,
      '--import',
      'tsx',
      '-e',
      DETECT,
    ]);
    expect(['sandbox', 'sandbox-in-vm']).toContain(f.platform);
    expect(f.container).toBe('gvisor');
    expect(f.sandbox).toMatchObject({ runtime: 'gvisor', platform: 'ptrace' });
    expect(f.nesting?.[f.nesting.length - 1]).toEqual({ layer: 'sandbox', name: 'gvisor', source: 'detected' });
  });

  const noUml = !has('linux') ? 'linux (user-mode-linux) not installed' : null;
  if (noUml) console.log(`skipping live UML fingerprint: ${noUml}`);
  it.skipIf(noUml !== null)('in a User-Mode Linux guest it booted, it says hypervisor uml', (ctx) => {
    const dir = mkdtempSync(join(tmpdir(), 'virtax-fp-uml-'));
    const out = join(dir, 'fingerprint.json');
    const started = join(dir, 'started');
    const init = join(dir, 'init.sh');
    writeFileSync(
      init,
      [
        '#!/bin/sh',
        `: > ${JSON.stringify(started)}`,
        'mount -t proc proc /proc',
        'mount -t sysfs sysfs /sys',
        `cd ${JSON.stringify(process.cwd())}`,
        'export VIRTAX_OUTER_PLATFORM=vm:outer-test',
        `${JSON.stringify(process.execPath)} --import tsx -e ${JSON.stringify(DETECT)} > ${JSON.stringify(out)}`,
        'sync',
        'echo o > /proc/sysrq-trigger',
        '',
      ].join('\n'),
      { mode: 0o755 },
    );
    const boot = spawnSync(
      'linux',
      ['mem=1G', 'root=/dev/root', 'rootfstype=hostfs', 'rootflags=/', 'rw', `init=${init}`, 'con=null', 'con0=fd:0,fd:1'],
      { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', timeout: 50_000 },
    );
    if (!existsSync(started)) {
      // The guest never reached its init: this host cannot boot UML (no exec on /dev/shm, seccomp, ...).
      console.log(
        `skipping live UML fingerprint: the guest did not boot (${(boot.stdout + boot.stderr).trim().split('\n').slice(-2).join(' | ')})`,
      );
      ctx.skip();
    }
    expect(existsSync(out), `UML booted but wrote no fingerprint: ${(boot.stdout + boot.stderr).slice(-400)}`).toBe(true);
    const f = JSON.parse(readFileSync(out, 'utf8')) as Fingerprint;
    expect(f.hypervisor).toBe('uml');
    expect(f.platform).toBe('vm-in-vm'); // the launcher's outer layer makes it nested even where CPUID hides the host
    expect(f.container).toBeNull();
    expect(f.nesting?.[0]).toMatchObject({ layer: 'vm', name: 'outer-test', source: 'launcher' });
    expect(f.nesting?.[f.nesting.length - 1]).toEqual({ layer: 'vm', name: 'uml', source: 'detected' });
  });
});
