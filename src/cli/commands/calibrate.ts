import { terminalWidth } from '../../format/text.js';
import { calibrationHeadline, calibrationTable } from '../../report/calibration-table.js';
import { calibrateSession, DEFAULT_BUDGET_MINUTES, DEFAULT_CALIBRATE_RUNS, type CalibrateRequest } from '../../probes/run/calibrate.js';
import { parsePercent, type CliCommand } from '../command.js';

export interface CalibrateArgs {
  results?: string[];
  only?: string[];
  suite?: string;
  rounds?: number;
  runs?: number;
  minutes?: number;
  out?: string;
  seed?: number;
  noise: string | number;
  json?: boolean;
  writeGateConfig?: string;
  duel?: string;
}

export const calibrateCommand: CliCommand = {
  command: 'calibrate [results..]',
  describe: 'A/A on this host: noise per level, false verdicts, and the smallest effect a comparison of a given budget detects',
  builder: (y) =>
    y
      .positional('results', {
        type: 'string',
        array: true,
        describe: 'Results files of earlier A/A runs of one host to analyse instead of running',
      })
      .option('only', { type: 'string', array: true, describe: 'Only these workload ids or families (e.g. --only cpu sys.stat)' })
      .option('suite', { type: 'string', choices: ['quick', 'standard', 'full'], describe: 'Suite of the A/A runs (default quick)' })
      .option('rounds', { type: 'number', describe: "Rounds per workload in each A/A run (default: the suite's)" })
      .option('runs', {
        type: 'number',
        describe: `A/A runs to make, 2 or more (default ${DEFAULT_CALIBRATE_RUNS}); more runs pin the run-level noise down`,
      })
      .option('minutes', {
        type: 'number',
        describe: `Budget of the comparison you plan, minutes: the detectable effects are for it (default ${DEFAULT_BUDGET_MINUTES})`,
      })
      .option('out', {
        type: 'string',
        describe: "Directory of the run files and calibration.json (default results/calibrate-<time>/, or the results files' directory)",
      })
      .option('seed', { type: 'number', describe: "Seed of the runs' order and of the A/A comparisons (default random, recorded)" })
      .option('noise', { type: 'string', default: '1%', describe: 'Noise threshold of the verdicts' })
      .option('json', { type: 'boolean', describe: 'Print the calibration (schema/calibration.v1.json) on stdout instead of the table' })
      .option('duel', {
        type: 'string',
        describe:
          "An A/A duel's directory (duel --a 'virtax agent' --b 'virtax agent', either mode): its pairs' spread gives the duel's detectable effect",
      })
      .option('write-gate-config', {
        type: 'string',
        describe: 'Also write a gate config whose per-workload max regressions are what this host can detect',
      })
      .example('virtax calibrate --only cpu.int sys.stat --runs 3', 'three quick A/A runs, then what a 10-minute comparison detects here')
      .example(
        'virtax calibrate --suite standard --runs 5 --minutes 30 --write-gate-config virtax.gate.json',
        "a CI runner's gate thresholds from what it can see",
      )
      .example('virtax calibrate results/aa-run*.json --minutes 20', 'analyse earlier A/A runs of this host without running')
      .example(
        'virtax calibrate results/aa-run*.json --duel results/duel-aa-duet',
        "with an A/A duet's measured pairs for the duel's figures",
      ),
  run: async (args: CalibrateArgs) => {
    const req: CalibrateRequest = {
      ...(args.results?.length ? { from: args.results } : {}),
      ...(args.only ? { only: args.only } : {}),
      ...(args.suite !== undefined ? { suite: args.suite } : {}),
      ...(args.rounds !== undefined ? { rounds: args.rounds } : {}),
      ...(args.runs !== undefined ? { runs: args.runs } : {}),
      ...(args.minutes !== undefined ? { minutes: args.minutes } : {}),
      ...(args.out !== undefined ? { out: args.out } : {}),
      ...(args.seed !== undefined ? { seed: args.seed } : {}),
      noisePct: parsePercent(args.noise, 'noise'),
      ...(args.writeGateConfig !== undefined ? { writeGateConfig: args.writeGateConfig } : {}),
      ...(args.duel !== undefined ? { duel: args.duel } : {}),
    };
    const result = await calibrateSession(req, {
      onRunStart: (i, n) => process.stderr.write(`virtax calibrate: A/A run ${i} of ${n}\n`),
      onRunEnd: (r) => process.stderr.write(`wrote ${r.out} (${r.seconds.toFixed(1)} s)\n`),
    });
    if (args.json) process.stdout.write(`${JSON.stringify(result.file, null, 1)}\n`);
    else process.stdout.write(`${calibrationTable(result.file, terminalWidth(process.stdout))}\n${calibrationHeadline(result.file)}\n`);
    process.stderr.write(`wrote ${result.out}${args.writeGateConfig ? ` and ${args.writeGateConfig}` : ''}\n`);
    return result.interrupted ? 130 : 0;
  },
};
