/**
 * The network target other probes measure against (`virtax peer`). One TCP port serves three services,
 * told apart by the first bytes a client sends:
 *
 *   - an HTTP request line (`GET `, `POST `, `HEAD `, ...): HTTP/1.1 with keep-alive.
 *       GET /          -> 200, body "ok\n"
 *       GET /bytes?n=N -> 200, N bytes (N <= maxPayloadBytes)
 *       POST /         -> 200, body = number of bytes received (body <= maxPayloadBytes, else 413)
 *   - `VTAX` + a 4-byte service tag (binary protocol, answered with `VTOK` or `VTNO <reason>\n` and close):
 *       `ECHO`        every byte that follows is sent back (TCP echo, for round trips)
 *       `SINK` + u64  the client sends that many bytes, the peer answers the u64 count it received; repeatable
 *       `SRCE` + u64  the peer sends that many bytes; repeatable
 *   - anything else: `VTNO unknown protocol\n`, then close.
 *
 * Limits: at most `maxConnections` at once (more are closed at once and logged), payloads of at most
 * `maxPayloadBytes` per request, sockets idle for `idleTimeoutMs` are closed. Every connection is logged.
 */
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { forkSettled, moduleBeside } from '../../proc/node-child.js';
import { PEER_MAGIC, PEER_OK } from '../../workloads/peer-protocol.js';

export interface PeerOptions {
  /** TCP port; 0 picks a free one. */
  port: number;
  /** Address to bind (default 0.0.0.0, all IPv4 interfaces). */
  bind: string;
  maxConnections: number;
  /** Largest SINK/SRCE request or HTTP body, in bytes. */
  maxPayloadBytes: number;
  /** A socket with no traffic for this long is closed. */
  idleTimeoutMs: number;
  /** Where connection logs go (one line each). */
  log: (line: string) => void;
}

export const DEFAULT_PEER_OPTIONS: PeerOptions = {
  port: 7878,
  bind: '0.0.0.0',
  maxConnections: 256,
  maxPayloadBytes: 1 << 30,
  idleTimeoutMs: 30_000,
  log: (line) => process.stderr.write(`${line}\n`),
};

export interface RunningPeer {
  host: string;
  port: number;
  /** Connections currently open. */
  connections(): number;
  /** Stop listening and close every open connection. */
  close(): Promise<void>;
}

const HTTP_METHOD = /^(GET|HEAD|POST|PUT|DELETE|OPTIONS|PATCH) /;
const HANDSHAKE_BYTES = 8;
const LENGTH_BYTES = 8;
/** The source service sends from one preallocated block. */
const SOURCE_BLOCK = Buffer.alloc(64 * 1024, 0x5a);

function refuse(socket: Socket, reason: string): void {
  socket.end(`VTNO ${reason}\n`);
}

/** Echo: reads into one reused buffer (no allocation per message) and writes a copy back. */
function serveEcho(socket: Socket, rest: Buffer): void {
  if (rest.length) socket.write(rest);
  socket.on('data', (d: Buffer) => {
    // Backpressure: a client that sends without reading must not grow our memory without bound.
    if (!socket.write(d)) {
      socket.pause();
      socket.once('drain', () => socket.resume());
    }
  });
}

/** Sink/source: a stream of u64 lengths, each followed (sink) or answered (source) by that many bytes. */
function serveLengths(socket: Socket, service: 'SINK' | 'SRCE', first: Buffer, maxPayload: number): void {
  let pending = Buffer.alloc(0);
  let remaining = 0; // bytes still to receive for the current sink request
  let received = 0;
  const onData = (d: Buffer): void => {
    let buf = pending.length ? Buffer.concat([pending, d]) : d;
    pending = Buffer.alloc(0);
    while (buf.length) {
      if (service === 'SINK' && remaining > 0) {
        const take = Math.min(buf.length, remaining);
        remaining -= take;
        received += take;
        buf = buf.subarray(take);
        if (remaining === 0) {
          const ack = Buffer.alloc(LENGTH_BYTES);
          ack.writeBigUInt64BE(BigInt(received));
          socket.write(ack);
          received = 0;
        }
        continue;
      }
      if (buf.length < LENGTH_BYTES) {
        pending = Buffer.from(buf);
        return;
      }
      const big = buf.readBigUInt64BE(0);
      buf = buf.subarray(LENGTH_BYTES);
      if (big === 0n || big > BigInt(maxPayload)) {
        refuse(socket, `payload of ${big} bytes outside 1..${maxPayload}`);
        socket.off('data', onData);
        return;
      }
      const n = Number(big);
      if (service === 'SINK') remaining = n;
      else {
        socket.pause();
        void sendBytes(socket, n).then(
          () => socket.resume(),
          () => socket.destroy(),
        );
      }
    }
  };
  socket.on('data', onData);
  if (first.length) onData(first);
}

