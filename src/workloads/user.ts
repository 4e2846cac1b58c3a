/**
 * A user's own workloads (`virtax run --workload ./my-bench.mjs`): tinybench tasks run as workloads `user.<name>`.
 *
 * tinybench defines the tasks and their hooks; virtax does not use tinybench's per-call timing (below the timer's
 * resolution for fast tasks). Each task becomes a Workload whose batch calls the task function `operations` times,
 * so the round engine sizes batches, warms up and times them exactly as for the built-ins, in a fresh process.
 *
 * What a module may export (default export first, then a named `bench`, then a named `tasks`):
 *   - a tinybench `Bench` with tasks added (`bench.add(name, fn, { beforeAll, beforeEach, afterEach, afterAll })`,
 *     plus the Bench's own `setup`/`teardown` hooks);
 *   - a map `{ name: fn }`;
 *   - an array `[{ name, fn, opts?, unit?, better?, scale? }]`.
 * Optionally `export const virtax = { unit, better, scale }` declares the unit of every task (default `ops/s`, higher
 * is better). Known units set direction and scale themselves: ops/s, Kops/s, Mops/s (rates), s/op, ms/op, us/op,
 * ns/op (costs); another unit needs `better`, and its figure is operations/seconds*scale (or seconds/operations*scale).
 *
 * The parent learns the tasks by loading the module in a child process (src/workloads/user-child.ts), so a module
 * that hangs or crashes at load time cannot take the run down; each round loads it again in its round process and
 * checks that its content hash has not changed. A watchdog thread kills a round whose batch overruns its time limit
 * (a task stuck in a synchronous loop cannot be interrupted otherwise).
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { register } from 'node:module';
import { basename, dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Better } from '../types.js';
import type { AnyWorkload, FigureKind, WorkloadContext } from './types.js';

/**
 * How one task of a user module runs, wherever it runs: declared once here, shared by the spec a run carries
 * (UserTaskSpec) and the order a duel sends an agent (UserTaskOrder, the protocol's `userTask`).
 */
export interface UserTaskRun {
  /** The task's name in the module; null when the module did not load or exported no task. */
  task: string | null;
  /** Why the module gave no task (did not load, exports nothing usable); null when `task` is set. */
  problem: string | null;
  unit: string;
  better: Better;
  scale: number;
  /** Longest a batch (or loading the module) may take before the round fails. */
  batchTimeoutSeconds: number;
}

/** One task of a user module; plain data, carried to round processes in WorkloadContext.userTasks. */
export interface UserTaskSpec extends UserTaskRun {
  /** Workload id, `user.<slug of the task name>`. */
  id: string;
  /** Absolute path of the module (what the round process imports). */
  modulePath: string;
  /** The path as the user gave it (what the results file records). */
  moduleShown: string;
  /** `sha256:<hex>` of the module's content when the run started. */
  moduleSha256: string;
}

/** What a round process may call: the task function with its hooks. */
interface LoadedTask {
  name: string;
  fn: () => unknown;
  opts: TaskHooks;
  /** The tinybench Task (`this` of its hooks), or a plain stand-in for map/array forms. */
  self: unknown;
  benchSetup?: (task: unknown, mode: 'run') => unknown;
  benchTeardown?: (task: unknown, mode: 'run') => unknown;
  unit?: unknown;
  better?: unknown;
  scale?: unknown;
}

interface TaskHooks {
  beforeAll?: (this: unknown, mode?: 'run') => unknown;
  beforeEach?: (this: unknown, mode?: 'run') => unknown;
  afterEach?: (this: unknown, mode?: 'run') => unknown;
  afterAll?: (this: unknown, mode?: 'run') => unknown;
}

/** A task as the discovery child reports it to the parent. */
export interface DiscoveredTask {
  name: string;
  unit: string;
  better: Better;
  scale: number;
}

export type Discovery = { status: 'ok'; tasks: DiscoveredTask[] } | { status: 'failed'; reason: string };

const RATE_UNITS: Record<string, number> = { 'ops/s': 1, 'Kops/s': 1e-3, 'Mops/s': 1e-6 };
const COST_UNITS: Record<string, number> = { 's/op': 1, 'ms/op': 1e3, 'us/op': 1e6, 'ns/op': 1e9 };

export const DEFAULT_BATCH_TIMEOUT_SECONDS = 30;

/** `sha256:<hex>` of a file's bytes. */
export function moduleSha256(path: string): string {
  return `sha256:${createHash('sha256').update(readFileSync(path)).digest('hex')}`;
}

