import { appendFileSync } from 'node:fs';
import { comparisonHtml } from '../../analysis/pipeline.js';
import { formatGateTable, gateAnnotations, gateCsv, gateHtmlSection, gateJunit, gateMarkdown } from '../../gate/exporters.js';
import { gateWithComparison, type CompareFn, type GateOptions } from '../../gate/gate.js';
import { InputError } from '../../errors.js';
import { colourFor, terminalWidth } from '../../format/text.js';
import { checkExports, exportFiles, writeOutputs } from '../../results/output.js';
import { parsePercent, type CliCommand } from '../command.js';

interface GateArgs {
  baseline: string | string[];
  current: string;
  maxRegression?: string;
  config?: string;
  only?: string[];
  strict?: boolean;
  allowEnvChange?: boolean;
  allowMixed?: boolean;
  allowChangedWorkloads?: boolean;
  junit?: string;
  markdown?: string;
  csv?: string;
  html?: string;
  json?: boolean;
  seed: number;
  resamples?: number;
  noise?: string;
  confidence?: string;
}

/** The gate command over a compare function (the CLI passes compareResults; tests may pass the same). */
export function makeGateCommand(compare: CompareFn): CliCommand {
  return {
    command: 'gate',
    describe:
      'CI gate: fail on a regression beyond --max-regression, never on noise (exit 0 pass, 1 regression, 2 bad input, 3 inconclusive under --strict)',
    builder: (y) =>
      y
        .option('baseline', {
          type: 'string',
          demandOption: true,
          describe:
            'Baseline: a results file, a directory of earlier runs of the same host class, or several results files; several runs are compared as replicate runs',
          array: true,
        })
        .option('current', { type: 'string', demandOption: true, describe: 'Results file of the run to judge' })
        .option('max-regression', { type: 'string', describe: 'Largest tolerated overhead, e.g. 5% (default: the config, else 5%)' })
        .option('config', {
          type: 'string',
          describe: 'Gate config (virtax.gate.json): default and per-workload max regression, ids to ignore',
        })
        .option('only', { type: 'string', array: true, describe: 'Only these workload ids or families (comma or space separated)' })
        .option('strict', {
          type: 'boolean',
          default: false,
          describe: 'Exit 3 when the result is inconclusive (default: exit 0 with a warning)',
        })
        .option('allow-env-change', {
          type: 'boolean',
          default: false,
          describe: 'Gate even when the CPU model or hypervisor differ from the baseline',
        })
        .option('allow-mixed', {
          type: 'boolean',
          default: false,
          describe: 'Pool baseline runs of different labels or suites (refused otherwise: they are not replicates of one platform)',
        })
        .option('allow-changed-workloads', {
          type: 'boolean',
          default: false,
          describe: 'Gate even when a user.* workload ran from a changed module (run --workload)',
        })
        .option('junit', { type: 'string', describe: 'Write JUnit XML here (one testcase per workload)' })
        .option('markdown', { type: 'string', describe: 'Write a Markdown summary here (also appended to $GITHUB_STEP_SUMMARY when set)' })
        .option('csv', { type: 'string', describe: 'Write one CSV line per workload here (outcome, interval, max regression)' })
        .option('html', { type: 'string', describe: 'Write the self-contained HTML report of baseline and current run here' })
        .option('json', { type: 'boolean', default: false, describe: 'Print the gate result as JSON instead of the table' })
        .option('seed', { type: 'number', default: 1, describe: 'Bootstrap seed (same files and seed, same intervals)' })
        .option('resamples', { type: 'number', describe: 'Bootstrap resamples (default 10000)' })
        .option('confidence', {
          type: 'string',
          describe:
            "Confidence level of each workload's interval (default 90%, chosen from the simulated table in docs/gate.md); the intervals of workloads above their max regression are false-coverage-rate adjusted (Benjamini-Yekutieli) before they fail",
        })
        .option('noise', { type: 'string', describe: "Noise threshold of the comparison's verdict column (default 1%)" })
        .example(
          'virtax gate --baseline baselines/ci-kvm --current current.json',
          'gate against earlier runs (replicate runs), 5% max regression',
        )
        .example(
          'virtax gate --baseline base.json --current cur.json --max-regression 3% --strict --junit junit.xml',
          'stricter gate with a JUnit report',
        )
        .example(
          'virtax gate --baseline baselines/ci-kvm --current cur.json --csv gate.csv --html gate.html',
          'keep the numbers and the report as CI artifacts',
        ),
    run: async (args: GateArgs) => {
      if (args.resamples !== undefined && (!Number.isInteger(args.resamples) || args.resamples < 100)) {
        throw new InputError('--resamples: expected a whole number of at least 100');
      }
      if (!Number.isInteger(args.seed)) throw new InputError('--seed: expected a whole number');
      checkExports(args);
      const opts: GateOptions = {
        baseline: Array.isArray(args.baseline) && args.baseline.length === 1 ? (args.baseline[0] as string) : args.baseline,
        current: args.current,
        strict: args.strict ?? false,
        allowEnvChange: args.allowEnvChange ?? false,
        allowMixed: args.allowMixed ?? false,
        allowChangedWorkloads: args.allowChangedWorkloads ?? false,
        seed: args.seed,
      };
      if (args.maxRegression !== undefined) opts.maxRegressionPct = parsePercent(args.maxRegression, 'max-regression');
      if (args.config) opts.config = args.config;
      if (args.only?.length) opts.only = args.only;
      if (args.resamples !== undefined) opts.resamples = args.resamples;
      if (opts.maxRegressionPct !== undefined && !(opts.maxRegressionPct >= 0))
        throw new InputError('--max-regression: expected a percentage of 0% or more, e.g. 5%');
      if (args.noise !== undefined) opts.noisePct = parsePercent(args.noise, 'noise');
      if (opts.noisePct !== undefined && !(opts.noisePct >= 0 && opts.noisePct < 100))
        throw new InputError('--noise: expected a percentage from 0% to below 100%');
      if (args.confidence !== undefined) opts.confidence = parsePercent(args.confidence, 'confidence') / 100;
      const { result, comparison, baseRuns, current } = gateWithComparison(opts, compare);

      const markdown = gateMarkdown(result);
      writeOutputs(
        exportFiles(args, {
          junit: () => gateJunit(result),
          markdown: () => markdown,
          csv: () => gateCsv(result),
          // The page leads with the gate's own answer; the report under it is the comparison as `virtax compare` reads
          // the same files (its default level and verdicts), so no page shows a compare-style verdict at the gate's level.
          html: () => {
            const { noisePct, alpha, resamples, seed } = comparison.settings;
            const asCompare = compare(baseRuns, [current], { noisePct, alpha, resamples, seed, onlyIds: comparison.rows.map((r) => r.id) });
            return comparisonHtml(baseRuns, [current], asCompare, new Date(), gateHtmlSection(result));
          },
        }),
      );
      const summary = process.env.GITHUB_STEP_SUMMARY;
      if (summary) appendFileSync(summary, `${markdown}\n`);
      process.stdout.write(
        args.json
          ? `${JSON.stringify(result, null, 1)}\n`
          : `${formatGateTable(result, { paint: colourFor(process.stdout), width: terminalWidth(process.stdout) })}\n`,
      );
      if (process.env.GITHUB_ACTIONS === 'true') process.stdout.write(gateAnnotations(result));
      if (result.outcome === 'inconclusive') {
        process.stderr.write(
          `virtax gate: inconclusive: some intervals contain the max regression; ${result.strict ? 'exit 3 (--strict)' : 'exit 0 (--strict would exit 3)'}\n`,
        );
      }
      return result.exitCode;
    },
  };
}
