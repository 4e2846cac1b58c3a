import { InputError } from '../../errors.js';
import { comparisonCsv, comparisonJson, comparisonMarkdown, comparisonTable } from '../../report/comparison-exporters.js';
import { loadResults, writeFileAtomic } from '../../results/io.js';
import { changedWorkloadModules } from '../../results/workload-modules.js';
import { compareResults, DEFAULTS } from '../../stats/compare.js';
import type { CompareOptions } from '../../stats/types.js';
import { withDistinctLabels } from '../../report/build.js';
import { renderReport } from '../../report/html.js';
import { buildReportModel } from '../../report/model.js';
import { VERSION } from '../../version.js';
import type { Comparison } from '../../stats/types.js';
import type { ResultsFile } from '../../types.js';
import { parsePercent, type CliCommand } from '../command.js';

export interface CompareArgs {
  base: string;
  cand: string;
  json?: boolean;
  markdown?: string;
  csv?: string;
  html?: string;
  noise: string;
  alpha: number;
  seed: number;
  resamples: number;
  only?: string[];
  allowChangedWorkloads?: boolean;
}

/** The two-host HTML report of one comparison (same renderer as `virtax report`). */
export function comparisonHtml(base: ResultsFile, cand: ResultsFile, c: Comparison, now: Date = new Date()): string {
  const [b, k] = withDistinctLabels([base, cand]) as [ResultsFile, ResultsFile];
  const relabelled: Comparison = { ...c, base: { ...c.base, label: b.label }, cand: { ...c.cand, label: k.label } };
  return renderReport(
    buildReportModel({ files: [b, k], baseline: b.label, comparisons: [relabelled], noisePct: c.settings.noisePct, advice: null, generatedAt: now.toISOString(), toolVersion: VERSION }),
  );
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
  const onlyIds = args.only?.flatMap((s) => s.split(',')).filter(Boolean);
  return { noisePct, alpha: args.alpha, seed: args.seed, resamples: args.resamples, ...(onlyIds?.length ? { onlyIds } : {}) };
}

export const compareCommand: CliCommand = {
  command: 'compare <base> <cand>',
  describe: 'Overhead of CAND relative to BASE, per workload and overall, with intervals and verdicts',
  builder: (y) =>
    y
      .positional('base', { type: 'string', describe: 'Results file of the baseline host (e.g. bare metal)' })
      .positional('cand', { type: 'string', describe: 'Results file of the candidate host (e.g. the VM)' })
      .option('json', { type: 'boolean', describe: 'Print the comparison as JSON (schema/comparison.v1.json) instead of a table' })
      .option('markdown', { type: 'string', describe: 'Also write a Markdown summary to this file' })
      .option('csv', { type: 'string', describe: 'Also write one CSV line per workload to this file' })
      .option('html', { type: 'string', describe: 'Also write the self-contained HTML report of these two hosts to this file' })
      .option('noise', { type: 'string', default: `${DEFAULTS.noisePct}%`, describe: 'Noise threshold: differences inside ±this count as "same"' })
      .option('alpha', { type: 'number', default: DEFAULTS.alpha, describe: 'False-discovery rate for the rank tests (Benjamini-Hochberg)' })
      .option('seed', { type: 'number', default: DEFAULTS.seed, describe: 'Seed of the bootstrap (same files + seed = same intervals)' })
      .option('resamples', { type: 'number', default: DEFAULTS.resamples, describe: 'Bootstrap resamples' })
      .option('only', { type: 'string', array: true, describe: 'Only these workload ids or families' })
      .option('allow-changed-workloads', { type: 'boolean', default: false, describe: 'Compare even when a user.* workload ran from a changed module (run --workload)' })
      .example('virtax compare metal.json vm.json', 'how much slower the VM is, workload by workload')
      .example('virtax compare metal.json vm.json --noise 2% --markdown summary.md', 'coarser threshold, Markdown for a PR')
      .example('virtax compare a.json b.json --json > cmp.json', 'machine-readable'),
  run: async (args: CompareArgs) => {
    const opts = compareOptionsOf(args);
    const base = loadResults(args.base);
    const cand = loadResults(args.cand);
    const changed = changedWorkloadModules([base], [cand]);
    if (changed && !args.allowChangedWorkloads) throw new InputError(changed);
    const c = compareResults(base, cand, opts);
    if (args.markdown) writeFileAtomic(args.markdown, comparisonMarkdown(c));
    if (args.csv) writeFileAtomic(args.csv, comparisonCsv(c));
    if (args.html) writeFileAtomic(args.html, comparisonHtml(base, cand, c));
    process.stdout.write(args.json ? comparisonJson(c) : comparisonTable(c));
    return 0;
  },
};
