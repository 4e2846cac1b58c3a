import { mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { InputError } from '../../errors.js';
import { selectWorkloads } from '../../probes/runner.js';
import { SUITES, isSuite } from '../../probes/suites.js';
import { comparisonCsv, comparisonMarkdown } from '../../report/comparison-exporters.js';
import { comparisonHtml } from './compare.js';
import { colourFor, terminalWidth } from '../../report/format.js';
import { checkOutputFile, plannedDirs, writeOutputs, type OutputFile } from '../../results/output.js';
import { formatNumber } from '../../report/table.js';
import { saveResults, writeFileAtomic } from '../../results/io.js';
import type { Suite } from '../../types.js';
import { VERSION } from '../../version.js';
import { registry } from '../../workloads/index.js';
import { withUserWorkloads } from '../../workloads/user-discover.js';
import { userTasksOf } from './run.js';
import type { RoundPlan } from '../../workloads/types.js';
import { ProcessAgent } from '../../duel/client.js';
import { runDuel, type AutoRounds, type DuelEvent, type DuelOutcome } from '../../duel/duel.js';
import { duelRecord, formatDuelTable } from '../../duel/report.js';
import { parsePercent, type CliCommand } from '../command.js';

export interface DuelArgs {
  a: string;
  b: string;
  labelA?: string;
  labelB?: string;
  rounds?: string | number;
  target: string | number;
  budget: number;
  maxRounds: number;
  only?: string[];
  suite: string;
  seed?: number;
  out?: string;
  json?: boolean;
  /** Also write the paired comparison as Markdown / CSV (the same exporters as compare). */
  markdown?: string;
  csv?: string;
  /** Also write the two sides' HTML report (the same renderer as compare --html). */
  html?: string;
  timeout: number;
  noise: string | number;
  roundSeconds?: number;
  agentLogs?: boolean;
  /** A user's tinybench modules (repeatable), run as `user.<name>` on both sides. */
  workload?: string[];
  workloadTimeout?: number;
}

export const FILES = { a: 'a.json', b: 'b.json', comparison: 'comparison.json', duel: 'duel.json' } as const;

function roundsOf(args: DuelArgs, suite: Suite): number | AutoRounds {
  const raw = String(args.rounds ?? SUITES[suite].rounds).trim();
  if (raw === 'auto') {
    const target = parsePercent(args.target, 'target');
    if (!(target > 0)) throw new InputError('--target: expected a positive percentage like 2%');
    if (!(args.budget > 0)) throw new InputError('--budget: expected a positive number of seconds');
    if (!Number.isInteger(args.maxRounds) || args.maxRounds < 2) throw new InputError('--max-rounds: expected a whole number of at least 2');
    return { targetHalfWidthPct: target, budgetSeconds: args.budget, minRounds: Math.min(5, args.maxRounds), maxRounds: args.maxRounds };
  }
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 2 || n > 1000) throw new InputError(`--rounds: expected auto or a whole number from 2 to 1000 (got "${raw}")`);
  return n;
}

function planOf(suite: Suite, roundSeconds: number | undefined): RoundPlan {
  const plan = SUITES[suite].plan;
  if (roundSeconds === undefined) return plan;
  if (!(roundSeconds > 0) || roundSeconds > 600) throw new InputError('--round-seconds: expected seconds between 0 and 600');
  return { ...plan, roundSeconds, targetBatchSeconds: Math.min(plan.targetBatchSeconds, roundSeconds / 10), minBatches: Math.min(plan.minBatches, 10) };
}

function progress(e: DuelEvent): void {
  const show = (r: DuelEvent & { type: 'pair' }, k: 'a' | 'b') => {
    const x = r[k];
    return x === null ? '-' : x.status === 'ok' ? formatNumber(x.outcome.round.figure) : `${x.status} (${x.reason})`;
  };
  if (e.type === 'ready') {
    process.stderr.write(`duel: A is ${e.a.platform} (${e.a.hostname}), B is ${e.b.platform} (${e.b.hostname})\n`);
  } else if (e.type === 'pair') {
    const n = e.pairsTotal ? `${e.pairsDone}/${e.pairsTotal}` : `${e.pairsDone}`;
    process.stderr.write(`duel [${n}] ${e.workloadId} pair ${e.pair}${e.of ? `/${e.of}` : ''} (${e.order}): A ${show(e, 'a')}  B ${show(e, 'b')}\n`);
  } else {
    const open = e.widths.filter((w) => !w.settled).map((w) => `${w.id} ±${w.halfWidthPct === null ? '?' : w.halfWidthPct.toFixed(1)}%`);
    process.stderr.write(`duel: after ${e.pass} pairs ${open.length ? `still open: ${open.join(', ')}` : 'every interval is narrow enough'}\n`);
  }
}