/** The id-safe form of a task name: lower case, runs of other characters as one dash. */
export function slugOf(name: string): string {
  const s = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return /^[a-z]/.test(s) ? s : `t-${s || 'task'}`;
}

/** One line of an error (a task's exception can carry a stack and several lines). */
export function oneLine(e: unknown): string {
  const text = e instanceof Error ? `${e.name === 'Error' ? '' : `${e.name}: `}${e.message}` : String(e);
  return (text.split('\n').find((l) => l.trim()) ?? text).trim().slice(0, 300);
}

/** Unit, direction and scale from what a module or task declares; throws with a one-line reason when inconsistent. */
export function unitOf(declared: { unit?: unknown; better?: unknown; scale?: unknown }): { unit: string; better: Better; scale: number } {
  const unit = declared.unit === undefined ? 'ops/s' : declared.unit;
  if (typeof unit !== 'string' || unit.trim() === '' || unit.length > 40)
    throw new Error('unit must be a short string such as ops/s or us/op');
  if (declared.better !== undefined && declared.better !== 'higher' && declared.better !== 'lower')
    throw new Error(`better must be "higher" or "lower" (got ${JSON.stringify(declared.better)})`);
  if (declared.scale !== undefined && !(typeof declared.scale === 'number' && Number.isFinite(declared.scale) && declared.scale > 0)) {
    throw new Error('scale must be a positive number');
  }
  const known: [Better, number] | null =
    unit in RATE_UNITS ? ['higher', RATE_UNITS[unit] as number] : unit in COST_UNITS ? ['lower', COST_UNITS[unit] as number] : null;
  if (known) {
    if (declared.better !== undefined && declared.better !== known[0])
      throw new Error(`unit ${unit} is ${known[0]}-is-better, but better is "${String(declared.better)}"`);
    return { unit, better: known[0], scale: (declared.scale as number | undefined) ?? known[1] };
  }
  if (declared.better === undefined)
    throw new Error(
      `unit ${unit} is not one virtax knows (ops/s, Kops/s, Mops/s, s/op, ms/op, us/op, ns/op): declare better ("higher" for a rate, "lower" for a cost)`,
    );
  return { unit, better: declared.better as Better, scale: (declared.scale as number | undefined) ?? 1 };
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null;
}

/** Benches created while a module loads, with what each `add` was given (tinybench keeps a task's fn private). */
const added = new WeakMap<object, { name: string; fn: () => unknown; opts: TaskHooks }[]>();
const patched = new WeakSet<object>();

function patchBench(Bench: unknown): void {
  if (typeof Bench !== 'function' || !isObject(Bench.prototype) || patched.has(Bench.prototype)) return;
  const proto = Bench.prototype as { add: (this: object, name: string, fn: () => unknown, opts?: TaskHooks) => unknown };
  const original = proto.add;
  proto.add = function add(this: object, name: string, fn: () => unknown, opts?: TaskHooks) {
    const list = added.get(this) ?? [];
    list.push({ name, fn, opts: opts ?? {} });
    added.set(this, list);
    return original.call(this, name, fn, opts);
  };
  patched.add(Bench.prototype);
}

/** The tinybench copies a module may import: ours, and the nearest node_modules/tinybench above the module. */
async function patchTinybenchFor(modulePath: string): Promise<void> {
  patchBench((await import('tinybench')).Bench);
  for (let dir = dirname(modulePath); ; dir = dirname(dir)) {
    const pkg = join(dir, 'node_modules', 'tinybench', 'package.json');
    if (existsSync(pkg)) {
      try {
        const meta = JSON.parse(readFileSync(pkg, 'utf8')) as {
          exports?: { '.'?: { default?: string; import?: string } };
          module?: string;
          main?: string;
        };
        const entry = meta.exports?.['.']?.import ?? meta.exports?.['.']?.default ?? meta.module ?? meta.main ?? 'index.js';
        patchBench(((await import(pathToFileURL(join(dirname(pkg), entry)).href)) as { Bench?: unknown }).Bench);
      } catch {
        // A copy we cannot load: a Bench from it is reported as giving no tasks.
      }
      return;
    }
    if (dirname(dir) === dir) return;
  }
}

function isBench(x: unknown): x is { tasks: unknown[]; getTask(n: string): unknown; setup?: unknown; teardown?: unknown } {
  return isObject(x) && Array.isArray((x as { tasks?: unknown }).tasks) && typeof (x as { add?: unknown }).add === 'function';
}

