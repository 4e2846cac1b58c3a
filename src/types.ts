/**
 * The results file contract (`virtax.results/v1`, see ARCHITECTURE.md "Contracts").
 * Every reader validates a file against schema/results.v1.json before trusting these types.
 */

export const RESULTS_SCHEMA = 'virtax.results/v1' as const;

/** Which direction of a metric is better. Every metric declares one. */
export type Better = 'lower' | 'higher';

/**
 * Workload categories: the groups used for equal-weight overall indices and profile weights. `user` holds a user's
 * own tinybench tasks (`virtax run --workload`); it is left out of the default overall index (only a profile that
 * weighs it counts it). `lifecycle` holds the start, stop and memory figures of `virtax lifecycle` (measured from
 * the host, in files of their own). Files written before `user` and `lifecycle` existed use only the others.
 */
export const CATEGORIES = [
  'cpu',
  'memory',
  'syscall',
  'process',
  'crypto',
  'storage',
  'network',
  'noisy-neighbor',
  'user',
  'lifecycle',
] as const;
export type Category = (typeof CATEGORIES)[number];

/** What a host is, from the innermost layer the probe runs in (see {@link Fingerprint.platform}). */
export type Platform = 'metal' | 'vm' | 'vm-in-vm' | 'container' | 'container-in-vm' | 'sandbox' | 'sandbox-in-vm' | 'unknown';

/** A sandbox: an application kernel between the workload and the host kernel. */
export interface SandboxInfo {
  /** The sandbox runtime (`gvisor`). */
  runtime: 'gvisor';
  /** How the sandbox intercepts system calls (gVisor's ptrace, kvm or systrap platform), null when not known from inside. */
  platform: 'ptrace' | 'kvm' | 'systrap' | null;
  /** The application kernel and the Linux version it reports, e.g. `gVisor (reports Linux 4.4.0)`. */
  kernel: string;
}

/** One layer of isolation the probe runs in. */
export interface NestingLayer {
  /** What the layer is: a virtual machine, a container (namespaces and cgroups), or a sandbox (an application kernel). */
  layer: 'vm' | 'container' | 'sandbox';
  /** Its hypervisor or runtime (firecracker, kvm, uml, podman, namespaces, gvisor, unknown, ...). */
  name: string;
  /** Whether the probe saw the layer itself (`detected`) or was told by its launcher (`launcher`, VIRTAX_OUTER_PLATFORM). */
  source: 'detected' | 'launcher';
}

/** Limits of the cgroup the probe runs in (v1 or v2), the tightest along its visible ancestors. */
export interface CgroupLimits {
  /** CPU quota in cores (quota / period: 0.5 is half a core), null when unlimited or unreadable. */
  cpuQuotaCores: number | null;
  /** CPUs the cgroup may run on (a cpuset list such as `0-1`), null when unreadable. */
  cpuset: string | null;
  /** Memory limit in bytes, null when unlimited or unreadable. */
  memoryLimitBytes: number | null;
}

