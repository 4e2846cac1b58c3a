/**
 * The duel against scripted agents: deterministic figures (so the paired estimate is known exactly) and
 * agents that die, hang, answer garbage or speak another version. No clock in any assertion.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadResults } from '../../src/results/io.js';
import type { Comparison } from '../../src/stats/types.js';
import { VERSION } from '../../src/version.js';

const dir = mkdtempSync(join(tmpdir(), 'virtax-duel-test-'));
const fake = join(dir, 'fake-agent.mjs');
writeFileSync(
  fake,
  `import { appendFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
const opt = JSON.parse(process.argv[2]);
const drift = [100, 60, 140, 80, 120, 90, 110, 70];
const host = { hostname: 'fake', platform: 'metal', hypervisor: null, container: null, evidence: [], cloud: null,
  cpu: { model: 'fake cpu', cores: 2, threads: 2, mhz: 0, flags: { aes: false, sha: false, rdrand: false, avx2: false, avx512: false } },
  clocksource: 'tsc', kernel: 'k', os: 'os', memoryBytes: 1024, numaNodes: 1 };
let rounds = 0;
createInterface({ input: process.stdin }).on('line', (line) => {
  const o = JSON.parse(line);
  const reply = (x) => process.stdout.write(JSON.stringify({ v: 1, id: o.id, ok: true, ...x }) + '\\n');
  if (o.op === 'hello') return reply({ protocol: opt.protocol ?? 1, tool: { name: 'virtax', version: opt.version, node: process.version }, pid: process.pid });
  if (o.op === 'fingerprint') return reply({ fingerprint: host });
  if (o.op === 'quit') { reply({ bye: true }); process.exit(0); }
  if (opt.seedLog) appendFileSync(opt.seedLog, JSON.stringify({ workload: o.workload, seed: o.seed ?? null }) + '\\n');
  if (o.workload === opt.skip) return reply({ result: { status: 'skipped', reason: 'cannot measure here' }, loadAvg1: 0 });
  if (rounds === opt.dieAfter) { process.stderr.write('fake agent: dying on purpose\\n'); process.exit(3); }
  if (rounds === opt.hangAfter) return;
  if (rounds === opt.garbageAfter) return void process.stdout.write('this is not json\\n');
  const f = drift[rounds % drift.length] * opt.factor * (opt.jitter ? opt.jitter[rounds % opt.jitter.length] : 1);
  rounds++;
  const send = () => reply({ result: { status: 'ok', params: { fake: true }, outcome: { round: { figure: f, operations: f, seconds: 1, samples: [f, f], stealPct: null } } }, loadAvg1: 0 });
  opt.delayMs ? setTimeout(send, opt.delayMs) : send();
});
`,
);

const agent = (o: Record<string, unknown>) => `node ${fake} '${JSON.stringify({ version: VERSION, factor: 1, ...o })}'`;

function duel(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, ['--import', 'tsx', 'src/cli/run-cli.ts', 'duel', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const json = <T>(path: string) => JSON.parse(readFileSync(path, 'utf8')) as T;

describe('virtax duel with scripted agents', () => {
  it('pairs rounds so drift cancels: a half-speed B reads +100%, slower with 6 pairs; with 4 pairs the table says why there is no verdict', async () => {
    const out = join(dir, 'ok');
    const jitter = [1, 1.01, 0.99, 1.005, 0.995, 1.002];
    const r = await duel([
      '--a',
      agent({}),
      '--b',
      agent({ factor: 0.5, jitter }),
      '--label-a',
      'host',
      '--label-b',
      'half',
      '--only',
      'cpu',
      '--rounds',
      '6',
      '--seed',
      '3',
      '--out',
      out,
    ]);
    expect(r.stderr).toMatch(/duel finished/);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/cpu\.int .*\+\d+\.\d% \[\+9\d\.\d, \+10\d\.\d\] .*slower/);
    expect(r.stdout).toMatch(/cpu\.float .*\+\d+\.\d%/);
    const few = await duel([
      '--a',
      agent({}),
      '--b',
      agent({ factor: 0.5, jitter }),
      '--only',
      'cpu.int',
      '--rounds',
      '4',
      '--seed',
      '3',
      '--out',
      join(dir, 'few'),
    ]);
    expect(few.stdout).toMatch(/cpu\.int .*inconclusive/);
    expect(few.stdout).toMatch(/cannot reach p <= 0\.05 with these counts \(smallest possible p 0\.125\)/);
    const a = loadResults(join(out, 'a.json'));
    const b = loadResults(join(out, 'b.json'));
    expect(a.label).toBe('host');
    expect(b.workloads.map((w) => (w.status === 'ok' ? w.rounds.length : 0))).toEqual([6, 6]);
    expect(a.finishedAt).not.toBeNull();
    const c = json<Comparison>(join(out, 'comparison.json'));
    expect(c.schema).toBe('virtax.comparison/v1');
    expect(c.rows.map((row) => row.status === 'compared' && row.verdict)).toEqual(['slower', 'slower']);
    const d = json<{ pairs: { order: string; workloadId: string }[]; seed: number }>(join(out, 'duel.json'));
    expect(d.pairs).toHaveLength(12);
    expect(new Set(d.pairs.map((p) => p.order))).toEqual(new Set(['AB', 'BA']));
    // Same seed, same schedule.
    const again = await duel([
      '--a',
      agent({}),
      '--b',
      agent({ factor: 0.5, jitter }),
      '--only',
      'cpu',
      '--rounds',
      '6',
      '--seed',
      '3',
      '--out',
      join(dir, 'ok2'),
      '--json',
    ]);
    expect(json<{ pairs: unknown }>(join(dir, 'ok2', 'duel.json')).pairs).toEqual(d.pairs);
    expect((JSON.parse(again.stdout) as Comparison).rows).toHaveLength(2);
  });

  it('both rounds of a pair get the same round seed; pairs and workloads get different ones', async () => {
    const out = join(dir, 'seeds');
    const logA = join(dir, 'seeds-a.jsonl');
    const logB = join(dir, 'seeds-b.jsonl');
    const r = await duel([
      '--a',
      agent({ seedLog: logA }),
      '--b',
      agent({ seedLog: logB }),
      '--only',
      'cpu.int',
      'sys.stat',
      '--rounds',
      '3',
      '--seed',
      '5',
      '--out',
      out,
    ]);
    expect(r.code, r.stderr).toBe(0);
    const read = (p: string) =>
      readFileSync(p, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { workload: string; seed: number | null });
    const a = read(logA);
    const b = read(logB);
    expect(a).toHaveLength(6);
    const seedsOf = (xs: typeof a, w: string) => xs.filter((x) => x.workload === w).map((x) => x.seed);
    for (const w of ['cpu.int', 'sys.stat']) {
      expect(seedsOf(a, w)).toEqual(seedsOf(b, w));
      expect(new Set(seedsOf(a, w)).size).toBe(3);
      for (const s of seedsOf(a, w)) expect(Number.isSafeInteger(s)).toBe(true);
    }
    expect(seedsOf(a, 'cpu.int')).not.toEqual(seedsOf(a, 'sys.stat'));
  });

  it('a workload one side skips is not run on the other, whose file says why (not "the duel ended")', async () => {
    const out = join(dir, 'skip');
    // Seed 3 orders cpu.int's first pair BA: B skips it before A would run it.
    const r = await duel([
      '--a',
      agent({}),
      '--b',
      agent({ skip: 'cpu.int' }),
      '--only',
      'cpu',
      '--rounds',
      '3',
      '--seed',
      '3',
      '--out',
      out,
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(
      json<{ pairs: { order: string; workloadId: string }[] }>(join(out, 'duel.json')).pairs.find((p) => p.workloadId === 'cpu.int')?.order,
    ).toBe('BA');
    const a = loadResults(join(out, 'a.json')).workloads.find((w) => w.id === 'cpu.int');
    const b = loadResults(join(out, 'b.json')).workloads.find((w) => w.id === 'cpu.int');
    expect(b).toMatchObject({ status: 'skipped', reason: 'cannot measure here' });
    expect(a).toMatchObject({ status: 'skipped', reason: 'not run: side B skipped it (cannot measure here)' });
    const rows = json<Comparison>(join(out, 'comparison.json')).rows;
    expect(rows.find((row) => row.id === 'cpu.float')?.status).toBe('compared');
    expect(rows.find((row) => row.id === 'cpu.int')?.status).toBe('not-compared');
  });

  it('an agent that dies ends the duel with exit 1 and keeps the measured rounds', async () => {
    const out = join(dir, 'die');
    const r = await duel([
      '--a',
      agent({}),
      '--b',
      agent({ dieAfter: 2 }),
      '--only',
      'cpu.int',
      '--rounds',
      '6',
      '--seed',
      '1',
      '--out',
      out,
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/side B: agent exited \(code 3\); its last log line: fake agent: dying on purpose/);
    expect(r.stderr).toMatch(/measured rounds kept in/);
    const b = loadResults(join(out, 'b.json'));
    const a = loadResults(join(out, 'a.json'));
    expect(b.finishedAt).toBeNull();
    expect(b.workloads[0]?.status === 'ok' && b.workloads[0].rounds.length).toBe(2);
    expect(a.workloads[0]?.status === 'ok' && a.workloads[0].rounds.length).toBeGreaterThanOrEqual(2);
    expect(b.conditions.notes.join(' ')).toMatch(/duel ended early/);
  });

  it('an agent that hangs is timed out (exit 1)', async () => {
    const r = await duel([
      '--a',
      agent({ hangAfter: 1 }),
      '--b',
      agent({}),
      '--only',
      'cpu.int',
      '--rounds',
      '3',
      '--timeout',
      '1',
      '--out',
      join(dir, 'hang'),
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/side A: no reply to "round" within 1 s/);
  });

  it('an agent that answers garbage ends the duel (exit 1)', async () => {
    const r = await duel([
      '--a',
      agent({}),
      '--b',
      agent({ garbageAfter: 0 }),
      '--only',
      'cpu.int',
      '--rounds',
      '3',
      '--out',
      join(dir, 'garbage'),
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/side B: answered something that is not JSON: this is not json/);
  });

  it('refuses sides that are another version, or cannot start (exit 2)', async () => {
    const v = await duel(['--a', agent({}), '--b', agent({ version: '0.0.1' }), '--only', 'cpu.int', '--out', join(dir, 'v')]);
    expect(v.code).toBe(2);
    expect(v.stderr).toMatch(/side B \("B"\) is virtax 0\.0\.1, this duel is virtax/);
    const p = await duel(['--a', agent({ protocol: 3 }), '--b', agent({}), '--only', 'cpu.int', '--out', join(dir, 'p')]);
    expect(p.code).toBe(2);
    expect(p.stderr).toMatch(/speaks agent protocol 3/);
    // A v1 agent is served interleaved (every other test here), but cannot duet.
    const d = await duel([
      '--mode',
      'duet',
      '--cpus-a',
      '0',
      '--cpus-b',
      '1',
      '--a',
      agent({}),
      '--b',
      agent({}),
      '--only',
      'cpu.int',
      '--out',
      join(dir, 'd'),
    ]);
    expect(d.code).toBe(2);
    expect(d.stderr).toMatch(/side A \("A"\) speaks agent protocol 1 only; a duet needs protocol 2 on both sides/);
    const n = await duel(['--a', 'no-such-command-virtax', '--b', agent({}), '--only', 'cpu.int', '--out', join(dir, 'n')]);
    expect(n.code).toBe(2);
    expect(n.stderr).toMatch(/could not start the duel: side A: agent exited \(code 127\)/);
    const u = await duel(['--a', agent({}), '--b', agent({}), '--rounds', 'lots']);
    expect(u.code).toBe(2);
    expect(u.stderr).toMatch(/--rounds: expected auto or a whole number/);
  });

  it('--rounds auto stops once every interval is narrow, or when the budget is spent', async () => {
    const out = join(dir, 'auto');
    const r = await duel([
      '--a',
      agent({}),
      '--b',
      agent({ factor: 0.8 }),
      '--only',
      'cpu.int',
      '--rounds',
      'auto',
      '--target',
      '1%',
      '--seed',
      '2',
      '--out',
      out,
    ]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/stopped: every interval narrower than ±1%/);
    expect(json<{ pairs: unknown[] }>(join(out, 'duel.json')).pairs).toHaveLength(5);
    const b = await duel([
      '--a',
      agent({ delayMs: 300 }),
      '--b',
      agent({ delayMs: 300 }),
      '--only',
      'cpu.int',
      '--rounds',
      'auto',
      '--budget',
      '1',
      '--max-rounds',
      '50',
      '--out',
      join(dir, 'budget'),
    ]);
    expect(b.code).toBe(0);
    expect(b.stderr).toMatch(/stopped: time budget of 1 s spent/);
    expect(json<{ pairs: unknown[] }>(join(dir, 'budget', 'duel.json')).pairs.length).toBeLessThan(50);
  });
});
