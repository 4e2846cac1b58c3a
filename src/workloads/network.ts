/**
 * Network workloads against a virtax peer (src/probes/peers/peer.ts): a loopback peer that `virtax run` starts
 * in its own process, or a remote one given with `--peer HOST:PORT` (recorded in config.peer and params).
 * Virtual NICs add an exit or a vhost hop per packet: small-message round trips show it most (netperf
 * TCP_RR: +81% under KVM, Felter et al. 2015); bulk transfer hardly at all.
 *
 * Every network operation has a deadline (`timeoutMs`): a peer that is down, refuses, resets, stalls or
 * answers anything but the expected bytes makes setup/batch throw, and the runner records `failed`.
 */
import type { EventEmitter } from 'node:events';
import { connect, type Socket } from 'node:net';
import autocannon from 'autocannon';
import { Client } from 'undici';
import { PEER_MAGIC, PEER_OK, type PeerService } from './peer-protocol.js';
import { readCpuTimes, stealPct } from '../proc/steal.js';
import type { Suite } from '../types.js';
import type { AnyWorkload, CustomRoundOutput, PeerAddress, RoundPlan, Workload, WorkloadContext } from './types.js';

export function noPeerReason(ctx: WorkloadContext): string | null {
  return ctx.peer ? null : 'no peer: run with --peer HOST:PORT, or let `virtax run` start its loopback peer';
}

/**
 * The peer as a parameter of the measurement. A loopback peer's port is ephemeral and says nothing about
 * the measurement (config.peer keeps it), so two loopback runs have equal params and compare cleanly.
 */
function describePeer(peer: PeerAddress | null): string {
  if (!peer) return 'none';
  return peer.kind === 'loopback' ? `${peer.host} (loopback)` : `${peer.host}:${peer.port} (remote)`;
}

export type NetworkLink = 'loopback' | 'network';

/** Loopback traffic stays in this kernel's TCP stack: label it, never present it as a (virtual) NIC's cost. */
export function linkOf(peer: PeerAddress | null): NetworkLink {
  return peer?.kind === 'remote' ? 'network' : 'loopback';
}

/**
 * A binary-protocol connection to a peer service. Reads go through `onread` into one preallocated buffer
 * (no allocation per message); a watchdog fails the pending operation when nothing moves for `timeoutMs`.
 */
export class PeerConnection {
  readonly #socket: Socket;
  readonly #timeoutMs: number;
  #onBytes: ((buf: Buffer, n: number) => void) | null = null;
  #fail: ((e: Error) => void) | null = null;
  #broken: Error | null = null;
  #progress = 0;
  #watchdog: NodeJS.Timeout | null = null;

  private constructor(socket: Socket, timeoutMs: number) {
    this.#socket = socket;
    this.#timeoutMs = timeoutMs;
  }

  /** Connect, send the service handshake, wait for `VTOK`. */
  static open(peer: PeerAddress, service: PeerService, timeoutMs: number, readBuffer = Buffer.alloc(64 * 1024)): Promise<PeerConnection> {
    const where = `${peer.host}:${peer.port}`;
    return new Promise((resolve, reject) => {
      let conn: PeerConnection;
      const socket = connect({
        host: peer.host,
        port: peer.port,
        noDelay: true,
        onread: { buffer: readBuffer, callback: (n: number, buf: Uint8Array) => conn.#read(buf as Buffer, n) },
      });
      conn = new PeerConnection(socket, timeoutMs);
      socket.on('error', (e: NodeJS.ErrnoException) => {
        const what =
          e.code === 'ECONNREFUSED'
            ? `peer ${where} refused the connection (is \`virtax peer\` running?)`
            : e.code === 'ECONNRESET'
              ? `peer ${where} reset the connection`
              : `peer ${where}: ${e.message}`;
        conn.#breakWith(new Error(what));
      });
      socket.on('close', () => conn.#breakWith(new Error(`peer ${where} closed the connection`)));
      conn.#fail = (e) => {
        socket.destroy();
        reject(e);
      };
      let hello = Buffer.alloc(0);
      conn.#onBytes = (buf, n) => {
        hello = Buffer.concat([hello, buf.subarray(0, n)]);
        if (hello.length < 4) return;
        if (hello.subarray(0, 4).equals(PEER_OK)) {
          conn.#onBytes = null;
          conn.#fail = null;
          if (hello.length > 4) conn.#breakWith(new Error(`peer ${where} sent unexpected bytes after its greeting`));
          resolve(conn);
          return;
        }
        const text = hello.toString('latin1');
        if (text.startsWith('VTNO')) {
          if (!text.includes('\n')) return;
          conn.#breakWith(new Error(`peer ${where} refused: ${text.slice(5).trim()}`));
        } else {
          conn.#breakWith(new Error(`peer ${where} answered garbage (${JSON.stringify(text.slice(0, 16))}): not a virtax peer?`));
        }
      };
      socket.once('connect', () => socket.write(Buffer.concat([PEER_MAGIC, Buffer.from(service, 'latin1')])));
      conn.#arm(`peer ${where} did not answer the ${service.toLowerCase()} handshake within ${timeoutMs} ms`);
    });
  }