/** What this host is, with the evidence for every conclusion. */
export interface Fingerprint {
  /** Host name as the kernel reports it. */
  hostname: string;
  /**
   * The conclusion, named by the innermost layer and whether a VM lies beneath it: bare metal, a VM, a guest
   * nested in a guest (`vm-in-vm`, e.g. User-Mode Linux inside a KVM guest), a container (with or without a VM
   * beneath), a sandbox with its own application kernel (gVisor; `sandbox-in-vm` inside a VM), or unknown.
   * Files written before `sandbox`, `sandbox-in-vm` and `vm-in-vm` existed use only the first five.
   */
  platform: Platform;
  /**
   * The innermost hypervisor when virtualised (kvm, xen, vmware, hyperv, firecracker, uml, ...; `unknown` when
   * only CPUID says one is present), else null. For a sandbox or container in a VM: the VM's hypervisor.
   */
  hypervisor: string | null;
  /**
   * Container or sandbox runtime the probe runs in (inside the innermost VM, if any), only with isolation
   * evidence (docker, podman, kubernetes, lxc, gvisor, or `namespaces` for bare PID/mount namespaces with no
   * runtime named), else null.
   */
  container: string | null;
  /** The sandbox when the probe runs under an application kernel (gVisor), else null; absent in older files. */
  sandbox?: SandboxInfo | null;
  /** The layers the probe runs in, outermost first (empty on metal); absent in older files. */
  nesting?: NestingLayer[];
  /** CPU vulnerability mitigations by name, as /sys/devices/system/cpu/vulnerabilities says (empty when unreadable); absent in older files. */
  mitigations?: Record<string, string>;
  /** Transparent huge pages mode selected in /sys/kernel/mm/transparent_hugepage/enabled (always, madvise, never), null when unreadable; absent in older files. */
  thp?: string | null;
  /** Resource limits of the cgroup (v1 or v2) the probe runs in, including its visible ancestors; absent in older files. */
  limits?: CgroupLimits;
  /** Why: one line per observation that led to the conclusion (cpuinfo flag, DMI vendor, marker files...). */
  evidence: string[];
  /** Cloud provider when DMI or metadata files say so (aws, gcp, azure, ...), else null. */
  cloud: string | null;
  cpu: {
    /** CPU model string from /proc/cpuinfo. */
    model: string;
    /** Physical cores visible to this host. */
    cores: number;
    /** Logical CPUs visible to this host. */
    threads: number;
    /** Nominal clock in MHz (from /proc/cpuinfo), 0 when unknown. */
    mhz: number;
    /** CPU features that change crypto and vector throughput. */
    flags: { aes: boolean; sha: boolean; rdrand: boolean; avx2: boolean; avx512: boolean };
  };
  /** Current kernel clocksource (tsc, kvm-clock, xen, hyperv_clocksource_tsc_page, ...). */
  clocksource: string | null;
  /** Kernel release (uname -r). */
  kernel: string;
  /** OS pretty name from /etc/os-release. */
  os: string;
  /** Total memory in bytes. */
  memoryBytes: number;
  /** NUMA nodes visible (1 when unknown). */
  numaNodes: number;
  /**
   * The devices the run's storage and network workloads used (src/probes/host/devices.ts); absent in older files
   * and where no such workload ran.
   */
  devices?: HostDevices | null;
}

/** The block device under the storage workloads' directory; null fields where the platform hides them. */
export interface StorageDevice {
  /** The directory the io.* workloads wrote in. */
  dir: string;
  /** Its filesystem type (ext4, xfs, overlay, 9p, ...). */
  filesystem: string | null;
  /** The disk under it (/dev/vda), null on a filesystem without a block device of its own (overlay, tmpfs, hostfs). */
  device: string | null;
  model: string | null;
  /** HD, SSD, NVMe, ... as systeminformation names it. */
  type: string | null;
  /** The disk's I/O scheduler (none, mq-deadline, bfq, ...). */
  scheduler: string | null;
  rotational: boolean | null;
}

/** The network interface towards the network workloads' peer. */
export interface NetworkDevice {
  iface: string | null;
  /** Its driver (virtio_net, ena, mlx5_core; `loopback` for lo), null where none is behind it (veth, bridge). */
  driver: string | null;
  speedMbps: number | null;
  virtual: boolean | null;
  mtu: number | null;
}

export interface HostDevices {
  storage: StorageDevice | null;
  network: NetworkDevice | null;
}

/** One independent execution of a workload in a fresh process. */
export interface Round {
  /** The round's figure in the workload's unit: total work over total time (not a median of batches). */
  figure: number;
  /** Operations performed across all timed batches. */
  operations: number;
  /** Seconds spent in timed batches (the round's measured time). */
  seconds: number;
  /** Per-batch figures in the workload's unit, one per timed batch. */
  samples: number[];
  /** Steal time in percent of CPU time while this round ran (from /proc/stat), null when unknown. */
  stealPct: number | null;
  /** Operations per batch in this round (set by batch sizing), so a round's figure can be recomputed from samples. */
  batchOperations?: number;
  /** One-minute load average when the round started (how busy the host was around it). */
  loadAvg1?: number;
  /** What the round process went through while it measured (absent in files written before it was recorded). */
  conditions?: RoundConditions;
  /**
   * System (kernel) CPU seconds per operation over the timed phase, from the round process's rusage (plus its
   * reaped children's): what the platform changes without Node's share. Only for workloads that enter the kernel
   * on every operation (sys.*, mem.pagefault, proc.spawn, io.fsync, storage); absent otherwise.
   */
  kernelSecondsPerOp?: number;
  /** How the round warmed up before its timed batches (absent in older files). */
  warmup?: RoundWarmup;
}

