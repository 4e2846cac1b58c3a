/** `virtax report RESULTS... --out report.html`: one self-contained HTML report over any number of hosts. */
import { join } from 'node:path';
import { headlineText, reportModelFrom } from '../../analysis/report.js';
import { checkOutputFile, plannedDirs, writeOutputs, type OutputFile } from '../../results/output.js';
import { renderReport } from '../../report/html.js';
import { renderMarkdown } from '../../report/markdown.js';
import { reportSpecs } from '../../report/specs.js';
import { hostSetOptionsOf, type CliCommand } from '../command.js';

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

export const reportCommand: CliCommand = {
  command: 'report <results..>',
  describe: 'Self-contained HTML report (charts inlined, works offline) over any number of results files',
  builder: (y) =>
    y
      .positional('results', {
        type: 'string',
        array: true,
        demandOption: true,
        describe: 'Results files; the first is the baseline unless --baseline',
      })
      .option('out', { type: 'string', demandOption: true, describe: 'HTML file to write' })
      .option('baseline', {
        type: 'string',
        describe: "Label of the baseline host (default: the first file's); files with one label are replicate runs of one host",
      })
      .option('profile', { type: 'string', describe: 'Application profile JSON: adds the placement advice section' })
      .option('markdown', { type: 'string', describe: 'Also write the report as Markdown (a PR comment)' })
      .option('png', { type: 'string', describe: 'Also write each chart as PNG into this directory' })
      .option('noise', { type: 'string', default: '1%', describe: 'Noise threshold δ for verdicts' })
      .option('allow-changed-workloads', {
        type: 'boolean',
        default: false,
        describe: 'Report even when a user.* workload ran from a changed module (run --workload)',
      })
      .option('seed', { type: 'number', describe: 'Bootstrap seed (default 1)' })
      .option('resamples', { type: 'number', describe: 'Bootstrap resamples (default 10,000)' })
      .example('virtax report metal.json vm.json ctr.json --out report.html', 'one HTML page over three hosts (the first is the baseline)')
      .example(
        'virtax report results/*.json --out r.html --markdown r.md --png charts/',
        'also Markdown for a PR and each chart as PNG (all written or none)',
      )
      .example(
        'virtax report metal.json vm.json --out r.html --profile examples/profiles/database.json',
        'with placement advice and the capacity line',
      ),
  run: async (args: ReportArgs) => {
    // Every output path is checked before the (slow) model is built, and written all-or-nothing after.
    checkOutputFile(args.out, '--out');
    if (args.markdown) checkOutputFile(args.markdown, '--markdown');
    if (args.png) plannedDirs(args.png, '--png');
    const model = await reportModelFrom(
      {
        results: args.results,
        hostSet: hostSetOptionsOf(args),
        ...(args.profile ? { profile: args.profile } : {}),
        ...(args.allowChangedWorkloads ? { allowChangedWorkloads: true } : {}),
      },
      new Date(),
    );
    const specs = reportSpecs(model);
    const html = renderReport(model, specs);
    const outputs: OutputFile[] = [{ path: args.out, data: html, flag: '--out' }];
    if (args.markdown) outputs.push({ path: args.markdown, data: renderMarkdown(model), flag: '--markdown' });
    if (args.png) {
      // vega, vega-lite and resvg take a few hundred ms to load: only when PNGs are asked for.
      const { renderPngs } = await import('../../report/png.js');
      for (const p of await renderPngs(specs)) outputs.push({ path: join(args.png, p.file), data: p.png, flag: '--png' });
    }
    writeOutputs(outputs);
    const written = outputs.map((o, i) => (i === 0 ? `${o.path} (${(Buffer.byteLength(html) / 1e6).toFixed(2)} MB)` : o.path));
    const text = headlineText(model);
    process.stdout.write(
      `${text ? `${text}\n` : ''}${model.advice?.recommendation ? `advice (${model.advice.profile.name}): ${model.advice.recommendation.label}\n` : ''}wrote ${written.join(', ')}\n`,
    );
    return 0;
  },
};