const USABLE = 'a tinybench Bench with tasks, a { name: fn } map or an array of { name, fn }';

/** The tasks a loaded module exports; throws with a one-line reason when it exports nothing usable. */
function tasksOf(mod: Record<string, unknown>): { tasks: LoadedTask[]; declared: Record<string, unknown> } {
  const declared = isObject(mod.virtax) ? (mod.virtax as Record<string, unknown>) : {};
  const candidates = ['default', 'bench', 'tasks'].filter((k) => mod[k] !== undefined);
  if (candidates.length === 0) throw new Error(`exports nothing usable: export default (or bench, or tasks) ${USABLE}`);
  const what = mod[candidates[0] as string];
  const tasks: LoadedTask[] = [];
  if (isBench(what)) {
    const names = new Set(what.tasks.map((t) => (t as { name: string }).name));
    const list = added.get(what);
    if (!list && names.size)
      throw new Error(
        'exports a Bench from a tinybench copy virtax cannot see into: install tinybench beside the module, or export a { name: fn } map',
      );
    for (const a of list ?? []) {
      if (!names.has(a.name)) continue; // removed again with bench.remove()
      tasks.push({
        name: a.name,
        fn: a.fn,
        opts: a.opts,
        self: what.getTask(a.name),
        ...(typeof what.setup === 'function' ? { benchSetup: what.setup as LoadedTask['benchSetup'] } : {}),
        ...(typeof what.teardown === 'function' ? { benchTeardown: what.teardown as LoadedTask['benchTeardown'] } : {}),
      });
    }
  } else if (Array.isArray(what)) {
    what.forEach((t, i) => {
      if (!isObject(t) || typeof t.name !== 'string' || typeof t.fn !== 'function')
        throw new Error(`exports an array whose item ${i} is not { name, fn }`);
      const opts = isObject(t.opts) ? (t.opts as TaskHooks) : {};
      tasks.push({ name: t.name, fn: t.fn as () => unknown, opts, self: { name: t.name }, unit: t.unit, better: t.better, scale: t.scale });
    });
  } else if (isObject(what)) {
    for (const [name, fn] of Object.entries(what)) {
      if (typeof fn === 'function') tasks.push({ name, fn: fn as () => unknown, opts: {}, self: { name } });
    }
  }
  if (tasks.length === 0) throw new Error(`exports nothing usable: ${candidates[0]} is not ${USABLE} with at least one task`);
  return { tasks, declared };
}

/**
 * A module hook that lets a user's module `import ... from 'tinybench'` without installing it: when its own
 * resolution finds no tinybench, it gets virtax's copy (the one whose Bench is patched above).
 */
let hooked = false;
function lendTinybench(): void {
  if (hooked) return;
  hooked = true;
  let ours: string;
  try {
    ours = import.meta.resolve('tinybench');
  } catch {
    return;
  }
  const hooks = `export async function resolve(specifier, context, next) {
    try { return await next(specifier, context); } catch (e) {
      if (specifier === 'tinybench' && e && e.code === 'ERR_MODULE_NOT_FOUND') return { url: ${JSON.stringify(ours)}, shortCircuit: true };
      throw e;
    }
  }`;
  register(`data:text/javascript,${encodeURIComponent(hooks)}`);
}

/** Import a module (after patching tinybench so a Bench's tasks can be read) and return its tasks. */
export async function loadTasks(modulePath: string): Promise<{ tasks: LoadedTask[]; declared: Record<string, unknown> }> {
  lendTinybench();
  await patchTinybenchFor(modulePath);
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(modulePath).href)) as Record<string, unknown>;
  } catch (e) {
    throw new Error(`does not load: ${oneLine(e)}`);
  }
  return tasksOf(mod);
}

/** Discover a module's tasks with their units (run in the discovery child). */
export async function discoverHere(modulePath: string): Promise<Discovery> {
  try {
    const { tasks, declared } = await loadTasks(modulePath);
    const out: DiscoveredTask[] = [];
    const seen = new Set<string>();
    for (const t of tasks) {
      if (seen.has(t.name)) throw new Error(`exports two tasks named "${t.name}"`);
      seen.add(t.name);
      try {
        out.push({
          name: t.name,
          ...unitOf({ unit: t.unit ?? declared.unit, better: t.better ?? declared.better, scale: t.scale ?? declared.scale }),
        });
      } catch (e) {
        throw new Error(`task "${t.name}": ${oneLine(e)}`);
      }
    }
    return { status: 'ok', tasks: out };
  } catch (e) {
    return { status: 'failed', reason: oneLine(e) };
  }
}

