import { InputError } from '../../errors.js';
import { SUITES, isSuite } from '../../probes/engine/suites.js';
import { colourFor, terminalWidth } from '../../format/text.js';
import { checkExports, plannedDirs } from '../../results/output.js';
import { formatNumber } from '../../report/table.js';
import type { Suite } from '../../types.js';
import type { RoundPlan } from '../../workloads/types.js';
import type { AutoRounds, DuelEvent } from '../../duel/duel.js';
import { comparisonTable } from '../../report/comparison-exporters.js';
import { FILES, duelSession } from '../../duel/session.js';
import { parsePercent, type CliCommand } from '../command.js';

export interface DuelArgs {
  a: string;
  b: string;
  labelA?: string;
  labelB?: string;
  mode: string;
  cpusA?: string;
  cpusB?: string;
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
  junit?: string;
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

function roundsOf(args: DuelArgs, suite: Suite): number | AutoRounds {
  const raw = String(args.rounds ?? SUITES[suite].rounds).trim();
  if (raw === 'auto') {
    const target = parsePercent(args.target, 'target');
    if (!(target > 0)) throw new InputError('--target: expected a positive percentage like 2%');
    if (!(args.budget > 0)) throw new InputError('--budget: expected a positive number of seconds');
    if (!Number.isInteger(args.maxRounds) || args.maxRounds < 2)
      throw new InputError('--max-rounds: expected a whole number of at least 2');
    return { targetHalfWidthPct: target, budgetSeconds: args.budget, minRounds: Math.min(5, args.maxRounds), maxRounds: args.maxRounds };
  }
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 2 || n > 1000)
    throw new InputError(`--rounds: expected auto or a whole number from 2 to 1000 (got "${raw}")`);
  return n;
}

function planOf(suite: Suite, roundSeconds: number | undefined): RoundPlan {
  const plan = SUITES[suite].plan;
  if (roundSeconds === undefined) return plan;
  if (!(roundSeconds > 0) || roundSeconds > 600) throw new InputError('--round-seconds: expected seconds between 0 and 600');
  return {
    ...plan,
    roundSeconds,
    targetBatchSeconds: Math.min(plan.targetBatchSeconds, roundSeconds / 10),
    minBatches: Math.min(plan.minBatches, 10),
  };
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
    process.stderr.write(
      `duel [${n}] ${e.workloadId} pair ${e.pair}${e.of ? `/${e.of}` : ''} (${e.order}): A ${show(e, 'a')}  B ${show(e, 'b')}\n`,
    );
  } else {
    const open = e.widths.filter((w) => !w.settled).map((w) => `${w.id} ±${w.halfWidthPct === null ? '?' : w.halfWidthPct.toFixed(1)}%`);
    process.stderr.write(
      `duel: after ${e.pass} pairs ${open.length ? `still open: ${open.join(', ')}` : 'every interval is narrow enough'}\n`,
    );
  }
}

