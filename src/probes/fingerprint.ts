/**
 * What this host is: bare metal, a VM, a container, or a container inside a VM, with one line of evidence
 * for every conclusion.
 *
 * Detection is a pure function over injectable sources (`detectFingerprint(src)`), so recorded /proc, /sys
 * and marker-file trees (test/fixtures/fingerprint/<case>/) exercise every platform. It needs no root:
 * systeminformation's `virtual` flag comes from dmesg, which non-root users cannot read (DEPENDENCIES.md), and
 * CPUID's hypervisor vendor leaf is not readable from JavaScript, so the signals are files any user can read:
 *   - VM: the cpuinfo `hypervisor` flag (x86), /sys/hypervisor/type, DMI vendor/product strings, ACPI table
 *     OEM ids (root-only; used when readable), paravirtual clocksources, virtio-mmio devices without DMI.
 *   - container: /.dockerenv, /run/.containerenv, /run/systemd/container, cgroup paths of /proc/1 and
 *     /proc/self, Kubernetes service-account secrets and env, `container=` in /proc/1/environ (root-only),
 *     an overlay root in /proc/self/mountinfo.
 *   - cloud: DMI vendor, product, BIOS and asset tags.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { hostname, release, totalmem } from 'node:os';
import { join } from 'node:path';
import type { Fingerprint } from '../types.js';

/** Where detection reads the host from. Paths are absolute as on a live system; `hostSources` maps them under a root. */
export interface HostSources {
  /** A file's contents (utf8 by default; latin1 keeps binary headers byte-for-byte), or null when missing or unreadable. */
  read(path: string, encoding?: 'utf8' | 'latin1'): string | null;
  /** Entry names of a directory, or null when it is missing or unreadable. */
  list(path: string): string[] | null;
  exists(path: string): boolean;
  /** Environment of this process (KUBERNETES_SERVICE_HOST, container ...). */
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
        return readdirSync(at(path));
      } catch {
        return null;
      }
    },
    exists: (path) => existsSync(at(path)),
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
    'sys_vendor', 'product_name', 'product_version', 'bios_vendor', 'bios_version',
    'board_vendor', 'board_asset_tag', 'chassis_vendor', 'chassis_asset_tag',
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
  { hv: 'kvm', field: 'sys_vendor', re: /^(google|openstack|red hat|digitalocean|hetzner|alibaba cloud|tencent cloud|vultr|scaleway)/i, what: 'a KVM-based cloud' },
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

  if (cpuFlags.has('hypervisor')) found.push({ value: null, why: '/proc/cpuinfo: flags include `hypervisor` (CPUID says a hypervisor is present)' });

  const xenType = clean(src.read('/sys/hypervisor/type'));
  if (xenType) {
    const dom0 = /control_d/.test(src.read('/proc/xen/capabilities') ?? '');
    found.push({ value: xenType.toLowerCase(), why: `/sys/hypervisor/type: ${xenType}${dom0 ? ' (Xen dom0: /proc/xen/capabilities has control_d)' : ''}` });
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
      if (cpuFlags.has('hypervisor')) found.push({ value: 'nitro', why: `DMI sys_vendor: "${dmi.sys_vendor}" with a hypervisor flag (AWS Nitro, KVM-based)` });
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
    found.push({ value: null, why: `/sys/bus/virtio/devices: ${virtio.length} virtio device${virtio.length === 1 ? '' : 's'} (paravirtual hardware)` });
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
  if (hvNode) found.push({ value: /xen/i.test(hvNode) ? 'xen' : null, why: `/proc/device-tree/hypervisor/compatible: ${hvNode.replace(/\0/g, ' ').trim()}` });
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

function containerisation(src: HostSources): Finding<string>[] {
  const found: Finding<string>[] = [];
  if (src.exists('/.dockerenv')) found.push({ value: 'docker', why: '/.dockerenv present (Docker puts it in every container)' });
  const containerenv = src.read('/run/.containerenv');
  if (containerenv !== null) {
    const engine = /engine="([^"]+)"/.exec(containerenv)?.[1];
    found.push({ value: 'podman', why: `/run/.containerenv present (Podman${engine ? `: ${engine}` : ''})` });
  }
  const systemdContainer = clean(src.read('/run/systemd/container'));
  if (systemdContainer) found.push({ value: normaliseRuntime(systemdContainer), why: `/run/systemd/container: ${systemdContainer}` });

  for (const path of ['/proc/1/cgroup', '/proc/self/cgroup']) {
    const text = src.read(path);
    if (!text) continue;
    for (const line of text.split('\n')) {
      const cg = line.split(':').slice(2).join(':');
      const hit = CGROUP_RUNTIMES.find((r) => r.re.test(cg));
      if (hit) {
        found.push({ value: hit.runtime, why: `${path}: ${firstLine(cg)}` });
        break;
      }
    }
  }

  const environ = src.read('/proc/1/environ'); // root-only on most systems: absence says nothing
  const ctrVar = environ ? /(?:^|\0)container=([^\0]+)/.exec(environ)?.[1] : undefined;
  if (ctrVar) found.push({ value: normaliseRuntime(ctrVar), why: `/proc/1/environ: container=${ctrVar}` });

  const k8sHost = src.env.KUBERNETES_SERVICE_HOST;
  if (k8sHost) found.push({ value: 'kubernetes', why: `environment: KUBERNETES_SERVICE_HOST=${k8sHost}` });
  for (const p of ['/var/run/secrets/kubernetes.io/serviceaccount', '/run/secrets/kubernetes.io/serviceaccount']) {
    if (src.exists(p)) {
      found.push({ value: 'kubernetes', why: `${p} present (a pod's service-account secret)` });
      break;
    }
  }

  const mountinfo = src.read('/proc/self/mountinfo');
  const rootMount = mountinfo?.split('\n').find((l) => l.split(' ')[4] === '/');
  const rootFs = rootMount?.split(' - ')[1]?.split(' ')[0];
  if (rootFs && /^(overlay|aufs|fuse-overlayfs)$/.test(rootFs)) {
    found.push({ value: 'unknown', why: `/proc/self/mountinfo: root filesystem is ${rootFs} (a container image's layers)` });
  }
  return found;
}

