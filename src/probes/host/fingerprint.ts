/**
 * What this host is: bare metal, a VM, a guest nested in a guest, a container, or a sandbox, with one line of
 * evidence for every conclusion and the layers it runs in (`nesting`, outermost first).
 *
 * Detection is a pure function over injectable sources (`detectFingerprint(src)`), so recorded /proc, /sys
 * and marker-file trees (test/fixtures/fingerprint/<case>/, written by `recordFingerprint`) exercise every
 * platform. It needs no root: systeminformation's `virtual` flag comes from dmesg, which non-root users cannot
 * read, and CPUID's hypervisor vendor leaf is not readable from JavaScript, so the signals are
 * files any user can read:
 *   - VM: the cpuinfo `hypervisor` flag (x86), /sys/hypervisor/type, DMI vendor/product strings, ACPI table
 *     OEM ids (root-only; used when readable), paravirtual clocksources, virtio-mmio devices without DMI.
 *   - User-Mode Linux: its /proc/cpuinfo (vendor `User Mode Linux`, model `UML`, the `host` line). The host
 *     CPU's flags show through, so a `hypervisor` flag there is the VM beneath the UML guest.
 *   - gVisor: the Linux version it pretends to be in /proc/version, its `vmlinuz-*-gvisor` /proc/cmdline,
 *     `Starting gVisor...` in dmesg.
 *   - container: only with isolation evidence (a non-initial PID namespace, kthreadd not PID 2, an overlay
 *     root, a runtime cgroup path, runtime markers such as /run/.containerenv or `container=` in PID 1's
 *     environment). /.dockerenv alone is a leftover of a root filesystem built from a Docker image, not a
 *     container: it names the runtime only when isolation is shown.
 *   - launcher: VIRTAX_OUTER_PLATFORM (`vm:firecracker`, comma-separated outermost first) names layers a guest
 *     cannot see (nothing inside UML shows Firecracker).
 *   - cloud: DMI vendor, product, BIOS and asset tags.
 * Beside the conclusion it records what changes the tax on any platform: CPU vulnerability mitigations,
 * the transparent huge pages mode and the cgroup limits (CPU quota, cpuset, memory) the probe runs under.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { hostname, release, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import type { CgroupLimits, Fingerprint, NestingLayer, Platform, SandboxInfo } from '../../types.js';

/** Where detection reads the host from. Paths are absolute as on a live system; `hostSources` maps them under a root. */
export interface HostSources {
  /** A file's contents (utf8 by default; latin1 keeps binary headers byte-for-byte), or null when missing or unreadable. */
  read(path: string, encoding?: 'utf8' | 'latin1'): string | null;
  /** Entry names of a directory, or null when it is missing or unreadable. */
  list(path: string): string[] | null;
  exists(path: string): boolean;
  /**
   * Target of a symbolic link such as /proc/self/ns/pid (`pid:[4026531836]`); a plain file's trimmed contents
   * where a recorded tree stores the target as a file; null when missing. Optional: older sources lack it.
   */
  link?(path: string): string | null;
  /** The kernel log (`dmesg`), null when not readable (non-root users, containers). Optional. */
  dmesg?(): string | null;
  /** Environment of this process (KUBERNETES_SERVICE_HOST, VIRTAX_OUTER_PLATFORM, ...). */
  env: Readonly<Record<string, string | undefined>>;
  /** Facts used only where no file says (hostname, kernel release, total memory). */
  os: { hostname: string; release: string; totalmem: number };
}

/** Sources reading a file tree rooted at `root` (`/` for this host, a fixture directory in tests). */
export function hostSources(
  root = '/',
  over: { env?: Record<string, string | undefined>; os?: Partial<HostSources['os']> } = {},
): HostSources {
  const at = (p: string) => join(root, p);
  return {
    read(path, encoding = 'utf8') {
      try {
        return readFileSync(at(path), encoding);
      } catch {
        return null;
      }
    },
    list(path) {
      try {
        // `.keep` holds an otherwise empty directory of a recorded tree in git (see recordFingerprint).
        return root === '/' ? readdirSync(at(path)) : readdirSync(at(path)).filter((n) => n !== KEEP);
      } catch {
        return null;
      }
    },
    exists: (path) => existsSync(at(path)),
    link(path) {
      try {
        return readlinkSync(at(path));
      } catch {
        try {
          return readFileSync(at(path), 'utf8').trim() || null;
        } catch {
          return null;
        }
      }
    },
    dmesg() {
      if (root !== '/') {
        try {
          return readFileSync(join(root, '_dmesg.txt'), 'utf8');
        } catch {
          return null;
        }
      }
      try {
        // gVisor answers syslog(2) with its own boot messages; most hosts refuse non-root users (then null).
        return execFileSync('dmesg', [], { encoding: 'utf8', timeout: 2000, stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 1 << 20 })
          .split('\n')
          .slice(0, 40)
          .join('\n');
      } catch {
        return null;
      }
    },
    env: over.env ?? process.env,
    os: {
      hostname: over.os?.hostname ?? hostname(),
      release: over.os?.release ?? release(),
      totalmem: over.os?.totalmem ?? totalmem(),
    },
  };
}

/** The fingerprint of this host (what `virtax fingerprint` and `virtax run` record). */
export async function fingerprint(): Promise<Fingerprint> {
  return detectFingerprint(hostSources('/'));
}

const DMI = '/sys/class/dmi/id';
const CLOCKSOURCE = '/sys/devices/system/clocksource/clocksource0';

interface Dmi {
  sys_vendor: string | null;
  product_name: string | null;
  product_version: string | null;
  bios_vendor: string | null;
  bios_version: string | null;
  board_vendor: string | null;
  board_asset_tag: string | null;
  chassis_vendor: string | null;
  chassis_asset_tag: string | null;
}

function readDmi(src: HostSources): Dmi | null {
  const keys: (keyof Dmi)[] = [
    'sys_vendor',
    'product_name',
    'product_version',
    'bios_vendor',
    'bios_version',
    'board_vendor',
    'board_asset_tag',
    'chassis_vendor',
    'chassis_asset_tag',
  ];
  const dmi = Object.fromEntries(keys.map((k) => [k, clean(src.read(`${DMI}/${k}`))])) as unknown as Dmi;
  return keys.some((k) => dmi[k] !== null) ? dmi : null;
}

