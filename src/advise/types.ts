/** Placement advice types: a profile says what an application needs; advice says where it should run. */
import type { Estimate } from '../stats/types.js';
import type { Category, Fingerprint } from '../types.js';

export const PROFILE_SCHEMA = 'virtax.profile/v1' as const;

/** What an application does and needs (docs/report.md, advise); schema/profile.v1.json. */
export interface Profile {
  /** Optional schema tag, `virtax.profile/v1`. */
  schema?: typeof PROFILE_SCHEMA;
  name: string;
  description?: string;
  /** Relative weight of each category in the application's work (missing = 0 when weights are given). */
  weights?: Partial<Record<Category, number>>;
  /** Workload ids the application resembles (used when no weights are given, or to narrow them). */
  resembles?: string[];
  /** Does the application's p99 latency matter (an API, a database) or only throughput (a batch job)? */
  latencySensitive: boolean;
  /** Largest acceptable p99 inflation over the baseline, percent (checked when latencySensitive). */
  p99BudgetPct?: number;
  /** Does it handle secrets, keys or personal data? Raises the weight of isolation and hardware crypto. */
  sensitiveData: boolean;
  /** Hosts of the baseline kind the application needs today. */
  fleetSize: number;
  /**
   * Cost per host of each option (any unit: per month, per hour...). Keys, first match wins: a results label,
   * a label pattern with `*` (`kvm-*`), a platform (`metal`, `vm`, `vm-in-vm`, `container`, `container-in-vm`, `sandbox`,
   * `sandbox-in-vm`), or a
   * hypervisor or container runtime (`kvm`, `docker`).
   */
  costPerHost?: Record<string, number>;
  /** Unit of the costs, shown next to them ("USD/month"). */
  costUnit?: string;
  /** Instances the application runs: sized by memory from `virtax lifecycle` files (src/advise/density.ts). */
  instances?: number;
  /** Memory of one host, GiB (with instances). */
  hostMemoryGiB?: number;
  /** The application's own memory per instance, MiB (default 0: idle instances). */
  instanceMemoryMiB?: number;
}

/** A count of hosts with the range that follows from the overhead interval. */
export interface HostCount {
  point: number;
  lo: number;
  hi: number;
}

export interface SecurityFacts {
  /** Other tenants may share the physical machine (a VM or a container). */
  sharedTenancy: boolean;
  /** Other workloads share the kernel (a container). */
  sharedKernel: boolean;
  aes: boolean;
  sha: boolean;
  rdrand: boolean;
  /** Plain-words trade-offs relevant to this profile. */
  notes: string[];
  /** Of those, what the host shares with other tenants (hardware, a VM, the kernel), when it shares anything. */
  sharing: string | null;
}

/** Which of the profile's weighted categories (or resembled workloads) a host's overhead rests on. */
export interface Coverage {
  /** Weighted categories with at least one compared workload (or the resembled ids compared). */
  measured: string[];
  /** Weighted categories (or resembled ids) with none, heaviest first. */
  missing: { name: string; weight: number }[];
  /** Share of the profile's total weight that was not measured, percent. */
  missingWeightPct: number;
  /** Workloads compared on this host. */
  workloads: number;
}

/** One measured host as a placement option. */
export interface HostAdvice {
  label: string;
  isBaseline: boolean;
  platform: Fingerprint['platform'];
  hypervisor: string | null;
  container: string | null;
  /** Weighted overhead against the baseline (null for the baseline itself, or when nothing was compared). */
  overheadPct: Estimate | null;
  /** Workloads that entered the weighted overhead. */
  workloads: number;
  /** Weighted p99 inflation against the baseline, percent (null when unknown). */
  tailInflationPct: number | null;
  /** Hosts of this kind needed for the throughput of `fleetSize` baseline hosts. */
  hostsNeeded: HostCount | null;
  /** hostsNeeded - fleetSize. */
  extraHosts: HostCount | null;
  costPerHost: number | null;
  /** The costPerHost key that gave the cost (a label, pattern, platform or runtime). */
  costKey: string | null;
  fleetCost: HostCount | null;
  /** What the overhead rests on; a fleet size is refused when more than half the weight is unmeasured. */
  coverage: Coverage;
  security: SecurityFacts;
  /** Hard constraints this option breaks (p99 budget); an option with any is not recommended. */
  disqualified: string[];
}

export interface Advice {
  schema: 'virtax.advice/v1';
  profile: Profile;
  baseline: string;
  /** Options in order of preference (labels). */
  ranking: string[];
  hosts: HostAdvice[];
  recommendation: { label: string; reasons: string[] } | null;
  notes: string[];
}
