/**
 * `virtax agent` as a library call: a scratch directory, the round executor, a loopback peer started on first
 * use by a network workload (as `virtax run` does), the protocol served on the given streams
 * (agent.ts), and everything cleaned up afterwards. The CLI keeps the process-level parts (signals, stdin,
 * log lines on stderr); executor, fingerprint and peer are injectable.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { ChildProcessExecutor, type Executor } from '../engine/executor.js';
import { fingerprint as hostFingerprint } from '../host/fingerprint.js';
import { spawnLoopbackPeer, type PeerProcess } from '../peers/peer.js';
import type { Fingerprint } from '../../types.js';
import { VERSION } from '../../version.js';
import type { PeerAddress } from '../../workloads/types.js';
import type { UserTaskSpec } from '../../workloads/user.js';
import { serveAgent } from './agent.js';

export interface AgentSessionRequest {
  /** Directory for storage workloads (default: the current directory). */
  ioDir?: string;
  /** A round process is killed and the round reported failed after this long. */
  roundTimeoutMs: number;
  /** The user's tinybench tasks (`agent --workload`). */
  userTasks?: UserTaskSpec[];
}

export interface AgentSessionDeps {
  executor?: Executor;
  fingerprint?: () => Promise<Fingerprint>;
  spawnPeer?: () => Promise<PeerProcess>;
  log: (line: string) => void;
  /** Aborts a round in progress (the CLI's signals). */
  signal?: AbortSignal;
}

/** Serve orders from `input` until `quit` or end of input; says which. */
export async function agentSession(
  input: Readable,
  output: Writable,
  req: AgentSessionRequest,
  deps: AgentSessionDeps,
): Promise<'quit' | 'eof'> {
  const scratchDir = mkdtempSync(join(tmpdir(), 'virtax-agent-'));
  const started: { peer: Promise<PeerProcess> | null } = { peer: null };
  const peer = async (): Promise<PeerAddress> => {
    started.peer ??= (deps.spawnPeer ?? (() => spawnLoopbackPeer({ quiet: true })))();
    const p = await started.peer;
    return { host: p.host, port: p.port, kind: 'loopback' };
  };
  try {
    return await serveAgent(input, output, {
      executor: deps.executor ?? new ChildProcessExecutor(req.roundTimeoutMs),
      fingerprint: deps.fingerprint ?? hostFingerprint,
      ctx: {
        peer: null,
        scratchDir,
        ioDir: resolve(req.ioDir ?? process.cwd()),
        ioDirChosen: req.ioDir !== undefined,
        ...(req.userTasks?.length ? { userTasks: req.userTasks } : {}),
      },
      toolVersion: VERSION,
      log: deps.log,
      ...(deps.signal ? { signal: deps.signal } : {}),
      peer,
    });
  } finally {
    rmSync(scratchDir, { recursive: true, force: true });
    if (started.peer) await (await started.peer.catch(() => null))?.stop();
  }
}
