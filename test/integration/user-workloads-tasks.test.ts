/**
 * A user's tinybench tasks as workloads, in this process: what a module may export (a Bench with hooks, a map, an
 * array with units), the hooks' order around batches, async tasks, units and directions, ids, the selection with
 * --only, the default overall weight of `user`, the duel protocol's userTask field and the agent-side hash check.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseOrder } from '../../src/probes/agent/protocol.js';
import { handleLine, type AgentDeps } from '../../src/probes/agent/agent.js';
import type { Executor, RoundRequest } from '../../src/probes/engine/executor.js';
import { rowWeights } from '../../src/stats/overall.js';
import type { AnyWorkload } from '../../src/workloads/types.js';
import {
  discoverHere,
  moduleSha256,
  slugOf,
  specOfOrder,
  specsOf,
  unitOf,
  userTaskOrder,
  userWorkload,
  type UserTaskSpec,
} from '../../src/workloads/user.js';
import { checkResumable, withUserWorkloads } from '../../src/workloads/user-discover.js';
import type { ResultsFile } from '../../src/types.js';

const dir = mkdtempSync(join(tmpdir(), 'virtax-user-tasks-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function module(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const benchModule = module(
  'bench.mjs',
  `import { Bench } from 'tinybench';
globalThis.__virtaxLog = [];
const log = (s) => globalThis.__virtaxLog.push(s);
const bench = new Bench({ setup: (task, mode) => log('setup:' + task.name + ':' + mode), teardown: (task) => log('teardown:' + task.name) });
bench.add('Parse JSON!', () => log('fn'), {
  beforeAll() { log('beforeAll:' + this.name); },
  beforeEach() { log('beforeEach'); },
  afterEach() { log('afterEach'); },
  afterAll() { log('afterAll'); },
});
bench.add('async task', async () => { await null; log('async'); });
bench.add('removed', () => {});
bench.remove('removed');
export default bench;
`,
);

async function specsFor(path: string): Promise<UserTaskSpec[]> {
  return specsOf(path, path, moduleSha256(path), await discoverHere(path), 5, new Set());
}

async function runBatches(w: AnyWorkload, batches: number[]): Promise<void> {
  const state = await w.setup({}, { suite: 'quick', peer: null, scratchDir: dir, ioDir: dir });
  try {
    for (const n of batches) await w.batch(state, n);
  } finally {
    await w.teardown?.(state);
  }
}

describe('user tasks from a module', () => {
  it('a Bench: tasks in order (removed ones left out), ids from names, ops/s higher-is-better by default', async () => {
    const specs = await specsFor(benchModule);
    expect(specs.map((s) => [s.id, s.task, s.unit, s.better, s.scale])).toEqual([
      ['user.parse-json', 'Parse JSON!', 'ops/s', 'higher', 1],
      ['user.async-task', 'async task', 'ops/s', 'higher', 1],
    ]);
    const w = userWorkload(specs[0]!);
    expect(w).toMatchObject({ category: 'user', figure: { kind: 'rate', scale: 1 } });
    expect(w.params('quick', { suite: 'quick', peer: null, scratchDir: dir, ioDir: dir })).toEqual({
      module: benchModule,
      moduleSha256: moduleSha256(benchModule),
      task: 'Parse JSON!',
    });
  });

  it("hooks run as tinybench's: Bench setup and beforeAll once, beforeEach/afterEach around every call, afterAll and teardown once", async () => {
    const [spec] = await specsFor(benchModule);
    (globalThis as { __virtaxLog?: string[] }).__virtaxLog = [];
    await runBatches(userWorkload(spec!), [2, 1]);
    const log = (globalThis as { __virtaxLog?: string[] }).__virtaxLog ?? [];
    const each = ['beforeEach', 'fn', 'afterEach'];
    expect(log.slice(-14)).toEqual([
      'setup:Parse JSON!:run',
      'beforeAll:Parse JSON!',
      ...each,
      ...each,
      ...each,
      'afterAll',
      'teardown:Parse JSON!',
    ]);
  });

  it('async tasks are awaited call by call', async () => {
    const specs = await specsFor(benchModule);
    (globalThis as { __virtaxLog?: string[] }).__virtaxLog = [];
    await runBatches(userWorkload(specs[1]!), [3]);
    expect(((globalThis as { __virtaxLog?: string[] }).__virtaxLog ?? []).filter((s) => s === 'async')).toHaveLength(3);
  });

  it('a map and an array with declared units; duplicate slugs get a suffix', async () => {
    const map = module(
      'map.mjs',
      "export const virtax = { unit: 'us/op' };\nexport default { 'a b': () => 1, 'a-b': () => 2, skip: 3 };\n",
    );
    const arr = module(
      'arr.mjs',
      "export const tasks = [{ name: 'copy', fn: () => 1, unit: 'MB/s', better: 'higher', scale: 0.064 }, { name: 'x', fn: () => 1 }];\n",
    );
    const taken = new Set<string>();
    const m = specsOf('map.mjs', map, moduleSha256(map), await discoverHere(map), 5, taken);
    const a = specsOf('arr.mjs', arr, moduleSha256(arr), await discoverHere(arr), 5, taken);
    expect(m.map((s) => [s.id, s.unit, s.better, s.scale])).toEqual([
      ['user.a-b', 'us/op', 'lower', 1e6],
      ['user.a-b-2', 'us/op', 'lower', 1e6],
    ]);
    expect(a.map((s) => [s.id, s.unit, s.better, s.scale])).toEqual([
      ['user.copy', 'MB/s', 'higher', 0.064],
      ['user.x', 'ops/s', 'higher', 1],
    ]);
    expect(userWorkload(m[0]!).figure).toEqual({ kind: 'cost', scale: 1e6 });
  });

  it('units: known ones set direction and scale; contradictions and unknown units without better are refused', () => {
    expect(unitOf({})).toEqual({ unit: 'ops/s', better: 'higher', scale: 1 });
    expect(unitOf({ unit: 'ns/op' })).toEqual({ unit: 'ns/op', better: 'lower', scale: 1e9 });
    expect(unitOf({ unit: 'Mops/s' })).toEqual({ unit: 'Mops/s', better: 'higher', scale: 1e-6 });
    expect(() => unitOf({ unit: 'ns/op', better: 'higher' })).toThrow('unit ns/op is lower-is-better, but better is "higher"');
    expect(() => unitOf({ unit: 'req' })).toThrow(/declare better/);
    expect(() => unitOf({ better: 'up' })).toThrow('better must be "higher" or "lower" (got "up")');
    expect(() => unitOf({ scale: -1 })).toThrow('scale must be a positive number');
  });

  it('slugs are valid workload ids', () => {
    expect(slugOf('JSON round trip')).toBe('json-round-trip');
    expect(slugOf('  --Zlib__Deflate (level 6)! ')).toBe('zlib-deflate-level-6');
    expect(slugOf('123')).toBe('t-123');
    expect(slugOf('日本')).toBe('t-task');
  });
});

describe('user tasks in a run', () => {
  const spec = (id: string): UserTaskSpec => ({
    id,
    modulePath: benchModule,
    moduleShown: 'b.mjs',
    moduleSha256: 'sha256:x',
    task: id,
    problem: null,
    unit: 'ops/s',
    better: 'higher',
    scale: 1,
    batchTimeoutSeconds: 5,
  });
  const builtin = (only: string[] | null) => [{ id: only ? `picked:${only.join(',')}` : 'suite' } as AnyWorkload];
  const ids = (ws: AnyWorkload[]) => ws.map((w) => w.id);

  it('--workload tasks always run; --only picks the built-ins beside them; --only user.<name> narrows them', () => {
    const specs = [spec('user.a'), spec('user.b')];
    expect(ids(withUserWorkloads(builtin, null, specs))).toEqual(['suite', 'user.a', 'user.b']);
    expect(ids(withUserWorkloads(builtin, ['cpu.int'], specs))).toEqual(['picked:cpu.int', 'user.a', 'user.b']);
    expect(ids(withUserWorkloads(builtin, ['user'], specs))).toEqual(['user.a', 'user.b']);
    expect(ids(withUserWorkloads(builtin, ['user.b', 'mem'], specs))).toEqual(['picked:mem', 'user.b']);
    expect(ids(withUserWorkloads(builtin, ['cpu'], []))).toEqual(['picked:cpu']);
  });

  it('--resume refuses a module whose content changed since the interrupted run', () => {
    const row = {
      id: 'user.a',
      category: 'user',
      title: 'a',
      unit: 'ops/s',
      better: 'higher',
      status: 'ok',
      params: { moduleSha256: 'sha256:old' },
      summary: {},
      rounds: [],
    };
    const file = { workloads: [row] } as unknown as ResultsFile;
    expect(() => checkResumable(file, [spec('user.a')])).toThrow(
      '--resume: b.mjs changed since the interrupted run (user.a); start a new run',
    );
    expect(() => checkResumable(file, [{ ...spec('user.a'), moduleSha256: 'sha256:old' }])).not.toThrow();
  });

  it('the user category weighs nothing in the default overall index, and what a profile gives it', () => {
    expect(rowWeights(['cpu', 'user', 'memory'])?.perRow).toEqual([0.5, 0, 0.5]);
    expect(rowWeights(['user'])).toBeNull();
    expect(rowWeights(['cpu', 'user'], { cpu: 1, user: 3 })?.perRow).toEqual([0.25, 0.75]);
  });
});

describe('user tasks in a duel', () => {
  it("a round order carries the task's module; malformed userTask fields get one-line errors", async () => {
    const [s] = await specsFor(benchModule);
    const order = {
      v: 1,
      id: 7,
      op: 'round',
      workload: s!.id,
      suite: 'quick',
      plan: { targetBatchSeconds: 0.01, roundSeconds: 0.1, minBatches: 1, maxBatches: 5 },
      userTask: userTaskOrder(s!),
    };
    const parsed = parseOrder(JSON.stringify(order));
    expect('order' in parsed && parsed.order.op === 'round' ? parsed.order.userTask : null).toEqual(userTaskOrder(s!));
    const bad = parseOrder(JSON.stringify({ ...order, userTask: { ...userTaskOrder(s!), sha256: 'abc' } }));
    expect('error' in bad ? bad.error.error : '').toBe('round: userTask: sha256 must be sha256:<64 hex digits>');
  });

  it('the agent finds the module relative to its directory and refuses a missing or different file', async () => {
    const [s] = await specsFor(benchModule);
    const order = { ...userTaskOrder(s!), module: 'bench.mjs' };
    expect(specOfOrder(s!.id, order, dir)).toMatchObject({ id: s!.id, modulePath: benchModule, task: 'Parse JSON!' });
    expect(specOfOrder(s!.id, order, tmpdir())).toBe('bench.mjs: no such file on this side');
    expect(specOfOrder(s!.id, { ...order, sha256: `sha256:${'1'.repeat(64)}` }, dir)).toMatch(
      /^bench\.mjs differs on this side \(sha256 [0-9a-f]{12}, the duel's 111111111111\)$/,
    );
  });

  it('an agent runs a userTask round with the task in its round context, and fails it when the module differs', async () => {
    const [s] = await specsFor(benchModule);
    const seen: RoundRequest[] = [];
    const executor: Executor = {
      runRound: async (req) => {
        seen.push(req);
        return { status: 'failed', reason: 'fake executor' };
      },
    };
    const deps: AgentDeps = {
      executor,
      fingerprint: async () => ({}) as never,
      ctx: { peer: null, scratchDir: dir, ioDir: dir },
      toolVersion: '0',
      log: () => {},
    };
    const plan = { targetBatchSeconds: 0.01, roundSeconds: 0.1, minBatches: 1, maxBatches: 5 };
    const order = (u: object) => JSON.stringify({ v: 1, id: 1, op: 'round', workload: s!.id, suite: 'quick', plan, userTask: u });
    const ok = await handleLine(order(userTaskOrder(s!)), deps);
    expect(ok.reply).toMatchObject({ ok: true, result: { status: 'failed', reason: 'fake executor' } });
    expect(seen[0]?.ctx.userTasks?.map((t) => [t.id, t.task, t.modulePath])).toEqual([[s!.id, 'Parse JSON!', benchModule]]);
    const differs = await handleLine(order({ ...userTaskOrder(s!), sha256: `sha256:${'2'.repeat(64)}` }), deps);
    expect(differs.reply).toMatchObject({ ok: true, result: { status: 'failed', reason: expect.stringMatching(/differs on this side/) } });
    expect(seen).toHaveLength(1);
  });
});
