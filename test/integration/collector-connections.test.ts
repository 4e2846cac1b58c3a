import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { request } from 'undici';
import { afterAll, describe, expect, it } from 'vitest';
import { startCollector } from '../../src/collector/server.js';
import { makeResults } from '../helpers/collector-fixtures.js';
import { spawnServe, waitExit } from '../helpers/collector-helpers.js';

// Issue 16 items 8 (the 413 was lost as ECONNRESET), 9 (no timeouts, no connection cap), 11 (two servers on
// one --data), 12 (SIGTERM cut in-flight uploads).

const dir = mkdtempSync(join(tmpdir(), 'virtax-conn-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const TOKEN = 'conn-token';
const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };

/** Resolves when the server closes the socket (or after `ms`, with false). */
function closedWithin(s: Socket, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    if (s.closed) return resolve(true);
    const t = setTimeout(() => resolve(false), ms);
    s.once('close', () => {
      clearTimeout(t);
      resolve(true);
    });
  });
}

function openSocket(url: string): Promise<Socket> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const s = connect(Number(u.port), u.hostname, () => resolve(s));
    // Flowing, so the server's close is seen.
    s.resume();
    s.on('error', () => {});
    s.once('error', reject);
  });
}

describe('413 reaches the client (item 8)', () => {
  it('an oversized body, streamed or declared, gets 413 every time, not a reset', async () => {
    const c = await startCollector({ dataDir: join(dir, 'big'), token: TOKEN, port: 0, maxBodyBytes: 64 * 1024 });
    try {
      const big = Buffer.alloc(1024 * 1024, 'x');
      for (let i = 0; i < 5; i++) {
        // Still sending well after the server has answered, as a client on a real network would be.
        async function* chunks() {
          for (let o = 0; o < big.length; o += 16 * 1024) {
            yield big.subarray(o, o + 16 * 1024);
            await new Promise((r) => setTimeout(r, 1));
          }
        }
        const streamed = await request(`${c.url}/api/v1/results`, { method: 'POST', body: Readable.from(chunks()), headers });
        expect(streamed.statusCode).toBe(413);
        await streamed.body.text();
        const declared = await request(`${c.url}/api/v1/results`, { method: 'POST', body: big, headers });
        expect(declared.statusCode).toBe(413);
        expect(JSON.parse(await declared.body.text()).error).toMatch(/exceeds the limit of 65536 bytes/);
      }
      expect(readdirSync(join(dir, 'big', 'results'))).toEqual([]);
    } finally {
      await c.close();
    }
  });

  it('a client that reads the answer only after sending its whole body still gets the 413', async () => {
    const c = await startCollector({ dataDir: join(dir, 'big2'), token: TOKEN, port: 0, maxBodyBytes: 1024 * 1024 });
    try {
      const s = await openSocket(c.url);
      // Over the limit of 1 MiB and more than loopback buffers hold, but within what the server drains after
      // a 413 (4x the limit).
      const size = 3 * 1024 * 1024;
      let answer = '';
      s.on('data', (d: Buffer) => (answer += d.toString()));
      const ended = new Promise<void>((r) => s.once('close', () => r()));
      let writeError: string | null = null;
      s.on('error', (e: NodeJS.ErrnoException) => (writeError = e.code ?? e.message));
      s.write(
        `POST /api/v1/results HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${TOKEN}\r\nContent-Type: application/json\r\nContent-Length: ${size}\r\n\r\n`,
      );
      const chunk = Buffer.alloc(64 * 1024, 'x');
      for (let sent = 0; sent < size && writeError === null && !s.destroyed; sent += chunk.length) {
        if (!s.write(chunk)) {
          await new Promise<void>((r) => {
            s.once('drain', () => r());
            s.once('close', () => r());
          });
        }
        await new Promise((r) => setTimeout(r, 1));
      }
      if (!s.destroyed) s.end();
      await ended;
      expect(writeError).toBeNull();
      expect(answer).toMatch(/^HTTP\/1\.1 413 /);
    } finally {
      await c.close();
    }
  });
});

