/**
 * `virtax run` as a library (src/probes/run/run.ts) on a fake executor, fingerprint, peer, Ctrl-C and clock: what the
 * orchestration decides (resume refusals, the loopback peer only for network workloads, exit status, replicate
 * runs, checkpoints written atomically) without measuring anything or starting a process.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import type { Interrupt } from '../../src/proc/interrupt.js';
import { schedule } from '../../src/probes/engine/runner.js';
import { loadResults, saveResults } from '../../src/results/io.js';
import { runOnce, runOutPath, runReplicates, type RunDeps } from '../../src/probes/run/run.js';
import type { ResultsFile } from '../../src/types.js';
import { FakeExecutor, fakeHost } from '../helpers/fake-executor.js';

const dir = mkdtempSync(join(tmpdir(), 'virtax-run-lib-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
/** A fresh directory per test: its listing shows every file a run left behind. */
const fresh = () => mkdtempSync(join(dir, 't'));

interface Fakes extends RunDeps {
  executor: FakeExecutor;
  abort: () => void;
  peers: { started: number; stopped: number };
  disposed: () => number;
}

function fakes(executor = new FakeExecutor()): Fakes {
  const ac = new AbortController();
  let disposed = 0;
  let clock = Date.parse('2026-11-25T10:00:00Z');
  const peers = { started: 0, stopped: 0 };
  return {
    executor,
    fingerprint: async () => fakeHost,
    startPeer: async () => {
      peers.started++;
      return { host: '127.0.0.1', port: 4242, stop: async () => void peers.stopped++ };
    },
    interrupt: (): Interrupt => ({ signal: ac.signal, dispose: () => void disposed++ }),
    now: () => new Date((clock += 1000)),
    abort: () => ac.abort(),
    peers,
    disposed: () => disposed,
  };
}

const okRounds = (f: ResultsFile) => f.workloads.reduce((k, w) => k + (w.status === 'ok' ? w.rounds.length : 0), 0);

