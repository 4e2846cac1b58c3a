/** `virtax report RESULTS... --out report.html`: one self-contained HTML report over any number of hosts. */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { advise } from '../../advise/advise.js';
import { compareOptionsFor, loadProfile } from '../../advise/profile.js';
import { InputError } from '../../errors.js';
import { loadResults, writeFileAtomic } from '../../results/io.js';
import { compareAgainst, resolveBaseline, type CompareFn } from '../../report/build.js';
import { renderReport } from '../../report/html.js';
import { renderMarkdown } from '../../report/markdown.js';
import { buildReportModel, type ReportModel } from '../../report/model.js';
import { renderPngs } from '../../report/png.js';
import { reportSpecs } from '../../report/specs.js';
import { formatPct } from '../../advise/advise.js';
import { compareResults } from '../../stats/compare.js';
import { VERSION } from '../../version.js';
import { parsePercent, type CliCommand } from '../command.js';

export interface ReportArgs {
  results: string[];
  out: string;
  baseline?: string;
  profile?: string;
  markdown?: string;
  png?: string;
  noise: string | number;
  seed?: number;
  resamples?: number;
}

/** Everything `virtax report` does short of writing files; `compare` is injectable for tests. */
export function reportModelFrom(args: ReportArgs, compare: CompareFn, now: Date): ReportModel {
  const noisePct = parsePercent(args.noise, 'noise');
  if (args.seed !== undefined && !Number.isInteger(args.seed)) throw new InputError('--seed: expected an integer');
  const files = args.results.map(loadResults);
  const base = resolveBaseline(files, args.baseline);
  const opts = { noisePct, ...(args.seed !== undefined ? { seed: args.seed } : {}), ...(args.resamples !== undefined ? { resamples: args.resamples } : {}) };
  const comparisons = compareAgainst(files, base, compare, opts);
  let advice = null;
  if (args.profile) {
    const profile = loadProfile(args.profile);
    const weighted = compareAgainst(files, base, compare, { ...opts, ...compareOptionsFor(profile) });
    advice = advise({ profile, files, baseline: base.label, comparisons: weighted });
  }
  return buildReportModel({ files, baseline: base.label, comparisons, noisePct, advice, generatedAt: now.toISOString(), toolVersion: VERSION });
}

/** The headline in a few terminal lines. */
export function headlineText(m: ReportModel): string {
  return m.headlines
    .map((h) => {
      const o = h.overall ? `${formatPct(h.overall.point)} [${formatPct(h.overall.lo)}, ${formatPct(h.overall.hi)}] ${h.overallVerdict}` : 'nothing compared';
      const worst = h.worst.map((w) => `${w.id} ${formatPct(w.overheadPct.point)}`).join(', ');
      return `${h.label} vs ${h.baseline}: ${o}${worst ? `; worst ${worst}` : ''}`;
    })
    .join('\n');
}

export const reportCommand: CliCommand = {
  command: 'report <results..>',
  describe: 'Self-contained HTML report (charts inlined, works offline) over any number of results files',
  builder: (y) =>
    y
      .positional('results', { type: 'string', array: true, demandOption: true, describe: 'Results files; the first is the baseline unless --baseline' })
      .option('out', { type: 'string', demandOption: true, describe: 'HTML file to write' })
      .option('baseline', { type: 'string', describe: 'Label of the baseline results file (default: the first file)' })
      .option('profile', { type: 'string', describe: 'Application profile JSON: adds the placement advice section' })
      .option('markdown', { type: 'string', describe: 'Also write the report as Markdown (a PR comment)' })
      .option('png', { type: 'string', describe: 'Also write each chart as PNG into this directory' })
      .option('noise', { type: 'string', default: '1%', describe: 'Noise threshold δ for verdicts' })
      .option('seed', { type: 'number', describe: 'Bootstrap seed (default 1)' })
      .option('resamples', { type: 'number', describe: 'Bootstrap resamples (default 10,000)' }),
  run: async (args: ReportArgs) => {
    const model = reportModelFrom(args, compareResults, new Date());
    const specs = reportSpecs(model);
    const html = renderReport(model, specs);
    writeFileAtomic(args.out, html);
    const written = [`${args.out} (${(Buffer.byteLength(html) / 1e6).toFixed(2)} MB)`];
    if (args.markdown) {
      writeFileAtomic(args.markdown, renderMarkdown(model));
      written.push(args.markdown);
    }
    if (args.png) {
      mkdirSync(args.png, { recursive: true });
      for (const p of await renderPngs(specs)) {
        writeFileAtomic(join(args.png, p.file), p.png);
        written.push(join(args.png, p.file));
      }
    }
    const text = headlineText(model);
    process.stdout.write(`${text ? `${text}\n` : ''}${model.advice?.recommendation ? `advice (${model.advice.profile.name}): ${model.advice.recommendation.label}\n` : ''}wrote ${written.join(', ')}\n`);
    return 0;
  },
};