/** Trimmed single-line value, null when empty or a placeholder ("To be filled by O.E.M.", "Default string"). */
function clean(s: string | null): string | null {
  const v = s?.replace(/\0/g, '').trim() ?? '';
  if (!v || /^(to be filled by o\.e\.m\.|default string|not specified|none|n\/a|0+)$/i.test(v)) return null;
  return v;
}

/** A DMI string pattern that names a hypervisor. First match wins, so specific products come before generic ones. */
const DMI_HYPERVISORS: { hv: string; field: keyof Dmi; re: RegExp; what: string }[] = [
  { hv: 'firecracker', field: 'sys_vendor', re: /firecracker/i, what: 'Firecracker' },
  { hv: 'cloud-hypervisor', field: 'sys_vendor', re: /cloud hypervisor/i, what: 'Cloud Hypervisor' },
  { hv: 'vmware', field: 'sys_vendor', re: /vmware/i, what: 'VMware' },
  { hv: 'vmware', field: 'product_name', re: /vmware/i, what: 'VMware' },
  { hv: 'virtualbox', field: 'product_name', re: /virtualbox/i, what: 'VirtualBox' },
  { hv: 'virtualbox', field: 'sys_vendor', re: /innotek/i, what: 'VirtualBox' },
  { hv: 'parallels', field: 'sys_vendor', re: /parallels/i, what: 'Parallels' },
  { hv: 'bhyve', field: 'bios_vendor', re: /bhyve/i, what: 'bhyve' },
  { hv: 'xen', field: 'sys_vendor', re: /^xen$/i, what: 'Xen' },
  { hv: 'xen', field: 'product_name', re: /hvm domu/i, what: 'Xen HVM guest' },
  { hv: 'hyperv', field: 'product_name', re: /^virtual machine$/i, what: 'Microsoft Hyper-V' },
  { hv: 'kvm', field: 'product_name', re: /^kvm$/i, what: 'KVM' },
  // QEMU alone may be emulation (TCG); a KVM clocksource next to it makes it KVM (see pickHypervisor).
  { hv: 'qemu', field: 'sys_vendor', re: /^qemu$/i, what: 'QEMU' },
  { hv: 'qemu', field: 'bios_vendor', re: /seabios|ovmf|edk ii|efi development kit/i, what: 'a QEMU firmware' },
  {
    hv: 'kvm',
    field: 'sys_vendor',
    re: /^(google|openstack|red hat|digitalocean|hetzner|alibaba cloud|tencent cloud|vultr|scaleway)/i,
    what: 'a KVM-based cloud',
  },
  { hv: 'kvm', field: 'product_name', re: /openstack|google compute engine|alibaba cloud ecs/i, what: 'a KVM-based cloud' },
];

/** Cloud providers from DMI strings (vendor, product, BIOS, asset tags). */
const DMI_CLOUDS: { cloud: string; field: keyof Dmi; re: RegExp; what: string }[] = [
  { cloud: 'azure', field: 'chassis_asset_tag', re: /^7783-7084-3265-9085-8269-3286-77$/, what: "Azure's chassis asset tag" },
  { cloud: 'aws', field: 'sys_vendor', re: /^amazon ec2$/i, what: 'Amazon EC2' },
  { cloud: 'aws', field: 'bios_vendor', re: /^amazon ec2$/i, what: 'Amazon EC2' },
  { cloud: 'aws', field: 'bios_version', re: /amazon/i, what: 'an Amazon Xen BIOS' },
  { cloud: 'aws', field: 'product_version', re: /amazon/i, what: 'an Amazon Xen host' },
  { cloud: 'gcp', field: 'sys_vendor', re: /^google$/i, what: 'Google Compute Engine' },
  { cloud: 'gcp', field: 'product_name', re: /google compute engine/i, what: 'Google Compute Engine' },
  { cloud: 'oracle', field: 'chassis_asset_tag', re: /oraclecloud\.com/i, what: 'Oracle Cloud' },
  { cloud: 'digitalocean', field: 'sys_vendor', re: /^digitalocean/i, what: 'DigitalOcean' },
  { cloud: 'hetzner', field: 'sys_vendor', re: /^hetzner/i, what: 'Hetzner Cloud' },
  { cloud: 'alibaba', field: 'sys_vendor', re: /^alibaba cloud/i, what: 'Alibaba Cloud' },
  { cloud: 'tencent', field: 'sys_vendor', re: /^tencent cloud/i, what: 'Tencent Cloud' },
  { cloud: 'vultr', field: 'sys_vendor', re: /^vultr/i, what: 'Vultr' },
  { cloud: 'scaleway', field: 'sys_vendor', re: /^scaleway/i, what: 'Scaleway' },
  { cloud: 'openstack', field: 'product_name', re: /openstack/i, what: 'OpenStack' },
];

/** ACPI table OEM ids (bytes 10..15 of every table header) written by known VMMs. */
const ACPI_OEMS: { hv: string; re: RegExp; what: string }[] = [
  { hv: 'firecracker', re: /^FIRECK/, what: "Firecracker's ACPI tables" },
  { hv: 'cloud-hypervisor', re: /^CLOUDH/, what: "Cloud Hypervisor's ACPI tables" },
  { hv: 'qemu', re: /^BOCHS/, what: "QEMU's ACPI tables" },
  { hv: 'vmware', re: /^VMWARE/, what: "VMware's ACPI tables" },
  { hv: 'hyperv', re: /^VRTUAL/, what: "Hyper-V's ACPI tables" },
  { hv: 'xen', re: /^Xen/, what: "Xen's ACPI tables" },
  { hv: 'virtualbox', re: /^VBOX/, what: "VirtualBox's ACPI tables" },
];

/** Clocksources only a hypervisor offers. */
const PV_CLOCKS: { hv: string; re: RegExp; what: string }[] = [
  { hv: 'kvm', re: /^kvm-clock$/, what: 'KVM paravirtual clock' },
  { hv: 'xen', re: /^xen$/, what: 'Xen paravirtual clock' },
  { hv: 'hyperv', re: /^hyperv_clocksource/, what: 'Hyper-V reference clock' },
  { hv: 'vmware', re: /^vmw-?clock|^vmware/i, what: 'VMware clock' },
];

