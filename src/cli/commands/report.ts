/** `virtax report RESULTS... --out report.html`: one self-contained HTML report over any number of hosts. */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../../errors.js';
import { writeFileAtomic } from '../../results/io.js';
import { changedWorkloadModules } from '../../results/workload-modules.js';
import { compareAgainst, type CompareFn } from '../../report/build.js';
import { renderReport } from '../../report/html.js';
import { renderMarkdown } from '../../report/markdown.js';
import { buildReportModel, type ReportModel } from '../../report/model.js';
import { renderPngs } from '../../report/png.js';
import { reportSpecs } from '../../report/specs.js';
import { formatPct } from '../../advise/advise.js';
import { compareResults } from '../../stats/compare.js';
import { VERSION } from '../../version.js';
import type { CliCommand } from '../command.js';
import { adviceForProfile, hostSetFrom } from './advise.js';

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
  allowChangedWorkloads?: boolean;
}

/** Everything `virtax report` does short of writing files; `compare` is injectable for tests. */
export function reportModelFrom(args: ReportArgs, compare: CompareFn, now: Date): ReportModel {
  const set = hostSetFrom(args);
  const { files, base, noisePct } = set;
  for (const f of files) {
    const changed = f === base ? null : changedWorkloadModules([base], [f]);
    if (changed && !args.allowChangedWorkloads) throw new InputError(changed.replace('between the files', `between ${base.label} and ${f.label}`));
  }
  const comparisons = compareAgainst(files, base, compare, set.opts);
  const advice = args.profile ? adviceForProfile(set, args.profile, compare) : null;
  return buildReportModel({ files, baseline: base.label, comparisons, noisePct, advice, generatedAt: now.toISOString(), toolVersion: VERSION });
}

/** The headline in a few terminal lines. */
export function headlineText(m: ReportModel): string {
  return m.headlines
    .map((h) => {
      const o = h.overall ? `${formatPct(h.overall.point)} [${formatPct(h.overall.lo)}, ${formatPct(h.overall.hi)}] ${h.overallVerdict}` : h.worst.length ? 'no overall index (no compared workload weighs in it; user.* count only when a profile weighs them)' : 'nothing compared';
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
      .option('allow-changed-workloads', { type: 'boolean', default: false, describe: 'Report even when a user.* workload ran from a changed module (run --workload)' })
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
