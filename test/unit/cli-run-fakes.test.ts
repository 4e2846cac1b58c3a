/**
 * `virtax run` through the CLI (flags in, printing and exit code out) with the round executor and the host
 * fingerprint replaced by fakes: what the command prints and returns around the library's orchestration,
 * without measuring anything. The real end to end runs are in cli-run.test.ts.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { loadResults } from '../../src/results/io.js';
import { runCli } from '../helpers/cli.js';

const fate = vi.hoisted(() => ({ failing: null as string | null }));

vi.mock('../../src/probes/engine/executor.js', async (importOriginal) => {
  const { FakeExecutor } = await import('../helpers/fake-executor.js');
  return {
    ...(await importOriginal<typeof import('../../src/probes/engine/executor.js')>()),
    ChildProcessExecutor: class extends FakeExecutor {
      constructor() {
        super((id, n) => (id === fate.failing && n === 2 ? 'failed' : 'ok'));
      }
    },
  };
});
vi.mock('../../src/probes/host/fingerprint.js', async (importOriginal) => {
  const { fakeHost } = await import('../helpers/fake-executor.js');
  return { ...(await importOriginal<typeof import('../../src/probes/host/fingerprint.js')>()), fingerprint: async () => fakeHost };
});

const dir = mkdtempSync(join(tmpdir(), 'virtax-cli-run-fakes-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const r = await runCli(args);
  return { code: r.code, stdout: r.out, stderr: r.err };
}

describe('virtax run on a fake executor and host', () => {
  it('run --runs 2 writes two replicate runs (F-run1.json, F-run2.json) with one label; not with --resume', async () => {
    const out = join(dir, 'rep.json');
    const r = await cli([
      'run',
      '--only',
      'sys.clock',
      '--rounds',
      '1',
      '--runs',
      '2',
      '--label',
      'rep',
      '--out',
      out,
      '--no-progress',
      '--seed',
      '5',
    ]);
    expect(r.code).toBe(0);
    const [a, b] = [loadResults(join(dir, 'rep-run1.json')), loadResults(join(dir, 'rep-run2.json'))];
    expect([a.label, b.label]).toEqual(['rep', 'rep']);
    expect(a.id).not.toBe(b.id);
    expect([a.config.seed, b.config.seed]).toEqual([5, 6]);
    expect(r.stderr).toMatch(/virtax run: run 1 of 2\n/);
    expect(r.stderr).toMatch(/wrote 2 replicate runs/);
    const bad = await cli(['run', '--runs', '2', '--resume', out, '--no-progress']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--runs: cannot be combined with --resume/);
  });

  it('prints the table and the "wrote" line; a failed workload makes the exit status 1', async () => {
    const out = join(dir, 'failed.json');
    fate.failing = 'cpu.float';
    try {
      const r = await cli(['run', '--only', 'cpu.int', 'cpu.float', '--rounds', '3', '--out', out, '--no-progress', '--seed', '1']);
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(/^cpu\.int\s+Mops\/s/m);
      expect(r.stdout).toMatch(/^cpu\.float\s+FAILED\s+cpu\.float crashed in round 2 \(after 1 good rounds\)/m);
      expect(r.stderr).toMatch(new RegExp(`wrote ${out.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(\\d+\\.\\d s, host vm/kvm\\)`));
    } finally {
      fate.failing = null;
    }
  });

  it('--quiet --json prints only the JSON summary, the label defaulting to <platform>-<hostname>', async () => {
    const out = join(dir, 'quiet.json');
    const r = await cli(['run', '--only', 'cpu.int', '--rounds', '2', '--out', out, '--quiet', '--json', '--seed', '2']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const j = JSON.parse(r.stdout) as {
      file: string;
      label: string;
      finished: boolean;
      interrupted: boolean;
      workloads: { id: string; rounds: number }[];
    };
    expect(j).toMatchObject({ file: out, label: 'vm-fake', finished: true, interrupted: false });
    expect(j.workloads).toMatchObject([{ id: 'cpu.int', rounds: 2 }]);
  });

  it('--markdown, --csv, --junit and --html write the run beside its results file; a failed workload fails in JUnit', async () => {
    const out = join(dir, 'exp.json');
    const f = (x: string) => join(dir, x);
    fate.failing = 'cpu.float';
    try {
      const r = await cli([
        'run',
        '--only',
        'cpu.int',
        'cpu.float',
        '--rounds',
        '3',
        '--out',
        out,
        '--no-progress',
        '--seed',
        '3',
        '--markdown',
        f('exp.md'),
        '--csv',
        f('exp.csv'),
        '--junit',
        f('exp.xml'),
        '--html',
        f('exp.html'),
      ]);
      expect(r.code).toBe(1);
      expect(readFileSync(f('exp.md'), 'utf8')).toMatch(/^## virtax run: vm\\-fake\n[^]*\| cpu\.int \| Mops\/s \|/);
      expect(readFileSync(f('exp.csv'), 'utf8').trim().split('\n')).toHaveLength(3);
      expect(readFileSync(f('exp.xml'), 'utf8')).toMatch(
        /tests="2" failures="1"[^]*name="cpu.float" time="0">\n {6}<failure type="failed"/,
      );
      expect(readFileSync(f('exp.html'), 'utf8')).toMatch(/^<!doctype html>/i);
      expect(r.stderr).toContain(`wrote ${f('exp.md')}, ${f('exp.csv')}, ${f('exp.xml')}, ${f('exp.html')}`);
    } finally {
      fate.failing = null;
    }
  });

  it('with --runs 2 each run gets its own export files (-run1, -run2); an unwritable one is exit 2 before anything runs', async () => {
    const out = join(dir, 'rx.json');
    const r = await cli([
      'run',
      '--only',
      'sys.clock',
      '--rounds',
      '1',
      '--runs',
      '2',
      '--out',
      out,
      '--no-progress',
      '--junit',
      join(dir, 'rx.xml'),
    ]);
    expect(r.code).toBe(0);
    expect(existsSync(join(dir, 'rx-run1.xml')) && existsSync(join(dir, 'rx-run2.xml'))).toBe(true);
    const bad = await cli([
      'run',
      '--only',
      'sys.clock',
      '--rounds',
      '1',
      '--out',
      join(dir, 'never.json'),
      '--no-progress',
      '--html',
      '/proc/nope/r.html',
    ]);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(/--html/);
    expect(existsSync(join(dir, 'never.json'))).toBe(false);
    // an out-of-range --runs is refused before the export paths of every run are worked out (it used to hang)
    const many = await cli(['run', '--only', 'sys.clock', '--runs', '1e9', '--junit', join(dir, 'many.xml'), '--no-progress']);
    expect(many.code).toBe(2);
    expect(many.stderr.trim()).toMatch(/--runs: expected a whole number from 1 to 100/);
  });
});