/** cgroup path fragments of container runtimes; most specific first. */
const CGROUP_RUNTIMES: { runtime: string; re: RegExp }[] = [
  { runtime: 'kubernetes', re: /kubepods/ },
  { runtime: 'podman', re: /libpod/ },
  { runtime: 'docker', re: /\/docker[/-]|docker-[0-9a-f]{12,}\.scope/ },
  { runtime: 'cri-o', re: /crio-/ },
  { runtime: 'containerd', re: /containerd/ },
  { runtime: 'lxc', re: /\/lxc[/.]|lxc\.payload/ },
  { runtime: 'systemd-nspawn', re: /machine\.slice\/.*nspawn|systemd-nspawn/ },
];

/** Precedence when several container signals agree on different names: the orchestrator names the platform. */
const RUNTIME_ORDER = ['kubernetes', 'podman', 'docker', 'lxc', 'cri-o', 'containerd', 'systemd-nspawn'];

interface Finding<T> {
  value: T;
  why: string;
}

function firstLine(s: string, max = 80): string {
  const line = s.split('\n')[0] ?? '';
  return line.length > max ? `${line.slice(0, max)}...` : line;
}

/** Virtualization signals: each is a hypervisor candidate (or null for "some hypervisor") with its evidence. */
function virtualization(src: HostSources, cpuFlags: Set<string>, dmi: Dmi | null): { found: Finding<string | null>[]; against: string[] } {
  const found: Finding<string | null>[] = [];
  const against: string[] = [];

  if (cpuFlags.has('hypervisor'))
    found.push({ value: null, why: '/proc/cpuinfo: flags include `hypervisor` (CPUID says a hypervisor is present)' });

  const xenType = clean(src.read('/sys/hypervisor/type'));
  if (xenType) {
    const dom0 = /control_d/.test(src.read('/proc/xen/capabilities') ?? '');
    found.push({
      value: xenType.toLowerCase(),
      why: `/sys/hypervisor/type: ${xenType}${dom0 ? ' (Xen dom0: /proc/xen/capabilities has control_d)' : ''}`,
    });
  }

  if (dmi) {
    for (const r of DMI_HYPERVISORS) {
      const v = dmi[r.field];
      if (v && r.re.test(v)) {
        found.push({ value: r.hv, why: `DMI ${r.field}: "${v}" (${r.what})` });
        break;
      }
    }
    if (dmi.sys_vendor && /^amazon ec2$/i.test(dmi.sys_vendor) && !xenType) {
      // EC2 Nitro instances present DMI vendor "Amazon EC2"; metal instances do too, but without the hypervisor flag.
      if (cpuFlags.has('hypervisor'))
        found.push({ value: 'nitro', why: `DMI sys_vendor: "${dmi.sys_vendor}" with a hypervisor flag (AWS Nitro, KVM-based)` });
      else against.push(`DMI sys_vendor: "${dmi.sys_vendor}" without a hypervisor flag (an EC2 bare-metal instance)`);
    }
  }

  for (const table of ['DSDT', 'FACP', 'APIC']) {
    const head = src.read(`/sys/firmware/acpi/tables/${table}`, 'latin1');
    if (!head || head.length < 36) continue;
    const oem = head.slice(10, 16);
    const hit = ACPI_OEMS.find((o) => o.re.test(oem));
    if (hit) found.push({ value: hit.hv, why: `/sys/firmware/acpi/tables/${table}: OEM id "${oem.trim()}" (${hit.what})` });
    break; // one table header says who wrote them all
  }

  const cmdline = src.read('/proc/cmdline') ?? '';
  const fcWord = /\S*firecracker\S*/i.exec(cmdline);
  if (fcWord) found.push({ value: 'firecracker', why: `/proc/cmdline mentions Firecracker ("${fcWord[0]}")` });
  const mmioArg = /virtio_mmio\.device=\S+/.exec(cmdline);
  if (mmioArg && !dmi) {
    // Firecracker's x86 VMM has no SMBIOS and announces its virtio-mmio devices on the kernel command line.
    found.push({ value: 'firecracker', why: `/proc/cmdline: ${mmioArg[0]} with no DMI tables (Firecracker's device model)` });
  }
  const virtio = src.list('/sys/bus/virtio/devices');
  if (virtio?.length) {
    found.push({
      value: null,
      why: `/sys/bus/virtio/devices: ${virtio.length} virtio device${virtio.length === 1 ? '' : 's'} (paravirtual hardware)`,
    });
  }

  const current = clean(src.read(`${CLOCKSOURCE}/current_clocksource`));
  const available = (src.read(`${CLOCKSOURCE}/available_clocksource`) ?? '').trim().split(/\s+/).filter(Boolean);
  for (const c of new Set([current ?? '', ...available])) {
    const hit = PV_CLOCKS.find((p) => p.re.test(c));
    if (hit) found.push({ value: hit.hv, why: `clocksource ${c === current ? 'in use' : 'offered'}: ${c} (${hit.what})` });
  }

  const osrelease = src.read('/proc/sys/kernel/osrelease') ?? '';
  if (/microsoft/i.test(osrelease) && /wsl2/i.test(osrelease)) {
    found.push({ value: 'hyperv', why: `kernel release ${osrelease.trim()} (WSL2 runs in a Hyper-V VM)` });
  }

  const hvNode = src.read('/proc/device-tree/hypervisor/compatible');
  if (hvNode)
    found.push({
      value: /xen/i.test(hvNode) ? 'xen' : null,
      why: `/proc/device-tree/hypervisor/compatible: ${hvNode.replace(/\0/g, ' ').trim()}`,
    });
  const dtCompat = src.read('/proc/device-tree/compatible');
  if (dtCompat && /linux,dummy-virt/.test(dtCompat)) {
    found.push({ value: null, why: '/proc/device-tree/compatible: linux,dummy-virt (a virtual board, as QEMU and Firecracker on Arm)' });
  }
  return { found, against };
}

/** Which hypervisor the findings name: the most specific one wins (a VMM over the kernel hypervisor it uses). */
function pickHypervisor(found: Finding<string | null>[]): string | null {
  const named = found.map((f) => f.value).filter((v): v is string => v !== null);
  if (named.length === 0) return found.length ? 'unknown' : null;
  for (const specific of ['firecracker', 'cloud-hypervisor', 'nitro', 'vmware', 'virtualbox', 'parallels', 'bhyve', 'hyperv', 'xen']) {
    if (named.includes(specific)) return specific;
  }
  if (named.includes('kvm')) return 'kvm';
  return named[0] ?? null;
}