/**
 * The task specs of one module given its discovery: one per task, or a single placeholder (`user.<file name>`) that
 * fails every round with the module's problem, so the failure shows in the results file and the run goes on.
 */
export function specsOf(
  shown: string,
  modulePath: string,
  sha: string,
  found: Discovery,
  batchTimeoutSeconds: number,
  taken: Set<string>,
): UserTaskSpec[] {
  const unique = (slug: string) => {
    let id = `user.${slug}`;
    for (let k = 2; taken.has(id); k++) id = `user.${slug}-${k}`;
    taken.add(id);
    return id;
  };
  const common = { modulePath, moduleShown: shown, moduleSha256: sha, batchTimeoutSeconds };
  if (found.status === 'failed') {
    const file = basename(modulePath).replace(/\.[cm]?[jt]s$/, '');
    return [
      { id: unique(slugOf(file)), ...common, task: null, problem: `${shown} ${found.reason}`, unit: 'ops/s', better: 'higher', scale: 1 },
    ];
  }
  return found.tasks.map((t) => ({
    id: unique(slugOf(t.name)),
    ...common,
    task: t.name,
    problem: null,
    unit: t.unit,
    better: t.better,
    scale: t.scale,
  }));
}

/**
 * Kills this process when a batch overruns its limit. A task stuck in a synchronous loop never yields, so only
 * another thread can stop it; the reason goes to stderr (the executor reports a dead round's last stderr line).
 */
class Watchdog {
  readonly #worker: Worker;
  constructor() {
    this.#worker = new Worker(
      `const { parentPort } = require('node:worker_threads'); const fs = require('node:fs');
       let deadline = 0, why = '';
       parentPort.on('message', (m) => { deadline = m.deadline; why = m.why; });
       setInterval(() => { if (deadline && Date.now() > deadline) { fs.writeSync(2, why + '\\n'); process.kill(process.pid, 'SIGKILL'); } }, 50);`,
      { eval: true },
    );
    this.#worker.unref();
  }
  arm(seconds: number, why: string): void {
    this.#worker.postMessage({ deadline: Date.now() + seconds * 1000, why });
  }
  disarm(): void {
    this.#worker.postMessage({ deadline: 0, why: '' });
  }
  async stop(): Promise<void> {
    await this.#worker.terminate();
  }
}

interface UserState {
  task: LoadedTask;
  watchdog: Watchdog;
  spec: UserTaskSpec;
}

/** Run `p` with a time limit (an async task that never settles); the watchdog covers synchronous hangs. */
async function within<T>(p: Promise<T>, seconds: number, why: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(why)), seconds * 1000);
  });
  try {
    return await Promise.race([p, limit]);
  } finally {
    clearTimeout(timer);
  }
}

function isThenable(x: unknown): x is PromiseLike<unknown> {
  return isObject(x) && typeof (x as { then?: unknown }).then === 'function';
}

async function callHook(
  hook: ((this: unknown, mode?: 'run') => unknown) | undefined,
  self: unknown,
  name: string,
  what: string,
): Promise<void> {
  if (!hook) return;
  try {
    const r = hook.call(self, 'run');
    if (isThenable(r)) await r;
  } catch (e) {
    throw new Error(`${name} ${what} threw: ${oneLine(e)}`);
  }
}

