/**
 * Real duel sides for tests on a root Linux host without Docker: the plain agent from the TypeScript
 * sources, and the same agent inside the container scripts/container-agent.sh makes (unshare PID, mount,
 * network, UTS and IPC namespaces, optionally in a cgroup v1 cpu cgroup with a CFS quota).
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, rmdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');

/** Shell command that starts `virtax agent` from the sources (as tests run it). */
export const AGENT_FROM_SOURCE = `${process.execPath} --import tsx ${resolve(root, 'src/cli/run-cli.ts')} agent`;

/** The launcher users copy: scripts/container-agent.sh. */
export const CONTAINER_SCRIPT = resolve(root, 'scripts/container-agent.sh');

export interface ContainerOptions {
  /** CPU quota in percent of one CPU; none when omitted. */
  quotaPct?: number;
  /** cgroup name under /sys/fs/cgroup/cpu (the script picks one when omitted). */
  name?: string;
  /** What to run inside (default: the agent from the sources). */
  command?: string;
}

/** Shell command that runs `opts.command` inside a fresh container. */
export function containerCommand(opts: ContainerOptions = {}): string {
  const flags = [
    ...(opts.quotaPct !== undefined ? ['--cpu-quota', String(opts.quotaPct)] : []),
    ...(opts.name ? ['--name', opts.name] : []),
  ];
  return `${CONTAINER_SCRIPT} ${flags.join(' ')} -- ${opts.command ?? AGENT_FROM_SOURCE}`;
}

/** Why containers cannot be made here, or null when they can. */
export function containerSupport(): string | null {
  if (process.platform !== 'linux') return 'containers need Linux namespaces';
  if (process.getuid?.() !== 0) return 'containers need root (namespaces and cgroups)';
  const quota = '/sys/fs/cgroup/cpu/cpu.cfs_quota_us';
  if (!existsSync(quota)) return `no cgroup v1 cpu controller (${quota} missing; see \`mount | grep cgroup\`)`;
  try {
    accessSync('/sys/fs/cgroup/cpu/cgroup.procs', constants.W_OK);
  } catch {
    return 'the cgroup v1 cpu controller is read-only here';
  }
  const probe = spawnSync('unshare', ['--pid', '--fork', '--mount-proc', '--net', '--uts', '--ipc', 'true'], { encoding: 'utf8' });
  if (probe.error) return `unshare(1) not available: ${probe.error.message}`;
  if (probe.status !== 0) return `unshare cannot make namespaces here: ${probe.stderr.trim().split('\n')[0] ?? `exit ${probe.status}`}`;
  return null;
}

let groups = 0;

/**
 * A cpu cgroup with many shares for the process that runs the duel (and so both agents, and any container
 * cgroup nested below it). This machine runs with scheduler autogroups, where `nice` does nothing across
 * sessions: on a shared, busy host the cgroup's shares are what keeps other people's load from deciding
 * the figures. `join(pid)` moves a process in; `remove()` deletes the group once it is empty.
 */
export function cpuGroup(shares = 262_144): { path: string; join: (pid: number) => void; remove: () => void } {
  const path = `/sys/fs/cgroup/cpu/virtax-test-${process.pid}-${++groups}`;
  mkdirSync(path);
  writeFileSync(`${path}/cpu.shares`, String(shares));
  return {
    path,
    join: (pid) => writeFileSync(`${path}/cgroup.procs`, String(pid)),
    remove: () => {
      try {
        rmdirSync(path);
      } catch (e) {
        console.warn(`could not remove ${path}: ${(e as Error).message}`);
      }
    },
  };
}