/**
 * Whether the findings are enough to call this a VM. Signals that only show paravirtual hardware or a
 * clock a hypervisor offers (virtio devices, kvm-clock in the available list) support a conclusion but do not
 * make one alone: a bare-metal host can load virtio drivers and list kvm-clock only in a guest, but we would
 * rather say "metal" than guess.
 */
function isVm(found: Finding<string | null>[]): boolean {
  return found.some((f) => !/^\/sys\/bus\/virtio|^clocksource offered/.test(f.why));
}

/** Inode of the initial PID namespace (PROC_PID_INIT_INO, 0xEFFFFFFC), the same in every kernel since 3.8. */
export const INITIAL_PID_NS = 4026531836;

/** Runtime name for a container known only by its namespaces (`unshare --pid --mount`, no runtime's marks). */
const BARE_NAMESPACES = 'namespaces';

/**
 * Container signals. `isolation` shows the probe is walled off from the host (namespaces, an image root, a
 * runtime's cgroup or markers); only these make a container. `markers` name a runtime but prove nothing
 * alone: /.dockerenv is also a leftover of a root filesystem built from a Docker image. `against` is evidence
 * of no isolation, stated when no container is concluded.
 */
interface Containerisation {
  isolation: Finding<string>[];
  markers: Finding<string>[];
  against: string[];
}

function containerisation(src: HostSources): Containerisation {
  const isolation: Finding<string>[] = [];
  const markers: Finding<string>[] = [];
  const against: string[] = [];

  const pidNs = src.link?.('/proc/self/ns/pid') ?? null;
  const inode = /^pid:\[(\d+)\]$/.exec(pidNs ?? '')?.[1];
  if (inode !== undefined) {
    if (Number(inode) === INITIAL_PID_NS) against.push(`/proc/self/ns/pid: ${pidNs} (the initial PID namespace)`);
    else
      isolation.push({
        value: BARE_NAMESPACES,
        why: `/proc/self/ns/pid: ${pidNs} (not the initial PID namespace, ${INITIAL_PID_NS}: a PID namespace)`,
      });
  }
  const pid1 = clean(src.read('/proc/1/comm'));
  if (pid1 !== null) {
    // Only with PID 1 readable does a missing PID 2 mean anything (a recorded tree may hold neither).
    const pid2 = clean(src.read('/proc/2/comm'));
    if (pid2 === 'kthreadd') against.push(`/proc/2/comm: kthreadd (the kernel's threads are visible; PID 1 is ${pid1})`);
    else
      isolation.push({
        value: BARE_NAMESPACES,
        why: `/proc/2/comm: ${pid2 ?? 'absent'} while PID 1 (${pid1}) is visible (kthreadd hidden: a PID namespace)`,
      });
  }

  if (src.exists('/.dockerenv'))
    markers.push({ value: 'docker', why: '/.dockerenv present (Docker puts it in every container, and it stays in images Docker built)' });
  const containerenv = src.read('/run/.containerenv');
  if (containerenv !== null) {
    const engine = /engine="([^"]+)"/.exec(containerenv)?.[1];
    isolation.push({ value: 'podman', why: `/run/.containerenv present (Podman${engine ? `: ${engine}` : ''})` });
  }
  const systemdContainer = clean(src.read('/run/systemd/container'));
  if (systemdContainer) isolation.push({ value: normaliseRuntime(systemdContainer), why: `/run/systemd/container: ${systemdContainer}` });

  for (const path of ['/proc/1/cgroup', '/proc/self/cgroup']) {
    const text = src.read(path);
    if (!text) continue;
    for (const line of text.split('\n')) {
      const cg = line.split(':').slice(2).join(':');
      const hit = CGROUP_RUNTIMES.find((r) => r.re.test(cg));
      if (hit) {
        isolation.push({ value: hit.runtime, why: `${path}: ${firstLine(cg)}` });
        break;
      }
    }
  }

  const environ = src.read('/proc/1/environ'); // root-only on most systems: absence says nothing
  const ctrVar = environ ? /(?:^|\0)container=([^\0]+)/.exec(environ)?.[1] : undefined;
  if (ctrVar) isolation.push({ value: normaliseRuntime(ctrVar), why: `/proc/1/environ: container=${ctrVar}` });

  const k8sHost = src.env.KUBERNETES_SERVICE_HOST;
  if (k8sHost) isolation.push({ value: 'kubernetes', why: `environment: KUBERNETES_SERVICE_HOST=${k8sHost}` });
  for (const p of ['/var/run/secrets/kubernetes.io/serviceaccount', '/run/secrets/kubernetes.io/serviceaccount']) {
    if (src.exists(p)) {
      isolation.push({ value: 'kubernetes', why: `${p} present (a pod's service-account secret)` });
      break;
    }
  }

  const root = rootMount(src);
  if (root && /^(overlay|aufs|fuse-overlayfs)$/.test(root.fs)) {
    isolation.push({ value: 'unknown', why: `/proc/self/mountinfo: root filesystem is ${root.fs} (a container image's layers)` });
  } else if (root) {
    against.push(`/proc/self/mountinfo: root filesystem is ${root.fs} on ${root.source}, not a container image's layers`);
  }
  return { isolation, markers, against };
}

function rootMount(src: HostSources): { fs: string; source: string } | null {
  const line = src
    .read('/proc/self/mountinfo')
    ?.split('\n')
    .find((l) => l.split(' ')[4] === '/');
  const [fs, source] = line?.split(' - ')[1]?.split(' ') ?? [];
  return fs ? { fs, source: source ?? '?' } : null;
}

function normaliseRuntime(s: string): string {
  const v = s.trim().toLowerCase();
  if (v === 'oci') return 'unknown';
  if (v.startsWith('lxc')) return 'lxc';
  return v;
}

/** The runtime the findings name: a known runtime by precedence, else any other name, else an unnamed image root, else bare namespaces. */
function pickRuntime(found: Finding<string>[]): string | null {
  if (found.length === 0) return null;
  const names = found.map((f) => f.value);
  for (const r of RUNTIME_ORDER) if (names.includes(r)) return r;
  return names.find((n) => n !== 'unknown' && n !== BARE_NAMESPACES) ?? (names.includes('unknown') ? 'unknown' : BARE_NAMESPACES);
}

