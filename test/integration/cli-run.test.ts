/**
 * `virtax run` end to end: a real results file, one-line usage errors, and Ctrl-C of a real process
 * leaving its finished rounds in the file for `--resume` to complete. What the run's orchestration decides
 * (replicate runs, resume refusals, the loopback peer, exit status) is tested on fakes in
 * run-orchestration.test.ts (the library) and cli-run-fakes.test.ts (the command).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadResults } from '../../src/results/io.js';
import type { ResultsFile } from '../../src/types.js';
import { runCli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'virtax-cli-run-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const repo = new URL('../..', import.meta.url).pathname;

/** Run main() in-process, capturing what it writes. */
async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const r = await runCli(args);
  return { code: r.code, stdout: r.out, stderr: r.err };
}

function okRounds(f: ResultsFile): number {
  return f.workloads.reduce((n, w) => n + (w.status === 'ok' ? w.rounds.length : 0), 0);
}

describe('virtax run', () => {
  it('run --only cpu.int --rounds 2 --out F writes a valid finished file', async () => {
    const out = join(dir, 'two.json');
    const r = await cli(['run', '--only', 'cpu.int', '--rounds', '2', '--out', out, '--no-progress', '--seed', '3']);
    expect(r.code).toBe(0);
    const f = loadResults(out);
    expect(f.finishedAt).not.toBeNull();
    expect(f.config).toMatchObject({ rounds: 2, seed: 3, onlyIds: ['cpu.int'] });
    expect(f.workloads).toHaveLength(1);
    const w = f.workloads[0]!;
    expect(w.status).toBe('ok');
    if (w.status === 'ok') {
      expect(w.rounds).toHaveLength(2);
      for (const round of w.rounds) {
        expect(round.figure).toBeGreaterThan(0);
        expect(round.figure).toBe((round.operations / round.seconds) * 1e-6);
      }
    }
    expect(r.stdout).toMatch(/cpu\.int/);
    expect(r.stderr).toMatch(new RegExp(`wrote ${out.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  });

  it('run --only nope exits 2 with one line', async () => {
    const r = await cli(['run', '--only', 'nope', '--no-progress']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('virtax: unknown workload id(s): nope (see `virtax list`)\n');
    expect(r.stdout).toBe('');
  });

  it('run --resume of a corrupt file exits 2 with one line naming it', async () => {
    const bad = join(dir, 'corrupt.json');
    writeFileSync(bad, '{"schema":"virtax.results/v1","id":');
    const r = await cli(['run', '--resume', bad, '--no-progress']);
    expect(r.code).toBe(2);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(`virtax: ${bad}: not valid JSON`);
  });

  it('run --rounds 0 is a usage error', async () => {
    const r = await cli(['run', '--only', 'cpu.int', '--rounds', '0', '--no-progress']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('virtax: --rounds: expected a whole number from 1 to 1000\n');
  });

  it('Ctrl-C of a real `virtax run` keeps the finished rounds; --resume completes them', async () => {
    const out = join(dir, 'interrupted.json');
    // detached: its own process group, so the signal reaches the run and its round process as a terminal's Ctrl-C does.
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'src/cli/run-cli.ts',
        'run',
        '--only',
        'cpu.int',
        'cpu.float',
        '--rounds',
        '8',
        '--seed',
        '11',
        '--out',
        out,
        '--no-progress',
      ],
      {
        cwd: repo,
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));

    // Wait for the first checkpoint, then interrupt.
    const deadline = Date.now() + 45_000;
    while (!existsSync(out) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(existsSync(out)).toBe(true);
    process.kill(-child.pid!, 'SIGINT');
    const code = await exited;
    expect(code, stderr).toBe(130);
    expect(stderr).toMatch(/interrupted after .* s; measured rounds kept in/);
    expect(stderr).toContain(`continue with: virtax run --resume ${out}`);

    const partial = loadResults(out);
    expect(partial.finishedAt).toBeNull();
    const kept = okRounds(partial);
    expect(kept).toBeGreaterThanOrEqual(1);
    expect(kept).toBeLessThan(16);
    const notOk = partial.workloads.flatMap((w) => (w.status === 'ok' ? [] : [`${w.id}: ${w.reason}`]));
    expect(notOk, stderr).toEqual([]);

    const r = await cli(['run', '--resume', out, '--no-progress']);
    expect(r.code, r.stderr).toBe(0);
    const done = loadResults(out);
    expect(done.finishedAt).not.toBeNull();
    expect(done.id).toBe(partial.id);
    expect(done.config.seed).toBe(11);
    expect(done.workloads.map((w) => [w.id, w.status === 'ok' ? w.rounds.length : w.status])).toEqual([
      ['cpu.int', 8],
      ['cpu.float', 8],
    ]);
    // The rounds measured before the interrupt are kept as they were.
    for (const w of partial.workloads) {
      const after = done.workloads.find((x) => x.id === w.id);
      if (w.status === 'ok' && after?.status === 'ok') expect(after.rounds.slice(0, w.rounds.length)).toEqual(w.rounds);
    }
  });
});

describe('virtax fingerprint', () => {
  it('prints the platform and one evidence line per observation', async () => {
    const r = await cli(['fingerprint']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^platform\s+\S+/m);
    expect(r.stdout).toMatch(/^evidence \(one line per observation\):\n {2}- /m);
    expect(r.stdout).toMatch(/^hypervisor\s+\S+/m);
  });

  it('--json is a Fingerprint', async () => {
    const r = await cli(['fingerprint', '--json']);
    const f = JSON.parse(r.stdout) as { platform: string; evidence: string[] };
    expect(['metal', 'vm', 'vm-in-vm', 'container', 'container-in-vm', 'sandbox', 'sandbox-in-vm', 'unknown']).toContain(f.platform);
    expect(f.evidence.length).toBeGreaterThan(0);
  });
});
