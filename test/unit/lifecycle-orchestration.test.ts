/**
 * `virtax lifecycle`'s orchestration on fake launchers and a fake clock (test/helpers/fake-launcher.ts): the
 * figures it records equal what the fakes were told, rounds are interleaved in a seeded order, a platform that
 * cannot launch is skipped with its reason, a failing start ends only its own figures, every instance is stopped,
 * and the files are ordinary results files that compare reads.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { asResultsFile } from '../../src/results/io.js';
import { runLifecycle, type LifecycleEvent, type LifecycleOptions } from '../../src/probes/lifecycle/run.js';
import { lifecycleSession, parseInstances } from '../../src/probes/lifecycle/session.js';
import { formatLifecycleSummary, lifecycleRow } from '../../src/probes/lifecycle/summary.js';
import { parseLauncherSpec } from '../../src/probes/lifecycle/script.js';
import { compareRunSets } from '../../src/stats/compare.js';
import { buildReportModel } from '../../src/report/model.js';
import type { ResultsFile, WorkloadOk } from '../../src/types.js';
import { runCli } from '../helpers/cli.js';
import { fakeHost } from '../helpers/fake-executor.js';
import { FakeHost, FakeLauncher, type FakePlatform } from '../helpers/fake-launcher.js';

const MiB = 2 ** 20;

const scratch: string[] = [];
function scratchDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'virtax-life-'));
  scratch.push(d);
  return d;
}
afterAll(() => {
  for (const d of scratch) rmSync(d, { recursive: true, force: true });
});

const platforms: FakePlatform[] = [
  { name: 'process', startMs: 2, stopMs: 2, perInstanceBytes: 0.5 * MiB },
  { name: 'sandbox', startMs: 300, nodeMs: 900, stopMs: 40, perInstanceBytes: 20 * MiB, fixedBytes: 6 * MiB },
];

function options(host: FakeHost, launchers: FakeLauncher[], over: Partial<LifecycleOptions> = {}): LifecycleOptions {
  return {
    launchers,
    rounds: 3,
    instances: [1, 4, 16],
    node: true,
    seed: 7,
    labelOf: (p) => `${p}-lifecycle`,
    host: fakeHost,
    toolVersion: '0.0.0-test',
    probe: host,
    settleMs: 10,
    ...over,
  };
}

function ok(f: ResultsFile, id: string): WorkloadOk {
  const w = f.workloads.find((x) => x.id === id);
  if (!w || w.status !== 'ok') throw new Error(`${id} is ${w ? `${w.status}: ${w.reason}` : 'missing'}`);
  return w;
}

describe('lifecycle orchestration on fakes', () => {
  it('records the start, stop, node start, memory fit and density the fakes were given, in valid results files', async () => {
    const host = new FakeHost();
    const launchers = platforms.map((p) => new FakeLauncher(host, p));
    const files = await runLifecycle(options(host, launchers));
    expect(files.map((f) => f.label)).toEqual(['process-lifecycle', 'sandbox-lifecycle']);
    for (const f of files) asResultsFile(JSON.parse(JSON.stringify(f)), f.label);
    const sandbox = files[1] as ResultsFile;
    expect(sandbox.config.suite).toBe('lifecycle');
    expect(sandbox.finishedAt).not.toBeNull();
    expect(ok(sandbox, 'life.start').rounds.map((r) => r.figure)).toEqual([300, 300, 300]);
    expect(ok(sandbox, 'life.start').rounds[0]?.samples).toEqual([300]);
    expect(ok(sandbox, 'life.start-node').summary.median).toBe(900);
    // Stop: processes die 40 ms after the ask; the 2 ms poll sees it at once.
    expect(ok(sandbox, 'life.stop').summary.median).toBe(40);
    const mem = ok(sandbox, 'life.memory');
    expect(mem.category).toBe('lifecycle');
    expect(mem.unit).toBe('MiB');
    expect(mem.rounds.map((r) => r.figure)).toEqual([20, 20, 20].map((x) => expect.closeTo(x, 9)));
    const fit = mem.extra?.fit as {
      fixedMiB: { point: number; lo: number; hi: number };
      perInstanceMiB: { point: number };
      points: number;
    };
    expect(fit.fixedMiB.point).toBeCloseTo(6, 9);
    expect(fit.perInstanceMiB.point).toBeCloseTo(20, 9);
    expect(fit.points).toBe(9);
    expect(mem.params).toMatchObject({ instances: [1, 4, 16] });
    expect(mem.extra?.platform).toEqual({ name: 'sandbox', fake: true, mem: '64M' });
    expect((mem.extra?.points as { instances: number; pssBytes: number }[]).slice(0, 3)).toEqual([
      expect.objectContaining({ instances: 1, pssBytes: 26 * MiB }),
      expect.objectContaining({ instances: 4, pssBytes: 86 * MiB }),
      expect.objectContaining({ instances: 16, pssBytes: 326 * MiB }),
    ]);
    expect(ok(sandbox, 'life.density').summary.median).toBeCloseTo(1024 / 20, 9);
    expect(ok(sandbox, 'life.density').better).toBe('higher');
    expect(ok(files[0] as ResultsFile, 'life.memory').summary.median).toBeCloseTo(0.5, 9);
    // Every instance was stopped, every launcher disposed.
    expect(host.alive()).toEqual([]);
    expect(launchers.every((l) => l.disposed)).toBe(true);
    // 3 rounds x (1 start + 1 node start + 16 memory instances) per platform.
    expect(launchers[1]?.starts.length).toBe(3 * 18);
    const row = lifecycleRow(sandbox);
    expect(row).toMatchObject({ platform: 'sandbox', startMs: { median: 300 }, stopMs: { median: 40 } });
    expect(formatLifecycleSummary(files)).toMatch(/sandbox\s+300\.0 \(300\.0-300\.0\)/);
  });

  it('interleaves the platforms round by round in an order the seed fixes', async () => {
    const orderOf = async (seed: number) => {
      const host = new FakeHost();
      const events: LifecycleEvent[] = [];
      await runLifecycle({
        ...options(
          host,
          platforms.map((p) => new FakeLauncher(host, p)),
          { seed, rounds: 4 },
        ),
        onEvent: (e) => events.push(e),
      });
      return events.flatMap((e) => (e.type === 'task-start' ? [`${e.round}:${e.platform}:${e.task}`] : []));
    };
    const a = await orderOf(1);
    expect(await orderOf(1)).toEqual(a);
    for (let r = 1; r <= 4; r++) {
      const inRound = a.filter((x) => x.startsWith(`${r}:`));
      expect(inRound.sort()).toEqual([
        `${r}:process:memory`,
        `${r}:process:node`,
        `${r}:process:start`,
        `${r}:sandbox:memory`,
        `${r}:sandbox:node`,
        `${r}:sandbox:start`,
      ]);
    }
    // Rounds are in order: no task of round r+1 before one of round r.
    expect(a.map((x) => Number(x.split(':')[0]))).toEqual([...a.map((x) => Number(x.split(':')[0]))].sort((x, y) => x - y));
    const others = await Promise.all([2, 3, 4, 5].map(orderOf));
    expect(others.some((o) => o.join() !== a.join())).toBe(true);
  });

  it('skips a platform that cannot launch, with its reason, and measures the others', async () => {
    const host = new FakeHost();
    const launchers = [
      new FakeLauncher(host, platforms[0] as FakePlatform),
      new FakeLauncher(host, { ...(platforms[1] as FakePlatform), name: 'uml', unavailable: 'linux (User-Mode Linux) not found' }),
    ];
    const files = await runLifecycle(options(host, launchers, { node: false }));
    const uml = files[1] as ResultsFile;
    expect(uml.workloads.map((w) => [w.id, w.status])).toEqual([
      ['life.start', 'skipped'],
      ['life.stop', 'skipped'],
      ['life.memory', 'skipped'],
      ['life.density', 'skipped'],
    ]);
    expect(uml.workloads[0]).toMatchObject({ reason: 'linux (User-Mode Linux) not found' });
    expect(launchers[1]?.starts).toEqual([]);
    expect(ok(files[0] as ResultsFile, 'life.start').rounds).toHaveLength(3);
    expect((files[0] as ResultsFile).workloads.some((w) => w.id === 'life.start-node')).toBe(false);
    asResultsFile(JSON.parse(JSON.stringify(uml)), 'uml');
    expect(lifecycleRow(uml).missing['life.start']).toMatch(/skipped: linux/);
  });

  it('a start that fails ends only that figure, keeps its good rounds, and stops the instances a memory round had started', async () => {
    const host = new FakeHost();
    // Start number 20 of the sandbox falls inside a memory round (16 instances) in round 2 or later.
    const launchers = [new FakeLauncher(host, { ...(platforms[1] as FakePlatform), failStart: (n) => n === 20 })];
    const files = await runLifecycle(options(host, launchers, { node: false }));
    const f = files[0] as ResultsFile;
    const byId = Object.fromEntries(f.workloads.map((w) => [w.id, w]));
    const failed = Object.values(byId).filter((w) => w.status === 'failed');
    expect(failed.length).toBeGreaterThan(0);
    for (const w of failed) expect(w.status === 'failed' && w.reason).toMatch(/round \d: sandbox could not start instance 20/);
    // The figures of the other task went on for all rounds.
    const survivor = byId['life.start']?.status === 'ok' ? 'life.start' : 'life.memory';
    expect(ok(f, survivor).rounds).toHaveLength(3);
    expect(host.alive()).toEqual([]);
  });

  it('an instance that does not stop is a failed stop, and its processes are killed rather than left behind', async () => {
    const host = new FakeHost();
    const launchers = [new FakeLauncher(host, { ...(platforms[0] as FakePlatform), name: 'stuck', stopMs: Number.POSITIVE_INFINITY })];
    const files = await runLifecycle(options(host, launchers, { node: false, rounds: 1, stopTimeoutMs: 1000 }));
    const stop = (files[0] as ResultsFile).workloads.find((w) => w.id === 'life.stop');
    expect(stop).toMatchObject({ status: 'failed', reason: expect.stringMatching(/still there 1 s after asking/) });
    expect(host.killed.length).toBeGreaterThan(0);
    expect(host.alive()).toEqual([]);
  });

  it('writes one file per platform that compare reads: the slower, hungrier platform is worse on every figure', async () => {
    const dir = scratchDir();
    const host = new FakeHost();
    const made: FakeLauncher[] = [];
    const res = await lifecycleSession(
      {
        platforms: ['process', 'sandbox'],
        launchers: ['sandbox=/nonexistent/launcher.sh'],
        rounds: 4,
        instances: '1,2,4',
        out: dir,
        seed: 3,
        label: 'ci',
        settleMs: 0,
      },
      {
        fingerprint: async () => fakeHost,
        probe: host,
        launcherOf: (name) => {
          const l = new FakeLauncher(host, platforms.find((p) => p.name === name) as FakePlatform);
          made.push(l);
          return l;
        },
        interrupt: () => ({ signal: new AbortController().signal, dispose: () => {} }),
      },
    );
    expect(readdirSync(dir).sort()).toEqual(['ci-process.json', 'ci-sandbox.json']);
    expect(res.files.map((f) => f.file.label)).toEqual(['ci-process', 'ci-sandbox']);
    const read = (n: string) => asResultsFile(JSON.parse(readFileSync(join(dir, n), 'utf8')), n);
    const base = read('ci-process.json');
    const cand = read('ci-sandbox.json');
    // Identical rounds on each side give no spread: perturb the recorded figures by a known, small amount.
    for (const f of [base, cand])
      for (const w of f.workloads)
        if (w.status === 'ok')
          w.rounds.forEach((r, i) => {
            r.figure *= 1 + i * 0.01;
            r.samples = [r.figure];
          });
    const comparison = compareRunSets([base], [cand], { seed: 1, resamples: 1000 });
    const rows = Object.fromEntries(comparison.rows.map((r) => [r.id, r]));
    for (const id of ['life.start', 'life.stop', 'life.start-node', 'life.memory', 'life.density']) {
      const r = rows[id];
      expect(r?.status, id).toBe('compared');
      if (r?.status === 'compared') expect(r.verdict, id).toBe('slower');
    }
    // The report's host cards carry start time and memory per instance.
    const m = buildReportModel({
      files: [base, cand],
      baseline: 'ci-process',
      comparisons: [comparison],
      noisePct: 1,
      generatedAt: '2026-12-03T00:00:00.000Z',
      toolVersion: '0.0.0',
    });
    const card = m.hosts.find((h) => h.label === 'ci-sandbox');
    expect(card?.lifecycle?.startMs).toBe(300);
    expect(card?.lifecycle?.memoryPerInstanceMiB).toBeCloseTo(20, 9);
    expect(card?.suite).toBe('lifecycle');
  });
});

describe('lifecycle flags', () => {
  it('virtax run refuses to resume a lifecycle file', async () => {
    const host = new FakeHost();
    const [file] = await runLifecycle(options(host, [new FakeLauncher(host, platforms[0] as FakePlatform)], { rounds: 1 }));
    const path = join(scratchDir(), 'p.json');
    writeFileSync(path, JSON.stringify({ ...file, finishedAt: null }));
    const r = await runCli(['run', '--resume', path]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/is a virtax lifecycle file, not a run/);
  });

  it('parses instance counts and launcher specs, refusing what cannot be fitted or named', () => {
    expect(parseInstances(undefined)).toEqual([1, 4, 16]);
    expect(parseInstances('4,1,16')).toEqual([1, 4, 16]);
    expect(() => parseInstances('4')).toThrow(/two different counts/);
    expect(() => parseInstances('1,x')).toThrow(/instance counts/);
    expect(() => parseInstances('0,2')).toThrow(/from 1 to 256/);
    expect(parseLauncherSpec('docker=./d.sh')).toEqual({ name: 'docker', script: './d.sh' });
    expect(() => parseLauncherSpec('=./d.sh')).toThrow(/NAME=SCRIPT/);
    expect(() => parseLauncherSpec('Docker=./d.sh')).toThrow(/NAME=SCRIPT/);
  });

  it('exits 2 with one line for bad usage, before launching anything', async () => {
    for (const [argv, msg] of [
      [['lifecycle'], /--platform: name at least one/],
      [['lifecycle', '--platform', 'qemu'], /--platform qemu: not a built-in platform/],
      [['lifecycle', '--platform', 'process', '--instances', '4'], /two different counts/],
      [['lifecycle', '--platform', 'process', 'gvisor', '--out', 'x.json'], /one file holds one platform/],
      [['lifecycle', '--launcher', 'process=./x.sh'], /built-in platform/],
      [['lifecycle', '--platform', 'process', '--rounds', '0'], /--rounds/],
      [['lifecycle', '--platform', 'uml', '--uml-mem', 'lots'], /--uml-mem/],
    ] as const) {
      const r = await runCli([...argv]);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.err.trim().split('\n')).toHaveLength(1);
      expect(r.err).toMatch(msg);
    }
  });
});