/** The Workload of one user task (the parent needs only its id, category, unit and direction). */
export function userWorkload(spec: UserTaskSpec): AnyWorkload {
  const figure: FigureKind = spec.better === 'higher' ? { kind: 'rate', scale: spec.scale } : { kind: 'cost', scale: spec.scale };
  const limit = spec.batchTimeoutSeconds;
  return {
    id: spec.id,
    category: 'user',
    title: spec.task === null ? `${spec.moduleShown} (no task)` : `${spec.task} (${spec.moduleShown})`,
    unit: spec.unit,
    better: spec.better,
    figure,
    stresses: spec.task === null ? `no task: ${spec.problem ?? 'none'}` : `your own tinybench task ${spec.task} from ${spec.moduleShown}`,
    params: () => ({ module: spec.moduleShown, moduleSha256: spec.moduleSha256, task: spec.task }),
    async setup(): Promise<UserState> {
      if (spec.task === null) throw new Error(spec.problem ?? `${spec.moduleShown} gave no task`);
      if (moduleSha256(spec.modulePath) !== spec.moduleSha256) throw new Error(`${spec.moduleShown} changed on disk since the run started`);
      const watchdog = new Watchdog();
      const why = `${spec.moduleShown} did not finish loading within ${limit} s`;
      watchdog.arm(limit + 1, why);
      try {
        const { tasks } = await within(loadTasks(spec.modulePath), limit, why);
        const task = tasks.find((t) => t.name === spec.task);
        if (!task) throw new Error(`${spec.moduleShown} no longer exports a task named "${spec.task}"`);
        const state: UserState = { task, watchdog, spec };
        const hooksWhy = `${spec.task}: beforeAll did not finish within ${limit} s`;
        watchdog.arm(limit + 1, hooksWhy);
        if (task.benchSetup)
          await within(
            callHook((m) => task.benchSetup?.(task.self, m ?? 'run'), task.self, spec.task ?? '', 'Bench setup'),
            limit,
            hooksWhy,
          );
        await within(callHook(task.opts.beforeAll, task.self, spec.task ?? '', 'beforeAll'), limit, hooksWhy);
        watchdog.disarm();
        return state;
      } catch (e) {
        await watchdog.stop();
        throw e;
      }
    },
    async batch(state: UserState, operations: number): Promise<void> {
      const { task, watchdog } = state;
      const why = `${task.name}: a batch of ${operations} call${operations === 1 ? '' : 's'} did not finish within ${limit} s (time limit per batch)`;
      watchdog.arm(limit + 1, why);
      const { fn, opts, self } = task;
      const run = async () => {
        for (let i = 0; i < operations; i++) {
          if (opts.beforeEach) await callHook(opts.beforeEach, self, task.name, 'beforeEach');
          try {
            const r = fn.call(self);
            if (isThenable(r)) await r;
          } catch (e) {
            throw new Error(`${task.name} threw: ${oneLine(e)}`);
          }
          if (opts.afterEach) await callHook(opts.afterEach, self, task.name, 'afterEach');
        }
      };
      await within(run(), limit, why);
      watchdog.disarm();
    },
    async teardown(state: UserState): Promise<void> {
      const { task, watchdog } = state;
      const why = `${task.name}: afterAll did not finish within ${limit} s`;
      watchdog.arm(limit + 1, why);
      try {
        await within(callHook(task.opts.afterAll, task.self, task.name, 'afterAll'), limit, why);
        if (task.benchTeardown)
          await within(
            callHook((m) => task.benchTeardown?.(task.self, m ?? 'run'), task.self, task.name, 'Bench teardown'),
            limit,
            why,
          );
      } finally {
        await watchdog.stop();
      }
    },
  };
}

/** How a duel tells an agent about a user task (src/probes/agent/protocol.ts): the module path as given and its hash. */
export interface UserTaskOrder extends UserTaskRun {
  module: string;
  sha256: string;
}

/** The order for a spec (duel side). */
export function userTaskOrder(spec: UserTaskSpec): UserTaskOrder {
  const { id: _id, modulePath: _path, moduleShown, moduleSha256, ...run } = spec;
  return { module: moduleShown, sha256: moduleSha256, ...run };
}

/**
 * The spec an agent runs for an order (agent side): the module is found relative to the agent's directory and
 * must have the same content as the duel's copy; otherwise the reason the round fails.
 */
export function specOfOrder(id: string, order: UserTaskOrder, cwd = process.cwd()): UserTaskSpec | string {
  const { module, sha256, ...run } = order;
  const modulePath = resolve(cwd, module);
  if (!existsSync(modulePath)) return `${module}: no such file on this side`;
  const sha = moduleSha256(modulePath);
  if (sha !== sha256) return `${module} differs on this side (sha256 ${sha.slice(7, 19)}, the duel's ${sha256.slice(7, 19)})`;
  return { id, modulePath, moduleShown: module, moduleSha256: sha256, ...run };
}

/** The workload for `id` from the user tasks the run carries in its context (round processes), or undefined. */
export function userWorkloadFor(id: string, ctx: Pick<WorkloadContext, 'userTasks'>): AnyWorkload | undefined {
  const spec = ctx.userTasks?.find((t) => t.id === id);
  return spec ? userWorkload(spec) : undefined;
}

/** Absolute path of a module argument; throws with a one-line reason when there is no such file. */
export function resolveModule(shown: string, cwd = process.cwd()): string {
  const abs = resolve(cwd, shown);
  if (!existsSync(abs)) throw new Error(`--workload ${shown}: no such file`);
  return abs;
}
