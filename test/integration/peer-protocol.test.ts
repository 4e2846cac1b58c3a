import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseHostPort, startPeer, type RunningPeer } from '../../src/probes/peers/peer.js';
import { PeerConnection } from '../../src/workloads/network.js';

let peer: RunningPeer;
const logs: string[] = [];
const addr = () => ({ host: '127.0.0.1', port: peer.port, kind: 'loopback' as const });

/** Send `data`, collect everything until the peer closes (or `ms` passes). */
function exchange(data: Buffer | string, ms = 2000): Promise<string> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port: peer.port });
    let out = '';
    const t = setTimeout(() => {
      s.destroy();
      resolve(out);
    }, ms);
    s.on('data', (d) => (out += d.toString('latin1')));
    s.on('close', () => {
      clearTimeout(t);
      resolve(out);
    });
    s.on('error', () => {});
    s.write(data);
  });
}

beforeAll(async () => {
  peer = await startPeer({
    port: 0,
    bind: '127.0.0.1',
    maxConnections: 3,
    maxPayloadBytes: 1 << 20,
    idleTimeoutMs: 400,
    log: (l) => logs.push(l),
  });
});
afterAll(() => peer.close());

describe('virtax peer: one port, three services', () => {
  it('echoes messages byte for byte and logs the connection', async () => {
    const c = await PeerConnection.open(addr(), 'ECHO', 2000);
    const msg = Buffer.alloc(64, 7);
    await c.echo(msg, 100);
    c.close();
    expect(logs.some((l) => /connection from 127\.0\.0\.1:\d+ \(echo\)/.test(l))).toBe(true);
  });

  it('sink acknowledges exactly the bytes sent, repeatedly on one connection', async () => {
    const c = await PeerConnection.open(addr(), 'SINK', 2000);
    const block = Buffer.alloc(64 * 1024, 1);
    await c.sink(block, 5 * block.length);
    await c.sink(block, 1000);
    c.close();
  });

  it('source sends the bytes asked for', async () => {
    const c = await PeerConnection.open(addr(), 'SRCE', 2000);
    await c.source(300_000);
    c.close();
  });

  it('answers HTTP on the same port', async () => {
    const res = await fetch(`http://127.0.0.1:${peer.port}/`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('ok\n');
    const bytes = await fetch(`http://127.0.0.1:${peer.port}/bytes?n=100000`);
    expect((await bytes.arrayBuffer()).byteLength).toBe(100000);
    const post = await fetch(`http://127.0.0.1:${peer.port}/`, { method: 'POST', body: 'x'.repeat(5000) });
    expect(await post.text()).toBe('5000\n');
    expect((await fetch(`http://127.0.0.1:${peer.port}/nothing`)).status).toBe(404);
  });

  it('limits payload sizes', async () => {
    const big = Buffer.alloc(16);
    Buffer.from('VTAXSINK').copy(big);
    big.writeBigUInt64BE(BigInt(2 << 20), 8);
    expect(await exchange(big)).toMatch(/^VTOKVTNO payload of 2097152 bytes outside 1\.\.1048576/);
    expect((await fetch(`http://127.0.0.1:${peer.port}/bytes?n=${2 << 20}`)).status).toBe(400);
    const post = await fetch(`http://127.0.0.1:${peer.port}/`, { method: 'POST', body: Buffer.alloc(2 << 20) }).catch(() => null);
    if (post) expect(post.status).toBe(413);
  });

  it('refuses unknown protocols and services with a reason', async () => {
    expect(await exchange('hello there, peer\n')).toBe('VTNO unknown protocol\n');
    expect(await exchange('VTAXWHAT')).toBe('VTNO unknown service "WHAT"\n');
  });

  it('closes idle sockets', async () => {
    const out = await exchange('VTAXECHO', 3000); // nothing after the handshake: closed after 400 ms idle
    expect(out).toBe('VTOK');
    expect(logs.some((l) => /idle for 400 ms/.test(l))).toBe(true);
  });

  it('limits connections', async () => {
    const held = await Promise.all([0, 1, 2].map(() => PeerConnection.open(addr(), 'ECHO', 2000)));
    await expect(PeerConnection.open(addr(), 'ECHO', 2000)).rejects.toThrow(/peer 127\.0\.0\.1:\d+ (closed|reset)/);
    expect(logs.some((l) => /3 connections already open/.test(l))).toBe(true);
    for (const c of held) c.close();
  });
});

describe('parseHostPort', () => {
  it('reads host:port and [v6]:port, rejects the rest', () => {
    expect(parseHostPort('10.0.0.2:7878')).toEqual({ host: '10.0.0.2', port: 7878 });
    expect(parseHostPort('peer.example:80')).toEqual({ host: 'peer.example', port: 80 });
    expect(parseHostPort('[::1]:9000')).toEqual({ host: '::1', port: 9000 });
    for (const bad of ['10.0.0.2', '10.0.0.2:0', 'h:70000', ':80', 'a b:1']) expect(() => parseHostPort(bad)).toThrow(/HOST:PORT/);
  });
});