/**
 * Per-round conditions, measured by the round process around its timed phase (noisy-neighbour rounds: around the
 * whole round). They say whether the figure measured the platform or a busy host.
 */
export interface RoundConditions {
  /** Wall-clock seconds of the measured phase. */
  wallSeconds: number;
  /** User CPU seconds of the round process (all its threads) in that phase. */
  cpuUserSeconds: number;
  /** System CPU seconds of the round process (all its threads) in that phase. */
  cpuSystemSeconds: number;
  /** System CPU seconds of children the round process reaped in that phase (proc.spawn), 0 for the others. */
  cpuChildrenSystemSeconds?: number;
  /**
   * Seconds the round's main thread was runnable but waited for a CPU (run-queue delay, /proc/self/schedstat),
   * null where the kernel does not expose schedstat.
   */
  runDelaySeconds: number | null;
  /**
   * Times the main thread was put on a CPU in that phase (schedstat); runDelaySeconds / timeslices is the mean wait
   * per wake-up or preemption, which tells a wake-up latency (microseconds) from waiting behind other work.
   */
  timeslices?: number;
  /** The highest steal percent of any single CPU in that phase (/proc/stat per-CPU lines). */
  stealPctMaxCpu?: number;
  /** Involuntary context switches of the round process in that phase (preempted by other work). */
  involuntarySwitches: number;
  /** Times the probe's cgroup was throttled by its CPU quota (cpu.stat nr_throttled), null without a readable cpu.stat. */
  nrThrottled: number | null;
  /** Seconds the probe's cgroup spent throttled by its CPU quota (cpu.stat throttled_usec / throttled_time). */
  throttledSeconds: number | null;
  /**
   * Run-queue delay not explained by the cgroup's own quota throttling, in percent of the wall time: how much
   * of the round other work took from it. Null when run-queue delay is unknown.
   */
  contentionPct: number | null;
  /**
   * The round was starved by other work: contentionPct above CONTENDED_PCT with a mean wait per timeslice above
   * CONTENDED_WAIT_PER_SLICE_SECONDS (src/proc/steal.ts). Quota throttling and a noisy-neighbour round's own
   * aggressors never set it: they are the cost being measured.
   */
  contended: boolean;
}

/** Warm-up before the timed batches: untimed batches until consecutive batch times level off, bounded. */
export interface RoundWarmup {
  /** Warm-up batches run. */
  batches: number;
  /** Seconds spent warming up. */
  seconds: number;
  /** True when batch times levelled off; false when the bound stopped it first. */
  settled: boolean;
}

/** Descriptive summary of a workload's round figures (and its batch distribution), in the workload's unit. */
export interface Summary {
  /** Number of rounds. */
  rounds: number;
  /** Median of the round figures. */
  median: number;
  /** Mean of the round figures. */
  mean: number;
  /** Minimum round figure. */
  min: number;
  /** Maximum round figure. */
  max: number;
  /** Coefficient of variation of the round figures (stddev/mean), 0 with one round. */
  cv: number;
  /** Median of all batch samples. */
  p50: number;
  /** 99th percentile of all batch samples in the "worse" direction (high for lower-is-better, low for higher-is-better). */
  p99: number;
  /** Mean steal percent across rounds, null when unknown. */
  stealPct: number | null;
}

export interface WorkloadOk {
  id: string;
  category: Category;
  title: string;
  unit: string;
  better: Better;
  status: 'ok';
  /** Parameters the workload ran with (sizes, targets, what it ran against). */
  params: Record<string, unknown>;
  summary: Summary;
  rounds: Round[];
  /**
   * Kernel time per operation over the rounds that recorded it (system CPU seconds per operation; see
   * Round.kernelSecondsPerOp), absent for workloads that do not enter the kernel per operation and in older files.
   */
  kernel?: { medianSecondsPerOp: number; minSecondsPerOp: number; maxSecondsPerOp: number; rounds: number };
  /** Free-form notes the workload wants the reader to see (e.g. "fsync on tmpfs"). */
  notes?: string[];
  /**
   * Extra measurements a workload family records, one list entry per round: noisy.* workloads record NoisyExtra
   * (read by src/results/noisy.ts), lifecycle files their memory fit and platform (src/results/lifecycle.ts).
   */
  extra?: Record<string, unknown>;
}

