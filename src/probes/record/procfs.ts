/**
 * Parsers of the /proc files `virtax record` samples, pure so they are tested on captured text
 * (proc(5)): /proc/<pid>/stat, /proc/<pid>/status, /proc/<pid>/io and /proc/<pid>/schedstat.
 *
 * Accounting that matters for a process tree: `stat`'s cminflt/cmajflt/cutime/cstime and `io`'s counters
 * include every child the process has waited for (the kernel adds a reaped child's counts to its parent in
 * wait_task_zombie), so summing them over the processes alive at one instant counts every finished
 * descendant exactly once. Context switches and run-queue delay are per task only: they are summed over
 * the tasks the sampler saw, and a task that lived shorter than one sampling interval is missed.
 */

/** The fields of /proc/<pid>/stat that `record` uses (clock ticks where noted). */
export interface ProcStat {
  pid: number;
  comm: string;
  ppid: number;
  minorFaults: number;
  childMinorFaults: number;
  majorFaults: number;
  childMajorFaults: number;
  /** Clock ticks. */
  utime: number;
  stime: number;
  cutime: number;
  cstime: number;
  threads: number;
  /** Clock ticks after boot: with the pid, it names one process even when pids are reused. */
  startTime: number;
}

/** Parse /proc/<pid>/stat; the command name may contain spaces and parentheses, so split at the last ')'. */
export function parseStat(text: string): ProcStat {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) throw new Error('not a /proc/<pid>/stat line');
  const f = text
    .slice(close + 2)
    .trim()
    .split(/\s+/);
  // f[0] is field 3 (state); field k is f[k - 3].
  const n = (k: number) => {
    const v = Number(f[k - 3]);
    if (!Number.isFinite(v)) throw new Error(`/proc/<pid>/stat: field ${k} is not a number`);
    return v;
  };
  return {
    pid: Number(text.slice(0, open).trim()),
    comm: text.slice(open + 1, close),
    ppid: n(4),
    minorFaults: n(10),
    childMinorFaults: n(11),
    majorFaults: n(12),
    childMajorFaults: n(13),
    utime: n(14),
    stime: n(15),
    cutime: n(16),
    cstime: n(17),
    threads: n(20),
    startTime: n(22),
  };
}

/** Voluntary and involuntary context switches from /proc/<pid>/status (or a task's status). */
export function parseStatusSwitches(text: string): { voluntary: number; involuntary: number } {
  const get = (name: string) => {
    const m = new RegExp(`^${name}:\\s*(\\d+)`, 'm').exec(text);
    return m ? Number(m[1]) : 0;
  };
  return { voluntary: get('voluntary_ctxt_switches'), involuntary: get('nonvoluntary_ctxt_switches') };
}

/** /proc/<pid>/io: read/write syscalls and bytes (rchar/wchar include page-cache hits; *_bytes hit storage). */
export interface ProcIo {
  readSyscalls: number;
  writeSyscalls: number;
  readChars: number;
  writeChars: number;
  storageReadBytes: number;
  storageWriteBytes: number;
}

export function parseIo(text: string): ProcIo {
  const get = (name: string) => {
    const m = new RegExp(`^${name}:\\s*(\\d+)`, 'm').exec(text);
    return m ? Number(m[1]) : 0;
  };
  return {
    readSyscalls: get('syscr'),
    writeSyscalls: get('syscw'),
    readChars: get('rchar'),
    writeChars: get('wchar'),
    storageReadBytes: get('read_bytes'),
    storageWriteBytes: get('write_bytes'),
  };
}

/** /proc/<pid>/task/<tid>/schedstat: time on CPU and time waiting on a run queue, both in nanoseconds. */
export function parseSchedstat(text: string): { runNs: number; waitNs: number } {
  const [run, wait] = text.trim().split(/\s+/).map(Number);
  return { runNs: Number.isFinite(run) ? (run as number) : 0, waitNs: Number.isFinite(wait) ? (wait as number) : 0 };
}
