/**
 * The runner with a deterministic fake Executor: seeded round-major schedule, skipped and failed workloads,
 * a checkpoint after every round, abort leaving a partial file, and resume completing it.
 */
import { describe, expect, it } from 'vitest';
import type { Executor } from '../../src/probes/engine/executor.js';
import { runProbe, schedule, type RunOptions } from '../../src/probes/engine/runner.js';
import { asResultsFile } from '../../src/results/io.js';
import type { ResultsFile } from '../../src/types.js';
import type { AnyWorkload } from '../../src/workloads/types.js';
import { FakeExecutor, fakeHost } from '../helpers/fake-executor.js';

const host = fakeHost;

function workload(id: string): AnyWorkload {
  return {
    id,
    category: 'cpu',
    title: id,
    unit: 'Mops/s',
    better: 'higher',
    stresses: 'nothing',
    figure: { kind: 'rate', scale: 1e-6 },
    params: () => ({ n: 1 }),
    setup: () => ({}),
    batch: () => {},
  };
}

const ids = ['cpu.a', 'cpu.b', 'cpu.c', 'cpu.d'];
const workloads = ids.map(workload);
let clockMs = Date.parse('2026-11-25T10:00:00Z');

function options(executor: Executor, extra: Partial<RunOptions> = {}): RunOptions {
  return {
    suite: 'quick',
    rounds: 3,
    seed: 1234,
    label: 'fake',
    onlyIds: null,
    host,
    toolVersion: '0.0.0-test',
    executor,
    ctx: { peer: null, scratchDir: '/nonexistent', ioDir: '/nonexistent' },
    now: () => new Date((clockMs += 1000)),
    ...extra,
  };
}

describe('schedule', () => {
  it('is reproducible from the seed and differs across seeds', () => {
    expect(schedule(ids, 5, 99)).toEqual(schedule(ids, 5, 99));
    expect(schedule(ids, 5, 99)).not.toEqual(schedule(ids, 5, 100));
  });

  it('is round-major: every block of n holds each workload once, shuffled afresh', () => {
    const s = schedule(ids, 6, 7);
    expect(s).toHaveLength(24);
    const blocks = [0, 1, 2, 3, 4, 5].map((r) => s.slice(4 * r, 4 * r + 4));
    for (const b of blocks) expect([...b].sort()).toEqual(ids);
    expect(new Set(blocks.map((b) => b.join())).size).toBeGreaterThan(1);
  });
});

