/**
 * `virtax lifecycle` as a library: the agility and density tax of each platform, measured from the host through
 * its Launcher (launcher.ts) and written as one ordinary results file per platform (category `lifecycle`), so
 * compare, report, gate and advise read them like any run. Method and caveats: docs/lifecycle.md.
 *
 * Rounds are interleaved: in every round the tasks of all platforms (start+stop, start-node, memory) run in a
 * fresh seeded shuffle, so slow drift of a shared host spreads over every platform instead of landing on one.
 *
 * - life.start (ms): launch until the program inside wrote its ready byte. life.stop (ms): from asking that
 *   instance to stop until every host process it had is gone (or a zombie). One instance per round.
 * - life.start-node (ms): the same start with `node -e` as the program.
 * - life.memory (MiB per instance): instances are started one after another up to each count of `instances`
 *   (1, 4, 16 by default); after each count is reached and `settleMs` passed, the PSS of all their host processes
 *   is read (procfs.ts). The round's figure is the slope of the OLS line through its points; all rounds' points
 *   are also fitted together (fixed + per-instance cost, t intervals: src/stats/linear-fit.ts), in `extra.fit`.
 * - life.density (instances per GiB): 1024 / the round's per-instance MiB.
 *
 * The clock, the memory reader and the process checks come in through a LifecycleProbe, so the orchestration
 * runs on fakes in tests (test/helpers/fake-launcher.ts).
 */
import { randomUUID } from 'node:crypto';
import { summarize } from '../../stats/describe.js';
import { linearFit, type LinearFit } from '../../stats/linear-fit.js';
import { createRng, shuffled } from '../../stats/random.js';
import { RESULTS_SCHEMA, type Better, type Fingerprint, type ResultsFile, type Round, type WorkloadResult } from '../../types.js';
import { readCpuTimes, stealPct, loadAvg1, type CpuTimes } from '../../proc/steal.js';
import type { Instance, Launcher } from './launcher.js';
import { isGone, pssOf, type PssReading } from './procfs.js';

/** What the orchestration needs from the host: a clock, a pause, the memory of processes, whether they are gone. */
export interface LifecycleProbe {
  /** Monotonic milliseconds. */
  now(): number;
  sleep(ms: number): Promise<void>;
  memoryOf(pids: readonly number[]): PssReading;
  isGone(pid: number): boolean;
  /** SIGKILL a host process left behind by an instance that did not stop (cleanup, never a measurement). */
  kill(pid: number): void;
  loadAvg1(): number;
  cpuTimes(): CpuTimes | null;
}

/** The real host: performance.now, setTimeout, /proc. */
export const hostProbe: LifecycleProbe = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
  memoryOf: (pids) => pssOf(pids),
  isGone: (pid) => isGone(pid),
  kill: (pid) => {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone already
    }
  },
  loadAvg1: () => loadAvg1(),
  cpuTimes: () => readCpuTimes(),
};

export type LifecycleMetric = 'life.start' | 'life.stop' | 'life.start-node' | 'life.memory' | 'life.density';

interface MetricSpec {
  id: LifecycleMetric;
  title: string;
  unit: string;
  better: Better;
}

export const METRICS: Record<LifecycleMetric, MetricSpec> = {
  'life.start': { id: 'life.start', title: 'Start: launch to the first program inside', unit: 'ms', better: 'lower' },
  'life.stop': { id: 'life.stop', title: 'Stop: asked to stop until its host processes are gone', unit: 'ms', better: 'lower' },
  'life.start-node': { id: 'life.start-node', title: 'Start until node -e inside answered', unit: 'ms', better: 'lower' },
  'life.memory': { id: 'life.memory', title: 'Host memory (PSS) per idle instance', unit: 'MiB', better: 'lower' },
  'life.density': { id: 'life.density', title: 'Idle instances per GiB of host memory', unit: 'instances/GiB', better: 'higher' },
};

type Task = 'start' | 'node' | 'memory';