describe('runOnce with fakes', () => {
  it('runs the selected workloads on the injected executor and host, in the seeded order, and writes a finished file', async () => {
    const d = fresh();
    const out = join(d, 'run.json');
    const f = fakes();
    const r = await runOnce({ only: ['cpu.int', 'cpu.float'], rounds: 3, seed: 7, out }, f);
    expect(r.interrupted).toBe(false);
    expect(r.out).toBe(out);
    expect(f.executor.calls).toEqual(schedule(['cpu.int', 'cpu.float'], 3, 7));
    const file = loadResults(out);
    expect(file.finishedAt).not.toBeNull();
    expect(file.label).toBe('vm-fake'); // <platform>-<hostname> of the injected fingerprint
    expect(file.host).toEqual(fakeHost);
    expect(file.config).toMatchObject({ suite: 'quick', rounds: 3, seed: 7, onlyIds: ['cpu.int', 'cpu.float'], peer: null });
    expect(file.startedAt).toBe('2026-11-25T10:00:01.000Z');
    expect(f.disposed()).toBe(1);
  });

  it('writes every checkpoint atomically: at each round the file on disk is a valid file holding the rounds before it, no temporary file left', async () => {
    const d = fresh();
    const out = join(d, 'ck.json');
    const seen: string[][] = [];
    const executor = new FakeExecutor(undefined, (_id, k) => {
      seen.push(readdirSync(d));
      if (k > 1) expect(okRounds(loadResults(out))).toBe(k - 1);
    });
    await runOnce({ only: ['cpu.int', 'sys.clock'], rounds: 2, seed: 1, out }, fakes(executor));
    expect(seen[0]).toEqual([]);
    for (const listing of seen.slice(1)) expect(listing).toEqual([basename(out)]);
    expect(readdirSync(d)).toEqual([basename(out)]);
    expect(okRounds(loadResults(out))).toBe(4);
  });

  it('Ctrl-C keeps the measured rounds in an unfinished file; resume completes it with the same id and seed', async () => {
    const d = fresh();
    const out = join(d, 'int.json');
    const f = fakes(new FakeExecutor(undefined, (_id, k) => k === 4 && f.abort()));
    const r = await runOnce({ only: ['cpu.int', 'cpu.float'], rounds: 3, seed: 11, out }, f);
    expect(r.interrupted).toBe(true);
    const partial = loadResults(out);
    expect(partial.finishedAt).toBeNull();
    expect(okRounds(partial)).toBe(3);
    const again = fakes();
    const done = await runOnce({ resume: out }, again);
    expect(done.out).toBe(out);
    expect(again.executor.calls).toEqual(schedule(['cpu.int', 'cpu.float'], 3, 11).slice(3));
    const file = loadResults(out);
    expect(file.finishedAt).not.toBeNull();
    expect(file.id).toBe(partial.id);
    expect(file.config.seed).toBe(11);
    expect(okRounds(file)).toBe(6);
  });

  it('refuses to resume a finished run, and flags that would change the run being resumed, before anything runs', async () => {
    const d = fresh();
    const out = join(d, 'done.json');
    await runOnce({ only: ['cpu.int'], rounds: 1, seed: 2, out }, fakes());
    const finished = loadResults(out);
    const f = fakes();
    await expect(runOnce({ resume: out }, f)).rejects.toThrow(
      new InputError(`--resume ${out}: that run already finished at ${finished.finishedAt}; nothing to resume (start a new run instead)`),
    );
    saveResults(out, { ...finished, finishedAt: null });
    await expect(runOnce({ resume: out, rounds: 5, seed: 3, label: 'x' }, f)).rejects.toThrow(
      `--resume ${out} continues that run with its own suite (quick), workloads, rounds (1), seed, label and file: drop --rounds, --seed, --label`,
    );
    expect(f.executor.calls).toEqual([]);
    expect(f.peers.started).toBe(0);
  });

  it('a corrupt file to resume is an InputError naming it', async () => {
    const bad = join(fresh(), 'corrupt.json');
    writeFileSync(bad, '{"schema":"virtax.results/v1","id":');
    await expect(runOnce({ resume: bad }, fakes())).rejects.toThrow(`${bad}: not valid JSON`);
  });

  it('starts a loopback peer only when a network workload runs without --peer, gives it to the rounds, and stops it', async () => {
    const d = fresh();
    const cpu = fakes();
    await runOnce({ only: ['cpu.int'], rounds: 1, seed: 1, out: join(d, 'cpu.json') }, cpu);
    expect(cpu.peers.started).toBe(0);
    expect(cpu.executor.requests.every((q) => q.ctx.peer === null)).toBe(true);

    const net = fakes();
    await runOnce({ only: ['net.tcp-rtt', 'cpu.int'], rounds: 1, seed: 1, out: join(d, 'net.json') }, net);
    expect(net.peers).toEqual({ started: 1, stopped: 1 });
    expect(net.executor.requests.map((q) => q.ctx.peer)).toEqual([
      { host: '127.0.0.1', port: 4242, kind: 'loopback' },
      { host: '127.0.0.1', port: 4242, kind: 'loopback' },
    ]);
    expect(loadResults(join(d, 'net.json')).config.peer).toBe('loopback (127.0.0.1:4242)');

    const remote = fakes();
    await runOnce({ only: ['net.tcp-rtt'], rounds: 1, seed: 1, peer: '10.0.0.2:7878', out: join(d, 'remote.json') }, remote);
    expect(remote.peers.started).toBe(0);
    expect(remote.executor.requests[0]!.ctx.peer).toEqual({ host: '10.0.0.2', port: 7878, kind: 'remote' });
  });

  it('--peer with no network workload is refused: the peer would never be contacted', async () => {
    const f = fakes();
    await expect(runOnce({ only: ['cpu.int'], peer: '10.0.0.2:7878', out: join(fresh(), 'x.json') }, f)).rejects.toThrow(
      '--peer: none of the selected workloads uses the network, so the peer would never be contacted (add --only net)',
    );
    expect(f.executor.calls).toEqual([]);
  });

  it('a network workload that cannot reach its peer is recorded as skipped with the reason, and the others still run', async () => {
    const d = fresh();
    // The real network workloads skip a round without a peer (src/workloads/network.ts); the fake does the same.
    const f = fakes(new FakeExecutor((id) => (id.startsWith('net.') ? 'skipped' : 'ok')));
    const r = await runReplicates(
      { only: ['net.tcp-rtt', 'cpu.int'], rounds: 2, seed: 1, out: join(d, 'skip.json') },
      { ...f, log: () => {} },
    );
    expect(r.code).toBe(0);
    const file = loadResults(join(d, 'skip.json'));
    expect(file.workloads.find((w) => w.id === 'net.tcp-rtt')).toMatchObject({ status: 'skipped', reason: 'net.tcp-rtt needs /dev/fake' });
    expect(file.workloads.find((w) => w.id === 'cpu.int')!.status).toBe('ok');
  });

  it('bad options are InputErrors naming the flag', async () => {
    const f = fakes();
    await expect(runOnce({ suite: 'huge' }, f)).rejects.toThrow('--suite: expected quick, standard or full (got "huge")');
    await expect(runOnce({ rounds: 0 }, f)).rejects.toThrow('--rounds: expected a whole number from 1 to 1000');
    await expect(runOnce({ seed: 1.5 }, f)).rejects.toThrow('--seed: expected a whole number');
    await expect(runOnce({ only: ['nope'], out: join(fresh(), 'x.json') }, f)).rejects.toThrow('unknown workload id(s): nope');
    await expect(runOnce({ workloadTimeout: 0, workload: ['x.mjs'] }, f)).rejects.toThrow(
      '--workload-timeout: expected seconds, more than 0 and at most 3600',
    );
    expect(f.executor.calls).toEqual([]);
  });
});