/** gVisor's /proc/version: the fixed Linux version its application kernel reports. */
const GVISOR_VERSION = /^Linux version (\S+) #1 SMP Sun Jan 10 15:06:54 PST 2016/;

/** gVisor's marks: the Linux it pretends to be, its boot image name, its boot log. Null when none. */
function gvisor(src: HostSources): { why: string[]; sandbox: SandboxInfo } | null {
  const why: string[] = [];
  const version = src.read('/proc/version')?.trim() ?? '';
  const fake = GVISOR_VERSION.exec(version);
  if (fake) why.push(`/proc/version: "${firstLine(version)}" (the fixed version gVisor's application kernel reports)`);
  const image = /\S*vmlinuz-\S*-gvisor\S*/.exec(src.read('/proc/cmdline') ?? '')?.[0];
  if (image) why.push(`/proc/cmdline: ${image} (gVisor's boot image name)`);
  const boot = /Starting gVisor\.\.\./.exec(src.dmesg?.() ?? '');
  if (boot) why.push('dmesg: "Starting gVisor..." (gVisor\'s boot log)');
  if (why.length === 0) return null;
  const reported = fake?.[1] ?? /^Linux version (\S+)/.exec(version)?.[1];
  const declared = src.env.VIRTAX_SANDBOX_PLATFORM?.trim();
  const platform = declared === 'ptrace' || declared === 'kvm' || declared === 'systrap' ? declared : null;
  if (declared) {
    why.push(
      platform
        ? `launcher says gVisor's platform is ${platform} (VIRTAX_SANDBOX_PLATFORM)`
        : `VIRTAX_SANDBOX_PLATFORM=${declared} not understood (ptrace, kvm or systrap); platform unknown`,
    );
  }
  why.push('gVisor is an application kernel in user space: system calls are served by gVisor, not by the host kernel');
  return { why, sandbox: { runtime: 'gvisor', platform, kernel: `gVisor${reported ? ` (reports Linux ${reported})` : ''}` } };
}

/** User-Mode Linux's marks in its /proc/cpuinfo, null when none. */
function userModeLinux(cpuinfo: string | null, clocksource: string | null): string[] | null {
  if (!cpuinfo) return null;
  const field = (name: string) => new RegExp(`^${name}\\s*:\\s*(.*)$`, 'm').exec(cpuinfo)?.[1]?.trim();
  const vendor = field('vendor_id');
  const model = field('model name');
  if (vendor !== 'User Mode Linux' && model !== 'UML') return null;
  const why = [`/proc/cpuinfo: vendor_id "${vendor ?? '?'}", model name "${model ?? '?'}" (a User-Mode Linux guest kernel)`];
  const host = field('host');
  if (host) why.push(`/proc/cpuinfo: host "${firstLine(host)}" (the kernel UML runs on as a process)`);
  const mode = field('mode');
  if (mode)
    why.push(`/proc/cpuinfo: mode ${mode} (separate kernel address space: the guest's processes are host processes the UML kernel traces)`);
  if (clocksource)
    why.push(
      `clocksource in use: ${clocksource}${clocksource === 'timer' ? " (UML's clock from host timers: no TSC clocksource, so no vDSO fast path)" : ''}`,
    );
  why.push(
    'UML is a paravirtual guest kernel run as a host process: its system calls and clock reads trap through ptrace, unlike hardware virtualization',
  );
  return why;
}

const KVM_BASED = new Set(['kvm', 'firecracker', 'cloud-hypervisor', 'nitro', 'qemu']);
const LAYERS = new Set<NestingLayer['layer']>(['vm', 'container', 'sandbox']);

/**
 * Add the layers a launcher names (VIRTAX_OUTER_PLATFORM, `<platform>:<name>`, comma-separated outermost
 * first) to the detected ones. A launcher layer names the outermost detected layer of its kind when that was
 * seen only as `unknown`, agrees with it when the names match (a KVM-based VMM matches `kvm`), and is added
 * outside it otherwise (a layer the guest cannot see).
 */
function withLauncher(detected: NestingLayer[], spec: string | undefined, evidence: string[]): NestingLayer[] {
  const out = [...detected];
  let at = 0; // launcher layers are outer to everything from here inwards
  for (const part of (spec ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const m = /^([a-z-]+):([A-Za-z0-9_.+-]+)$/.exec(part);
    if (m?.[1] === 'metal') {
      evidence.push(`launcher says the probe's host is ${part} (VIRTAX_OUTER_PLATFORM): no layer beneath what is detected`);
      continue;
    }
    const kind = m && LAYERS.has(m[1] as NestingLayer['layer']) ? (m[1] as NestingLayer['layer']) : null;
    const name = m?.[2];
    if (!kind || !name) {
      evidence.push(
        `VIRTAX_OUTER_PLATFORM part "${part}" not understood (expected <platform>:<name> with platform vm, container or sandbox, e.g. vm:firecracker); ignored`,
      );
      continue;
    }
    const says = `launcher says the probe runs inside ${part} (VIRTAX_OUTER_PLATFORM)`;
    const d = out[at];
    const sameKind = d !== undefined && d.layer === kind;
    const agrees = sameKind && (d.name === name || (name === 'kvm' && KVM_BASED.has(d.name)));
    if (sameKind && d.name === 'unknown') {
      out[at] = { layer: kind, name, source: 'launcher' };
      evidence.push(`${says}: names the ${kind} detected only as unknown`);
    } else if (agrees) {
      evidence.push(`${says}: agrees with the detected ${kind}`);
    } else if (sameKind && at < out.length - 1) {
      evidence.push(`${says}: differs from the detected ${kind} (${d.name}); detection kept`);
    } else {
      out.splice(at, 0, { layer: kind, name, source: 'launcher' });
      evidence.push(`${says}: a layer the probe cannot see from inside, added beneath what it detects`);
    }
    at++;
  }
  return out;
}

/**
 * What a launcher running on the host `f` describes should pass as VIRTAX_OUTER_PLATFORM to a probe it starts
 * in a guest: the host's layers, outermost first (`vm:firecracker`, `vm:firecracker,container:podman`);
 * empty on metal (nothing to say). `virtax fingerprint --outer` prints it.
 */
export function outerPlatformSpec(f: Fingerprint): string {
  return (f.nesting ?? []).map((l) => `${l.layer}:${l.name}`).join(',');
}

/** The platform named by the innermost layer and whether a VM lies beneath it. */
function platformOf(layers: NestingLayer[], cpuinfoReadable: boolean): Platform {
  const inner = layers[layers.length - 1];
  // Without /proc/cpuinfo we are not on Linux as we know it: say "unknown" rather than "metal".
  if (!inner) return cpuinfoReadable ? 'metal' : 'unknown';
  const vmBeneath = layers.slice(0, -1).some((l) => l.layer === 'vm');
  if (inner.layer === 'vm') return vmBeneath ? 'vm-in-vm' : 'vm';
  if (inner.layer === 'container') return vmBeneath ? 'container-in-vm' : 'container';
  return vmBeneath ? 'sandbox-in-vm' : 'sandbox';
}

/** CPU vulnerability mitigations by name (first line of each file), empty when the directory is unreadable. */
function mitigations(src: HostSources): Record<string, string> {
  const dir = '/sys/devices/system/cpu/vulnerabilities';
  const out: Record<string, string> = {};
  for (const name of (src.list(dir) ?? []).sort()) {
    const v = src.read(`${dir}/${name}`);
    if (v !== null) out[name] = firstLine(v.trim(), 200);
  }
  return out;
}

/** The selected transparent huge pages mode (`always [madvise] never` -> madvise), null when unreadable. */
function thpMode(src: HostSources): string | null {
  const text = src.read('/sys/kernel/mm/transparent_hugepage/enabled');
  return text ? (/\[([^\]]+)\]/.exec(text)?.[1] ?? null) : null;
}

