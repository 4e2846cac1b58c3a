/**
 * `virtax duel` as a library function: start both sides' agents, run the interleaved duel (duel.ts), write
 * the four files (a.json, b.json, comparison.json, duel.json) into the output directory and the extra
 * outputs asked for (Markdown, CSV, HTML). The agents, Ctrl-C and the clock are dependencies with the real
 * ones as default. The CLI (src/cli/commands/duel.ts) parses the flags, prints the table and picks the exit code.
 */
import { mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { comparisonHtml } from '../analysis/pipeline.js';
import { processInterrupt, type Interrupt } from '../proc/interrupt.js';
import { selectWorkloads } from '../probes/engine/runner.js';
import { comparisonCsv, comparisonJunit, comparisonMarkdown } from '../report/comparison-exporters.js';
import { saveResults, writeFileAtomic } from '../results/io.js';
import { exportFiles, writeOutputs } from '../results/output.js';
import type { Suite } from '../types.js';
import { VERSION } from '../version.js';
import { registry } from '../workloads/index.js';
import type { RoundPlan } from '../workloads/types.js';
import { userTasksOf, withUserWorkloads } from '../workloads/user-discover.js';
import { InputError } from '../errors.js';
import { allowedCpus } from '../probes/agent/agent.js';
import { ProcessAgent, type AgentLink } from './client.js';
import { cpuListText, isolationOf, splitCpus, type Isolation } from '../probes/agent/duet.js';
import { runDuel, type AutoRounds, type DuelEvent, type DuelMode, type DuelOutcome } from './duel.js';
import { duelRecord } from './report.js';

/** The files a duel writes into its output directory. */
export const FILES = { a: 'a.json', b: 'b.json', comparison: 'comparison.json', duel: 'duel.json' } as const;

/** A duel's options, checked and parsed by the CLI (suite, rounds, plan, noise, timeout, output paths). */
export interface DuelRequest {
  /** The commands that start each side's agent (`sh -c`). */
  a: string;
  b: string;
  labelA?: string;
  labelB?: string;
  /** Interleaved (default) or duet: both sides at once, each pinned to its own CPUs. */
  mode?: DuelMode;
  /** A duet's CPU lists per side (`0-1`); default: this process's CPUs split in halves. */
  cpusA?: string;
  cpusB?: string;
  suite: Suite;
  rounds: number | AutoRounds;
  plan: RoundPlan;
  noisePct: number;
  timeoutSeconds: number;
  /** Default: random (recorded in duel.json). */
  seed?: number;
  only?: string[] | null;
  /** A user's tinybench modules, run as `user.<name>` on both sides, and their per-batch limit. */
  workload?: string[];
  workloadTimeout?: number;
  /** Output directory (default results/duel-<time>). */
  out?: string;
  /** Also write the paired comparison as Markdown / CSV, the two sides' HTML report. */
  markdown?: string;
  csv?: string;
  junit?: string;
  html?: string;
}

/** The two sides' agents, started; `close` ends both (and whatever was made to start them). */
export interface AgentPair {
  a: AgentLink;
  b: AgentLink;
  close(): Promise<void>;
}

export interface DuelDeps {
  /** Start the sides' agents (default: each command under `sh -c`, with this CLI first on PATH; pinned to `cpus` in a duet). */
  startAgents?: (a: AgentStart, b: AgentStart, onLog?: (side: 'A' | 'B', line: string) => void) => AgentPair;
  /** The CPUs this process may use (default: /proc/self/status), split between a duet's sides. */
  cpus?: () => number[] | null;
  /** Ctrl-C (default: this process's SIGINT and SIGTERM, listened to while the duel runs). */
  interrupt?: () => Interrupt;
  /** Wall clock for the default output directory's name. */
  now?: () => Date;
  /** Pairs, passes and the handshake, as they happen. */
  onEvent?: (e: DuelEvent) => void;
  /** The agents' log lines (stderr); not read when absent. */
  onAgentLog?: (side: 'A' | 'B', line: string) => void;
}

/** How to start one side: its label, command, and in a duet the CPUs it is pinned to (a kernel CPU list). */
export interface AgentStart {
  label: string;
  command: string;
  cpus?: string;
}

/** Start both sides as `sh -c <command>` processes, with a `virtax` of this very CLI first on their PATH. */
export function processAgents(a: AgentStart, b: AgentStart, onLog?: (side: 'A' | 'B', line: string) => void): AgentPair {
  const shim = virtaxShim();
  const env = shim ? { ...process.env, PATH: `${shim}${delimiter}${process.env.PATH ?? ''}` } : undefined;
  const logTo = (side: 'A' | 'B') => (onLog ? (line: string) => onLog(side, line) : undefined);
  const agentA = new ProcessAgent(a.label, a.command, logTo('A'), env, a.cpus);
  const agentB = new ProcessAgent(b.label, b.command, logTo('B'), env, b.cpus);
  return {
    a: agentA,
    b: agentB,
    close: async () => {
      await Promise.all([agentA.close(), agentB.close()]);
      if (shim) rmSync(shim, { recursive: true, force: true });
    },
  };
}

/**
 * A directory holding a `virtax` that starts this very CLI, put first on the agents' PATH: `--a 'virtax
 * agent'` then works as written under `npx virtax duel` (where no `virtax` is on PATH) and both sides run
 * the same version as the duel. Null when this process is not the virtax CLI (tests call main() in-process).
 */
function virtaxShim(): string | null {
  const script = process.argv[1];
  if (!script || !/(bin[\\/]virtax(\.js)?|run-cli\.ts)$/.test(script)) return null;
  const dir = mkdtempSync(join(tmpdir(), 'virtax-path-'));
  const quote = (x: string) => `'${x.replace(/'/g, `'\\''`)}'`;
  const cmd = [process.execPath, ...process.execArgv, realpathSync(script)].map(quote).join(' ');
  writeFileSync(join(dir, 'virtax'), `#!/bin/sh\nexec ${cmd} "$@"\n`, { mode: 0o755 });
  return dir;
}

/**
 * Run a duel: select the workloads (with the `--workload` tasks), start both agents, duel, checkpoint each
 * side's file after every round, then write comparison.json and duel.json, and the extra outputs. Whatever
 * the outcome (finished, failed, interrupted), the files hold what was measured.
 */
export async function duelSession(args: DuelRequest, deps: DuelDeps = {}): Promise<{ outcome: DuelOutcome; out: string }> {
  const userTasks = await userTasksOf(args.workload ?? [], args.workloadTimeout);
  const workloads = withUserWorkloads((ids) => selectWorkloads(registry, args.suite, ids), args.only ?? null, userTasks);
  const now = deps.now ?? (() => new Date());
  const out =
    args.out ??
    join(
      'results',
      `duel-${now()
        .toISOString()
        .replace(/[:.]/g, '-')
        .replace(/-\d{3}Z$/, 'Z')}`,
    );
  const labelA = args.labelA ?? 'A';
  const labelB = args.labelB ?? 'B';
  const mode = args.mode ?? 'interleaved';
  if (mode !== 'duet' && (args.cpusA !== undefined || args.cpusB !== undefined))
    throw new InputError('--cpus-a/--cpus-b: only with --mode duet');
  let isolation: Isolation | null = null;
  if (mode === 'duet') {
    const available = (deps.cpus ?? allowedCpus)();
    if (!available)
      throw new InputError('duet mode: cannot tell which CPUs this process may use (/proc/self/status): give --cpus-a and --cpus-b');
    const split = splitCpus(available, args.cpusA, args.cpusB);
    isolation = isolationOf(split.a, split.b);
  }
  const pin = (cpus: number[] | undefined) => (cpus ? { cpus: cpuListText(cpus) } : {});
  const agents = (deps.startAgents ?? processAgents)(
    { label: labelA, command: args.a, ...pin(isolation?.cpusA) },
    { label: labelB, command: args.b, ...pin(isolation?.cpusB) },
    deps.onAgentLog,
  );
  const interrupt = (deps.interrupt ?? processInterrupt)();
  let result: { outcome: DuelOutcome; out: string };
  try {
    const outcome = await runDuel({
      a: { label: labelA, command: args.a, link: agents.a },
      b: { label: labelB, command: args.b, link: agents.b },
      mode,
      ...(isolation
        ? { placement: { a: `pinned to CPU ${cpuListText(isolation.cpusA)}`, b: `pinned to CPU ${cpuListText(isolation.cpusB)}` } }
        : {}),
      workloads,
      ...(userTasks.length ? { userTasks } : {}),
      suite: args.suite,
      plan: args.plan,
      rounds: args.rounds,
      seed: args.seed ?? Math.floor(Math.random() * 2 ** 31),
      toolVersion: VERSION,
      timeoutMs: args.timeoutSeconds * 1000,
      noisePct: args.noisePct,
      checkpoint: (side, file) => saveResults(join(out, FILES[side]), file),
      ...(deps.onEvent ? { onEvent: deps.onEvent } : {}),
      signal: interrupt.signal,
    });
    writeFileAtomic(join(out, FILES.comparison), `${JSON.stringify(outcome.comparison, null, 1)}\n`);
    writeFileAtomic(
      join(out, FILES.duel),
      duelRecord(outcome, {
        commands: { a: args.a, b: args.b },
        files: { ...FILES },
        rounds: typeof args.rounds === 'number' ? args.rounds : { auto: args.rounds },
        plan: args.plan,
        isolation,
      }),
    );
    result = { outcome, out };
  } finally {
    interrupt.dispose();
    await agents.close();
  }
  const { outcome } = result;
  writeOutputs(
    exportFiles(args, {
      markdown: () => comparisonMarkdown(outcome.comparison),
      csv: () => comparisonCsv(outcome.comparison),
      junit: () => comparisonJunit(outcome.comparison),
      html: () => comparisonHtml([outcome.a], [outcome.b], outcome.comparison),
    }),
  );
  return result;
}