  #read(buf: Buffer, n: number): boolean {
    this.#progress++;
    if (this.#onBytes) this.#onBytes(buf, n);
    else this.#breakWith(new Error('peer sent bytes nobody asked for'));
    return true;
  }

  #breakWith(e: Error): void {
    if (!this.#broken) this.#broken = e;
    this.#disarm();
    const fail = this.#fail;
    this.#fail = null;
    this.#onBytes = null;
    this.#socket.destroy();
    fail?.(e);
  }

  /** Fail the pending operation when no byte arrives or leaves for a whole timeout period. */
  #arm(message: string): void {
    this.#disarm();
    let seen = -1;
    this.#watchdog = setInterval(() => {
      if (seen === this.#progress) this.#breakWith(new Error(message));
      seen = this.#progress;
    }, this.#timeoutMs);
    this.#watchdog.unref();
  }

  #disarm(): void {
    if (this.#watchdog) clearInterval(this.#watchdog);
    this.#watchdog = null;
  }

  /** Run one operation: `start` writes, `onBytes` consumes replies and calls done/fail. */
  #operate(what: string, start: (done: () => void, fail: (e: Error) => void) => (buf: Buffer, n: number) => void): Promise<void> {
    if (this.#broken) return Promise.reject(this.#broken);
    return new Promise((resolve, reject) => {
      this.#fail = reject;
      const done = (): void => {
        this.#disarm();
        this.#onBytes = null;
        this.#fail = null;
        resolve();
      };
      this.#arm(`no progress from the peer within ${this.#timeoutMs} ms (${what})`);
      this.#onBytes = start(done, (e) => this.#breakWith(e));
    });
  }

  /**
   * `count` round trips of `message` through the echo service, one at a time. Each reply is checked byte for
   * byte (the first 4 bytes carry a sequence number, so a stale or foreign reply is caught).
   */
  echo(message: Buffer, count: number): Promise<void> {
    const size = message.length;
    let left = count;
    let got = 0;
    let seq = message.readUInt32LE(0);
    const socket = this.#socket;
    return this.#operate('echo', (done, fail) => {
      message.writeUInt32LE(++seq >>> 0, 0);
      socket.write(message);
      return (buf, n) => {
        if (got + n > size || buf.compare(message, got, got + n, 0, n) !== 0) {
          fail(new Error('peer answered garbage: the echo differs from what was sent'));
          return;
        }
        got += n;
        if (got < size) return;
        got = 0;
        if (--left === 0) {
          done();
          return;
        }
        message.writeUInt32LE(++seq >>> 0, 0);
        socket.write(message);
      };
    });
  }

  /** Send `bytes` (from `block`, repeated) to the sink and wait for its count; the peer must count exactly `bytes`. */
  sink(block: Buffer, bytes: number): Promise<void> {
    const socket = this.#socket;
    return this.#operate('sink', (done, fail) => {
      const header = Buffer.alloc(8);
      header.writeBigUInt64BE(BigInt(bytes));
      socket.write(header);
      let left = bytes;
      const pump = (): void => {
        while (left > 0 && !socket.destroyed) {
          const chunk = left >= block.length ? block : block.subarray(0, left);
          left -= chunk.length;
          if (!socket.write(chunk)) {
            socket.once('drain', () => {
              this.#progress++;
              pump();
            });
            return;
          }
        }
      };
      pump();
      let ack = Buffer.alloc(0);
      return (buf, n) => {
        ack = Buffer.concat([ack, buf.subarray(0, n)]);
        if (ack.length < 8) {
          if (ack.subarray(0, 4).toString('latin1') === 'VTNO') fail(new Error(`peer refused: ${ack.toString('latin1').slice(5).trim()}`));
          return;
        }
        if (ack.length > 8 || ack.readBigUInt64BE(0) !== BigInt(bytes)) {
          fail(
            new Error(
              `peer answered garbage: sink acknowledged ${ack.length === 8 ? ack.readBigUInt64BE(0) : `${ack.length} bytes`} instead of ${bytes}`,
            ),
          );
          return;
        }
        done();
      };
    });
  }

  /** Ask the source for `bytes` and read them all. */
  source(bytes: number): Promise<void> {
    const socket = this.#socket;
    return this.#operate('source', (done, fail) => {
      const header = Buffer.alloc(8);
      header.writeBigUInt64BE(BigInt(bytes));
      socket.write(header);
      let left = bytes;
      return (_buf, n) => {
        left -= n;
        if (left < 0) fail(new Error('peer answered garbage: more bytes than asked for'));
        else if (left === 0) done();
      };
    });
  }

  close(): void {
    this.#disarm();
    this.#fail = null;
    this.#broken ??= new Error('connection closed');
    this.#socket.destroy();
  }
}

