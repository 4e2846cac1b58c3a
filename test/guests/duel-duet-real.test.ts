/**
 * A real duet (`duel --mode duet`): two `virtax agent`s, each pinned to its own CPU, both rounds of a pair
 * started together after their warm-ups. Large effects only: a side held to half a CPU by a CFS quota is slower
 * by a wide margin, and the same agent on both sides is not called different. Skips, saying why, where
 * containers cannot be made (not root, no cgroup v1 cpu) or the host has fewer than 2 CPUs. Lean: cpu.int,
 * 6 to 9 pairs of short rounds each.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Comparison } from '../../src/stats/types.js';
import { AGENT_FROM_SOURCE, containerCommand, containerSupport, cpuGroup } from '../helpers/container.js';

const why = availableParallelism() < 2 ? 'fewer than 2 CPUs: a duet needs one set per side' : containerSupport();
if (why) console.log(`skipping the real duet test: ${why}`);
const dir = mkdtempSync(join(tmpdir(), 'virtax-duet-real-'));

function duel(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const group = cpuGroup();
  return new Promise((resolve) => {
    const p = spawn(process.execPath, ['--import', 'tsx', 'src/cli/run-cli.ts', 'duel', '--mode', 'duet', ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
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

const rowOf = (out: string) => {
  const row = (JSON.parse(readFileSync(join(out, 'comparison.json'), 'utf8')) as Comparison).rows[0];
  if (row?.status !== 'compared') throw new Error('cpu.int not compared');
  return row;
};

describe.skipIf(why !== null)('real duet: two agents at once on their own CPUs', () => {
  it('a side held to half a CPU is slower; both sides ran in one window per pair, pinned apart', async () => {
    const out = join(dir, 'quota');
    const r = await duel([
      '--a',
      AGENT_FROM_SOURCE,
      '--b',
      containerCommand({ quotaPct: 50 }),
      '--label-a',
      'plain',
      '--label-b',
      'quota-50%',
      '--only',
      'cpu.int',
      '--rounds',
      '9',
      '--round-seconds',
      '0.3',
      '--seed',
      '3',
      '--noise',
      '10%',
      '--out',
      out,
    ]);
    console.log(r.stdout);
    expect(r.code, r.stderr).toBe(0);
    const row = rowOf(out);
    expect(row.overheadPct.point).toBeGreaterThan(40);
    expect(row.overheadPct.lo).toBeGreaterThan(20);
    // On a busy host, pairs with a starved round are dropped; with fewer than 6 clean pairs no verdict is possible.
    const clean = Number(/(\d+) clean pair\(s\) used/.exec(row.notes.join('\n'))?.[1] ?? 9);
    if (clean >= 6) expect(row.verdict).toBe('slower');
    const rec = JSON.parse(readFileSync(join(out, 'duel.json'), 'utf8'));
    expect(rec.mode).toBe('duet');
    expect(rec.protocols).toEqual({ a: 2, b: 2 });
    expect(rec.pairs.every((p: { order: string }) => p.order === 'duet')).toBe(true);
    expect(rec.isolation.cpusA).not.toEqual(rec.isolation.cpusB);
  }, 300_000);

  it('the same agent on both sides is not called different', async () => {
    const out = join(dir, 'aa');
    const r = await duel([
      '--a',
      AGENT_FROM_SOURCE,
      '--b',
      AGENT_FROM_SOURCE,
      '--only',
      'cpu.int',
      '--rounds',
      '6',
      '--round-seconds',
      '0.3',
      '--seed',
      '4',
      '--noise',
      '10%',
      '--out',
      out,
    ]);
    console.log(r.stdout);
    expect(r.code, r.stderr).toBe(0);
    expect(['same', 'inconclusive']).toContain(rowOf(out).verdict);
  }, 300_000);
});