/** A noisy.* round's figures against one kind of neighbour (src/workloads/noisy.ts): ratios with it over alone. */
export interface NoisyKindFigures {
  /** Victim time per operation with the neighbour over alone. */
  slowdown: number;
  /** p99 of the victim's batch means with the neighbour over alone. */
  tailAmplification: number;
  /** Steal time during the phases alone and with the neighbour, percent (null where the host reports none). */
  stealPctAlone: number | null;
  stealPctWith: number | null;
}

/** What a noisy.* workload keeps in `extra`, each field a list over its rounds (newer files; older ones are untyped). */
export interface NoisyExtra {
  /** p99 with any neighbour over p99 alone, per round. */
  tailAmplification: number[];
  /** How each round's tail amplification was taken, in words. */
  tail?: string[];
  /** The order the neighbour kinds ran in, per round. */
  order?: string[][];
  /** Per round, kind of neighbour -> its figures. */
  byKind: Record<string, NoisyKindFigures>[];
  /** Per round, every phase's raw figures. */
  phases?: unknown[];
}

export interface WorkloadNotOk {
  id: string;
  category: Category;
  title: string;
  status: 'skipped' | 'failed';
  /** Why it was skipped or how it failed, one line. */
  reason: string;
}

export type WorkloadResult = WorkloadOk | WorkloadNotOk;

export type Suite = 'quick' | 'standard' | 'full';

/** What a results file was measured with: a `virtax run` suite, or `lifecycle` for a `virtax lifecycle` file. */
export type FileSuite = Suite | 'lifecycle';

export interface ResultsFile {
  schema: typeof RESULTS_SCHEMA;
  /** UUID of this run. */
  id: string;
  /** Human label of the host class ("metal-epyc", "kvm-vm"...). */
  label: string;
  /** ISO timestamps. */
  startedAt: string;
  /** Null while a run is still in progress (a checkpoint). */
  finishedAt: string | null;
  tool: { name: 'virtax'; version: string; node: string };
  host: Fingerprint;
  config: {
    /** The run's suite; `lifecycle` for a file written by `virtax lifecycle` (start, stop, memory of one platform). */
    suite: FileSuite;
    rounds: number;
    seed: number;
    onlyIds: string[] | null;
    /** Network peer the network workloads ran against ("loopback" when run started its own). */
    peer?: string | null;
    /** The user's tinybench modules (`--workload`) as given, so `--resume` loads them again; absent when none. */
    workloadModules?: string[];
  };
  conditions: {
    stealPct: number | null;
    loadAvg1Start: number;
    loadAvg1End: number | null;
    notes: string[];
  };
  workloads: WorkloadResult[];
}

/** Which side of a comparison a warning concerns. */
export type SideName = 'base' | 'candidate';

/**
 * A comparison's warning as a code and its numbers, never prose: a closed set. Words come from one place,
 * `warningText` in src/format/warnings.ts; a reader that needs a warning's meaning reads its code. Older
 * comparison files carry warnings as text only, read back as `{ code: 'text' }`.
 */
export type ComparisonWarning =
  /** The two sides ran on different CPU models: two machines, not the cost of virtualization. */
  | { code: 'cpu-models-differ'; base: string; cand: string }
  /** The models differ only because a nested guest (UML, gVisor) hides the hardware's model. */
  | {
      code: 'cpu-model-hidden';
      base: string;
      cand: string;
      baseHiddenBy: string | null;
      candHiddenBy: string | null;
      /** The CPU flag sets (space-separated), equal when the same hardware is likely. */
      baseFlags: string;
      candFlags: string;
    }
  | { code: 'schemas-differ'; schemas: string[] }
  /** A run is on both sides (same id). */
  | { code: 'same-run' }
  /** A run that did not finish; `run` is its 1-based index when a side has several, else null. */
  | { code: 'partial-run'; side: SideName; run: number | null }
  /** A host's runs that did not finish (the report's host card): `partial` of `of`. */
  | { code: 'partial-runs'; partial: number; of: number }
  /** One side lists the same run twice. */
  | { code: 'run-given-twice'; side: SideName }
  /** A side's runs differ in CPU model or hypervisor. */
  | { code: 'mixed-host-class'; side: SideName; diffs: { field: string; base: string; cand: string }[] }
  | { code: 'versions-differ'; versions: string[] }
  | { code: 'suites-differ'; base: { suite: string; rounds: number }; cand: { suite: string; rounds: number } }
  | { code: 'round-counts-differ'; suite: string; baseRounds: number; candRounds: number }
  /** One run per side: the intervals cover these two runs only. */
  | { code: 'one-run-per-side' }
  /** Rounds of one file starved by other work (src/stats/contention.ts). */
  | {
      code: 'contended-rounds';
      /** Null when a file is named on its own (the report), not as a side of a comparison. */
      side: SideName | null;
      label: string;
      run: number | null;
      rounds: number;
      worstPct: number;
      workloads: { id: string; contended: number; rounds: number }[];
    }
  /** The overall index leaves out these workloads, measured mostly on contended rounds. */
  | { code: 'overall-leaves-out-contended'; workloads: string[] }
  | { code: 'nothing-compared' }
  | { code: 'no-overall-user-only' }
  | { code: 'no-overall-weights' }
  /** A duel that ended before its rounds were done. */
  | { code: 'duel-partial' }
  | { code: 'duel-stopped'; status: string; error: string | null }
  /** A duet: both rounds of a pair at once, each side on its own CPUs; these workloads ran interleaved instead. */
  | { code: 'duet'; interleaved: { id: string; reason: string }[] }
  /** Only in older files: the warning's words, no code. */
  | { code: 'text'; text: string };