function normaliseRuntime(s: string): string {
  const v = s.trim().toLowerCase();
  if (v === 'oci') return 'unknown';
  if (v.startsWith('lxc')) return 'lxc';
  return v;
}

function pickRuntime(found: Finding<string>[]): string | null {
  if (found.length === 0) return null;
  const names = found.map((f) => f.value);
  for (const r of RUNTIME_ORDER) if (names.includes(r)) return r;
  return names.find((n) => n !== 'unknown') ?? 'unknown';
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
  const field = (block: string, name: string): string | undefined =>
    new RegExp(`^${name}\\s*:\\s*(.*)$`, 'm').exec(block)?.[1]?.trim();
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
  const vm = isVm(virt.found);
  const hypervisor = vm ? pickHypervisor(virt.found) : null;
  const ctrs = containerisation(src);
  const container = pickRuntime(ctrs);
  const cloud = pickCloud(dmi, src);

  if (vm) {
    evidence.push(...virt.found.map((f) => f.why));
    if (!dmi && hypervisor !== 'xen') evidence.push(`${DMI}: absent (this VMM provides no SMBIOS tables)`);
    if (hypervisor === 'firecracker') evidence.push('Firecracker is a KVM-based VMM: hypervisor "firecracker" means KVM with Firecracker\'s minimal device model');
    if (hypervisor === 'nitro') evidence.push('AWS Nitro is KVM-based with I/O offloaded to Nitro cards');
  } else {
    evidence.push(cpuinfo === null ? '/proc/cpuinfo: unreadable' : '/proc/cpuinfo: no `hypervisor` flag');
    if (dmi) evidence.push(`DMI sys_vendor "${dmi.sys_vendor ?? '?'}", product_name "${dmi.product_name ?? '?'}": no hypervisor named`);
    evidence.push(...virt.against, ...virt.found.map((f) => `${f.why}; not enough alone to call this a VM`));
  }
  if (container) evidence.push(...ctrs.map((f) => f.why));
  else evidence.push('no container markers (/.dockerenv, /run/.containerenv, runtime cgroup paths, Kubernetes secrets)');
  if (cloud) evidence.push(cloud.why);

  // Without /proc/cpuinfo we are not on Linux as we know it: say "unknown" rather than "metal".
  const platform: Fingerprint['platform'] =
    vm && container ? 'container-in-vm' : vm ? 'vm' : container ? 'container' : cpuinfo === null ? 'unknown' : 'metal';

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
    evidence,
    cloud: cloud?.value ?? null,
    cpu: { ...cpuFacts, mhz },
    clocksource: clean(src.read(`${CLOCKSOURCE}/current_clocksource`)),
    kernel: clean(src.read('/proc/sys/kernel/osrelease')) ?? src.os.release,
    os: /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(osRelease)?.[1] ?? 'unknown',
    memoryBytes: Number.isFinite(memKb) && memKb > 0 ? memKb * 1024 : src.os.totalmem,
    numaNodes: Math.max(1, numa),
  };
}