export type LifecycleEvent =
  | { type: 'skipped'; platform: string; reason: string }
  | { type: 'task-start'; platform: string; task: Task; round: number; of: number; done: number; total: number }
  | { type: 'task-end'; platform: string; task: Task; round: number; error: string | null };

export interface LifecycleOptions {
  launchers: readonly Launcher[];
  rounds: number;
  /** Instance counts for life.memory, ascending, at least two distinct. */
  instances: readonly number[];
  /** Measure life.start-node too. */
  node: boolean;
  seed: number;
  /** The label of each platform's file. */
  labelOf: (platform: string) => string;
  host: Fingerprint;
  toolVersion: string;
  probe?: LifecycleProbe;
  /** Wait after the instances of a count are up before reading their memory (idle means settled). */
  settleMs?: number;
  startTimeoutMs?: number;
  nodeTimeoutMs?: number;
  stopTimeoutMs?: number;
  /** Polling interval while waiting for host processes to be gone. */
  pollMs?: number;
  /** Called with every file as it stands after each task (write them atomically). */
  checkpoint?: (files: ResultsFile[]) => void;
  onEvent?: (e: LifecycleEvent) => void;
  signal?: AbortSignal;
  /** Wall clock for timestamps. */
  date?: () => Date;
}

/** One memory point: the host memory of `instances` idle instances. */
export interface MemoryPoint {
  round: number;
  instances: number;
  pssBytes: number;
  processes: number;
  addressSpaces: number;
}

interface Accum {
  rounds: Round[];
  ended: { status: 'skipped' | 'failed'; reason: string } | null;
  notes: string[];
}

interface PlatformState {
  launcher: Launcher;
  file: ResultsFile;
  params: Record<string, unknown>;
  acc: Map<LifecycleMetric, Accum>;
  points: MemoryPoint[];
  skipped: string | null;
}

const MIB = 2 ** 20;

/** A task's figures: one per metric it measured, with the seconds it took (one round each). */
type Figures = [LifecycleMetric, { figure: number; seconds: number }][];

/** The fit of one set of memory points, in MiB against instances. */
export function memoryFit(points: readonly MemoryPoint[], level = 0.95): LinearFit | null {
  return linearFit(
    points.map((p) => p.instances),
    points.map((p) => p.pssBytes / MIB),
    level,
  );
}

/** Poll until every pid is gone; the elapsed ms, or null after `timeoutMs`. */
async function waitGone(
  probe: LifecycleProbe,
  pids: readonly number[],
  t0: number,
  timeoutMs: number,
  pollMs: number,
): Promise<number | null> {
  let left = [...pids];
  for (;;) {
    left = left.filter((p) => !probe.isGone(p));
    const t = probe.now();
    if (left.length === 0) return t - t0;
    if (t - t0 > timeoutMs) return null;
    await probe.sleep(pollMs);
  }
}

function metricsOf(node: boolean): LifecycleMetric[] {
  return node
    ? ['life.start', 'life.stop', 'life.start-node', 'life.memory', 'life.density']
    : ['life.start', 'life.stop', 'life.memory', 'life.density'];
}

/** Check options a caller could get wrong; throws RangeError with one line. */
export function checkLifecycleOptions(o: Pick<LifecycleOptions, 'rounds' | 'instances' | 'launchers'>): void {
  if (!(Number.isInteger(o.rounds) && o.rounds >= 1 && o.rounds <= 1000))
    throw new RangeError(`rounds must be a whole number from 1 to 1000 (got ${o.rounds})`);
  if (!o.instances.every((n) => Number.isInteger(n) && n >= 1 && n <= 256))
    throw new RangeError(`instances must be whole numbers from 1 to 256 (got ${o.instances.join(',')})`);
  if (new Set(o.instances).size < 2)
    throw new RangeError(
      `instances needs at least two different counts to fit a fixed and a per-instance cost (got ${o.instances.join(',')})`,
    );
  if (o.instances.some((n, i) => i > 0 && n <= (o.instances[i - 1] as number)))
    throw new RangeError(`instances must ascend (got ${o.instances.join(',')})`);
  const names = o.launchers.map((l) => l.name);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) throw new RangeError(`platform ${dup} is given twice`);
  if (names.length === 0) throw new RangeError('no platform given');
}