function timeoutFor(suite: Suite): number {
  return suite === 'full' ? 10_000 : 5_000;
}

interface RttParams extends Record<string, unknown> {
  peer: string;
  /** `loopback`: the traffic never leaves this kernel (no NIC, virtual or real); `network`: a --peer host. */
  link: NetworkLink;
  messageBytes: number;
  timeoutMs: number;
}
interface RttState {
  conn: PeerConnection;
  message: Buffer;
}

export const netTcpRtt: Workload<RttParams, RttState> = {
  needsPeer: true,
  id: 'net.tcp-rtt',
  category: 'network',
  title: 'TCP round trip of a 64-byte message (echo peer, one connection)',
  unit: 'us',
  better: 'lower',
  figure: { kind: 'cost', scale: 1e6 },
  stresses:
    'per-packet path: the kernel TCP stack and wake-ups (loopback), plus the (virtual) NIC and interrupts with --peer; netperf TCP_RR is +81% under KVM',
  inQuick: true,
  initialOperations: 10,
  // Round trips fall from ~55 to ~22 us only after ~4,000 trips (JIT of the echo path, socket wake-up paths).
  warmup: { minOperations: 5000, maxSeconds: 2 },
  params: (suite, ctx) => ({ peer: describePeer(ctx.peer), link: linkOf(ctx.peer), messageBytes: 64, timeoutMs: timeoutFor(suite) }),
  available: (_p, ctx) => noPeerReason(ctx),
  async setup(p, ctx) {
    const conn = await PeerConnection.open(ctx.peer as PeerAddress, 'ECHO', p.timeoutMs);
    const message = Buffer.alloc(p.messageBytes, 0x61);
    message.writeUInt32LE(0, 0);
    return { conn, message };
  },
  batch: (s, ops) => s.conn.echo(s.message, ops),
  teardown: (s) => s.conn.close(),
};

interface ThroughputParams extends Record<string, unknown> {
  peer: string;
  /** `loopback`: the traffic never leaves this kernel (no NIC, virtual or real); `network`: a --peer host. */
  link: NetworkLink;
  direction: 'client-to-peer';
  chunkBytes: number;
  timeoutMs: number;
}
interface ThroughputState {
  conn: PeerConnection;
  block: Buffer;
}

const CHUNK = 64 * 1024;

