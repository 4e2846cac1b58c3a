/**
 * The built-in platforms of `virtax lifecycle`, each a Launcher (launcher.ts), shipped in the package so an
 * installed virtax needs no script. The recipes are those of the duel launchers (scripts/*-agent.sh) and
 * docs/platforms.md; what "started" means and which host processes count, per platform, is in docs/lifecycle.md.
 *
 * - process: `/bin/sh -c PROGRAM; exec sleep infinity` in its own process group; ready on its stdout.
 * - gvisor: `runsc --network=none --platform=ptrace --ignore-cgroups do -force-overlay=false` around the same; the
 *   `runsc do` process and its sandbox and gofer count.
 * - podman, podman-gvisor: `podman run -d --rm --log-driver=passthrough --rootfs /:O` with runc, or runsc as the
 *   OCI runtime (ptrace platform, no network); the program writes the byte to its stderr, which passthrough hands
 *   to the podman client's stderr (gVisor takes no extra descriptor, so stderr is the one channel both runtimes
 *   carry). conmon and everything under it count; the podman client, which exits once the container runs, does not.
 * - uml: `linux mem=M root=/dev/root rootfstype=hostfs rootflags=/ rw init=SCRIPT con=null con1=null,fd:3`; the
 *   init script writes the byte to /dev/tty1 (con1, a pipe to the host). The kernel process and its helpers count.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import type { Instance, Launcher, Payload } from './launcher.js';
import { processTree } from './procfs.js';
import { spawnUntilReady, type Spawned } from './spawn-ready.js';

export const BUILTIN_PLATFORMS = ['process', 'podman', 'podman-gvisor', 'gvisor', 'uml'] as const;
export type BuiltinPlatform = (typeof BUILTIN_PLATFORMS)[number];

export function isBuiltinPlatform(s: string): s is BuiltinPlatform {
  return (BUILTIN_PLATFORMS as readonly string[]).includes(s);
}

/** A shell-quoted word. */
export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The program a payload runs, as a shell command writing READY_BYTE to its stdout (this host's node for `node`). */
export function payloadProgram(payload: Payload, node = process.execPath): string {
  return payload === 'ready' ? `printf '\\006'` : `${shellQuote(node)} -e 'process.stdout.write("\\x06")'`;
}

/** The first executable `name` on PATH, or null. */
export function findOnPath(name: string, path = process.env.PATH ?? ''): string | null {
  for (const dir of path.split(delimiter)) {
    if (dir && existsSync(join(dir, name))) return join(dir, name);
  }
  for (const dir of ['/usr/sbin', '/usr/bin', '/sbin', '/bin']) if (existsSync(join(dir, name))) return join(dir, name);
  return null;
}

function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

function run(cmd: string, args: readonly string[], timeoutMs = 60_000): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(cmd, [...args], { timeout: timeoutMs, encoding: 'utf8' }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
      resolve({ code, out: `${stdout}${stderr}`.trim() });
    });
  });
}

function bounded<T>(p: Promise<T>, ms: number): Promise<T | undefined> {
  return Promise.race([p, new Promise<undefined>((r) => setTimeout(() => r(undefined), ms).unref())]);
}

/** An instance whose host processes are the tree under one launched process, stopped by a signal. */
function treeInstance(s: Spawned, signalGroup: boolean): Instance {
  const pid = s.child.pid as number;
  return {
    hostPids: async () => processTree([pid]),
    stop: async () => {
      try {
        if (signalGroup) process.kill(-pid, 'SIGTERM');
        else process.kill(pid, 'SIGTERM');
      } catch {
        // already gone
      }
    },
  };
}

export function processLauncher(): Launcher {
  return {
    name: 'process',
    unavailable: async () => null,
    params: async () => ({ runs: '/bin/sh -c PROGRAM; exec sleep infinity' }),
    start: async (payload, timeoutMs) => {
      const s = await spawnUntilReady('/bin/sh', ['-c', `${payloadProgram(payload)}; exec sleep infinity`], 1, timeoutMs, {
        detached: true,
      });
      return treeInstance(s, true);
    },
  };
}

export function gvisorLauncher(): Launcher {
  const runsc = findOnPath('runsc');
  return {
    name: 'gvisor',
    unavailable: async () =>
      !runsc ? 'runsc (gVisor) not found; install the Debian package runsc' : !isRoot() ? 'runsc do needs root' : null,
    params: async () => ({
      runtime: 'runsc do',
      gvisorPlatform: 'ptrace',
      network: 'none',
      overlay: false,
      version: runsc ? ((await run(runsc, ['--version'])).out.split('\n')[0] ?? '') : null,
    }),
    start: async (payload, timeoutMs) => {
      const args = [
        '--network=none',
        '--platform=ptrace',
        '--ignore-cgroups',
        'do',
        '-force-overlay=false',
        '-quiet',
        '/bin/sh',
        '-c',
        `${payloadProgram(payload)}; exec sleep infinity`,
      ];
      const s = await spawnUntilReady(runsc as string, args, 1, timeoutMs);
      return treeInstance(s, false);
    },
  };
}

let podmanSerial = 0;