/** Measure every launcher's platform; one results file per platform, in the order given. */
export async function runLifecycle(opts: LifecycleOptions): Promise<ResultsFile[]> {
  checkLifecycleOptions(opts);
  const probe = opts.probe ?? hostProbe;
  const date = opts.date ?? (() => new Date());
  const settleMs = opts.settleMs ?? 1000;
  const startTimeoutMs = opts.startTimeoutMs ?? 60_000;
  const nodeTimeoutMs = opts.nodeTimeoutMs ?? 120_000;
  const stopTimeoutMs = opts.stopTimeoutMs ?? 30_000;
  const pollMs = opts.pollMs ?? 2;
  const metrics = metricsOf(opts.node);
  const startedAt = date().toISOString();
  const load0 = probe.loadAvg1();

  const states: PlatformState[] = [];
  for (const launcher of opts.launchers) {
    const skipped = await launcher.unavailable();
    const params = skipped ? {} : await launcher.params();
    if (skipped) opts.onEvent?.({ type: 'skipped', platform: launcher.name, reason: skipped });
    states.push({
      launcher,
      skipped,
      params,
      points: [],
      acc: new Map(metrics.map((m) => [m, { rounds: [], ended: skipped ? { status: 'skipped', reason: skipped } : null, notes: [] }])),
      file: {
        schema: RESULTS_SCHEMA,
        id: randomUUID(),
        label: opts.labelOf(launcher.name),
        startedAt,
        finishedAt: null,
        tool: { name: 'virtax', version: opts.toolVersion, node: process.version },
        host: opts.host,
        config: { suite: 'lifecycle', rounds: opts.rounds, seed: opts.seed, onlyIds: null },
        conditions: {
          stealPct: null,
          loadAvg1Start: load0,
          loadAvg1End: null,
          notes: [`lifecycle of platform ${launcher.name}, measured from the host`],
        },
        workloads: [],
      },
    });
  }

  const snapshot = (finished: boolean): ResultsFile[] => states.map((s) => snapshotOf(s, metrics, opts, finished));

  const tasks: Task[] = opts.node ? ['start', 'node', 'memory'] : ['start', 'memory'];
  const live = states.filter((s) => !s.skipped);
  const rng = createRng(opts.seed);
  const total = live.length * tasks.length * opts.rounds;
  let done = 0;
  const ended = (s: PlatformState, t: Task) => {
    const m: LifecycleMetric = t === 'start' ? 'life.start' : t === 'node' ? 'life.start-node' : 'life.memory';
    return (s.acc.get(m) as Accum).ended !== null;
  };
  const fail = (s: PlatformState, t: Task, reason: string) => {
    const ids: LifecycleMetric[] =
      t === 'start' ? ['life.start', 'life.stop'] : t === 'node' ? ['life.start-node'] : ['life.memory', 'life.density'];
    for (const id of ids) (s.acc.get(id) as Accum).ended = { status: 'failed', reason };
  };

  try {
    for (let round = 1; round <= opts.rounds; round++) {
      const order = shuffled(
        live.flatMap((s) => tasks.map((t) => ({ s, t }))),
        rng,
      );
      for (const { s, t } of order) {
        if (opts.signal?.aborted) break;
        done++;
        if (ended(s, t)) continue;
        opts.onEvent?.({ type: 'task-start', platform: s.launcher.name, task: t, round, of: opts.rounds, done, total });
        const load = probe.loadAvg1();
        const cpu0 = probe.cpuTimes();
        let error: string | null = null;
        try {
          const figures = t === 'memory' ? await memoryTask(s, round) : await startTask(s, t);
          const steal = stealPct(cpu0, probe.cpuTimes());
          for (const [id, fig] of figures)
            (s.acc.get(id) as Accum).rounds.push({
              figure: fig.figure,
              operations: 1,
              seconds: fig.seconds,
              samples: [fig.figure],
              stealPct: steal,
              loadAvg1: load,
            });
        } catch (e) {
          error = (e as Error).message.split('\n')[0] ?? 'failed';
          fail(s, t, `round ${round}: ${error}`);
        }
        opts.onEvent?.({ type: 'task-end', platform: s.launcher.name, task: t, round, error });
        opts.checkpoint?.(snapshot(false));
      }
      if (opts.signal?.aborted) break;
    }
  } finally {
    for (const s of states) await s.launcher.dispose?.();
  }

  const files = snapshot(!opts.signal?.aborted);
  if (!opts.signal?.aborted) {
    const end = date().toISOString();
    const load1 = probe.loadAvg1();
    for (const f of files) {
      f.finishedAt = end;
      f.conditions.loadAvg1End = load1;
    }
  }
  return files;

  /** Start one instance, time it, stop it and time that (life.start + life.stop, or life.start-node). */
  async function startTask(s: PlatformState, t: 'start' | 'node'): Promise<Figures> {
    const t0 = probe.now();
    const inst = await s.launcher.start(t === 'start' ? 'ready' : 'node', t === 'start' ? startTimeoutMs : nodeTimeoutMs);
    const startMs = probe.now() - t0;
    let pids: number[] = [];
    try {
      pids = await inst.hostPids();
    } catch (e) {
      await stopAll([inst]);
      throw e;
    }
    const t1 = probe.now();
    await inst.stop();
    const stopMs = await waitGone(probe, pids, t1, stopTimeoutMs, pollMs);
    if (stopMs === null) killLeft(pids);
    if (stopMs === null)
      throw new Error(`host processes still there ${Math.round(stopTimeoutMs / 1000)} s after asking the instance to stop`);
    if (pids.length === 0) throw new Error('the launcher listed no host process for the instance');
    if (t === 'node') return [['life.start-node', { figure: startMs, seconds: startMs / 1000 }]];
    return [
      ['life.start', { figure: startMs, seconds: startMs / 1000 }],
      ['life.stop', { figure: stopMs, seconds: stopMs / 1000 }],
    ];
  }

  /** Instances up to each count, memory read at each; the round's fit; everything stopped at the end. */
  async function memoryTask(s: PlatformState, round: number): Promise<Figures> {
    const t0 = probe.now();
    const running: Instance[] = [];
    const pids = new Set<number>();
    const points: MemoryPoint[] = [];
    try {
      for (const n of opts.instances) {
        while (running.length < n) {
          const inst = await s.launcher.start('ready', startTimeoutMs);
          running.push(inst);
          const own = await inst.hostPids();
          if (own.length === 0) throw new Error('the launcher listed no host process for an instance');
          for (const p of own) pids.add(p);
        }
        await probe.sleep(settleMs);
        // Every instance's processes again: an instance may have started helpers since it was ready.
        for (const inst of running) for (const p of await inst.hostPids()) pids.add(p);
        const r = probe.memoryOf([...pids].filter((p) => !probe.isGone(p)));
        points.push({ round, instances: n, pssBytes: r.bytes, processes: r.processes, addressSpaces: r.addressSpaces });
      }
    } finally {
      await stopAll(running, [...pids]);
    }
    const fit = memoryFit(points);
    if (!fit) throw new Error('no fit: fewer than two instance counts measured');
    const seconds = (probe.now() - t0) / 1000;
    s.points.push(...points);
    const perInstance = fit.slope.point;
    if (perInstance > 0)
      return [
        ['life.memory', { figure: perInstance, seconds }],
        ['life.density', { figure: 1024 / perInstance, seconds }],
      ];
    (s.acc.get('life.density') as Accum).notes.push(
      `round ${round}: per-instance memory ${perInstance.toFixed(2)} MiB is not positive; no density from it`,
    );
    return [['life.memory', { figure: perInstance, seconds }]];
  }

  async function stopAll(instances: readonly Instance[], pids: readonly number[] = []): Promise<void> {
    const all = new Set(pids);
    for (const inst of instances) {
      try {
        for (const p of await inst.hostPids()) all.add(p);
      } catch {
        // listed before or not at all
      }
    }
    await Promise.all(instances.map((i) => i.stop().catch(() => undefined)));
    if ((await waitGone(probe, [...all], probe.now(), stopTimeoutMs, Math.max(pollMs, 10))) === null) killLeft([...all]);
  }

  /** Nothing is left running: what did not stop when asked is killed. */
  function killLeft(pids: readonly number[]): void {
    for (const p of pids) if (!probe.isGone(p)) probe.kill(p);
  }
}