/** Library-level duel used by the CLI: start both agents, run, write the four files into `out`. */
export async function duelCommandImpl(args: DuelArgs): Promise<{ outcome: DuelOutcome; out: string }> {
  if (!isSuite(args.suite)) throw new InputError(`--suite: expected quick, standard or full (got "${args.suite}")`);
  for (const [flag, path] of [['--markdown', args.markdown], ['--csv', args.csv], ['--html', args.html]] as const) if (path) checkOutputFile(path, flag);
  if (args.out) plannedDirs(args.out, '--out');
  const suite: Suite = args.suite;
  const rounds = roundsOf(args, suite);
  const plan = planOf(suite, args.roundSeconds);
  const noisePct = parsePercent(args.noise, 'noise');
  if (!(args.timeout > 0)) throw new InputError('--timeout: expected a positive number of seconds');
  if (!args.a.trim() || !args.b.trim()) throw new InputError('--a and --b: give the command that starts each agent');
  const only = args.only?.length ? args.only.flatMap((s) => s.split(',')) : null;
  const userTasks = await userTasksOf(args.workload ?? [], args.workloadTimeout);
  const workloads = withUserWorkloads((ids) => selectWorkloads(registry, suite, ids), only, userTasks);
  const out = args.out ?? join('results', `duel-${new Date().toISOString().replace(/[:.]/g, '-').replace(/-\d{3}Z$/, 'Z')}`);
  const labelA = args.labelA ?? 'A';
  const labelB = args.labelB ?? 'B';
  const logTo = (side: string) => (args.agentLogs ? (line: string) => process.stderr.write(`[${side}] ${line}\n`) : undefined);
  const shim = virtaxShim();
  const env = shim ? { ...process.env, PATH: `${shim}${delimiter}${process.env.PATH ?? ''}` } : undefined;
  const a = new ProcessAgent(labelA, args.a, logTo('A'), env);
  const b = new ProcessAgent(labelB, args.b, logTo('B'), env);
  const ac = new AbortController();
  const onSignal = () => ac.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const outcome = await runDuel({
      a: { label: labelA, command: args.a, link: a },
      b: { label: labelB, command: args.b, link: b },
      workloads,
      ...(userTasks.length ? { userTasks } : {}),
      suite,
      plan,
      rounds,
      seed: args.seed ?? Math.floor(Math.random() * 2 ** 31),
      toolVersion: VERSION,
      timeoutMs: args.timeout * 1000,
      noisePct,
      checkpoint: (side, file) => saveResults(join(out, FILES[side]), file),
      onEvent: progress,
      signal: ac.signal,
    });
    writeFileAtomic(join(out, FILES.comparison), `${JSON.stringify(outcome.comparison, null, 1)}\n`);
    writeFileAtomic(
      join(out, FILES.duel),
      duelRecord(outcome, { commands: { a: args.a, b: args.b }, files: { ...FILES }, rounds: typeof rounds === 'number' ? rounds : { auto: rounds }, plan }),
    );
    return { outcome, out };
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await Promise.all([a.close(), b.close()]);
    if (shim) rmSync(shim, { recursive: true, force: true });
  }
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

