/**
 * The duel agent protocol, versions 1 and 2 (documented in docs/duel.md).
 *
 * Line-delimited JSON: one order per line on the agent's stdin, one reply per line on its stdout, in order.
 * Logs go to the agent's stderr only, so stdout carries nothing but replies.
 *
 *   order: { "v": 1|2, "id": <string|number>, "op": "hello" | "fingerprint" | "round" | "quit", ... }
 *   reply: { "v": <the order's>, "id": <same id>, "ok": true, ... } | { "v", "id": <id or null>, "ok": false, "error": "one line" }
 *
 * Version 2 adds the duet's two-step round: `prepare` (the round process sets up, sizes its batches, warms up and
 * waits; the reply says ready), `start` (its timed batches start; the reply is the round's result, as `round`'s)
 * and `abort` (drop the prepared round). A v2 agent answers v1 orders as a v1 agent does, so a duel that speaks
 * v1 (an older duel, or an interleaved one with an older agent on the other side) is still served. The duel
 * says hello in v1, which every agent reads, and learns from `protocols` in the reply what the agent speaks.
 *
 * Orders and replies are plain data checked field by field here, on both ends: the agent never trusts an
 * order, and the duel never trusts a reply (an agent over ssh or in a container is another program).
 */
import type { RoundReply } from '../engine/executor.js';
import type { Fingerprint, Suite } from '../../types.js';
import type { RoundPlan } from '../../workloads/types.js';
import type { UserTaskOrder } from '../../workloads/user.js';

/** The newest version of this protocol; an agent speaks every version in PROTOCOL_VERSIONS. */
export const PROTOCOL_VERSION = 2 as const;
export const PROTOCOL_VERSIONS = [1, 2] as const;
export type ProtocolVersion = (typeof PROTOCOL_VERSIONS)[number];

export type OrderId = string | number;

/** The fields of a round order (`round` in v1 and v2, `prepare` in v2). */
export interface RoundFields {
  /** Workload id, e.g. `cpu.int`. */
  workload: string;
  /** Suite whose parameters the workload uses. */
  suite: Suite;
  /** How long the round measures (the duel decides, so both sides measure alike). */
  plan: RoundPlan;
  /** For a `user.*` workload (duel --workload): the user's tinybench module and task; absent for built-ins. */
  userTask?: UserTaskOrder;
  /** The round's seed (WorkloadContext.roundSeed: a noisy.* round's aggressor order); absent from older duels. */
  seed?: number;
}

export type Order =
  | { v: ProtocolVersion; id: OrderId; op: 'hello' }
  | { v: ProtocolVersion; id: OrderId; op: 'fingerprint' }
  | ({ v: 2; id: OrderId; op: 'prepare' } & RoundFields)
  | { v: 2; id: OrderId; op: 'start' }
  | { v: 2; id: OrderId; op: 'abort' }
  | ({ v: ProtocolVersion; id: OrderId; op: 'round' } & RoundFields)
  | { v: ProtocolVersion; id: OrderId; op: 'quit' };

export interface HelloReply {
  v: ProtocolVersion;
  id: OrderId;
  ok: true;
  /** The newest version the agent speaks (1 for agents that speak only v1). */
  protocol: number;
  /** Every version the agent speaks (absent from v1-only agents). */
  protocols?: number[];
  tool: { name: string; version: string; node: string };
  /** Process id of the agent as it sees itself (1 inside a fresh PID namespace). */
  pid: number;
  /** The CPUs the agent may run on, as it sees them (/proc/self/status Cpus_allowed_list); absent from v1 agents. */
  cpus?: number[];
}

/** `prepare`'s reply: the round waits at the barrier, or it ended before (skipped, failed) with its result. */
export type PrepareReply =
  { v: 2; id: OrderId; ok: true; ready: true } | { v: 2; id: OrderId; ok: true; ready: false; result: RoundReply; loadAvg1: number };

export interface FingerprintReply {
  v: ProtocolVersion;
  id: OrderId;
  ok: true;
  fingerprint: Fingerprint;
}

export interface RoundOrderReply {
  v: ProtocolVersion;
  id: OrderId;
  ok: true;
  /** What the round process answered (ok with the measured round, skipped or failed with a reason). */
  result: RoundReply;
  /** One-minute load average seen by the agent when the round started. */
  loadAvg1: number;
}

export interface QuitReply {
  v: ProtocolVersion;
  id: OrderId;
  ok: true;
  bye: true;
}

export interface AbortReply {
  v: 2;
  id: OrderId;
  ok: true;
  aborted: boolean;
}

export interface ErrorReply {
  v: ProtocolVersion;
  id: OrderId | null;
  ok: false;
  error: string;
}

export type Reply = HelloReply | FingerprintReply | RoundOrderReply | PrepareReply | AbortReply | QuitReply | ErrorReply;

const SUITES: readonly string[] = ['quick', 'standard', 'full'];

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function isId(x: unknown): x is OrderId {
  return (typeof x === 'string' && x.length <= 200) || (typeof x === 'number' && Number.isFinite(x));
}

function isPositive(x: unknown): x is number {
  return typeof x === 'number' && Number.isFinite(x) && x > 0;
}

function planProblem(p: unknown): string | null {
  if (!isObject(p)) return 'plan must be an object';
  for (const k of ['targetBatchSeconds', 'roundSeconds', 'minBatches', 'maxBatches'] as const) {
    if (!isPositive(p[k])) return `plan.${k} must be a positive number`;
  }
  if ((p.maxBatches as number) < (p.minBatches as number)) return 'plan.maxBatches must be at least plan.minBatches';
  if ((p.roundSeconds as number) > 600) return 'plan.roundSeconds must be at most 600';
  return null;
}