/** At or above this a cgroup memory limit means "unlimited" (v1 writes LONG_MAX rounded to a page). */
const UNLIMITED_BYTES = 2 ** 60;

/**
 * Limits of the cgroup this process runs in, v1 (a hierarchy per controller) or v2 (one unified hierarchy),
 * the tightest along the cgroup and its ancestors visible under the mount (a parent's quota binds a child).
 */
export function cgroupLimits(src: HostSources): CgroupLimits {
  const none: CgroupLimits = { cpuQuotaCores: null, cpuset: null, memoryLimitBytes: null };
  const cgroups = src.read('/proc/self/cgroup');
  const mountinfo = src.read('/proc/self/mountinfo');
  if (!cgroups || !mountinfo) return none;
  const mounts = mountinfo.split('\n').map((l) => {
    const [pre, post] = l.split(' - ');
    const f = pre?.split(' ') ?? [];
    const [fs, , opts] = post?.split(' ') ?? [];
    return { root: f[3] ?? '', point: f[4] ?? '', fs: fs ?? '', opts: (opts ?? '').split(',') };
  });
  const lines = cgroups
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      const [id, ctrls, ...rest] = l.split(':');
      return { id, ctrls: (ctrls ?? '').split(',').filter(Boolean), path: rest.join(':') };
    });
  /** Directories from the cgroup up to its mount point, nearest first; v1 when that controller has a v1 mount. */
  const chain = (controller: string): { v1: boolean; dirs: string[] } | null => {
    const v1Mount = mounts.find((m) => m.fs === 'cgroup' && m.opts.includes(controller));
    const v1Line = lines.find((l) => l.ctrls.includes(controller));
    const mount = v1Mount && v1Line ? v1Mount : mounts.find((m) => m.fs === 'cgroup2');
    const line = v1Mount && v1Line ? v1Line : lines.find((l) => l.id === '0' && l.ctrls.length === 0);
    if (!mount || !line) return null;
    const rel = line.path.startsWith(mount.root) ? line.path.slice(mount.root === '/' ? 0 : mount.root.length) : line.path;
    const parts = rel.split('/').filter(Boolean);
    const dirs: string[] = [];
    for (let n = parts.length; n >= 0; n--) dirs.push([mount.point, ...parts.slice(0, n)].join('/').replace(/\/+/g, '/'));
    return { v1: mount.fs === 'cgroup', dirs };
  };
  const num = (s: string | null) => (s === null ? Number.NaN : Number(s.trim()));
  const minOf = (xs: number[]) => (xs.length ? Math.min(...xs) : null);

  let cpuQuotaCores: number | null = null;
  const cpu = chain('cpu');
  if (cpu) {
    const quotas = cpu.dirs.map((d) => {
      if (cpu.v1) {
        const q = num(src.read(`${d}/cpu.cfs_quota_us`));
        const p = num(src.read(`${d}/cpu.cfs_period_us`));
        return q > 0 && p > 0 ? q / p : Number.NaN;
      }
      const [q, p] = (src.read(`${d}/cpu.max`) ?? '').trim().split(/\s+/).map(Number);
      return q !== undefined && p !== undefined && q > 0 && p > 0 ? q / p : Number.NaN;
    });
    const q = minOf(quotas.filter(Number.isFinite));
    cpuQuotaCores = q === null ? null : Math.round(q * 1000) / 1000;
  }

  let cpuset: string | null = null;
  const cs = chain('cpuset');
  for (const d of cs?.dirs ?? []) {
    const files = cs?.v1 ? ['cpuset.effective_cpus', 'cpuset.cpus'] : ['cpuset.cpus.effective'];
    cpuset = files.map((f) => clean(src.read(`${d}/${f}`))).find((v) => v !== null && v !== undefined) ?? null;
    if (cpuset !== null) break;
  }

  let memoryLimitBytes: number | null = null;
  const mem = chain('memory');
  if (mem) {
    const limits = mem.dirs.map((d) => num(src.read(`${d}/${mem.v1 ? 'memory.limit_in_bytes' : 'memory.max'}`)));
    memoryLimitBytes = minOf(limits.filter((x) => Number.isFinite(x) && x > 0 && x < UNLIMITED_BYTES));
  }
  return { cpuQuotaCores, cpuset, memoryLimitBytes };
}

function pickCloud(dmi: Dmi | null, src: HostSources): Finding<string> | null {
  if (dmi) {
    for (const c of DMI_CLOUDS) {
      const v = dmi[c.field];
      if (v && c.re.test(v)) return { value: c.cloud, why: `DMI ${c.field}: "${v}" (${c.what})` };
    }
  }
  const xenUuid = clean(src.read('/sys/hypervisor/uuid'));
  if (xenUuid && /^ec2/i.test(xenUuid)) return { value: 'aws', why: `/sys/hypervisor/uuid starts with ec2 (${xenUuid})` };
  return null;
}

