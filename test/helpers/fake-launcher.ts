/**
 * Deterministic launchers and host probe for tests of `virtax lifecycle`'s orchestration (no process is started):
 * a fake clock that moves only when a launcher starts or a pause sleeps, instances whose host processes die a
 * fixed time after they are asked to stop, and memory of known fixed and per-instance cost.
 */
import type { Instance, Launcher, Payload } from '../../src/probes/lifecycle/launcher.js';
import type { PssReading } from '../../src/probes/lifecycle/procfs.js';
import type { LifecycleProbe } from '../../src/probes/lifecycle/run.js';

export class FakeHost implements LifecycleProbe {
  t = 0;
  /** pid -> bytes of PSS it holds while alive. */
  readonly bytes = new Map<number, number>();
  /** pid -> time it dies (Infinity while running). */
  readonly deathAt = new Map<number, number>();
  private nextPid = 1000;
  now = () => this.t;
  sleep = async (ms: number) => {
    this.t += ms;
  };
  loadAvg1 = () => 0.5;
  cpuTimes = () => null;
  killed: number[] = [];
  kill = (pid: number) => {
    this.killed.push(pid);
    this.deathAt.set(pid, this.t);
  };
  isGone = (pid: number) => this.t >= (this.deathAt.get(pid) ?? -1);
  memoryOf = (pids: readonly number[]): PssReading => {
    let b = 0;
    for (const p of pids) if (!this.isGone(p)) b += this.bytes.get(p) ?? 0;
    return { bytes: b, processes: pids.length, addressSpaces: pids.length, unreadable: 0 };
  };
  spawn(bytes: number): number {
    const pid = this.nextPid++;
    this.bytes.set(pid, bytes);
    this.deathAt.set(pid, Number.POSITIVE_INFINITY);
    return pid;
  }
  /** Processes not yet gone. */
  alive(): number[] {
    return [...this.deathAt.keys()].filter((p) => !this.isGone(p));
  }
}

export interface FakePlatform {
  name: string;
  startMs: number;
  nodeMs?: number;
  stopMs: number;
  /** Host memory one instance costs, bytes, and the shared cost of the first running instance (a daemon). */
  perInstanceBytes: number;
  fixedBytes?: number;
  unavailable?: string;
  /** Make the n-th start (1-based, over all payloads) fail. */
  failStart?: (n: number) => boolean;
}

export class FakeLauncher implements Launcher {
  readonly name: string;
  starts: Payload[] = [];
  disposed = false;
  private running = 0;
  private daemon: number | null = null;
  constructor(
    private readonly host: FakeHost,
    private readonly p: FakePlatform,
  ) {
    this.name = p.name;
  }
  unavailable = async () => this.p.unavailable ?? null;
  params = async () => ({ fake: true, mem: '64M' });
  dispose = async () => {
    this.disposed = true;
  };
  start = async (payload: Payload): Promise<Instance> => {
    this.starts.push(payload);
    if (this.p.failStart?.(this.starts.length)) {
      this.host.t += 1;
      throw new Error(`${this.name} could not start instance ${this.starts.length}`);
    }
    this.host.t += payload === 'node' ? (this.p.nodeMs ?? this.p.startMs * 10) : this.p.startMs;
    const pids = [this.host.spawn(this.p.perInstanceBytes / 2), this.host.spawn(this.p.perInstanceBytes / 2)];
    if (this.running++ === 0 && this.p.fixedBytes) this.daemon = this.host.spawn(this.p.fixedBytes);
    const daemon = this.daemon;
    let stopped = false;
    return {
      hostPids: async () => (daemon !== null && !this.host.isGone(daemon) ? [...pids, daemon] : [...pids]),
      stop: async () => {
        if (stopped) return;
        stopped = true;
        const at = this.host.t + this.p.stopMs;
        for (const pid of pids) this.host.deathAt.set(pid, at);
        if (--this.running === 0 && daemon !== null) this.host.deathAt.set(daemon, at);
      },
    };
  };
}
