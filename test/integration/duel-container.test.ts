/**
 * Real sides: a plain agent against the same agent in an unshare container with a CFS quota. The quota
 * must come out as a clear CPU slowdown of about the expected size; without a quota the sides must not
 * differ beyond noise. Skips, saying why, where containers cannot be made (not root, no cgroup v1 cpu).
 * Short on purpose: cpu.int only, short rounds.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadResults } from '../../src/results/io.js';
import type { Comparison } from '../../src/stats/types.js';
import { AGENT_FROM_SOURCE, containerCommand, containerSupport, cpuGroup } from '../helpers/container.js';

const why = containerSupport();
if (why) console.log(`skipping container duel tests: ${why}`);
const dir = mkdtempSync(join(tmpdir(), 'virtax-duel-ctr-'));

/** Run `virtax duel` inside a high-share cpu cgroup (both agents inherit it; see cpuGroup). */
function duel(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const group = cpuGroup();
  return new Promise((resolve) => {
    const p = spawn(process.execPath, ['--import', 'tsx', 'src/cli/run-cli.ts', 'duel', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    group.join(p.pid as number);
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('close', (code) => {
      group.remove();
      resolve({ code, stdout, stderr });
    });
  });
}

describe.skipIf(why !== null)('duel: plain agent against an unshare container', () => {
  it('the launcher makes fresh namespaces, applies the quota and removes its cgroup', () => {
    const name = `virtax-test-${process.pid}`;
    const r = spawnSync(
      'sh',
      [
        '-c',
        containerCommand({
          quotaPct: 50,
          name,
          command: `sh -c 'echo $$; cat /sys/fs/cgroup/cpu/${name}/cpu.cfs_quota_us; hostname; ip -o link 2>/dev/null | wc -l'`,
        }),
      ],
      { encoding: 'utf8' },
    );
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const [pid, quota] = r.stdout.trim().split('\n');
    expect(pid).toBe('1'); // PID namespace: the command is init there
    expect(quota).toBe('50000'); // 50% of the 100 ms period
    expect(existsSync(`/sys/fs/cgroup/cpu/${name}`)).toBe(false);
  });

  it('a 20% CPU quota comes out as a clear slowdown of about the expected size', async () => {
    const out = join(dir, 'quota');
    const r = await duel([
      '--a',
      AGENT_FROM_SOURCE,
      '--b',
      containerCommand({ quotaPct: 20 }),
      '--label-a',
      'plain',
      '--label-b',
      'quota-20%',
      '--only',
      'cpu.int',
      '--rounds',
      '8',
      '--round-seconds',
      '0.4',
      '--seed',
      '11',
      '--noise',
      '10%',
      '--timeout',
      '120',
      '--out',
      out,
    ]);
    console.log(r.stdout);
    expect(r.code, r.stderr).toBe(0);
    const row = (JSON.parse((await import('node:fs')).readFileSync(join(out, 'comparison.json'), 'utf8')) as Comparison).rows[0];
    expect(row?.status).toBe('compared');
    if (row?.status !== 'compared') return;
    expect(row.verdict).toBe('slower');
    expect(row.overheadPct.point).toBeGreaterThan(150);
    // About the expected size: B is held to 20% of one CPU, A (alone in its turn, in a high-share group)
    // gets close to a whole one, so B's figure should be about a fifth of A's.
    const a = loadResults(join(out, 'a.json')).workloads[0];
    const b = loadResults(join(out, 'b.json')).workloads[0];
    if (a?.status !== 'ok' || b?.status !== 'ok') throw new Error('a side did not measure');
    const share = b.summary.median / a.summary.median;
    console.log(`B/A = ${share.toFixed(3)} (quota 0.2)`);
    expect(share).toBeGreaterThan(0.12);
    expect(share).toBeLessThan(0.32);
  }, 300_000);

  it('without a quota the container is not slower or faster beyond noise', async () => {
    const out = join(dir, 'free');
    const r = await duel([
      '--a',
      AGENT_FROM_SOURCE,
      '--b',
      containerCommand(),
      '--label-a',
      'plain',
      '--label-b',
      'container',
      '--only',
      'cpu.int',
      '--rounds',
      '8',
      '--round-seconds',
      '0.25',
      '--seed',
      '5',
      '--out',
      out,
    ]);
    console.log(r.stdout);
    expect(r.code, r.stderr).toBe(0);
    const row = (JSON.parse((await import('node:fs')).readFileSync(join(out, 'comparison.json'), 'utf8')) as Comparison).rows[0];
    if (row?.status !== 'compared') throw new Error('not compared');
    // The interval must reach into ±10%: a real difference of that size would keep it outside.
    expect(row.overheadPct.lo).toBeLessThan(10);
    expect(row.overheadPct.hi).toBeGreaterThan(-10);
  }, 300_000);
});
