/**
 * Which pricing workload stands for each system call a recording saw (`virtax record --syscalls`, strace -c -f),
 * and how many of its operations one call is. Pure data and one lookup; `advise --app` (src/advise/app.ts) prices
 * with it. docs/advise.md prints the table and says why each group is where it is.
 *
 * The groups with a workload of their own are measured operations (src/workloads/syscall.ts, process.ts,
 * memory.ts, storage.ts). The calls without one were grouped by their measured cost, not by name:
 * bench/syscost/syscost.c times single calls in C on the host, in gVisor (runsc ptrace) and in User-Mode
 * Linux. There every call of the `plain` group cost 0.6-1.8 times what a 1-byte read(2) added (getpid,
 * fcntl, lseek, ioctl, rt_sigprocmask, getrandom, mprotect, madvise, brk, dup), so they are priced as one
 * `sys.read`; an mmap+munmap pair cost 3.4-3.5 times a read in both (1.7 per call), so mmap-family calls are priced
 * as 1.7 `sys.read` calls. A call in none of the lists was not measured: it is priced as a plain syscall too,
 * and the output names it as unmeasured.
 */

/** A class of operation as `advise --app` prices and reports it. */
export type PriceClass =
  | 'cpu'
  | 'page-fault'
  | 'context-switch'
  | 'spawn'
  | 'stat'
  | 'fstat'
  | 'open-close'
  | 'readdir'
  | 'read'
  | 'write'
  | 'read-write'
  | 'poll'
  | 'clock'
  | 'fsync'
  | 'memory-map'
  | 'plain'
  | 'unmeasured';

/** How one call (or one /proc-counted operation) is priced. */
export interface PriceRule {
  cls: PriceClass;
  /** The workload whose added time per operation prices it. */
  workload: string;
  /** Operations of that workload one call is (an open+close pair is one sys.open operation: 0.5 each). */
  perCall: number;
  /** Operations of other workloads that the priced workload's operation contains and the recording counts apart. */
  less?: { workload: string; perCall: number }[];
  /** Set when the workload does not perform this call itself: why it stands for it. */
  proxy?: string;
}

/** Calls whose cost is not a per-call price: waits (their context switches are priced) and process/thread creation. */
export interface NotPricedRule {
  cls: null;
  reason: string;
}

/** An mmap+munmap pair cost 3.5 times a 1-byte read(2) in gVisor and in UML (bench/syscost/syscost.c): 1.7 per call. */
export const MMAP_READS_PER_CALL = 1.7;

const RULES = new Map<string, PriceRule | NotPricedRule>();
function rule(names: string[], r: PriceRule | NotPricedRule): void {
  for (const n of names) RULES.set(n, r);
}

// Measured operations.
// statx and newfstatat serve both stat(path) and fstat(fd) (Node's fstat is statx with AT_EMPTY_PATH, glibc's is
// newfstatat): strace -c cannot tell them apart, so they are priced as the path stat, the dearer of the two.
rule(['stat', 'lstat', 'newfstatat', 'fstatat64', 'statx', 'access', 'faccessat', 'faccessat2', 'readlink', 'readlinkat'], {
  cls: 'stat',
  workload: 'sys.stat',
  perCall: 1,
});
rule(['fstat'], { cls: 'fstat', workload: 'sys.fstat', perCall: 1 });
rule(['open', 'openat', 'openat2', 'creat', 'close'], { cls: 'open-close', workload: 'sys.open', perCall: 0.5 });
// One sys.readdir listing is openat, fstat, two getdents64 and close; the recording counts the open, close and
// fstat of each listing on their own, so a getdents64 call is half a listing less one open+close and one fstat.
rule(['getdents64', 'getdents'], {
  cls: 'readdir',
  workload: 'sys.readdir',
  perCall: 0.5,
  less: [
    { workload: 'sys.open', perCall: 0.5 },
    { workload: 'sys.fstat', perCall: 0.5 },
  ],
});
rule(['read', 'pread64', 'readv', 'preadv', 'preadv2'], { cls: 'read', workload: 'sys.read', perCall: 1 });
rule(['write', 'pwrite64', 'writev', 'pwritev', 'pwritev2'], { cls: 'write', workload: 'sys.pipe-write', perCall: 1 });
rule(['epoll_wait', 'epoll_pwait', 'epoll_pwait2', 'poll', 'ppoll', 'select', 'pselect6'], {
  cls: 'poll',
  workload: 'sys.poll',
  perCall: 1,
});
rule(['clock_gettime', 'gettimeofday', 'time', 'clock_getres'], { cls: 'clock', workload: 'sys.clock', perCall: 1 });
rule(['fsync', 'fdatasync', 'sync_file_range'], { cls: 'fsync', workload: 'io.fsync', perCall: 1 });

// Grouped by measured cost (bench/syscost/syscost.c).
rule(['mmap', 'munmap', 'mremap'], {
  cls: 'memory-map',
  workload: 'sys.read',
  perCall: MMAP_READS_PER_CALL,
  proxy: 'an mmap+munmap pair measured 3.4-3.5 read(2) calls in gVisor and UML',
});
rule(
  [
    'getpid',
    'gettid',
    'getppid',
    'fcntl',
    'lseek',
    'ioctl',
    'rt_sigprocmask',
    'rt_sigaction',
    'getrandom',
    'mprotect',
    'madvise',
    'brk',
    'dup',
    'dup2',
    'dup3',
  ],
  { cls: 'plain', workload: 'sys.read', perCall: 1, proxy: 'measured 0.6-1.8 read(2) calls in gVisor and UML' },
);

// Not a per-call price.
rule(['futex'], {
  cls: null,
  reason: 'futex waits and wakes: the context switches they cause are priced (sched.ctxswitch is a futex wake/wait pair)',
});
rule(['wait4', 'waitid', 'nanosleep', 'clock_nanosleep', 'pause', 'rt_sigsuspend', 'rt_sigtimedwait', 'exit', 'exit_group'], {
  cls: null,
  reason: 'waits and exits: the time is spent waiting, not in the call',
});
rule(['clone', 'clone3', 'fork', 'vfork', 'execve', 'execveat'], {
  cls: null,
  reason: 'process and thread creation: new programs are priced once, by their execve (spawn)',
});

const UNMEASURED: PriceRule = { cls: 'unmeasured', workload: 'sys.read', perCall: 1, proxy: 'not measured: priced as one plain syscall' };

/** How a recorded syscall is priced (a call in no list: as one plain, unmeasured syscall). */
export function priceRuleOf(syscall: string): PriceRule | NotPricedRule {
  return RULES.get(syscall) ?? UNMEASURED;
}

/** Every named call and its rule, for the docs and the tests. */
export function priceTable(): [string, PriceRule | NotPricedRule][] {
  return [...RULES.entries()];
}

/** The workloads any rule prices with. */
export const SYSCALL_WORKLOADS = [
  ...new Set([...RULES.values(), UNMEASURED].flatMap((r) => (r.cls ? [r.workload, ...(r.less ?? []).map((l) => l.workload)] : []))),
];
