/** A peer that is down, refuses, resets mid-run, stalls or answers garbage: the workload fails with the reason, nothing hangs. */
import { createServer as createHttpServer } from 'node:http';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { measure } from '../../src/probes/engine/round-child.js';
import type { RoundReply } from '../../src/probes/engine/executor.js';
import { PeerConnection } from '../../src/workloads/network.js';
import type { PeerAddress } from '../../src/workloads/types.js';

const plan = { targetBatchSeconds: 0.002, roundSeconds: 0.05, minBatches: 3, maxBatches: 1000 };
const servers: Server[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});

function fakePeer(onSocket: (s: Socket) => void): Promise<PeerAddress> {
  const srv = createServer((s) => {
    s.on('error', () => {});
    onSocket(s);
  });
  servers.push(srv);
  return new Promise((res) =>
    srv.listen(0, '127.0.0.1', () => res({ host: '127.0.0.1', port: (srv.address() as AddressInfo).port, kind: 'remote' })),
  );
}

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((res) => srv.listen(0, '127.0.0.1', () => res()));
  const { port } = srv.address() as AddressInfo;
  await new Promise<void>((res) => srv.close(() => res()));
  return port;
}

function run(id: string, peer: PeerAddress | null): Promise<RoundReply> {
  return measure({ workloadId: id, suite: 'quick', ctx: { suite: 'quick', peer, scratchDir: '/tmp', ioDir: '/tmp' }, plan });
}

function failedWith(r: RoundReply, re: RegExp): void {
  expect(r.status).toBe('failed');
  if (r.status === 'failed') expect(r.reason).toMatch(re);
}

describe('network workloads fail clearly on a bad peer', () => {
  it('skips with the reason when there is no peer', async () => {
    const r = await run('net.tcp-rtt', null);
    expect(r).toEqual({ status: 'skipped', reason: expect.stringMatching(/no peer/) });
  });

  it('peer down: refused connection for every network workload', async () => {
    const peer: PeerAddress = { host: '127.0.0.1', port: await freePort(), kind: 'remote' };
    for (const id of ['net.tcp-rtt', 'net.tcp-throughput', 'net.http', 'net.http-rps', 'noisy.tcp-rtt']) {
      failedWith(await run(id, peer), /refused the connection/);
    }
  });

  it('garbage instead of a greeting', async () => {
    const peer = await fakePeer((s) => s.end('SSH-2.0-OpenSSH_9.2\r\n'));
    failedWith(await run('net.tcp-rtt', peer), /answered garbage .*not a virtax peer/);
    failedWith(await run('net.tcp-throughput', peer), /answered garbage/);
  });

  it('garbage instead of the echo', async () => {
    const peer = await fakePeer((s) =>
      s.once('data', () => {
        s.write('VTOK');
        s.on('data', (d: Buffer) => s.write(Buffer.alloc(d.length, 0x21)));
      }),
    );
    failedWith(await run('net.tcp-rtt', peer), /echo differs from what was sent/);
  });

  it('a wrong sink acknowledgement', async () => {
    const peer = await fakePeer((s) =>
      s.once('data', () => {
        s.write('VTOK');
        s.once('data', () => s.write(Buffer.alloc(8, 0xff)));
      }),
    );
    failedWith(await run('net.tcp-throughput', peer), /sink acknowledged/);
  });

  it('reset in the middle of a run', async () => {
    let echoed = 0;
    const peer = await fakePeer((s) =>
      s.once('data', () => {
        s.write('VTOK');
        s.on('data', (d: Buffer) => {
          echoed += d.length;
          if (echoed > 64 * 50) s.resetAndDestroy();
          else s.write(d);
        });
      }),
    );
    failedWith(await run('net.tcp-rtt', peer), /reset the connection|closed the connection/);
  });

  it('a peer that refuses the service with a reason', async () => {
    const peer = await fakePeer((s) => s.once('data', () => s.end('VTNO too busy\n')));
    failedWith(await run('net.tcp-rtt', peer), /refused: too busy/);
  });

  it('HTTP garbage: wrong status or body', async () => {
    const srv = createHttpServer((_q, res) => res.writeHead(500).end('nope'));
    servers.push(srv as unknown as Server);
    await new Promise<void>((res) => srv.listen(0, '127.0.0.1', () => res()));
    const peer: PeerAddress = { host: '127.0.0.1', port: (srv.address() as AddressInfo).port, kind: 'remote' };
    failedWith(await run('net.http', peer), /answered garbage: HTTP 500/);
    failedWith(await run('net.http-rps', peer), /answered garbage: HTTP 500/);
  });

  it('silence: handshake and echo time out instead of hanging', async () => {
    const silent = await fakePeer(() => {});
    await expect(PeerConnection.open(silent, 'ECHO', 200)).rejects.toThrow(/did not answer the echo handshake within 200 ms/);
    const stalls = await fakePeer((s) => s.once('data', () => s.write('VTOK')));
    const c = await PeerConnection.open(stalls, 'ECHO', 200);
    await expect(c.echo(Buffer.alloc(64), 10)).rejects.toThrow(/no progress from the peer within 200 ms/);
    c.close();
  });
});