/** CPU facts from /proc/cpuinfo (x86 and Arm layouts). */
export function parseCpuinfo(text: string): Fingerprint['cpu'] & { rawFlags: Set<string> } {
  const blocks = text.split(/\n\s*\n/).filter((b) => /^processor\s*:/m.test(b));
  const field = (block: string, name: string): string | undefined => new RegExp(`^${name}\\s*:\\s*(.*)$`, 'm').exec(block)?.[1]?.trim();
  const first = blocks[0] ?? text;
  const flags = new Set((field(first, 'flags') ?? field(first, 'Features') ?? '').split(/\s+/).filter(Boolean));

  const threads = blocks.length;
  const coreIds = new Set<string>();
  const perSocketCores = new Map<string, number>();
  for (const b of blocks) {
    const pkg = field(b, 'physical id');
    const core = field(b, 'core id');
    if (pkg !== undefined && core !== undefined) coreIds.add(`${pkg}:${core}`);
    const cores = Number(field(b, 'cpu cores'));
    if (pkg !== undefined && Number.isFinite(cores) && cores > 0) perSocketCores.set(pkg, cores);
  }
  const socketCores = [...perSocketCores.values()].reduce((a, b) => a + b, 0);
  const cores = coreIds.size || socketCores || threads;

  const mhzValues = blocks.map((b) => Number(field(b, 'cpu MHz'))).filter((x) => Number.isFinite(x) && x > 0);
  const mhz = mhzValues.length ? Math.round((10 * mhzValues.reduce((a, b) => a + b, 0)) / mhzValues.length) / 10 : 0;

  let model = field(first, 'model name') ?? field(first, 'Model') ?? field(first, 'cpu model') ?? field(text, 'Hardware');
  if (!model) {
    const impl = field(first, 'CPU implementer');
    const part = field(first, 'CPU part');
    model = impl && part ? `${ARM_PARTS[`${impl}:${part}`] ?? 'Arm'} (implementer ${impl}, part ${part})` : 'unknown';
  }
  return {
    model,
    cores,
    threads,
    mhz,
    flags: {
      aes: flags.has('aes'),
      sha: flags.has('sha_ni') || flags.has('sha2'),
      rdrand: flags.has('rdrand') || flags.has('rng'),
      avx2: flags.has('avx2'),
      avx512: flags.has('avx512f'),
    },
    rawFlags: flags,
  };
}

/** Arm cores cloud hosts use (implementer:part as /proc/cpuinfo prints them). */
const ARM_PARTS: Record<string, string> = {
  '0x41:0xd0c': 'Arm Neoverse-N1',
  '0x41:0xd40': 'Arm Neoverse-V1',
  '0x41:0xd49': 'Arm Neoverse-N2',
  '0x41:0xd4f': 'Arm Neoverse-V2',
  '0x41:0xd08': 'Arm Cortex-A72',
  '0x41:0xd0b': 'Arm Cortex-A76',
};

/** Decide what the host is from `src`. Pure: everything it knows comes through `src`. */
export function detectFingerprint(src: HostSources): Fingerprint {
  const cpuinfo = src.read('/proc/cpuinfo');
  const cpu = parseCpuinfo(cpuinfo ?? '');
  const dmi = readDmi(src);
  const evidence: string[] = [];

  const virt = virtualization(src, cpu.rawFlags, dmi);
  const vmBeneath = isVm(virt.found);
  const uml = userModeLinux(cpuinfo, clean(src.read(`${CLOCKSOURCE}/current_clocksource`)));
  const sandbox = gvisor(src);
  const ctrs = containerisation(src);
  // A marker file names the runtime only beside more than bare namespaces (an image root, a runtime's cgroup or
  // marks): `unshare` on a root built from a Docker image keeps /.dockerenv without Docker being involved.
  const beyondNamespaces = ctrs.isolation.some((f) => f.value !== BARE_NAMESPACES);
  const runtime = ctrs.isolation.length ? pickRuntime(beyondNamespaces ? [...ctrs.isolation, ...ctrs.markers] : ctrs.isolation) : null;
  const cloud = pickCloud(dmi, src);

  const detected: NestingLayer[] = [];
  if (vmBeneath) {
    detected.push({ layer: 'vm', name: pickHypervisor(virt.found) ?? 'unknown', source: 'detected' });
    const seen = uml || sandbox ? "the host CPU's flags seen through the guest: a VM lies beneath it" : null;
    evidence.push(
      ...virt.found.map((f) =>
        seen && f.why.startsWith('/proc/cpuinfo: flags include') ? `/proc/cpuinfo: flags include \`hypervisor\` (${seen})` : f.why,
      ),
    );
    const hv = detected[0]?.name;
    if (!dmi && hv !== 'xen' && !uml && !sandbox) evidence.push(`${DMI}: absent (this VMM provides no SMBIOS tables)`);
    if (hv === 'firecracker')
      evidence.push('Firecracker is a KVM-based VMM: hypervisor "firecracker" means KVM with Firecracker\'s minimal device model');
    if (hv === 'nitro') evidence.push('AWS Nitro is KVM-based with I/O offloaded to Nitro cards');
  } else if (!uml && !sandbox) {
    evidence.push(cpuinfo === null ? '/proc/cpuinfo: unreadable' : '/proc/cpuinfo: no `hypervisor` flag');
    if (dmi) evidence.push(`DMI sys_vendor "${dmi.sys_vendor ?? '?'}", product_name "${dmi.product_name ?? '?'}": no hypervisor named`);
    evidence.push(...virt.against, ...virt.found.map((f) => `${f.why}; not enough alone to call this a VM`));
  }
  if (uml) {
    detected.push({ layer: 'vm', name: 'uml', source: 'detected' });
    evidence.push(...uml);
  }

  // A sandbox makes its own namespaces; a container layer beside it needs a runtime's name (gVisor under podman).
  const containerLayer = runtime !== null && (!sandbox || (runtime !== BARE_NAMESPACES && runtime !== 'unknown'));
  if (containerLayer) detected.push({ layer: 'container', name: runtime, source: 'detected' });
  if (sandbox) detected.push({ layer: 'sandbox', name: 'gvisor', source: 'detected' });

  if (sandbox) evidence.push(...sandbox.why);
  if (runtime !== null) {
    evidence.push(...ctrs.isolation.map((f) => f.why));
    for (const m of ctrs.markers) {
      const made = sandbox ? 'gvisor' : runtime;
      evidence.push(m.value === made ? m.why : `${m.why}; not what isolates this process (${made}): a leftover in the root filesystem`);
    }
  } else if (ctrs.markers.length) {
    evidence.push(...ctrs.markers.map((m) => m.why), ...ctrs.against);
    evidence.push(
      'no isolation evidence (PID namespace, hidden kthreadd, image root, runtime cgroup or markers): the root filesystem came from a Docker image (a leftover /.dockerenv), this is not a container',
    );
  } else {
    evidence.push(...ctrs.against);
    evidence.push('no container markers (/.dockerenv, /run/.containerenv, runtime cgroup paths, Kubernetes secrets)');
  }
  if (cloud) evidence.push(cloud.why);

  const nesting = withLauncher(detected, src.env.VIRTAX_OUTER_PLATFORM, evidence);
  const platform = platformOf(nesting, cpuinfo !== null);
  // The innermost VM's hypervisor, and a container or sandbox only inside it (a UML guest in a container is not in one).
  const vmAt = nesting.map((l) => l.layer).lastIndexOf('vm');
  const hypervisor = nesting[vmAt]?.name ?? null;
  const container =
    nesting
      .slice(vmAt + 1)
      .filter((l) => l.layer !== 'vm')
      .pop()?.name ?? null;

  const numa = (src.list('/sys/devices/system/node') ?? []).filter((n) => /^node\d+$/.test(n)).length;
  const memKb = Number(/^MemTotal:\s+(\d+)\s+kB/m.exec(src.read('/proc/meminfo') ?? '')?.[1]);
  const osRelease = src.read('/etc/os-release') ?? src.read('/usr/lib/os-release') ?? '';
  let mhz = cpu.mhz;
  if (!mhz) {
    const khz = Number(clean(src.read('/sys/devices/system/cpu/cpu0/cpufreq/cpuinfo_max_freq')));
    if (Number.isFinite(khz) && khz > 0) mhz = khz / 1000;
  }
  const { rawFlags: _raw, ...cpuFacts } = cpu;
  return {
    hostname: clean(src.read('/proc/sys/kernel/hostname')) ?? src.os.hostname,
    platform,
    hypervisor,
    container,
    sandbox: sandbox?.sandbox ?? null,
    nesting,
    evidence,
    cloud: cloud?.value ?? null,
    cpu: { ...cpuFacts, mhz },
    clocksource: clean(src.read(`${CLOCKSOURCE}/current_clocksource`)),
    kernel: clean(src.read('/proc/sys/kernel/osrelease')) ?? src.os.release,
    os: /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(osRelease)?.[1] ?? 'unknown',
    memoryBytes: Number.isFinite(memKb) && memKb > 0 ? memKb * 1024 : src.os.totalmem,
    numaNodes: Math.max(1, numa),
    mitigations: mitigations(src),
    thp: thpMode(src),
    limits: cgroupLimits(src),
  };
}