async function sendBytes(socket: Socket, n: number): Promise<void> {
  let left = n;
  while (left > 0 && !socket.destroyed) {
    const chunk = left >= SOURCE_BLOCK.length ? SOURCE_BLOCK : SOURCE_BLOCK.subarray(0, left);
    left -= chunk.length;
    if (!socket.write(chunk)) await new Promise<void>((res) => socket.once('drain', res).once('close', res));
  }
}

function httpHandler(maxPayload: number) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? '/', 'http://peer');
    if (req.method === 'POST' || req.method === 'PUT') {
      let n = 0;
      req.on('data', (d: Buffer) => {
        n += d.length;
        if (n > maxPayload) {
          res.writeHead(413, { connection: 'close' }).end('payload too large\n');
          req.destroy();
        }
      });
      req.on('end', () => {
        if (!res.headersSent) res.writeHead(200, { 'content-type': 'text/plain' }).end(`${n}\n`);
      });
      return;
    }
    if (url.pathname === '/') {
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '3' }).end('ok\n');
      return;
    }
    if (url.pathname === '/bytes') {
      const n = Number(url.searchParams.get('n') ?? '0');
      if (!Number.isInteger(n) || n < 0 || n > maxPayload) {
        res.writeHead(400, { 'content-type': 'text/plain' }).end(`n must be a whole number from 0 to ${maxPayload}\n`);
        return;
      }
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(n) });
      let left = n;
      const pump = (): void => {
        while (left > 0) {
          const chunk = left >= SOURCE_BLOCK.length ? SOURCE_BLOCK : SOURCE_BLOCK.subarray(0, left);
          left -= chunk.length;
          if (!res.write(chunk)) {
            res.once('drain', pump);
            return;
          }
        }
        res.end();
      };
      pump();
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
  };
}