export const netTcpThroughput: Workload<ThroughputParams, ThroughputState> = {
  needsPeer: true,
  id: 'net.tcp-throughput',
  category: 'network',
  title: 'TCP bulk transfer to the peer (64 KiB writes, acknowledged by the peer)',
  unit: 'MB/s',
  better: 'higher',
  // One operation is one 64 KiB chunk; MB/s = chunks/s * 65536 / 1e6.
  figure: { kind: 'rate', scale: CHUNK / 1e6 },
  stresses: 'bulk data path: segmentation offload and copies; about equal to native in published KVM data',
  inQuick: true,
  initialOperations: 16,
  warmup: { minOperations: 200, maxSeconds: 1 },
  params: (suite, ctx) => ({
    peer: describePeer(ctx.peer),
    link: linkOf(ctx.peer),
    direction: 'client-to-peer',
    chunkBytes: CHUNK,
    timeoutMs: timeoutFor(suite),
  }),
  available: (_p, ctx) => noPeerReason(ctx),
  async setup(p, ctx) {
    const conn = await PeerConnection.open(ctx.peer as PeerAddress, 'SINK', p.timeoutMs);
    return { conn, block: Buffer.alloc(p.chunkBytes, 0x42) };
  },
  batch: (s, ops) => s.conn.sink(s.block, ops * s.block.length),
  teardown: (s) => s.conn.close(),
};

interface HttpParams extends Record<string, unknown> {
  peer: string;
  /** `loopback`: the traffic never leaves this kernel (no NIC, virtual or real); `network`: a --peer host. */
  link: NetworkLink;
  path: string;
  timeoutMs: number;
}
interface HttpState {
  client: Client;
  path: string;
  where: string;
}

function httpOrigin(peer: PeerAddress): string {
  return `http://${peer.host.includes(':') ? `[${peer.host}]` : peer.host}:${peer.port}`;
}

/** One GET through a keep-alive undici client; anything but `200 ok\n` is a failure of the peer. */
async function getOk(client: Client, path: string, where: string): Promise<void> {
  const res = await client.request({ path, method: 'GET' });
  const body = await res.body.text();
  if (res.statusCode !== 200 || body !== 'ok\n') {
    throw new Error(`peer ${where} answered garbage: HTTP ${res.statusCode} ${JSON.stringify(body.slice(0, 40))}`);
  }
}

function httpClient(peer: PeerAddress, timeoutMs: number): Client {
  return new Client(httpOrigin(peer), {
    connectTimeout: timeoutMs,
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
    keepAliveTimeout: 60_000,
    pipelining: 1,
  });
}

function httpError(e: unknown, peer: PeerAddress): Error {
  const err = e as NodeJS.ErrnoException;
  const where = `${peer.host}:${peer.port}`;
  if (err.code === 'ECONNREFUSED') return new Error(`peer ${where} refused the connection (is \`virtax peer\` running?)`);
  if (err.message?.startsWith(`peer ${where}`)) return err;
  return new Error(`peer ${where} (http): ${err.message ?? String(e)}`);
}

export const netHttp: Workload<HttpParams, HttpState> = {
  needsPeer: true,
  id: 'net.http',
  category: 'network',
  title: 'HTTP/1.1 request latency (undici, keep-alive, one request at a time)',
  unit: 'us',
  better: 'lower',
  figure: { kind: 'cost', scale: 1e6 },
  stresses: 'request/response over TCP with an HTTP stack on both ends; the latency a service sees per call',
  inQuick: true,
  initialOperations: 10,
  // undici's request path needs ~500 requests to warm.
  warmup: { minOperations: 1000, maxSeconds: 3 },
  params: (suite, ctx) => ({ peer: describePeer(ctx.peer), link: linkOf(ctx.peer), path: '/', timeoutMs: timeoutFor(suite) }),
  available: (_p, ctx) => noPeerReason(ctx),
  async setup(p, ctx) {
    const peer = ctx.peer as PeerAddress;
    const client = httpClient(peer, p.timeoutMs);
    try {
      await getOk(client, p.path, `${peer.host}:${peer.port}`);
    } catch (e) {
      await client.destroy();
      throw httpError(e, peer);
    }
    return { client, path: p.path, where: `${peer.host}:${peer.port}` };
  },
  async batch(s, ops) {
    try {
      for (let i = 0; i < ops; i++) await getOk(s.client, s.path, s.where);
    } catch (e) {
      const msg = (e as Error).message;
      throw new Error(msg.startsWith('peer ') ? msg : `peer ${s.where} (http): ${msg}`);
    }
  },
  teardown: (s) => s.client.destroy(),
};

interface RpsParams extends Record<string, unknown> {
  peer: string;
  /** `loopback`: the traffic never leaves this kernel (no NIC, virtual or real); `network`: a --peer host. */
  link: NetworkLink;
  path: string;
  connections: number;
  seconds: number;
  timeoutMs: number;
}