export const duelCommand: CliCommand = {
  command: 'duel',
  describe: 'A/B on one machine: rounds on two agents interleaved in seeded random order (or at once, --mode duet), paired comparison',
  builder: (y) =>
    y
      .option('a', { type: 'string', demandOption: true, describe: "Command that starts side A's agent (the base), run with sh -c" })
      .option('b', { type: 'string', demandOption: true, describe: "Command that starts side B's agent (the candidate), run with sh -c" })
      .option('label-a', { type: 'string', describe: 'Label of side A (default "A")' })
      .option('label-b', { type: 'string', describe: 'Label of side B (default "B")' })
      .option('mode', {
        type: 'string',
        default: 'interleaved',
        choices: ['interleaved', 'duet'],
        describe:
          'interleaved: the two rounds of a pair back to back; duet: both at once, each side pinned to its own CPUs, started together after warm-up',
      })
      .option('cpus-a', {
        type: 'string',
        describe: "duet: CPUs of side A, a kernel CPU list (0-1,4) (default: the lower half of this process's CPUs)",
      })
      .option('cpus-b', { type: 'string', describe: 'duet: CPUs of side B (default: the upper half)' })
      .option('rounds', { type: 'string', describe: "Round pairs per workload, or auto (default: the suite's rounds)" })
      .option('target', { type: 'string', default: '2%', describe: 'auto: stop a workload once its interval half-width is below this' })
      .option('budget', { type: 'number', default: 600, describe: 'auto: seconds after which no new pair starts' })
      .option('max-rounds', { type: 'number', default: 100, describe: 'auto: at most this many pairs per workload' })
      .option('only', { type: 'string', array: true, describe: 'Only these workload ids or families' })
      .option('workload', {
        type: 'string',
        array: true,
        describe:
          'Your own tinybench module (repeatable), run on both sides as user.<name>; each agent loads the same path (relative to its own directory) and must find the same content',
      })
      .option('workload-timeout', { type: 'number', describe: 'Time limit per batch of a --workload task, seconds (default 30)' })
      .option('suite', { type: 'string', default: 'quick', choices: ['quick', 'standard', 'full'], describe: 'Workloads and round plan' })
      .option('round-seconds', { type: 'number', describe: "Seconds each round measures (default: the suite's)" })
      .option('seed', { type: 'number', describe: 'Seed of the order (default: random, recorded in duel.json)' })
      .option('out', { type: 'string', describe: 'Directory for a.json, b.json, comparison.json, duel.json (default results/duel-<time>)' })
      .option('json', { type: 'boolean', describe: 'Print the comparison as JSON instead of a table' })
      .option('markdown', { type: 'string', describe: 'Also write the paired comparison as Markdown to this file' })
      .option('csv', { type: 'string', describe: 'Also write one CSV line per workload to this file' })
      .option('junit', {
        type: 'string',
        describe: 'Also write JUnit XML to this file: one testcase per workload, failed where B is slower',
      })
      .option('html', { type: 'string', describe: 'Also write the self-contained HTML report of the two sides to this file' })
      .option('timeout', { type: 'number', default: 120, describe: 'Seconds to wait for any one reply before declaring the agent hung' })
      .option('noise', { type: 'string', default: '1%', describe: 'Noise threshold of the verdicts' })
      .option('agent-logs', { type: 'boolean', describe: "Show the agents' log lines on stderr" })
      .example(
        "virtax duel --a 'virtax agent' --b 'scripts/container-agent.sh --cpu-quota 50 -- virtax agent' --label-b container-50%",
        'host against a container with half a CPU',
      )
      .example(
        "virtax duel --a 'virtax agent' --b 'ssh vm1 virtax agent' --suite standard --rounds auto --target 1%",
        'host against a VM until every interval is within ±1%',
      )
      .example(
        "virtax duel --mode duet --a 'virtax agent' --b scripts/gvisor-agent.sh --label-b gvisor --only cpu sys",
        'both sides at once, half the CPUs each: noise from outside hits both and cancels',
      )
      .example(
        "virtax duel --mode duet --cpus-a 0-3 --cpus-b 4-7 --a 'virtax agent' --b 'virtax agent' --only cpu.int",
        'an A/A duet on chosen CPUs',
      ),
  run: async (args: DuelArgs) => {
    if (!isSuite(args.suite)) throw new InputError(`--suite: expected quick, standard or full (got "${args.suite}")`);
    checkExports(args);
    if (args.out) plannedDirs(args.out, '--out');
    const suite: Suite = args.suite;
    const rounds = roundsOf(args, suite);
    const plan = planOf(suite, args.roundSeconds);
    const noisePct = parsePercent(args.noise, 'noise');
    if (!(args.timeout > 0)) throw new InputError('--timeout: expected a positive number of seconds');
    if (!args.a.trim() || !args.b.trim()) throw new InputError('--a and --b: give the command that starts each agent');
    if (args.mode !== 'interleaved' && args.mode !== 'duet')
      throw new InputError(`--mode: expected interleaved or duet (got "${args.mode}")`);
    const { outcome, out } = await duelSession(
      {
        a: args.a,
        b: args.b,
        ...(args.labelA !== undefined ? { labelA: args.labelA } : {}),
        ...(args.labelB !== undefined ? { labelB: args.labelB } : {}),
        mode: args.mode,
        ...(args.cpusA !== undefined ? { cpusA: args.cpusA } : {}),
        ...(args.cpusB !== undefined ? { cpusB: args.cpusB } : {}),
        suite,
        rounds,
        plan,
        noisePct,
        timeoutSeconds: args.timeout,
        ...(args.seed !== undefined ? { seed: args.seed } : {}),
        only: args.only?.length ? args.only.flatMap((s) => s.split(',')) : null,
        ...(args.workload !== undefined ? { workload: args.workload } : {}),
        ...(args.workloadTimeout !== undefined ? { workloadTimeout: args.workloadTimeout } : {}),
        ...(args.out !== undefined ? { out: args.out } : {}),
        ...(args.markdown ? { markdown: args.markdown } : {}),
        ...(args.csv ? { csv: args.csv } : {}),
        ...(args.junit ? { junit: args.junit } : {}),
        ...(args.html ? { html: args.html } : {}),
      },
      {
        onEvent: progress,
        ...(args.agentLogs ? { onAgentLog: (side: string, line: string) => void process.stderr.write(`[${side}] ${line}\n`) } : {}),
      },
    );
    process.stdout.write(
      args.json
        ? `${JSON.stringify(outcome.comparison, null, 2)}\n`
        : comparisonTable(outcome.comparison, { paint: colourFor(process.stdout), width: terminalWidth(process.stdout) }),
    );
    const secs = outcome.seconds.toFixed(1);
    if (outcome.status !== 'finished') {
      process.stderr.write(`virtax: duel ${outcome.status} after ${secs} s: ${outcome.error}\nmeasured rounds kept in ${out}\n`);
      return outcome.status === 'interrupted' ? 130 : 1;
    }
    process.stderr.write(
      `duel finished in ${secs} s (${outcome.pairs.length} pairs; stopped: ${outcome.stopped}); wrote ${out}/{${Object.values(FILES).join(',')}}\n`,
    );
    const failed = [...outcome.a.workloads, ...outcome.b.workloads].some((w) => w.status === 'failed');
    return failed ? 1 : 0;
  },
};
