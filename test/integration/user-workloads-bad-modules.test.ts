/**
 * `virtax run --workload` with broken modules: each problem (does not load, throws while loading, exports nothing
 * usable, throws in a task, hangs in a task synchronously or asynchronously, hangs while loading) becomes a `failed`
 * workload with a one-line reason, the good tasks beside them still run, and the run exits 1. A path that is no file
 * is bad usage (exit 2, one line). The good module lives outside any project and imports tinybench anyway. No timing is asserted: only statuses, reasons and exit codes.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadResults } from '../../src/results/io.js';
import type { WorkloadResult } from '../../src/types.js';
import { runCli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'virtax-user-bad-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function module(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const modules = {
  // Outside any project with tinybench installed: virtax lends its own copy to the module.
  good: module(
    'good.mjs',
    "import { Bench } from 'tinybench';\nlet n = 0;\nconst bench = new Bench();\nbench.add('count', () => { n++; });\nexport default bench;\n",
  ),
  syntax: module('syntax.mjs', 'export default { oops( };\n'),
  throwsAtLoad: module('throws-at-load.mjs', "throw new Error('no database configured');\n"),
  nothing: module('nothing.mjs', 'export const answer = 42;\n'),
  emptyMap: module('empty-map.mjs', 'export default { notAFunction: 1 };\n'),
  throwsInTask: module('throws-in-task.mjs', "export default [{ name: 'explode', fn() { throw new Error('kaboom\\nsecond line'); } }];\n"),
  spins: module('spins.mjs', 'export default { spin() { for (;;) {} } };\n'),
  waits: module('waits.mjs', 'export default { wait: () => new Promise(() => {}) };\n'),
  hangsAtLoad: module('hangs-at-load.mjs', 'await new Promise((r) => setTimeout(r, 1e9));\nexport default { never() {} };\n'),
  badUnit: module('bad-unit.mjs', "export const virtax = { unit: 'widgets' };\nexport default { w() {} };\n"),
};

const tiny = ['--rounds', '1', '--no-progress', '--seed', '1', '--workload-timeout', '2', '--only', 'user'];

function byId(ws: WorkloadResult[], id: string): WorkloadResult {
  const w = ws.find((x) => x.id === id);
  if (!w) throw new Error(`no ${id} in ${ws.map((x) => x.id).join(', ')}`);
  return w;
}

function failedReason(ws: WorkloadResult[], id: string): string {
  const w = byId(ws, id);
  expect(w.status, `${id} should have failed`).toBe('failed');
  const reason = w.status === 'failed' ? w.reason : '';
  expect(reason).not.toMatch(/\n/);
  return reason;
}

describe('virtax run --workload with broken modules', () => {
  it('every broken module or task fails with its reason, the good task runs, exit 1', async () => {
    const out = join(dir, 'bad.json');
    const args = ['run', ...tiny, '--out', out];
    for (const m of Object.values(modules)) args.push('--workload', m);
    const r = await runCli(args);
    expect(r.code).toBe(1);
    const ws = loadResults(out).workloads;
    expect(ws.every((w) => w.category === 'user')).toBe(true);

    const good = byId(ws, 'user.count');
    expect(good.status).toBe('ok');
    if (good.status === 'ok')
      expect(good.params).toMatchObject({
        module: modules.good,
        task: 'count',
        moduleSha256: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
      });

    expect(failedReason(ws, 'user.syntax')).toMatch(/syntax\.mjs does not load: SyntaxError/);
    expect(failedReason(ws, 'user.throws-at-load')).toMatch(/throws-at-load\.mjs does not load: no database configured$/);
    expect(failedReason(ws, 'user.nothing')).toMatch(/nothing\.mjs exports nothing usable/);
    expect(failedReason(ws, 'user.empty-map')).toMatch(/empty-map\.mjs exports nothing usable: default is not/);
    expect(failedReason(ws, 'user.explode')).toBe('explode threw: kaboom');
    expect(failedReason(ws, 'user.spin')).toMatch(/spin: a batch of \d+ calls? did not finish within 2 s \(time limit per batch\)/);
    expect(failedReason(ws, 'user.wait')).toMatch(/wait: a batch of \d+ calls? did not finish within 2 s \(time limit per batch\)/);
    expect(failedReason(ws, 'user.hangs-at-load')).toMatch(/hangs-at-load\.mjs did not finish loading within 2 s/);
    expect(failedReason(ws, 'user.bad-unit')).toMatch(/unit widgets is not one virtax knows .*declare better/);

    expect(r.out).toMatch(/user\.explode\s+FAILED\s+explode threw: kaboom/);
  }, 240_000);

  it('list --workload shows the ids the tasks get, and why a module gives none', async () => {
    const r = await runCli(['list', '--json', '--workload', modules.good, '--workload', modules.nothing]);
    expect(r.code).toBe(0);
    const rows = (JSON.parse(r.out) as { id: string; category: string; unit: string; better: string; stresses: string }[]).filter(
      (w) => w.category === 'user',
    );
    expect(rows.map((w) => [w.id, w.unit, w.better])).toEqual([
      ['user.count', 'ops/s', 'higher'],
      ['user.nothing', 'ops/s', 'higher'],
    ]);
    expect(rows[1]?.stresses).toMatch(/^no task: .*nothing\.mjs exports nothing usable/);
  }, 60_000);

  it('a --workload path that is not a file exits 2 with one line', async () => {
    const r = await runCli(['run', '--workload', join(dir, 'missing.mjs'), '--no-progress']);
    expect(r.code).toBe(2);
    expect(r.err).toBe(`virtax: --workload ${join(dir, 'missing.mjs')}: no such file\n`);
    expect(r.out).toBe('');
  });

  it('--only user.<name> that no module exports exits 2 with one line naming the tasks', async () => {
    const r = await runCli(['run', '--workload', modules.good, '--only', 'user.nope', '--no-progress']);
    expect(r.code).toBe(2);
    expect(r.err).toBe('virtax: unknown workload id(s): user.nope among the --workload tasks (user.count)\n');
  }, 60_000);

  it('--workload-timeout 0 exits 2 with one line', async () => {
    const r = await runCli(['run', '--workload', modules.good, '--workload-timeout', '0', '--no-progress']);
    expect(r.code).toBe(2);
    expect(r.err).toBe('virtax: --workload-timeout: expected seconds, more than 0 and at most 3600\n');
  });
});
