/**
 * The syscall mix of an application from `strace -c -f` (the summary table strace prints at exit), as
 * PerfKit wraps external tools: a pure parser tested on captured output, then a classifier that maps
 * syscall names to the operation classes virtax can price (src/results/app-profile.ts).
 *
 * strace stops the tracee at every syscall (ptrace), so a traced run is many times slower: `record` uses
 * strace only for the mix and scales its counts to the untraced run (see src/probes/record/record.ts).
 */
import type { OperationClass, SyscallCount } from '../../results/app-profile.js';

/** Parse strace's `-c` summary table. Lines that are not table rows are ignored; the total row is dropped. */
export function parseStraceSummary(text: string): Record<string, SyscallCount> {
  const out: Record<string, SyscallCount> = {};
  for (const line of text.split('\n')) {
    // % time, seconds, usecs/call, calls, [errors], syscall
    const m = /^\s*[\d.]+\s+([\d.]+)\s+\d+\s+(\d+)\s+(?:(\d+)\s+)?([a-z_0-9]+)\s*$/.exec(line);
    if (!m) continue;
    const name = m[4] as string;
    if (name === 'total') continue;
    const prev = out[name];
    const calls = Number(m[2]);
    const errors = Number(m[3] ?? 0);
    const seconds = Number(m[1]);
    out[name] = prev
      ? { calls: prev.calls + calls, errors: prev.errors + errors, seconds: prev.seconds + seconds }
      : { calls, errors, seconds };
  }
  return out;
}

const CLASS_OF: Record<string, OperationClass> = {};
for (const s of ['stat', 'lstat', 'fstat', 'newfstatat', 'fstatat64', 'statx', 'access', 'faccessat', 'faccessat2']) CLASS_OF[s] = 'stat';
for (const s of ['read', 'write', 'pread64', 'pwrite64', 'readv', 'writev', 'preadv', 'pwritev', 'preadv2', 'pwritev2'])
  CLASS_OF[s] = 'read-write';
for (const s of ['clock_gettime', 'gettimeofday', 'time', 'clock_getres']) CLASS_OF[s] = 'clock';
for (const s of ['execve', 'execveat']) CLASS_OF[s] = 'spawn';
for (const s of ['fsync', 'fdatasync', 'sync_file_range']) CLASS_OF[s] = 'fsync';

/**
 * Calls that block until something else happens: their cost on a platform is the wait and the context
 * switch (priced by the `context-switch` class from /proc), not the syscall's entry, so they are left out
 * of `other-syscall`. fork/clone are left out too: a new process is priced once, by its execve (`spawn`),
 * and thread creation is not a process spawn.
 */
const BLOCKING_OR_COUNTED_ELSEWHERE = new Set([
  'futex',
  'wait4',
  'waitid',
  'epoll_wait',
  'epoll_pwait',
  'epoll_pwait2',
  'poll',
  'ppoll',
  'select',
  'pselect6',
  'nanosleep',
  'clock_nanosleep',
  'pause',
  'rt_sigsuspend',
  'rt_sigtimedwait',
  'clone',
  'clone3',
  'fork',
  'vfork',
  'exit',
  'exit_group',
]);

/** Calls per operation class from a syscall mix (classes strace cannot see, cpu and faults, are 0 here). */
export function classifySyscalls(mix: Record<string, SyscallCount>): Partial<Record<OperationClass, number>> {
  const out: Partial<Record<OperationClass, number>> = {};
  for (const [name, c] of Object.entries(mix)) {
    const cls = CLASS_OF[name] ?? (BLOCKING_OR_COUNTED_ELSEWHERE.has(name) ? null : 'other-syscall');
    if (cls) out[cls] = (out[cls] ?? 0) + c.calls;
  }
  return out;
}
