/**
 * The documented path for a user's own workloads, end to end with examples/workloads/json-zlib.mjs: run it twice
 * (two rounds each, only the user tasks), compare, gate and report the two files; then the same files with one
 * module hash edited are refused (exit 2, one line) unless --allow-changed-workloads. No timing is asserted.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadResults } from '../../src/results/io.js';
import type { ResultsFile } from '../../src/types.js';
import { runCli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'virtax-user-example-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const example = 'examples/workloads/json-zlib.mjs';
const ids = ['user.json-round-trip', 'user.zlib-deflate'];
const a = join(dir, 'a.json');
const b = join(dir, 'b.json');
const changed = join(dir, 'changed.json');

beforeAll(async () => {
  for (const [out, label, seed] of [
    [a, 'host-a', '1'],
    [b, 'host-b', '2'],
  ] as const) {
    const r = await runCli([
      'run',
      '--workload',
      example,
      '--only',
      'user',
      '--rounds',
      '2',
      '--seed',
      seed,
      '--label',
      label,
      '--out',
      out,
      '--no-progress',
    ]);
    expect(r.code, r.err).toBe(0);
  }
  const f = JSON.parse(readFileSync(b, 'utf8')) as ResultsFile;
  for (const w of f.workloads) if (w.status === 'ok') w.params.moduleSha256 = `sha256:${'0'.repeat(64)}`;
  writeFileSync(changed, JSON.stringify(f));
}, 300_000);

describe('examples/workloads/json-zlib.mjs: run twice, compare, gate, report', () => {
  it('each run records both tasks as user.* rows with module path, hash and task name', () => {
    const f = loadResults(a);
    expect(f.config.workloadModules).toEqual([example]);
    expect(f.workloads.map((w) => w.id).sort()).toEqual(ids);
    for (const w of f.workloads) {
      expect(w).toMatchObject({ status: 'ok', category: 'user', unit: 'ops/s', better: 'higher' });
      if (w.status !== 'ok') continue;
      expect(w.rounds).toHaveLength(2);
      expect(w.params).toMatchObject({ module: example, moduleSha256: expect.stringMatching(/^sha256:[0-9a-f]{64}$/) });
    }
    expect(f.workloads.map((w) => (w.status === 'ok' ? w.params.task : null)).sort()).toEqual(['json round trip', 'zlib deflate']);
  });

  it('compare shows both rows with intervals and no overall index from user rows alone', async () => {
    const r = await runCli(['compare', a, b, '--json']);
    expect(r.code).toBe(0);
    const c = JSON.parse(r.out) as {
      rows: { id: string; status: string; overheadPct?: { lo: number; hi: number } }[];
      overall: unknown;
      warnings: string[];
    };
    for (const id of ids) {
      const row = c.rows.find((x) => x.id === id);
      expect(row?.status).toBe('compared');
      expect(Number.isFinite(row?.overheadPct?.lo)).toBe(true);
    }
    expect(c.overall).toBeNull();
    expect(c.warnings).toContain(
      'no overall index: only user.* workloads were compared (your own workloads join the index only when a profile weighs them)',
    );
  });

  it('gate judges the user rows (one JUnit testcase each)', async () => {
    const junit = join(dir, 'junit.xml');
    const r = await runCli(['gate', '--baseline', a, '--current', b, '--junit', junit]);
    expect([0, 1]).toContain(r.code);
    const xml = readFileSync(junit, 'utf8');
    for (const id of ids) expect(xml).toContain(`classname="virtax.user" name="${id}"`);
  });

  it('report renders the user rows', async () => {
    const html = join(dir, 'report.html');
    const r = await runCli(['report', a, b, '--out', html]);
    expect(r.code, r.err).toBe(0);
    expect(readFileSync(html, 'utf8')).toContain('user.zlib-deflate');
    expect(r.out).toMatch(
      /^host-b vs host-a: no overall index \(no compared workload weighs in it; user\.\* count only when a profile weighs them\); worst /m,
    );
  }, 60_000);

  it('compare, gate and report refuse files whose module hashes differ (exit 2, one line) unless --allow-changed-workloads', async () => {
    const c = await runCli(['compare', a, changed]);
    expect(c.code).toBe(2);
    expect(c.err).toMatch(
      /^virtax: refusing to compare: the workload module changed between the files for user\.json-round-trip \(examples\/workloads\/json-zlib\.mjs [0-9a-f]{12} vs examples\/workloads\/json-zlib\.mjs 000000000000\), user\.zlib-deflate .*; pass --allow-changed-workloads to compare anyway\n$/,
    );
    const g = await runCli(['gate', '--baseline', a, '--current', changed]);
    expect(g.code).toBe(2);
    expect(g.err).toMatch(/^virtax: refusing to gate: .*--allow-changed-workloads.*\n$/);
    const rep = await runCli(['report', a, changed, '--out', join(dir, 'refused.html')]);
    expect(rep.code).toBe(2);
    expect(rep.err).toMatch(/^virtax: refusing to compare: the workload module changed between host-a and host-b for user\..*\n$/);

    expect((await runCli(['compare', a, changed, '--allow-changed-workloads'])).code).toBe(0);
    expect((await runCli(['gate', '--baseline', a, '--current', changed, '--allow-changed-workloads'])).code).not.toBe(2);
  }, 60_000);
});