describe('runReplicates with fakes: the exit status', () => {
  it('is 0 when every workload ran, 1 when one failed (the file is still written)', async () => {
    const d = fresh();
    const ok = await runReplicates({ only: ['cpu.int'], rounds: 2, seed: 1, out: join(d, 'ok.json') }, fakes());
    expect(ok).toEqual({ code: 0, outs: [join(d, 'ok.json')] });
    const failing = fakes(new FakeExecutor((id, k) => (id === 'cpu.float' && k === 2 ? 'failed' : 'ok')));
    const bad = await runReplicates({ only: ['cpu.int', 'cpu.float'], rounds: 3, seed: 1, out: join(d, 'bad.json') }, failing);
    expect(bad.code).toBe(1);
    expect(loadResults(join(d, 'bad.json')).workloads.find((w) => w.id === 'cpu.float')).toMatchObject({
      status: 'failed',
      reason: 'cpu.float crashed in round 2 (after 1 good rounds)',
    });
  });

  it('is 130 when interrupted, and the next replicate does not start', async () => {
    const d = fresh();
    const starts: number[] = [];
    const f = fakes(new FakeExecutor(undefined, (_id, k) => k === 2 && f.abort()));
    const r = await runReplicates(
      { only: ['cpu.int'], rounds: 3, seed: 1, runs: 3, out: join(d, 'i.json') },
      { ...f, onRunStart: (i) => starts.push(i) },
    );
    expect(r).toEqual({ code: 130, outs: [join(d, 'i-run1.json')] });
    expect(starts).toEqual([1]);
  });

  it('--runs N writes N files with one label, seeds counting up from --seed, reporting each run', async () => {
    const d = fresh();
    const out = join(d, 'rep.json');
    const events: string[] = [];
    const f = fakes();
    const r = await runReplicates(
      { only: ['sys.clock'], rounds: 1, runs: 2, label: 'rep', seed: 5, out },
      {
        ...f,
        onRunStart: (i, k) => events.push(`start ${i}/${k}`),
        onRunEnd: (one) => events.push(`end ${basename(one.out)} ${one.interrupted} ${one.seconds > 0}`),
      },
    );
    expect(r).toEqual({ code: 0, outs: [join(d, 'rep-run1.json'), join(d, 'rep-run2.json')] });
    expect(events).toEqual(['start 1/2', 'end rep-run1.json false true', 'start 2/2', 'end rep-run2.json false true']);
    const [a, b] = r.outs.map((p) => loadResults(p));
    expect([a!.label, b!.label]).toEqual(['rep', 'rep']);
    expect(a!.id).not.toBe(b!.id);
    expect([a!.config.seed, b!.config.seed]).toEqual([5, 6]);
  });

  it('refuses --runs with --resume, a --runs out of range and a bad --upload URL before anything runs', async () => {
    const f = fakes();
    await expect(runReplicates({ runs: 2, resume: 'x.json' }, f)).rejects.toThrow(
      '--runs: cannot be combined with --resume (resume one run at a time)',
    );
    await expect(runReplicates({ runs: 0 }, f)).rejects.toThrow('--runs: expected a whole number from 1 to 100');
    await expect(runReplicates({ upload: 'ftp://x' }, f)).rejects.toThrow('--upload: collector URL must be http or https (got ftp:)');
    expect(f.executor.calls).toEqual([]);
  });

  it('names replicate files after --out', () => {
    expect(runOutPath('a/x.json', 2, 3)).toBe('a/x-run2.json');
    expect(runOutPath('a/x', 1, 3)).toBe('a/x-run1');
    expect(runOutPath('a/x.json', 1, 1)).toBe('a/x.json');
    expect(runOutPath(undefined, 1, 3)).toBeUndefined();
  });
});