describe('runProbe with a fake executor', () => {
  it('runs the seeded schedule and writes a valid finished file', async () => {
    const ex = new FakeExecutor();
    const file = await runProbe(workloads, options(ex));
    expect(ex.calls).toEqual(schedule(ids, 3, 1234));
    expect(file.finishedAt).not.toBeNull();
    expect(file.config).toMatchObject({ suite: 'quick', rounds: 3, seed: 1234 });
    for (const w of file.workloads) {
      expect(w.status).toBe('ok');
      if (w.status === 'ok') {
        expect(w.rounds.map((r) => r.operations)).toEqual([1000, 2000, 3000]);
        expect(w.summary.rounds).toBe(3);
        expect(w.summary.median).toBe(200);
      }
    }
    expect(() => asResultsFile(JSON.parse(JSON.stringify(file)), 'run.json')).not.toThrow();
  });

  it('records skipped and failed workloads with their reason and goes on', async () => {
    const ex = new FakeExecutor((id, n) => (id === 'cpu.b' ? 'skipped' : id === 'cpu.c' && n === 2 ? 'failed' : 'ok'));
    const file = await runProbe(workloads, options(ex));
    const byId = Object.fromEntries(file.workloads.map((w) => [w.id, w]));
    expect(byId['cpu.b']).toMatchObject({ status: 'skipped', reason: 'cpu.b needs /dev/fake' });
    expect(byId['cpu.c']).toMatchObject({ status: 'failed', reason: 'cpu.c crashed in round 2 (after 1 good rounds)' });
    expect(byId['cpu.a']!.status).toBe('ok');
    expect(byId['cpu.d']!.status).toBe('ok');
    // A skipped or failed workload is not asked again; the others run all their rounds.
    expect(ex.calls.filter((c) => c === 'cpu.b')).toHaveLength(1);
    expect(ex.calls.filter((c) => c === 'cpu.c')).toHaveLength(2);
    expect(ex.calls.filter((c) => c === 'cpu.a')).toHaveLength(3);
    expect(() => asResultsFile(JSON.parse(JSON.stringify(file)), 'run.json')).not.toThrow();
  });

  it('checkpoints after every round it runs, each a valid in-progress file', async () => {
    const snapshots: ResultsFile[] = [];
    const ex = new FakeExecutor();
    await runProbe(workloads, options(ex, { checkpoint: (f) => snapshots.push(JSON.parse(JSON.stringify(f)) as ResultsFile) }));
    expect(snapshots).toHaveLength(12);
    snapshots.forEach((s, i) => {
      expect(s.finishedAt).toBeNull();
      const rounds = s.workloads.reduce((n, w) => n + (w.status === 'ok' ? w.rounds.length : 0), 0);
      expect(rounds).toBe(i + 1);
      expect(() => asResultsFile(s, `checkpoint ${i}`)).not.toThrow();
    });
  });

  async function interrupted(afterCalls: number): Promise<{ partial: ResultsFile; last: ResultsFile | null }> {
    const ac = new AbortController();
    let last: ResultsFile | null = null;
    // Abort while the (afterCalls+1)-th round is being measured: that round is discarded, not a failure.
    const ex = new FakeExecutor(undefined, (_id, k) => {
      if (k === afterCalls + 1) ac.abort();
    });
    const partial = await runProbe(
      workloads,
      options(ex, { signal: ac.signal, checkpoint: (f) => (last = JSON.parse(JSON.stringify(f)) as ResultsFile) }),
    );
    return { partial: JSON.parse(JSON.stringify(partial)) as ResultsFile, last };
  }

  it('a round that dies of the same Ctrl-C before our handler aborts is not recorded as a failure', async () => {
    const ac = new AbortController();
    // The 4th round "fails" (its process got the SIGINT first); the run's own abort lands a moment later.
    const ex = new FakeExecutor(
      (_id, n) => 'ok',
      (_id, k) => {
        if (k === 4) setTimeout(() => ac.abort(), 5);
      },
    );
    const failing: Executor = {
      runRound: async (req) => {
        const r = await ex.runRound(req);
        return ex.calls.length === 4 ? { status: 'failed', reason: 'could not start a round process: write EPIPE' } : r;
      },
    };
    const partial = JSON.parse(JSON.stringify(await runProbe(workloads, options(failing, { signal: ac.signal })))) as ResultsFile;
    expect(partial.finishedAt).toBeNull();
    expect(partial.workloads.filter((w) => w.status === 'failed')).toEqual([]);
  });

  it('an abort mid-run leaves a partial file with the finished rounds only', async () => {
    const { partial, last } = await interrupted(6);
    expect(partial.finishedAt).toBeNull();
    expect(partial.conditions.loadAvg1End).toBeNull();
    const rounds = partial.workloads.reduce((n, w) => n + (w.status === 'ok' ? w.rounds.length : 0), 0);
    expect(rounds).toBe(6);
    expect(partial.workloads.every((w) => w.status === 'ok')).toBe(true);
    expect(partial.workloads).toEqual(last!.workloads);
    expect(() => asResultsFile(partial, 'partial.json')).not.toThrow();
  });

  it('an abort in the first round does not mark unstarted workloads failed', async () => {
    const { partial } = await interrupted(2);
    expect(partial.workloads.map((w) => w.status)).toEqual(['ok', 'ok']);
    expect(partial.workloads.map((w) => w.id).sort()).toEqual(schedule(ids, 3, 1234).slice(0, 2).sort());
  });

  for (const at of [2, 6, 11]) {
    it(`resume after ${at} rounds completes exactly the configured rounds with the same id and seed`, async () => {
      const { partial } = await interrupted(at);
      const ex = new FakeExecutor();
      const resumed = await runProbe(workloads, options(ex, { resume: partial, rounds: 99, seed: 1 }));
      expect(resumed.id).toBe(partial.id);
      expect(resumed.config.seed).toBe(1234);
      expect(resumed.config.rounds).toBe(3);
      expect(resumed.startedAt).toBe(partial.startedAt);
      expect(resumed.finishedAt).not.toBeNull();
      expect(ex.calls).toEqual(schedule(ids, 3, 1234).slice(at));
      for (const w of resumed.workloads) {
        expect(w.status).toBe('ok');
        if (w.status === 'ok') expect(w.rounds).toHaveLength(3);
      }
      expect(resumed.conditions.notes.some((n) => n.startsWith('resumed at '))).toBe(true);
      expect(() => asResultsFile(JSON.parse(JSON.stringify(resumed)), 'resumed.json')).not.toThrow();
    });
  }

  it('resume keeps skipped workloads skipped without asking again', async () => {
    const ac = new AbortController();
    const ex1 = new FakeExecutor(
      (id) => (id === 'cpu.b' ? 'skipped' : 'ok'),
      (_id, k) => k === 7 && ac.abort(),
    );
    const partial = JSON.parse(JSON.stringify(await runProbe(workloads, options(ex1, { signal: ac.signal })))) as ResultsFile;
    const ex2 = new FakeExecutor();
    const done = await runProbe(workloads, options(ex2, { resume: partial }));
    expect(ex2.calls).not.toContain('cpu.b');
    expect(done.workloads.find((w) => w.id === 'cpu.b')).toMatchObject({ status: 'skipped', reason: 'cpu.b needs /dev/fake' });
  });
});
