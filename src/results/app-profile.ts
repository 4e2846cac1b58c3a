/** The application profile `virtax record` writes (`virtax.app/v1`, schema/app-profile.v1.json). */

export const APP_SCHEMA = 'virtax.app/v1' as const;

/**
 * Kinds of operation an application performs whose cost a platform changes, each priced by one virtax
 * workload (src/advise/app.ts): `cpu` is user CPU seconds per second.
 */
export const OPERATION_CLASSES = [
  'cpu',
  'stat',
  'read-write',
  'clock',
  'page-fault',
  'spawn',
  'context-switch',
  'fsync',
  'other-syscall',
] as const;
export type OperationClass = (typeof OPERATION_CLASSES)[number];

/** Totals over the whole recording, for the process and every descendant. */
export interface AppTotals {
  cpuUserSeconds: number;
  cpuSystemSeconds: number;
  minorFaults: number;
  majorFaults: number;
  /** Summed over the tasks the sampler saw (a task shorter than one interval is missed). */
  voluntarySwitches: number;
  involuntarySwitches: number;
  readSyscalls: number;
  writeSyscalls: number;
  readBytes: number;
  writeBytes: number;
  /** Processes seen (the sampler) or created (strace's fork/clone counts when --syscalls). */
  processes: number;
  /** Time the tasks waited on a run queue (schedstat), seconds. */
  runDelaySeconds: number;
}

/** One syscall's line of `strace -c -f`. */
export interface SyscallCount {
  calls: number;
  errors: number;
  /** System time strace attributes to it (inflated by tracing). */
  seconds: number;
}

export interface AppProfile {
  schema: typeof APP_SCHEMA;
  /** A name for the application (default: the command's basename). */
  name: string;
  /** The command recorded (null when attached with --pid). */
  command: string[] | null;
  /** The process attached to (null when virtax started the command). */
  pid: number | null;
  startedAt: string;
  /** Wall time of the recording, seconds. */
  wallSeconds: number;
  /**
   * The application's own time, seconds: wall time less the time its tasks waited on a run queue for a
   * CPU that other work held (never below its CPU time, never above the wall time). Every rate is per
   * second of it, so a recording made on a busy host does not read as a slower, lighter application.
   */
  ownSeconds: number;
  /** Exit status of the command, when virtax started it and it ended. */
  exitCode: number | null;
  /** Where the recording ran: host name, kernel and platform as the fingerprint says. */
  host: { hostname: string; kernel: string; platform: string };
  method: {
    /** How counters were read. */
    sampler: 'procfs';
    intervalMs: number;
    /** 'strace' when --syscalls gave the full syscall mix; null otherwise. */
    syscalls: 'strace' | null;
    /** What the method cannot see and what it costs (strace slows syscalls). */
    notes: string[];
  };
  totals: AppTotals;
  /** The full syscall mix from `strace -c -f` (only with --syscalls). */
  syscalls: Record<string, SyscallCount> | null;
  /** Operations per second of own time for each class (cpu: user CPU seconds per second). */
  rates: Record<OperationClass, number>;
}
