/**
 * The collector's connection cap, kept so that a flood of slow or idle connections cannot lock out
 * `/healthz`, `/readyz` or an honest upload. Node's own `server.maxConnections` closes every new connection
 * once the cap is reached, so 256 connections that trickle their headers (or send nothing, or send a body
 * one byte at a time) shut the service until they time out, and an attacker who reconnects keeps it shut.
 *
 * Here a new connection over the cap takes the place of an older one instead, chosen in this order:
 *   1. the connection that has waited longest without a request in progress: its headers are not
 *      complete yet (fresh, trickling, TLS handshake unfinished) or it idles between kept-alive requests;
 *   2. else the oldest request whose body is still arriving (a slow body);
 * and is itself closed only when every other connection has a whole request being answered. A prober
 * (load balancer, curl) sends its request at once, so it is answered; evicted clients see a reset, which
 * `virtax upload` retries. Per-address limits would not help: on loopback and behind a load balancer every
 * client has the same address.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

interface Conn {
  socket: Socket;
  /** The request being answered on it, or null while it waits for one. */
  request: IncomingMessage | null;
  /** When it started waiting, or when its request arrived. */
  since: number;
}

const peerKey = (s: Socket): string => `${s.remoteAddress ?? ''}|${s.remotePort ?? ''}`;

export class ConnectionGuard {
  /** Open connections by peer address and port (the same for a TLS socket and the TCP socket under it). */
  private readonly open = new Map<string, Conn>();
  /** Connections closed to make room, since start. */
  evicted = 0;
  /** New connections closed because every open one had a request being answered. */
  refused = 0;
  private tick = 0;

  constructor(private readonly cap: number) {}

  get size(): number {
    return this.open.size;
  }

  /** Track the server's TCP connections (before any TLS handshake). */
  attach(server: Server): void {
    server.on('connection', (socket: Socket) => this.connected(socket));
  }

  /** A monotonic order (Date.now can tie). */
  private now(): number {
    return ++this.tick;
  }

  private connected(socket: Socket): void {
    const key = peerKey(socket);
    const conn: Conn = { socket, request: null, since: this.now() };
    this.open.set(key, conn);
    socket.once('close', () => {
      if (this.open.get(key) === conn) this.open.delete(key);
    });
    if (this.open.size <= this.cap) return;
    const victim = this.victim(conn);
    if (victim) {
      this.evicted++;
      victim.socket.destroy();
    } else {
      this.refused++;
      socket.destroy();
    }
  }

  private victim(except: Conn): Conn | null {
    let waiting: Conn | null = null;
    let slowBody: Conn | null = null;
    for (const c of this.open.values()) {
      if (c === except || c.socket.destroyed) continue;
      if (c.request === null) {
        if (!waiting || c.since < waiting.since) waiting = c;
      } else if (!c.request.complete) {
        if (!slowBody || c.since < slowBody.since) slowBody = c;
      }
    }
    return waiting ?? slowBody;
  }

  /** A request arrived (its headers are complete): its connection is busy until the answer is sent. */
  request(req: IncomingMessage, res: ServerResponse): void {
    const conn = this.open.get(peerKey(req.socket));
    if (!conn) return;
    conn.request = req;
    conn.since = this.now();
    const done = () => {
      if (conn.request !== req) return;
      conn.request = null;
      conn.since = this.now();
    };
    res.once('finish', done);
    res.once('close', done);
  }
}
