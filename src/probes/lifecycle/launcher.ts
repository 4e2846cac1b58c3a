/**
 * The launcher contract of `virtax lifecycle` (docs/lifecycle.md): how one platform starts an instance detached,
 * says when the program inside has run, lists the instance's host processes, and stops it. Built-in platforms
 * implement it in builtin.ts; a user's own platform plugs in as a script (script.ts) speaking the same contract.
 *
 * Readiness is one byte, READY_BYTE (0x06, ASCII ACK), written by the program inside the instance to a channel
 * the host reads (a pipe, or what the platform relays to one): the instance has started when that byte arrives.
 */

/** What the instance runs: `ready` a trivial program (the shell's printf) that writes READY_BYTE, `node` `node -e` writing it. Either then idles (sleeps) until stopped. */
export type Payload = 'ready' | 'node';

/** The byte a payload writes when it has run. */
export const READY_BYTE = 0x06;

/** One running instance of a platform. */
export interface Instance {
  /** Host PIDs of every process created for the instance (not the harness that launched it). */
  hostPids(): Promise<number[]>;
  /** Ask the instance to stop. Resolves once asked; the caller waits for the host processes to be gone. */
  stop(): Promise<void>;
}

/** A platform that `virtax lifecycle` can launch. */
export interface Launcher {
  /** The platform's name (process, podman, podman-gvisor, gvisor, uml, or a user's NAME). */
  name: string;
  /** Null when instances can be launched here, else why not (one line): the platform is then skipped. */
  unavailable(): Promise<string | null>;
  /** Parameters that dominate the figures (UML's mem=, podman's storage driver and runtime, the script's path). */
  params(): Promise<Record<string, unknown>>;
  /**
   * Launch one instance running `payload`; resolves when READY_BYTE arrived, rejects (one line) when the launch
   * failed or `timeoutMs` passed (anything it started is then stopped).
   */
  start(payload: Payload, timeoutMs: number): Promise<Instance>;
  /** Remove what the launcher kept between instances (temporary files); called once at the end, when present. */
  dispose?(): Promise<void>;
}
