import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { formatRunSummary } from '../../src/probes/run/summary.js';
import { spawnLoopbackPeer, startPeer } from '../../src/probes/peers/peer.js';
import { PeerConnection } from '../../src/workloads/network.js';
import type { ResultsFile } from '../../src/types.js';

const dir = mkdtempSync(join(tmpdir(), 'virtax-peer-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function quiet<T>(f: () => Promise<T>): Promise<{ value: T; stderr: string }> {
  let stderr = '';
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((stderr += String(s)), true));
  const o = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  try {
    return { value: await f(), stderr };
  } finally {
    e.mockRestore();
    o.mockRestore();
  }
}

describe('virtax peer (process)', () => {
  it('listens, serves, logs connections and stops cleanly on SIGTERM', async () => {
    const p = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '-e',
        `import('./src/cli/main.ts').then(m => m.main(['peer', '--port', '0', '--bind', '127.0.0.1'])).then(c => { process.exitCode = c; })`,
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    const port = await new Promise<number>((resolve, reject) => {
      p.stderr.on('data', (d) => {
        stderr += d;
        const m = /listening on 127\.0\.0\.1:(\d+)/.exec(stderr);
        if (m) resolve(Number(m[1]));
      });
      p.on('exit', () => reject(new Error(`peer exited early: ${stderr}`)));
    });
    const c = await PeerConnection.open({ host: '127.0.0.1', port, kind: 'remote' }, 'ECHO', 5000);
    await c.echo(Buffer.alloc(64), 10);
    c.close();
    const code = await new Promise<number | null>((resolve) => {
      p.on('exit', (code) => resolve(code));
      p.kill('SIGTERM');
    });
    expect(code).toBe(0);
    expect(stderr).toMatch(/connection from 127\.0\.0\.1:\d+ \(echo\)/);
    expect(stderr).toMatch(/stopped by SIGTERM/);
  });

  it('a port in use is one line and exit 2', async () => {
    const held = await startPeer({ port: 0, bind: '127.0.0.1', log: () => {} });
    const r = await quiet(() => main(['peer', '--port', String(held.port), '--bind', '127.0.0.1']));
    await held.close();
    expect(r.value).toBe(2);
    expect(r.stderr).toMatch(/cannot listen on 127\.0\.0\.1:\d+/);
  });

  it('spawnLoopbackPeer runs the peer in its own process and stops it', async () => {
    const p = await spawnLoopbackPeer({ quiet: true });
    const c = await PeerConnection.open({ host: p.host, port: p.port, kind: 'loopback' }, 'ECHO', 5000);
    await c.echo(Buffer.alloc(64), 5);
    c.close();
    await p.stop();
    await expect(PeerConnection.open({ host: p.host, port: p.port, kind: 'loopback' }, 'ECHO', 2000)).rejects.toThrow(/refused/);
  });
});

describe('virtax run with network workloads', () => {
  it('--peer must be HOST:PORT (exit 2)', async () => {
    const r = await quiet(() => main(['run', '--only', 'net.tcp-rtt', '--peer', 'nohost', '--no-progress']));
    expect(r.value).toBe(2);
    expect(r.stderr).toMatch(/--peer: expected HOST:PORT/);
  });

  it('starts its own loopback peer when none is given, and records it', async () => {
    const out = join(dir, 'loop.json');
    const r = await quiet(() => main(['run', '--only', 'net.tcp-rtt', '--rounds', '1', '--out', out, '--no-progress']));
    expect(r.value).toBe(0);
    const f = JSON.parse(readFileSync(out, 'utf8')) as ResultsFile;
    expect(f.config.peer).toMatch(/^loopback \(127\.0\.0\.1:\d+\)$/);
    const w = f.workloads[0]!;
    expect(w.status).toBe('ok');
    if (w.status === 'ok') {
      expect(w.unit).toBe('us');
      expect(w.params.peer).toBe('127.0.0.1 (loopback)'); // no ephemeral port: two loopback runs have equal params
    }
  });

  it('uses --peer HOST:PORT and records the remote peer', async () => {
    const peer = await startPeer({ port: 0, bind: '127.0.0.1', log: () => {} });
    const out = join(dir, 'remote.json');
    try {
      const r = await quiet(() =>
        main(['run', '--only', 'net.tcp-rtt', '--rounds', '1', '--out', out, '--no-progress', '--peer', `127.0.0.1:${peer.port}`]),
      );
      expect(r.value).toBe(0);
    } finally {
      await peer.close();
    }
    const f = JSON.parse(readFileSync(out, 'utf8')) as ResultsFile;
    expect(f.config.peer).toBe(`127.0.0.1:${peer.port}`);
  });

  it('a peer that is down: the workload fails, the run goes on, exit 1', async () => {
    const peer = await startPeer({ port: 0, bind: '127.0.0.1', log: () => {} });
    const port = peer.port;
    await peer.close();
    const out = join(dir, 'down.json');
    const r = await quiet(() =>
      main(['run', '--only', 'net.tcp-rtt', 'cpu.int', '--rounds', '1', '--out', out, '--no-progress', '--peer', `127.0.0.1:${port}`]),
    );
    expect(r.value).toBe(1);
    const f = JSON.parse(readFileSync(out, 'utf8')) as ResultsFile;
    const byId = Object.fromEntries(f.workloads.map((w) => [w.id, w]));
    expect(byId['net.tcp-rtt']).toMatchObject({ status: 'failed', reason: expect.stringMatching(/refused the connection/) });
    expect(byId['cpu.int']).toMatchObject({ status: 'ok' });
  });
});

describe('steal time in the run summary', () => {
  it('is shown per workload when above zero', () => {
    const file = {
      workloads: [
        {
          id: 'net.tcp-rtt',
          category: 'network',
          title: 't',
          unit: 'us',
          better: 'lower',
          status: 'ok',
          params: {},
          summary: { rounds: 2, median: 50, mean: 50, min: 49, max: 51, cv: 0.02, p50: 50, p99: 60, stealPct: 1.25 },
          rounds: [],
        },
      ],
    } as unknown as ResultsFile;
    expect(formatRunSummary(file)).toMatch(/net\.tcp-rtt.*1\.25%/);
  });
});
