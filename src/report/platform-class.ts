/**
 * What a host is, in the words a capacity planner uses: a hardware VM, a container, a CPU-limited container,
 * an application-kernel sandbox or a paravirtual guest kernel run as a process. The fingerprint's `platform`
 * (src/types.ts) says where the probe runs; this says which of those kinds of platform the figures speak
 * for, and whether system calls trap there (they do under gVisor and User-Mode Linux, not under KVM), so a
 * reader does not take a sandbox's or UML's syscall figures for a VM's (docs/platforms.md).
 *
 * The model carries the class as a code with its facts (PlatformClass); words are made here, once, for the
 * HTML and Markdown renderers.
 */
import type { Fingerprint } from '../types.js';

export type PlatformClassKind =
  | 'bare-metal'
  | 'hardware-vm'
  | 'container'
  | 'cpu-limited-container'
  | 'app-kernel-sandbox'
  | 'process-guest-kernel'
  | 'nested-vm'
  | 'unknown';

/** A host's platform class and the facts its words need. */
export interface PlatformClass {
  kind: PlatformClassKind;
  /** The hypervisor of the hardware VM the host runs in (or is), as recorded (`firecracker`, `kvm`), else null. */
  vm: string | null;
  /** Container or sandbox runtime (`podman`, `gvisor`), or the guest kernel (`uml`) for process-guest-kernel. */
  runtime: string | null;
  /** CPU quota in cores for a CPU-limited container (0.5 = half a core), else null. */
  cpuQuotaCores: number | null;
  /** gVisor's platform (how it intercepts system calls), null when the file does not record it. */
  sandboxPlatform: 'ptrace' | 'kvm' | 'systrap' | null;
  /** System calls trap into a kernel in user space here (gVisor, UML): the syscall figures are not a VM's. */
  syscallsTrap: boolean;
}

/** The class of a host from its fingerprint. */
export function platformClassOf(
  h: Pick<Fingerprint, 'platform' | 'hypervisor' | 'container'> & { sandbox?: Fingerprint['sandbox']; limits?: Fingerprint['limits'] },
): PlatformClass {
  const inVm = h.platform.endsWith('-in-vm') || h.platform === 'vm';
  const base: PlatformClass = {
    kind: 'unknown',
    vm: inVm && h.hypervisor !== 'uml' ? h.hypervisor : null,
    runtime: h.container,
    cpuQuotaCores: null,
    sandboxPlatform: null,
    syscallsTrap: false,
  };
  switch (h.platform) {
    case 'metal':
      return { ...base, kind: 'bare-metal' };
    case 'vm':
      return { ...base, kind: 'hardware-vm' };
    case 'container':
    case 'container-in-vm': {
      const quota = h.limits?.cpuQuotaCores ?? null;
      return { ...base, kind: quota !== null ? 'cpu-limited-container' : 'container', cpuQuotaCores: quota };
    }
    case 'sandbox':
    case 'sandbox-in-vm':
      return {
        ...base,
        kind: 'app-kernel-sandbox',
        runtime: h.sandbox?.runtime ?? h.container ?? 'gvisor',
        sandboxPlatform: h.sandbox?.platform ?? null,
        syscallsTrap: true,
      };
    case 'vm-in-vm':
      // User-Mode Linux records its outer VM only through the launcher (the fingerprint's hypervisor is `uml`).
      return h.hypervisor === 'uml'
        ? { ...base, kind: 'process-guest-kernel', runtime: 'uml', syscallsTrap: true }
        : { ...base, kind: 'nested-vm', runtime: h.hypervisor };
    default:
      return base;
  }
}

const NAMES: Record<string, string> = {
  kvm: 'KVM',
  firecracker: 'Firecracker',
  xen: 'Xen',
  vmware: 'VMware',
  hyperv: 'Hyper-V',
  qemu: 'QEMU',
  podman: 'podman',
  docker: 'Docker',
  gvisor: 'gVisor',
  uml: 'User-Mode Linux',
  kubernetes: 'Kubernetes',
  lxc: 'LXC',
  namespaces: 'namespaces',
};
const nameOf = (x: string) => NAMES[x] ?? x;

/**
 * The class in a planner's words: "hardware VM (Firecracker)", "CPU-limited container (podman, 0.5 CPU)",
 * "application-kernel sandbox (gVisor, ptrace platform)", "paravirtual guest kernel run as a process (User-Mode Linux)".
 */
export function platformClassWords(c: PlatformClass): string {
  const where = c.vm && c.kind !== 'hardware-vm' ? ` in a ${nameOf(c.vm)} VM` : '';
  switch (c.kind) {
    case 'bare-metal':
      return 'bare metal';
    case 'hardware-vm':
      return `hardware VM (${c.vm ? nameOf(c.vm) : 'hypervisor unknown'})`;
    case 'container':
      return `container (${c.runtime ? nameOf(c.runtime) : 'runtime unknown'})${where}`;
    case 'cpu-limited-container':
      return `CPU-limited container (${c.runtime ? `${nameOf(c.runtime)}, ` : ''}${c.cpuQuotaCores} CPU)${where}`;
    case 'app-kernel-sandbox':
      return `application-kernel sandbox (${nameOf(c.runtime ?? 'gvisor')}, ${c.sandboxPlatform ? `${c.sandboxPlatform} platform` : 'platform not recorded'})${where}`;
    case 'process-guest-kernel':
      return `paravirtual guest kernel run as a process (${nameOf(c.runtime ?? 'uml')})`;
    case 'nested-vm':
      return `nested VM (${c.runtime ? nameOf(c.runtime) : 'hypervisor unknown'})`;
    default:
      return 'platform unknown';
  }
}

/** gVisor's published getpid(2) cost per platform, ns (gvisor.dev, "Releasing Systrap", 2023). */
export const GVISOR_GETPID_NS = { native: 239, ptrace: 15_400, systrap: 2_376 } as const;

/** One line for a class whose system calls trap (sandbox, UML), else null. */
export function trapNote(c: PlatformClass): string | null {
  if (c.kind === 'app-kernel-sandbox') {
    const g = GVISOR_GETPID_NS;
    const which = c.sandboxPlatform
      ? `these figures are for the ${c.sandboxPlatform} platform`
      : 'the file does not record which platform ran';
    return `Not hardware virtualization: every system call traps into gVisor's application kernel (under KVM it goes straight to the guest kernel). gVisor's published getpid: native ${g.native} ns, ptrace ${g.ptrace.toLocaleString('en-US')} ns, systrap ${g.systrap.toLocaleString('en-US')} ns (systrap is gVisor's default since 2023); ${which}.`;
  }
  if (c.kind === 'process-guest-kernel') {
    return 'Not hardware virtualization: a guest kernel run as a host process; every system call and clock read of its programs traps through ptrace (under KVM they go straight to the guest kernel), so its syscall figures say nothing about a KVM guest.';
  }
  return null;
}