/** Parse one order line. Returns the order, or an error reply to send back (never throws). */
export function parseOrder(line: string): { order: Order } | { error: ErrorReply } {
  // An error answers in the order's version when it is one we speak, else in v1 (which every duel reads).
  let ev: ProtocolVersion = 1;
  const fail = (id: OrderId | null, error: string) => ({ error: { v: ev, id, ok: false as const, error } });
  let data: unknown;
  try {
    data = JSON.parse(line);
  } catch {
    return fail(null, 'not JSON: every order is one JSON object on one line');
  }
  if (!isObject(data)) return fail(null, 'an order must be a JSON object');
  const id = isId(data.id) ? data.id : null;
  if (id === null) return fail(null, 'order has no id (a string or a number)');
  if (data.v !== 1 && data.v !== 2)
    return fail(
      id,
      `unsupported protocol version ${JSON.stringify(data.v ?? null)} (this agent speaks v${PROTOCOL_VERSIONS.join(' and v')})`,
    );
  const v: ProtocolVersion = data.v;
  ev = v;
  switch (data.op) {
    case 'hello':
    case 'fingerprint':
    case 'quit':
      return { order: { v, id, op: data.op } };
    case 'start':
    case 'abort':
      if (v !== 2) return fail(id, `op ${data.op} needs protocol version 2 (a duet round)`);
      return { order: { v, id, op: data.op } };
    case 'prepare':
    case 'round': {
      if (data.op === 'prepare' && v !== 2) return fail(id, 'op prepare needs protocol version 2 (a duet round)');
      const op = data.op;
      if (typeof data.workload !== 'string' || data.workload === '') return fail(id, `${op}: workload must be a workload id`);
      if (typeof data.suite !== 'string' || !SUITES.includes(data.suite)) return fail(id, `${op}: suite must be quick, standard or full`);
      const why = planProblem(data.plan);
      if (why) return fail(id, `${op}: ${why}`);
      const plan = data.plan as RoundPlan;
      let userTask: UserTaskOrder | undefined;
      if (data.userTask !== undefined) {
        const u = userTaskOrderOf(data.userTask);
        if (typeof u === 'string') return fail(id, `${op}: userTask: ${u}`);
        userTask = u;
      }
      if (data.seed !== undefined && !(typeof data.seed === 'number' && Number.isSafeInteger(data.seed)))
        return fail(id, `${op}: seed must be a whole number`);
      const fields: RoundFields = {
        workload: data.workload,
        suite: data.suite as Suite,
        plan: {
          targetBatchSeconds: plan.targetBatchSeconds,
          roundSeconds: plan.roundSeconds,
          minBatches: plan.minBatches,
          maxBatches: plan.maxBatches,
        },
        ...(userTask ? { userTask } : {}),
        ...(typeof data.seed === 'number' ? { seed: data.seed } : {}),
      };
      return { order: op === 'prepare' ? { v: 2, id, op, ...fields } : { v, id, op, ...fields } };
    }
    default:
      return fail(
        id,
        `unknown op ${JSON.stringify(data.op ?? null)} (hello, fingerprint, round, quit${v === 2 ? ', prepare, start, abort' : ''})`,
      );
  }
}

/** A round order's userTask checked field by field, or the reason it is not one. */
function userTaskOrderOf(u: unknown): UserTaskOrder | string {
  if (!isObject(u)) return 'must be an object';
  if (typeof u.module !== 'string' || u.module === '' || u.module.length > 4096) return 'module must be a path';
  if (typeof u.sha256 !== 'string' || !/^sha256:[0-9a-f]{64}$/.test(u.sha256)) return 'sha256 must be sha256:<64 hex digits>';
  if (u.task !== null && typeof u.task !== 'string') return 'task must be a task name or null';
  if (u.problem !== null && typeof u.problem !== 'string') return 'problem must be a string or null';
  if (u.task === null && u.problem === null) return 'a userTask without a task needs its problem';
  if (typeof u.unit !== 'string' || u.unit === '' || u.unit.length > 40) return 'unit must be a short string';
  if (u.better !== 'higher' && u.better !== 'lower') return 'better must be higher or lower';
  if (!isPositive(u.scale)) return 'scale must be a positive number';
  if (!isPositive(u.batchTimeoutSeconds)) return 'batchTimeoutSeconds must be a positive number';
  return {
    module: u.module,
    sha256: u.sha256,
    task: u.task,
    problem: u.problem,
    unit: u.unit,
    better: u.better,
    scale: u.scale,
    batchTimeoutSeconds: u.batchTimeoutSeconds,
  };
}

function finiteArray(x: unknown): x is number[] {
  return Array.isArray(x) && x.every((n) => typeof n === 'number' && Number.isFinite(n));
}

/** Check a round result as received from an agent; returns a reason when it is not a valid RoundReply. */
export function roundReplyProblem(r: unknown): string | null {
  if (!isObject(r)) return 'result is not an object';
  if (r.status === 'skipped' || r.status === 'failed') return typeof r.reason === 'string' ? null : `${r.status} result without a reason`;
  if (r.status !== 'ok') return `result status ${JSON.stringify(r.status ?? null)} is not ok, skipped or failed`;
  if (!isObject(r.params)) return 'result has no params';
  if (!isObject(r.outcome) || !isObject(r.outcome.round)) return 'result has no measured round';
  const round = r.outcome.round;
  if (!isPositive(round.figure)) return 'round figure is not a positive number';
  if (!isPositive(round.operations) || !isPositive(round.seconds)) return 'round operations/seconds are not positive numbers';
  if (!finiteArray(round.samples) || round.samples.length === 0) return 'round samples are not a list of numbers';
  if (round.stealPct !== null && typeof round.stealPct !== 'number') return 'round stealPct is neither a number nor null';
  return null;
}
