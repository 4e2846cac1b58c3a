import { terminalWidth } from '../../format/text.js';
import { BUILTIN_PLATFORMS, DEFAULT_UML_MEM } from '../../probes/lifecycle/builtin.js';
import type { LifecycleEvent } from '../../probes/lifecycle/run.js';
import { DEFAULT_LIFECYCLE_ROUNDS, lifecycleSession, type LifecycleRequest } from '../../probes/lifecycle/session.js';
import { formatLifecycleSummary, lifecycleSummaryJson } from '../../probes/lifecycle/summary.js';
import type { CliCommand } from '../command.js';

interface LifecycleArgs {
  platform?: string[];
  launcher?: string[];
  rounds?: number;
  instances?: string;
  label?: string;
  out?: string;
  node?: boolean;
  seed?: number;
  umlMem?: string;
  settleMs?: number;
  json?: boolean;
  quiet?: boolean;
}

function progress(quiet: boolean): (e: LifecycleEvent) => void {
  if (quiet) return () => {};
  return (e) => {
    if (e.type === 'skipped') process.stderr.write(`${e.platform}: skipped (${e.reason})\n`);
    else if (e.type === 'task-start') process.stderr.write(`[${e.done}/${e.total}] round ${e.round}/${e.of} ${e.platform} ${e.task}\n`);
    else if (e.error) process.stderr.write(`${e.platform} ${e.task}: failed: ${e.error}\n`);
  };
}

export const lifecycleCommand: CliCommand = {
  command: 'lifecycle',
  describe:
    'Start and stop time and host memory per idle instance of each platform (the agility and density tax), one results file per platform',
  builder: (y) =>
    y
      .option('platform', {
        type: 'string',
        array: true,
        describe: `Platforms to measure: ${BUILTIN_PLATFORMS.join(', ')}, or a NAME given by --launcher`,
      })
      .option('launcher', {
        type: 'string',
        array: true,
        describe: 'NAME=SCRIPT: your own platform through a launcher script (contract and example: docs/lifecycle.md)',
      })
      .option('rounds', {
        type: 'number',
        describe: `Rounds per platform, interleaved in a seeded random order (default ${DEFAULT_LIFECYCLE_ROUNDS})`,
      })
      .option('instances', { type: 'string', describe: 'Idle instance counts for the memory fit (default 1,4,16)' })
      .option('label', {
        type: 'string',
        describe: 'Label of the file (one platform) or label prefix (several); default <platform>-lifecycle',
      })
      .option('out', {
        type: 'string',
        describe: 'A .json file (one platform) or a directory for <label>.json per platform (default results/)',
      })
      .option('node', { type: 'boolean', default: true, describe: 'Also time node -e inside (life.start-node); --no-node leaves it out' })
      .option('seed', { type: 'number', describe: 'Seed of the interleaving order' })
      .option('uml-mem', {
        type: 'string',
        describe: `User-Mode Linux guest memory, mem= (default ${DEFAULT_UML_MEM}); recorded in the file`,
      })
      .option('settle-ms', { type: 'number', describe: 'Wait after instances are up before reading their memory (default 1000)' })
      .option('json', { type: 'boolean', describe: 'Print a JSON summary instead of the table' })
      .option('quiet', { type: 'boolean', describe: 'No progress lines on stderr' })
      .example(
        'virtax lifecycle --platform process podman podman-gvisor gvisor uml',
        'all five built-in platforms here, 5 rounds, files in results/<platform>-lifecycle.json',
      )
      .example(
        'virtax compare results/process-lifecycle.json results/gvisor-lifecycle.json',
        'how much slower gVisor starts and how much more host memory an instance costs',
      )
      .example('virtax lifecycle --platform uml --instances 1,2 --rounds 2 --no-node --out uml.json', 'a quick look at one platform')
      .example(
        'virtax lifecycle --launcher docker=./docker-launcher.sh --platform process',
        'your own platform beside a plain process (examples/lifecycle/process-launcher.sh)',
      ),
  run: async (args: LifecycleArgs) => {
    const req: LifecycleRequest = {
      platforms: args.platform ?? [],
      ...(args.launcher ? { launchers: args.launcher } : {}),
      ...(args.rounds !== undefined ? { rounds: args.rounds } : {}),
      ...(args.instances !== undefined ? { instances: args.instances } : {}),
      ...(args.label !== undefined ? { label: args.label } : {}),
      ...(args.out !== undefined ? { out: args.out } : {}),
      node: args.node ?? true,
      ...(args.seed !== undefined ? { seed: args.seed } : {}),
      ...(args.umlMem !== undefined ? { umlMem: args.umlMem } : {}),
      ...(args.settleMs !== undefined ? { settleMs: args.settleMs } : {}),
    };
    const result = await lifecycleSession(req, { onEvent: progress(Boolean(args.quiet || args.json)) });
    if (args.json) process.stdout.write(lifecycleSummaryJson(result.files, result.interrupted));
    else {
      if (result.interrupted) process.stdout.write('interrupted: the figures below cover only the rounds measured so far\n');
      process.stdout.write(
        `${formatLifecycleSummary(
          result.files.map((f) => f.file),
          terminalWidth(process.stdout),
        )}\n`,
      );
      if (!args.quiet) for (const f of result.files) process.stderr.write(`wrote ${f.path}\n`);
    }
    return result.interrupted ? 130 : 0;
  },
};