export const duelCommand: CliCommand = {
  command: 'duel',
  describe: 'Interleaved A/B on one machine: rounds on two agents in seeded random order, paired comparison',
  builder: (y) =>
    y
      .option('a', { type: 'string', demandOption: true, describe: 'Command that starts side A\'s agent (the base), run with sh -c' })
      .option('b', { type: 'string', demandOption: true, describe: 'Command that starts side B\'s agent (the candidate), run with sh -c' })
      .option('label-a', { type: 'string', describe: 'Label of side A (default "A")' })
      .option('label-b', { type: 'string', describe: 'Label of side B (default "B")' })
      .option('rounds', { type: 'string', describe: "Round pairs per workload, or auto (default: the suite's rounds)" })
      .option('target', { type: 'string', default: '2%', describe: 'auto: stop a workload once its interval half-width is below this' })
      .option('budget', { type: 'number', default: 600, describe: 'auto: seconds after which no new pair starts' })
      .option('max-rounds', { type: 'number', default: 100, describe: 'auto: at most this many pairs per workload' })
      .option('only', { type: 'string', array: true, describe: 'Only these workload ids or families' })
      .option('workload', { type: 'string', array: true, describe: "Your own tinybench module (repeatable), run on both sides as user.<name>; each agent loads the same path (relative to its own directory) and must find the same content" })
      .option('workload-timeout', { type: 'number', describe: 'Time limit per batch of a --workload task, seconds (default 30)' })
      .option('suite', { type: 'string', default: 'quick', choices: ['quick', 'standard', 'full'], describe: 'Workloads and round plan' })
      .option('round-seconds', { type: 'number', describe: "Seconds each round measures (default: the suite's)" })
      .option('seed', { type: 'number', describe: 'Seed of the order (default: random, recorded in duel.json)' })
      .option('out', { type: 'string', describe: 'Directory for a.json, b.json, comparison.json, duel.json (default results/duel-<time>)' })
      .option('json', { type: 'boolean', describe: 'Print the comparison as JSON instead of a table' })
      .option('markdown', { type: 'string', describe: 'Also write the paired comparison as Markdown to this file' })
      .option('csv', { type: 'string', describe: 'Also write one CSV line per workload to this file' })
      .option('html', { type: 'string', describe: 'Also write the self-contained HTML report of the two sides to this file' })
      .option('timeout', { type: 'number', default: 120, describe: 'Seconds to wait for any one reply before declaring the agent hung' })
      .option('noise', { type: 'string', default: '1%', describe: 'Noise threshold of the verdicts' })
      .option('agent-logs', { type: 'boolean', describe: "Show the agents' log lines on stderr" })
      .example("virtax duel --a 'virtax agent' --b 'scripts/container-agent.sh --cpu-quota 50 -- virtax agent' --label-b container-50%", 'host against a container with half a CPU')
      .example("virtax duel --a 'virtax agent' --b 'ssh vm1 virtax agent' --suite standard --rounds auto --target 1%", 'host against a VM until every interval is within ±1%'),
  run: async (args: DuelArgs) => {
    const { outcome, out } = await duelCommandImpl(args);
    const outputs: OutputFile[] = [];
    if (args.markdown) outputs.push({ path: args.markdown, data: comparisonMarkdown(outcome.comparison), flag: '--markdown' });
    if (args.csv) outputs.push({ path: args.csv, data: comparisonCsv(outcome.comparison), flag: '--csv' });
    if (args.html) outputs.push({ path: args.html, data: comparisonHtml(outcome.a, outcome.b, outcome.comparison), flag: '--html' });
    writeOutputs(outputs);
    process.stdout.write(args.json ? `${JSON.stringify(outcome.comparison, null, 2)}\n` : `${formatDuelTable(outcome.comparison, { paint: colourFor(process.stdout), width: terminalWidth(process.stdout) })}\n`);
    const secs = outcome.seconds.toFixed(1);
    if (outcome.status !== 'finished') {
      process.stderr.write(`virtax: duel ${outcome.status} after ${secs} s: ${outcome.error}\nmeasured rounds kept in ${out}\n`);
      return outcome.status === 'interrupted' ? 130 : 1;
    }
    process.stderr.write(`duel finished in ${secs} s (${outcome.pairs.length} pairs; stopped: ${outcome.stopped}); wrote ${out}/{${Object.values(FILES).join(',')}}\n`);
    const failed = [...outcome.a.workloads, ...outcome.b.workloads].some((w) => w.status === 'failed');
    return failed ? 1 : 0;
  },
};
