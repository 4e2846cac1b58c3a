import { comparisonHtml } from '../../analysis/pipeline.js';
import { InputError } from '../../errors.js';
import { comparisonCsv, comparisonJson, comparisonJunit, comparisonMarkdown, comparisonTable } from '../../report/comparison-exporters.js';
import { colourFor, terminalWidth } from '../../format/text.js';
import { onlyPatterns } from '../../results/ids.js';
import { resolveOnly, sidesOf } from '../../analysis/sides.js';
import { checkExports, exportFiles, writeOutputs } from '../../results/output.js';
import { changedWorkloadModules } from '../../results/workload-modules.js';
import { compareRunSets, DEFAULTS } from '../../stats/compare.js';
import type { CompareOptions } from '../../stats/types.js';
import { parsePercent, type CliCommand } from '../command.js';

export interface CompareArgs {
  /** Positional files: BASE CAND, or several files grouped by label into two sides. */
  files?: string[];
  /** Several runs per side (replicate runs). */
  base?: string[] | string;
  cand?: string[] | string;
  json?: boolean;
  markdown?: string;
  csv?: string;
  junit?: string;
  html?: string;
  noise: string;
  alpha: number;
  seed: number;
  resamples: number;
  only?: string[];
  allowChangedWorkloads?: boolean;
  allowMixed?: boolean;
}

/** argv -> options, with one-line errors for bad values. */
export function compareOptionsOf(args: CompareArgs): CompareOptions {
  const noisePct = parsePercent(args.noise, 'noise');
  if (!(noisePct >= 0 && noisePct < 100)) throw new InputError('--noise: expected a percentage from 0% to below 100%');
  if (!(args.alpha > 0 && args.alpha < 1)) throw new InputError('--alpha: expected a number between 0 and 1, e.g. 0.05');
  if (!Number.isInteger(args.seed)) throw new InputError('--seed: expected a whole number');
  if (!(Number.isInteger(args.resamples) && args.resamples >= 100 && args.resamples <= 1_000_000)) {
    throw new InputError('--resamples: expected a whole number from 100 to 1000000');
  }
  const onlyIds = onlyPatterns(args.only);
  return { noisePct, alpha: args.alpha, seed: args.seed, resamples: args.resamples, ...(onlyIds ? { onlyIds } : {}) };
}

export const compareCommand: CliCommand = {
  command: 'compare [files..]',
  describe:
    'Overhead of CAND relative to BASE, per workload and overall, with intervals and verdicts; several runs per side are resampled as the top level',
  builder: (y) =>
    y
      .positional('files', {
        type: 'string',
        array: true,
        describe: 'BASE.json CAND.json; or several files, grouped by label into two sides (same label = replicate runs)',
      })
      .option('base', { type: 'string', array: true, describe: 'Results files of the baseline platform: one per run (e.g. bare metal)' })
      .option('cand', { type: 'string', array: true, describe: 'Results files of the candidate platform: one per run (e.g. the VM)' })
      .option('json', { type: 'boolean', describe: 'Print the comparison as JSON (schema/comparison.v1.json) instead of a table' })
      .option('markdown', { type: 'string', describe: 'Also write a Markdown summary to this file' })
      .option('csv', { type: 'string', describe: 'Also write one CSV line per workload to this file' })
      .option('junit', {
        type: 'string',
        describe: 'Also write JUnit XML to this file: one testcase per workload, failed where the candidate is slower',
      })
      .option('html', { type: 'string', describe: 'Also write the self-contained HTML report of these two hosts to this file' })
      .option('noise', {
        type: 'string',
        default: `${DEFAULTS.noisePct}%`,
        describe: 'Noise threshold: differences inside ±this count as "same"',
      })
      .option('alpha', {
        type: 'number',
        default: DEFAULTS.alpha,
        describe: 'False-discovery rate for the rank tests (Benjamini-Hochberg)',
      })
      .option('seed', { type: 'number', default: DEFAULTS.seed, describe: 'Seed of the bootstrap (same files + seed = same intervals)' })
      .option('resamples', { type: 'number', default: DEFAULTS.resamples, describe: 'Bootstrap resamples' })
      .option('only', { type: 'string', array: true, describe: 'Only these workload ids or families' })
      .option('allow-changed-workloads', {
        type: 'boolean',
        default: false,
        describe: 'Compare even when a user.* workload ran from a changed module (run --workload)',
      })
      .option('allow-mixed', {
        type: 'boolean',
        default: false,
        describe: 'Pool runs of different labels or suites on one side (refused otherwise: they are not replicates of one platform)',
      })
      .example('virtax compare metal.json vm.json', 'how much slower the VM is, workload by workload')
      .example('virtax compare metal.json vm.json --noise 2% --markdown summary.md', 'coarser threshold, Markdown for a PR')
      .example(
        'virtax compare --base metal-run1.json metal-run2.json metal-run3.json --cand vm-run1.json vm-run2.json vm-run3.json',
        'three runs per side: intervals that include run-to-run variation',
      )
      .example('virtax compare a.json b.json --json > cmp.json', 'machine-readable')
      .example('virtax compare metal.json vm.json --junit compare.xml --csv compare.csv', 'CI artifacts: a test report and the numbers'),
  run: async (args: CompareArgs) => {
    const opts = compareOptionsOf(args);
    checkExports(args);
    const sides = sidesOf(args);
    const changed = changedWorkloadModules(sides.base, sides.cand);
    if (changed && !args.allowChangedWorkloads) throw new InputError(changed);
    if (opts.onlyIds) opts.onlyIds = resolveOnly(opts.onlyIds, [...sides.base, ...sides.cand]);
    const c = compareRunSets(sides.base, sides.cand, opts);
    writeOutputs(
      exportFiles(args, {
        markdown: () => comparisonMarkdown(c),
        csv: () => comparisonCsv(c),
        junit: () => comparisonJunit(c),
        html: () => comparisonHtml(sides.base, sides.cand, c),
      }),
    );
    process.stdout.write(
      args.json ? comparisonJson(c) : comparisonTable(c, { paint: colourFor(process.stdout), width: terminalWidth(process.stdout) }),
    );
    return 0;
  },
};