/** Placeholder file that keeps an empty directory of a recorded tree in git; never listed. */
const KEEP = '.keep';

/** Environment variables the detector may read; only these are recorded. */
const RECORDED_ENV = ['KUBERNETES_SERVICE_HOST', 'VIRTAX_OUTER_PLATFORM', 'VIRTAX_SANDBOX_PLATFORM'];

/**
 * Fingerprint this host and record, under `dir`, exactly what detection read: each file as it was (ACPI tables
 * cut to their 36-byte header, PID 1's environment cut to its `container=` entry so no secret is kept), each
 * listed directory's entries, each link target as a plain file, the first lines of dmesg as `_dmesg.txt` and
 * the launcher variables as `_env.json`. `detectFingerprint(hostSources(dir))` then concludes what it
 * concluded here: that is how test/fixtures/fingerprint/<case>/ trees are captured on real platforms.
 */
export function recordFingerprint(dir: string, src: HostSources = hostSources('/')): Fingerprint {
  const target = (p: string) => join(dir, p);
  const put = (p: string, text: string, encoding: 'utf8' | 'latin1' = 'utf8') => {
    mkdirSync(dirname(target(p)), { recursive: true });
    writeFileSync(target(p), text, encoding);
  };
  const mkdir = (p: string) => {
    mkdirSync(target(p), { recursive: true });
    if (readdirSync(target(p)).length === 0) writeFileSync(join(target(p), KEEP), '');
  };
  const kind = (p: string): 'dir' | 'file' => (src.list(p) !== null ? 'dir' : 'file');
  const envSeen: Record<string, string> = {};
  const recording: HostSources = {
    read(path, encoding = 'utf8') {
      let v = src.read(path, encoding);
      if (v === null) return null;
      if (path === '/proc/1/environ')
        v = v
          .split('\0')
          .filter((e) => e.startsWith('container='))
          .join('\0');
      if (path.startsWith('/sys/firmware/acpi/tables/')) v = v.slice(0, 36);
      put(path, v, encoding);
      return v;
    },
    list(path) {
      const names = src.list(path);
      for (const n of names ?? []) {
        const p = `${path}/${n}`;
        if (existsSync(target(p))) continue;
        if (kind(p) === 'dir') mkdir(p);
        else put(p, '');
      }
      if (names) mkdir(path);
      return names;
    },
    exists(path) {
      const yes = src.exists(path);
      if (yes && !existsSync(target(path))) {
        if (kind(path) === 'dir') mkdir(path);
        else put(path, '');
      }
      return yes;
    },
    link(path) {
      const v = src.link?.(path) ?? null;
      if (v !== null) put(path, `${v}\n`);
      return v;
    },
    dmesg() {
      const v = src.dmesg?.() ?? null;
      if (v !== null) put('_dmesg.txt', `${v.split('\n').slice(0, 12).join('\n')}\n`);
      return v;
    },
    env: new Proxy(src.env, {
      get(env, key) {
        const v = typeof key === 'string' ? env[key] : undefined;
        if (typeof key === 'string' && v !== undefined && RECORDED_ENV.includes(key)) envSeen[key] = v;
        return v;
      },
    }),
    os: src.os,
  };
  mkdirSync(dir, { recursive: true });
  const f = detectFingerprint(recording);
  if (Object.keys(envSeen).length) writeFileSync(join(dir, '_env.json'), `${JSON.stringify(envSeen, null, 2)}\n`);
  return f;
}