function snapshotOf(s: PlatformState, metrics: readonly LifecycleMetric[], opts: LifecycleOptions, finished: boolean): ResultsFile {
  const file = s.file;
  // params hold how it was measured (the same on every platform, so compare's "parameters differ" note keeps its
  // meaning); what was launched, and the parameters that dominate its figures, go under extra.platform.
  const platform = { name: s.launcher.name, ...s.params };
  const workloads: WorkloadResult[] = [];
  for (const id of metrics) {
    const a = s.acc.get(id) as Accum;
    const spec = METRICS[id];
    const base = { id, category: 'lifecycle' as const, title: spec.title };
    if (a.ended && (a.ended.status === 'skipped' || a.rounds.length === 0)) {
      workloads.push({ ...base, status: a.ended.status, reason: a.ended.reason });
      continue;
    }
    if (a.rounds.length === 0) {
      if (finished)
        workloads.push({
          ...base,
          status: 'failed',
          reason: id === 'life.density' ? 'no round gave a positive per-instance memory' : 'no round completed',
        });
      continue;
    }
    if (a.ended) {
      workloads.push({ ...base, status: 'failed', reason: `${a.ended.reason} (after ${a.rounds.length} good rounds)` });
      continue;
    }
    const params: Record<string, unknown> = { payload: id === 'life.start-node' ? 'node -e' : 'printf', measuredFrom: 'host' };
    if (id === 'life.memory' || id === 'life.density')
      Object.assign(params, {
        instances: [...opts.instances],
        settleMs: opts.settleMs ?? 1000,
        idle: 'sleep infinity after the ready byte',
        measure: 'PSS (smaps_rollup) over the host processes, each address space once',
      });
    const extra: Record<string, unknown> = { platform };
    if (id === 'life.memory' || id === 'life.density') {
      const fit = memoryFit(s.points);
      if (fit) {
        extra.fit = {
          method: fit.method,
          level: fit.level,
          points: fit.n,
          fixedMiB: fit.intercept,
          perInstanceMiB: fit.slope,
          ...(id === 'life.density' ? { instancesPerGiB: densityOf(fit) } : {}),
        };
      }
      if (id === 'life.memory') extra.points = s.points;
    }
    workloads.push({
      ...base,
      unit: spec.unit,
      better: spec.better,
      status: 'ok',
      params,
      summary: summarize(a.rounds, spec.better),
      rounds: [...a.rounds],
      ...(a.notes.length ? { notes: [...a.notes] } : {}),
      ...(Object.keys(extra).length ? { extra } : {}),
    });
  }
  file.workloads = workloads;
  const steals = workloads
    .flatMap((w) => (w.status === 'ok' ? w.rounds.map((r) => r.stealPct) : []))
    .filter((x): x is number => x !== null);
  file.conditions.stealPct = steals.length ? steals.reduce((x, y) => x + y, 0) / steals.length : null;
  return { ...file, workloads: [...workloads], conditions: { ...file.conditions, notes: [...file.conditions.notes] } };
}

/** Instances per GiB from a pooled fit: 1024 / per-instance MiB, bounds from the slope's (null when they reach 0). */
export function densityOf(fit: LinearFit): { point: number | null; lo: number | null; hi: number | null } {
  const b = fit.slope;
  return {
    point: b.point > 0 ? 1024 / b.point : null,
    lo: b.hi !== null && b.hi > 0 ? 1024 / b.hi : null,
    hi: b.lo !== null && b.lo > 0 ? 1024 / b.lo : null,
  };
}
