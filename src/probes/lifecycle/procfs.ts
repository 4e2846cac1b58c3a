/**
 * What the host's /proc says about an instance's processes: the process tree under given roots, whether they
 * are gone, and their proportional set size (PSS, /proc/PID/smaps_rollup: each page's size divided by the number
 * of processes mapping it, so shared pages are counted once across everything that maps them).
 *
 * Processes that share one address space (User-Mode Linux's helper processes are clone(CLONE_VM) children of the
 * kernel process) each report the whole space's PSS: they are counted once. Two processes are taken to share one
 * when their /proc/PID/maps and smaps_rollup read the same, byte for byte (docs/lifecycle.md says what this misses).
 */
import { readFileSync, readdirSync } from 'node:fs';

/** Parent of every live process: pid -> ppid (from /proc/PID/stat). */
function parents(proc: string): Map<number, number> {
  const out = new Map<number, number>();
  for (const name of readdirSync(proc)) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readOr(`${proc}/${name}/stat`);
    const f = stat && parseStat(stat);
    if (f && f.state !== 'Z') out.set(Number(name), f.ppid);
  }
  return out;
}

function readOr(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

/** State and parent from a /proc/PID/stat line (the command name may hold spaces and parentheses). */
export function parseStat(text: string): { state: string; ppid: number } | null {
  const close = text.lastIndexOf(')');
  if (close < 0) return null;
  const rest = text.slice(close + 2).split(' ');
  const ppid = Number(rest[1]);
  return rest[0] && Number.isInteger(ppid) ? { state: rest[0], ppid } : null;
}

/** The roots and every live descendant of them, sorted. */
export function processTree(roots: readonly number[], proc = '/proc'): number[] {
  const ppid = parents(proc);
  const children = new Map<number, number[]>();
  for (const [pid, parent] of ppid) {
    const list = children.get(parent);
    if (list) list.push(pid);
    else children.set(parent, [pid]);
  }
  const seen = new Set<number>();
  const todo = roots.filter((r) => ppid.has(r));
  while (todo.length) {
    const p = todo.pop() as number;
    if (seen.has(p)) continue;
    seen.add(p);
    todo.push(...(children.get(p) ?? []));
  }
  return [...seen].sort((a, b) => a - b);
}

/** True when the process no longer exists or is a zombie (it holds no memory and runs no more). */
export function isGone(pid: number, proc = '/proc'): boolean {
  const stat = readOr(`${proc}/${pid}/stat`);
  if (stat === null) return true;
  return parseStat(stat)?.state === 'Z';
}

/** The `Pss:` line of a smaps_rollup, in bytes (the file gives kB). */
export function parsePssBytes(rollup: string): number | null {
  const m = /^Pss:\s+(\d+)\s+kB/m.exec(rollup);
  return m ? Number(m[1]) * 1024 : null;
}

/** What one read of the instance's processes found. */
export interface PssReading {
  /** PSS summed over the distinct address spaces, bytes. */
  bytes: number;
  /** Processes read. */
  processes: number;
  /** Distinct address spaces among them (processes sharing one counted once). */
  addressSpaces: number;
  /** Processes that vanished or could not be read (counted as 0). */
  unreadable: number;
}

/** PSS over the given processes, each address space once. */
export function pssOf(pids: readonly number[], proc = '/proc'): PssReading {
  const spaces = new Map<string, number>();
  let unreadable = 0;
  for (const pid of pids) {
    const rollup = readOr(`${proc}/${pid}/smaps_rollup`);
    const maps = readOr(`${proc}/${pid}/maps`);
    const bytes = rollup === null ? null : parsePssBytes(rollup);
    if (bytes === null || maps === null) {
      unreadable++;
      continue;
    }
    spaces.set(`${maps}\n--\n${rollup}`, bytes);
  }
  let bytes = 0;
  for (const b of spaces.values()) bytes += b;
  return { bytes, processes: pids.length, addressSpaces: spaces.size, unreadable };
}
