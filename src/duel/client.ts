/**
 * The duel's end of an agent: starts the side's command through `sh -c`, sends orders one at a time and
 * waits for each reply with a timeout. Anything that is not the awaited reply (a dead agent, silence past
 * the timeout, a line that is not a protocol reply) is an AgentError, and the agent is killed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Order, ProtocolVersion } from '../probes/agent/protocol.js';

export type AgentFailure = 'died' | 'hung' | 'garbage' | 'refused';

export class AgentError extends Error {
  constructor(
    /** Which side (its label) failed. */
    readonly side: string,
    readonly kind: AgentFailure,
    message: string,
  ) {
    super(message);
    this.name = 'AgentError';
  }
}

/** An order without its envelope: the link adds `v` and `id`. */
export type OrderBody = Order extends infer O ? (O extends Order ? Omit<O, 'v' | 'id'> : never) : never;

/** A successful reply's fields (the link already checked `v`, `id` and `ok`). */
export type ReplyFields = Record<string, unknown>;

/** What the duel needs from an agent; tests substitute an in-process one. */
export interface AgentLink {
  /** Side label, for messages. */
  readonly name: string;
  request(order: OrderBody, timeoutMs: number): Promise<ReplyFields>;
  /** Ask the agent to quit, then make sure it is gone. Never throws. */
  close(): Promise<void>;
  /** Speak this protocol version from now on (after hello, which is always v1). Links that omit it speak v1. */
  useProtocol?(v: ProtocolVersion): void;
}

interface Pending {
  id: number;
  resolve: (r: ReplyFields) => void;
  reject: (e: AgentError) => void;
  timer: NodeJS.Timeout;
}

/** An agent started as `sh -c <command>` in its own process group (so a hung one can be killed whole). */
export class ProcessAgent implements AgentLink {
  readonly #child: ChildProcess;
  #pending: Pending | null = null;
  #fatal: AgentError | null = null;
  #nextId = 1;
  #version: ProtocolVersion = 1;
  #stderrTail: string[] = [];
  readonly #exited: Promise<void>;

  constructor(
    readonly name: string,
    readonly command: string,
    onLog?: (line: string) => void,
    /** Environment of the agent's shell (default: this process's). */
    env?: NodeJS.ProcessEnv,
    /** Pin the agent and everything it starts to these CPUs (a kernel CPU list, `taskset -c`): a duet's side. */
    cpus?: string,
  ) {
    const [file, args] = cpus ? ['taskset', ['-c', cpus, 'sh', '-c', command]] : ['sh', ['-c', command]];
    this.#child = spawn(file, args as string[], { stdio: ['pipe', 'pipe', 'pipe'], detached: true, ...(env ? { env } : {}) });
    this.#exited = new Promise((resolve) => this.#child.once('close', () => resolve()));
    const out = createInterface({ input: this.#child.stdout!, crlfDelay: Infinity });
    out.on('line', (line) => this.#onLine(line));
    const err = createInterface({ input: this.#child.stderr!, crlfDelay: Infinity });
    err.on('line', (line) => {
      this.#stderrTail.push(line);
      if (this.#stderrTail.length > 20) this.#stderrTail.shift();
      onLog?.(line);
    });
    this.#child.stdin!.on('error', () => {}); // EPIPE when the agent is gone: reported by the exit handler
    this.#child.once('error', (e) => this.#fail('died', `could not start \`${command}\`: ${e.message}`));
    this.#child.once('exit', (code, signal) => {
      // Let the last stderr lines arrive so the message can say why it died.
      setTimeout(() => {
        const last = this.#stderrTail.filter((l) => l.trim()).slice(-1)[0];
        this.#fail('died', `agent exited (${signal ?? `code ${code}`})${last ? `; its last log line: ${last.trim()}` : ''}`);
      }, 50);
    });
  }

  useProtocol(v: ProtocolVersion): void {
    this.#version = v;
  }

  /** Last log lines of the agent (stderr), for error messages. */
  stderrTail(): string[] {
    return [...this.#stderrTail];
  }

  #fail(kind: AgentFailure, message: string): void {
    if (this.#fatal) return;
    this.#fatal = new AgentError(this.name, kind, `side ${this.name}: ${message}`);
    const p = this.#pending;
    this.#pending = null;
    if (p) {
      clearTimeout(p.timer);
      p.reject(this.#fatal);
    }
    if (kind !== 'died') this.#kill();
  }

  #onLine(raw: string): void {
    const line = raw.trim();
    if (line === '' || this.#fatal) return;
    const shown = line.length > 120 ? `${line.slice(0, 120)}...` : line;
    let data: unknown;
    try {
      data = JSON.parse(line);
    } catch {
      return this.#fail('garbage', `answered something that is not JSON: ${shown}`);
    }
    if (typeof data !== 'object' || data === null || Array.isArray(data)) return this.#fail('garbage', `answered a non-object: ${shown}`);
    const r = data as Record<string, unknown>;
    const p = this.#pending;
    if (r.v !== this.#version)
      return this.#fail('garbage', `answered in protocol version ${JSON.stringify(r.v ?? null)}, expected ${this.#version}: ${shown}`);
    if (!p) return this.#fail('garbage', `sent a reply nobody asked for: ${shown}`);
    if (r.id !== p.id) {
      // An error reply with id null answers an order the agent could not read: our order was garbled.
      const why = r.ok === false && typeof r.error === 'string' ? `: ${r.error}` : '';
      return this.#fail('garbage', `answered order ${JSON.stringify(r.id ?? null)} while order ${p.id} was waiting${why}`);
    }
    if (r.ok !== true && r.ok !== false) return this.#fail('garbage', `reply without ok true/false: ${shown}`);
    this.#pending = null;
    clearTimeout(p.timer);
    if (r.ok) return p.resolve(r);
    p.reject(
      new AgentError(
        this.name,
        'refused',
        `side ${this.name}: order refused: ${typeof r.error === 'string' ? r.error : 'no reason given'}`,
      ),
    );
  }

  request(order: OrderBody, timeoutMs: number): Promise<ReplyFields> {
    if (this.#fatal) return Promise.reject(this.#fatal);
    if (this.#pending) return Promise.reject(new Error('one order at a time'));
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => this.#fail('hung', `no reply to "${order.op}" within ${Math.round(timeoutMs / 1000)} s (hung or too slow; raise --timeout)`),
        timeoutMs,
      );
      this.#pending = { id, resolve, reject, timer };
      this.#child.stdin!.write(`${JSON.stringify({ v: this.#version, id, ...order })}\n`);
    });
  }

  #alive(): boolean {
    return this.#child.exitCode === null && this.#child.signalCode === null;
  }

  #kill(signal: NodeJS.Signals = 'SIGTERM'): void {
    if (!this.#alive() || this.#child.pid === undefined) return;
    try {
      process.kill(-this.#child.pid, signal);
    } catch {
      this.#child.kill(signal);
    }
    if (signal === 'SIGTERM') setTimeout(() => this.#kill('SIGKILL'), 3000).unref();
  }

  async close(): Promise<void> {
    if (this.#alive() && !this.#fatal && !this.#pending) {
      try {
        await this.request({ op: 'quit' }, 5000);
      } catch {
        // fall through to the kill below
      }
    }
    this.#child.stdin!.end();
    const gone = await Promise.race([this.#exited.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 5000).unref())]);
    if (!gone) {
      this.#kill('SIGTERM');
      await Promise.race([this.#exited, new Promise((r) => setTimeout(r, 4000).unref())]);
    }
  }
}