export function podmanLauncher(runtime: 'runc' | 'runsc'): Launcher {
  const podman = findOnPath('podman');
  const rt = findOnPath(runtime);
  const global = [
    '--runtime',
    rt ?? runtime,
    ...(runtime === 'runsc' ? ['--runtime-flag', 'platform=ptrace', '--runtime-flag', 'network=none'] : []),
    '--cgroup-manager=cgroupfs',
  ];
  let dir: string | null = null;
  return {
    name: runtime === 'runc' ? 'podman' : 'podman-gvisor',
    unavailable: async () => {
      if (!podman) return 'podman not found; install the Debian package podman';
      if (!rt) return `${runtime} not found; install the Debian package ${runtime}`;
      if (!isRoot()) return 'needs root (rootful podman with --rootfs)';
      return null;
    },
    params: async () => {
      const info = podman
        ? await run(podman, ['--cgroup-manager=cgroupfs', 'info', '--format', '{{.Store.GraphDriverName}} {{.Version.Version}}'])
        : { code: 1, out: '' };
      const [driver, version] = info.code === 0 ? info.out.split(/\s+/) : [null, null];
      return {
        runtime,
        ...(runtime === 'runsc' ? { gvisorPlatform: 'ptrace' } : {}),
        storageDriver: driver ?? null,
        podmanVersion: version ?? null,
        rootfs: '/:O',
        cgroupManager: 'cgroupfs',
        network: 'none',
        logDriver: 'passthrough',
      };
    },
    start: async (payload, timeoutMs) => {
      dir ??= mkdtempSync(join(tmpdir(), 'virtax-life-podman-'));
      const name = `virtax-life-${process.pid}-${++podmanSerial}`;
      const pidfile = join(dir, `${name}.conmon.pid`);
      const args = [
        ...global,
        'run',
        '-d',
        '--rm',
        '--name',
        name,
        '--log-driver=passthrough',
        '--network=none',
        '--ulimit',
        'nofile=20000:20000',
        '--ulimit',
        'nproc=4096:4096',
        '--conmon-pidfile',
        pidfile,
        '--rootfs',
        '/:O',
        '/bin/sh',
        '-c',
        `${payloadProgram(payload)} >&2; exec sleep infinity 2>/dev/null`,
      ];
      let s: Spawned;
      try {
        s = await spawnUntilReady(podman as string, args, 2, timeoutMs);
      } catch (e) {
        await run(podman as string, [...global, 'rm', '-f', '-t', '0', name]);
        throw e;
      }
      const stop = async () => {
        await run(podman as string, [...global, 'rm', '-f', '-t', '0', name]);
      };
      return {
        hostPids: async () => {
          // The client returns once the container runs; it is the harness's, not the instance's.
          await bounded(s.exited, timeoutMs);
          const conmon = Number(existsSync(pidfile) ? readFileSync(pidfile, 'utf8').trim() : NaN);
          return Number.isInteger(conmon) && conmon > 0 ? processTree([conmon]) : [];
        },
        stop,
      };
    },
    dispose: async () => {
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** UML's guest memory (`mem=`) when none is given: enough for node to start inside, small enough for 16 guests. */
export const DEFAULT_UML_MEM = '256M';

export function umlLauncher(mem = DEFAULT_UML_MEM): Launcher {
  const linux = findOnPath('linux');
  let dir: string | null = null;
  const initFor = (payload: Payload): string => {
    dir ??= mkdtempSync(join(tmpdir(), 'virtax-life-uml-'));
    const path = join(dir, `init-${payload}`);
    if (!existsSync(path)) {
      const mountProc = payload === 'node' ? 'mount -t proc proc /proc 2>/dev/null\n' : '';
      // PID 1 of the guest: the program first (its byte to /dev/tty1, con1, a pipe to the host), then idle.
      writeFileSync(
        path,
        `#!/bin/sh\nexport PATH=${shellQuote(process.env.PATH ?? '/usr/bin:/bin')}\n${mountProc}${payloadProgram(payload)} > /dev/tty1\nexec sleep infinity\n`,
        { mode: 0o755 },
      );
    }
    return path;
  };
  return {
    name: 'uml',
    unavailable: async () => (!linux ? 'linux (User-Mode Linux) not found; install the Debian package user-mode-linux' : null),
    params: async () => ({
      mem,
      kernel: linux ? ((await run(linux, ['--version'])).out.split('\n')[0] ?? null) : null,
      root: 'hostfs /',
      cpus: 1,
    }),
    start: async (payload, timeoutMs) => {
      const args = [
        'quiet',
        'loglevel=1',
        `mem=${mem}`,
        'root=/dev/root',
        'rootfstype=hostfs',
        'rootflags=/',
        'rw',
        `init=${initFor(payload)}`,
        'con=null',
        'con1=null,fd:3',
      ];
      const s = await spawnUntilReady(linux as string, args, 3, timeoutMs);
      return treeInstance(s, false);
    },
    dispose: async () => {
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The built-in launcher of a platform name. */
export function builtinLauncher(name: BuiltinPlatform, opts: { umlMem?: string } = {}): Launcher {
  switch (name) {
    case 'process':
      return processLauncher();
    case 'gvisor':
      return gvisorLauncher();
    case 'podman':
      return podmanLauncher('runc');
    case 'podman-gvisor':
      return podmanLauncher('runsc');
    case 'uml':
      return umlLauncher(opts.umlMem);
  }
}