/**
 * A note on one compared row as a code and its numbers (words: `noteText` in src/format/notes.ts, the one place).
 * Why a verdict is withheld is also the row's typed `inconclusive`; these say what was dropped, which method, and
 * what would settle it.
 */
export type RowNote =
  /** A side's rounds starved by other work: dropped (`kept` false) or kept for want of clean ones. */
  | {
      code: 'contended-rounds';
      side: SideName;
      contended: number;
      of: number;
      clean: number;
      kept: boolean;
      worstPct: number | null;
      need: number;
    }
  /** A duel's round pairs with a starved member: dropped, or kept for want of clean ones. */
  | { code: 'contended-pairs'; contended: number; of: number; clean: number; kept: boolean; need: number }
  | { code: 'rounds-dropped'; side: SideName; run: number | null; rounds: number }
  | { code: 'samples-dropped'; side: SideName; run: number | null; samples: number }
  /** One side has one run and borrows the other side's run-to-run spread. */
  | { code: 'shared-spread'; side: SideName; otherRuns: number }
  | { code: 'loopback' }
  | { code: 'welch-runs'; baseRuns: number; candRuns: number; nu: number }
  | { code: 'lopsided-rounds'; base: number; cand: number }
  | { code: 'few-rounds'; rounds: number }
  | { code: 'runs-missing'; side: SideName; missing: number; of: number }
  | { code: 'one-usable-run' }
  | { code: 'params-differ' }
  /** The verdict withheld for want of spread (the row's `inconclusive` is `no-spread`). */
  | { code: 'withheld-no-spread'; verdict: string; spread: NoSpread }
  | { code: 'withheld-contended'; verdict: string }
  | { code: 'withheld-test-cannot-reach'; verdict: string; test: string; alpha: number; minP: number }
  | { code: 'withheld-lopsided'; verdict: string; test: string; alpha: number; q: number }
  | { code: 'fcr'; level: number; selected: number; of: number; rule: string | null; before: string; after: string }
  | { code: 'runs-to-settle'; runs: number; range: { lo: number; hi: number; nu: number } | null }
  | { code: 'too-many'; max: number; unit: string }
  | { code: 'on-threshold'; noisePct: number; unit: string }
  | { code: 'test-unconfirmed'; test: string; alpha: number; q: number }
  | { code: 'kernel-trap'; guest: 'User-Mode Linux' | 'gVisor' }
  | { code: 'paired-method'; pairs: number }
  | { code: 'unpaired-rounds'; rounds: number }
  | { code: 'bad-pairs'; pairs: { pair: number; a: number; b: number }[] }
  | { code: 'achieved-level'; pairs: number; achieved: number; level: number }
  /** Only in older files: the note's words, no code. */
  | { code: 'text'; text: string };

/** Why an interval would have zero width: no spread between runs, rounds (the sides and their one figure) or pairs. */
export type NoSpread =
  | { code: 'no-spread-runs' }
  | { code: 'no-spread-rounds'; sides: { side: SideName; rounds: number; figure: number }[] }
  | { code: 'no-spread-pairs'; pairs: number };