/** Start a peer; resolves once it listens. */
export function startPeer(options: Partial<PeerOptions> = {}): Promise<RunningPeer> {
  const o: PeerOptions = { ...DEFAULT_PEER_OPTIONS, ...options };
  const open = new Set<Socket>();
  const http = createHttpServer({ keepAliveTimeout: o.idleTimeoutMs, headersTimeout: o.idleTimeoutMs }, httpHandler(o.maxPayloadBytes));

  const onConnection = (socket: Socket): void => {
    const who = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
    if (open.size >= o.maxConnections) {
      o.log(`peer: refused ${who}: ${o.maxConnections} connections already open`);
      socket.destroy();
      return;
    }
    open.add(socket);
    socket.setNoDelay(true);
    socket.setTimeout(o.idleTimeoutMs, () => {
      o.log(`peer: closed ${who}: idle for ${o.idleTimeoutMs} ms`);
      socket.destroy();
    });
    socket.on('error', () => socket.destroy()); // resets by clients are their business; the close is logged
    socket.on('close', () => open.delete(socket));
    let head: Buffer = Buffer.alloc(0);
    const onFirst = (d: Buffer): void => {
      head = head.length ? Buffer.concat([head, d]) : d;
      const text = head.subarray(0, 8).toString('latin1');
      if (HTTP_METHOD.test(text)) {
        socket.off('data', onFirst);
        socket.pause();
        socket.unshift(head);
        o.log(`peer: connection from ${who} (http)`);
        http.emit('connection', socket);
        socket.resume();
        return;
      }
      if (head.length < HANDSHAKE_BYTES && PEER_MAGIC.subarray(0, head.length).equals(head.subarray(0, PEER_MAGIC.length))) return;
      if (head.length < HANDSHAKE_BYTES && /^[A-Z]{1,7}$/.test(text)) return; // maybe an HTTP method, still arriving
      socket.off('data', onFirst);
      if (!head.subarray(0, 4).equals(PEER_MAGIC)) {
        o.log(`peer: connection from ${who} refused: unknown protocol`);
        refuse(socket, 'unknown protocol');
        return;
      }
      const service = head.subarray(4, 8).toString('latin1');
      const rest = head.subarray(HANDSHAKE_BYTES);
      o.log(`peer: connection from ${who} (${service.toLowerCase()})`);
      if (service === 'ECHO') {
        socket.write(PEER_OK);
        serveEcho(socket, rest);
      } else if (service === 'SINK' || service === 'SRCE') {
        socket.write(PEER_OK);
        serveLengths(socket, service, rest, o.maxPayloadBytes);
      } else {
        refuse(socket, `unknown service ${JSON.stringify(service)}`);
      }
    };
    socket.on('data', onFirst);
  };

  const server: Server = createServer(onConnection);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.bind, () => {
      server.off('error', reject);
      const addr = server.address() as AddressInfo;
      resolve({
        host: addr.address,
        port: addr.port,
        connections: () => open.size,
        close: () =>
          new Promise<void>((res) => {
            for (const s of open) s.destroy();
            http.close();
            server.close(() => res());
          }),
      });
    });
  });
}

/** Parse `HOST:PORT` (`[v6]:PORT` for IPv6). Throws with one line on anything else. */
export function parseHostPort(text: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:\s]+)):(\d{1,5})$/.exec(text.trim());
  const port = m ? Number(m[3]) : NaN;
  if (!m || !(port >= 1 && port <= 65535)) throw new Error(`expected HOST:PORT (got "${text}")`);
  return { host: (m[1] ?? m[2]) as string, port };
}

/** A loopback peer in its own process (so the client's measurements do not share its event loop). */
export interface PeerProcess {
  host: string;
  port: number;
  stop(): Promise<void>;
}

/** Fork a peer on a free 127.0.0.1 port; resolves when it listens, rejects after `timeoutMs`. */
export function spawnLoopbackPeer(opts: { quiet?: boolean; timeoutMs?: number } = {}): Promise<PeerProcess> {
  const timeoutMs = opts.timeoutMs ?? 30_000;
  type Started = { ok: true; host: string; port: number } | { ok: false; error: Error };
  const { child, result } = forkSettled<Started>(moduleBeside('peer-child', import.meta.url), {
    stdio: ['ignore', 'ignore', opts.quiet ? 'ignore' : 'inherit', 'ipc'],
    env: { ...process.env, VIRTAX_PEER_QUIET: opts.quiet ? '1' : '0' },
    timeoutMs,
    onTimeout: () => ({ ok: false, error: new Error(`loopback peer did not start within ${timeoutMs} ms`) }),
    onEnd: (e) => ({
      ok: false,
      error: e.error
        ? new Error(`could not start the loopback peer: ${e.error.message}`)
        : new Error(`loopback peer exited (${e.signal ?? `code ${e.code}`}) before listening`),
    }),
    onMessage: (m, settle) => {
      const x = m as { type: string; host: string; port: number };
      settle({ ok: true, host: x.host, port: x.port });
    },
    // It lives on once it listens; stop() ends it.
    killOnSettle: (r) => !r.ok,
  });
  const exited = new Promise<void>((res) => child.once('exit', () => res()));
  return result.then((r) => {
    if (!r.ok) throw r.error;
    return {
      host: r.host,
      port: r.port,
      stop: async () => {
        if (child.exitCode === null && child.signalCode === null) {
          child.kill('SIGTERM');
          const t = setTimeout(() => child.kill('SIGKILL'), 3000);
          await exited;
          clearTimeout(t);
        }
        if (child.connected) child.disconnect();
      },
    };
  });
}