/** Per-second counts from autocannon's `tick` events, the round's requests and seconds. */
export interface LoadOutcome {
  perSecond: number[];
  requests: number;
  seconds: number;
  errors: number;
  timeouts: number;
  non2xx: number;
}

/** Run autocannon against `url` for `seconds`; its latency (whole ms) is not used, only counts. */
export function runLoad(
  url: string,
  connections: number,
  load: { seconds: number } | { requests: number },
  timeoutMs: number,
): Promise<LoadOutcome> {
  return new Promise((resolve, reject) => {
    const perSecond: number[] = [];
    const instance = autocannon(
      {
        url,
        connections,
        ...('seconds' in load ? { duration: load.seconds } : { amount: load.requests }),
        timeout: Math.max(1, Math.ceil(timeoutMs / 1000)),
        pipelining: 1,
      },
      (err, r) => {
        if (err) {
          reject(err);
          return;
        }
        resolve({
          // A last tick after the end covers a fraction of a second (often 0 requests): not a per-second sample.
          perSecond: 'seconds' in load ? perSecond.slice(0, Math.floor(load.seconds)) : perSecond,
          requests: r.requests.total,
          seconds: (new Date(r.finish).getTime() - new Date(r.start).getTime()) / 1000,
          errors: r.errors,
          timeouts: r.timeouts,
          non2xx: r.non2xx,
        });
      },
    );
    (instance as unknown as EventEmitter).on('tick', (t: { counter: number }) => perSecond.push(t.counter));
  });
}

export const netHttpRps: Workload<RpsParams, null> = {
  needsPeer: true,
  id: 'net.http-rps',
  category: 'network',
  title: 'HTTP/1.1 requests per second under load (autocannon, 10 connections)',
  unit: 'req/s',
  better: 'higher',
  figure: { kind: 'rate', scale: 1 },
  stresses: 'request throughput with many connections: interrupts, wake-ups and copies per request',
  inQuick: false,
  params: (suite, ctx) => ({
    peer: describePeer(ctx.peer),
    link: linkOf(ctx.peer),
    path: '/',
    connections: 10,
    seconds: suite === 'full' ? 5 : 3,
    timeoutMs: timeoutFor(suite),
  }),
  available: (_p, ctx) => noPeerReason(ctx),
  setup: () => null,
  batch: () => {
    throw new Error('net.http-rps measures whole rounds (customRound)');
  },
  async customRound(p, ctx: WorkloadContext, _plan: RoundPlan): Promise<CustomRoundOutput> {
    const peer = ctx.peer as PeerAddress;
    const probe = httpClient(peer, p.timeoutMs);
    try {
      await getOk(probe, p.path, `${peer.host}:${peer.port}`); // fail fast and clearly when the peer is not there
    } catch (e) {
      throw httpError(e, peer);
    } finally {
      await probe.destroy();
    }
    const url = `${httpOrigin(peer)}${p.path}`;
    // Warm-up: both ends' JIT and the peer's connection handling, outside the measured seconds.
    const warm = await runLoad(url, p.connections, { requests: 2000 }, p.timeoutMs);
    if (warm.errors || warm.timeouts || warm.non2xx)
      throw new Error(
        `peer ${peer.host}:${peer.port} failed the warm-up load: ${warm.errors} errors, ${warm.timeouts} timeouts, ${warm.non2xx} non-2xx`,
      );
    const before = readCpuTimes();
    const r = await runLoad(url, p.connections, { seconds: p.seconds }, p.timeoutMs);
    const after = readCpuTimes();
    if (r.errors || r.timeouts || r.non2xx) {
      throw new Error(`peer ${peer.host}:${peer.port} under load: ${r.errors} errors, ${r.timeouts} timeouts, ${r.non2xx} non-2xx answers`);
    }
    if (!(r.requests > 0) || !(r.seconds > 0)) throw new Error('autocannon completed no request');
    const samples = r.perSecond.length ? r.perSecond : [r.requests / r.seconds];
    return {
      round: { figure: r.requests / r.seconds, operations: r.requests, seconds: r.seconds, samples, stealPct: stealPct(before, after) },
      extra: { autocannon: { requests: r.requests, seconds: r.seconds, connections: p.connections } },
    };
  },
};

export const networkWorkloads: AnyWorkload[] = [netTcpRtt, netTcpThroughput, netHttp, netHttpRps];