describe('connections are bounded (item 9)', () => {
  for (const token of [TOKEN, null]) {
    it(`a connection that never finishes its headers or body is closed (${token ? 'with' : 'without'} a token)`, async () => {
      const c = await startCollector({
        dataDir: join(dir, `slow-${token ? 't' : 'n'}`),
        token,
        port: 0,
        headersTimeoutMs: 500,
        requestTimeoutMs: 1000,
      });
      try {
        const slowHeaders = await openSocket(c.url);
        slowHeaders.write('POST /api/v1/results HTTP/1.1\r\nHost: 127.0.0.1\r\n');
        const slowBody = await openSocket(c.url);
        slowBody.write(
          `POST /api/v1/results HTTP/1.1\r\nHost: 127.0.0.1\r\n${token ? `Authorization: Bearer ${token}\r\n` : ''}Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"a":`,
        );
        const idle = await openSocket(c.url);
        // Generous bound: each is closed within a few seconds of its timeout, not after minutes.
        const closed = await Promise.all([closedWithin(slowHeaders, 15_000), closedWithin(slowBody, 15_000), closedWithin(idle, 15_000)]);
        expect(closed).toEqual([true, true, true]);
        expect(readdirSync(join(dir, `slow-${token ? 't' : 'n'}`, 'results'))).toEqual([]);
        expect((await request(`${c.url}/healthz`)).statusCode).toBe(200);
      } finally {
        await c.close();
      }
    });
  }

  it('past the cap, a new connection takes the place of the longest-waiting one without a request, then of the oldest slow body (issue 27)', async () => {
    const c = await startCollector({ dataDir: join(dir, 'cap'), token: null, port: 0, maxConnections: 3, drainTimeoutMs: 100 });
    try {
      const body = (s: Socket) =>
        s.write(
          'POST /api/v1/results HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"a":',
        );
      const slow1 = await openSocket(c.url);
      body(slow1);
      await new Promise((r) => setTimeout(r, 100));
      const idle = await openSocket(c.url);
      const slow2 = await openSocket(c.url);
      body(slow2);
      await new Promise((r) => setTimeout(r, 100));
      // A fourth connection: the idle one goes (not a slow body, not the newcomer), and the newcomer is answered.
      const probe = await request(`${c.url}/healthz`, { reset: true });
      expect(probe.statusCode).toBe(200);
      await probe.body.text();
      expect(await closedWithin(idle, 5_000)).toBe(true);
      expect([slow1.destroyed, slow2.destroyed]).toEqual([false, false]);
      // Once the probe's connection has closed, only slow bodies are left: the oldest one goes next.
      for (let i = 0; i < 100 && c.connections.size > 2; i++) await new Promise((r) => setTimeout(r, 50));
      const slow3 = await openSocket(c.url);
      body(slow3);
      await new Promise((r) => setTimeout(r, 200));
      const again = await request(`${c.url}/healthz`, { reset: true });
      expect(again.statusCode).toBe(200);
      await again.body.text();
      expect(await closedWithin(slow1, 5_000)).toBe(true);
      expect(slow3.destroyed).toBe(false);
      expect(c.connections.evicted).toBeGreaterThanOrEqual(2);
    } finally {
      await c.close();
    }
  });
});

describe('one collector per data directory (item 11)', () => {
  it('a second collector on the same --data is refused while the first runs, and allowed after it stops', async () => {
    const data = join(dir, 'shared');
    const a = await startCollector({ dataDir: data, token: TOKEN, port: 0 });
    await expect(startCollector({ dataDir: data, token: TOKEN, port: 0 })).rejects.toThrow(/in use by another collector \(pid \d+/);
    await a.close();
    const b = await startCollector({ dataDir: data, token: TOKEN, port: 0 });
    await b.close();
  });
});

describe('SIGTERM drains in-flight uploads (item 12)', () => {
  it('an upload whose body is still arriving when SIGTERM comes is stored and acknowledged; then the server exits 0', async () => {
    const data = join(dir, 'term');
    const server = await spawnServe(['--port', '0', '--data', data, '--token', TOKEN]);
    const f = makeResults();
    const text = Buffer.from(JSON.stringify(f));
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    async function* slowly() {
      yield text.subarray(0, 100);
      await gate;
      yield text.subarray(100);
    }
    const pending = request(`${server.url}/api/v1/results`, { method: 'POST', body: Readable.from(slowly()), headers });
    await new Promise((r) => setTimeout(r, 300));
    server.child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 300));
    release();
    const res = await pending;
    expect(res.statusCode).toBe(201);
    expect(JSON.parse(await res.body.text()).id).toBe(f.id);
    await waitExit(server.child);
    expect(server.child.exitCode).toBe(0);
    expect(readdirSync(join(data, 'results'))).toEqual([`${f.id}.json`]);
    expect(server.stderr()).toMatch(/SIGTERM: finishing 1 request\(s\) in flight/);
  });
});
