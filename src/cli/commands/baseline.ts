import { ageOf, describeBaseline, saveBaseline, type BaselineIndex } from '../../baseline/store.js';
import { InputError } from '../../errors.js';
import { formatTable } from '../../report/table.js';
import type { CliCommand } from '../command.js';

/** `virtax baseline show` as text: how many runs, their fingerprints, their age, suite and labels. */
export function formatBaseline(dir: string, idx: BaselineIndex, now: Date): string {
  const runs = idx.runs;
  const classes = new Set(runs.map((r) => `${r.host.cpu} / ${r.host.hypervisor ?? 'no hypervisor'}`));
  const rows = runs.map((r) => [
    r.file,
    r.label,
    r.suite,
    r.startedAt.replace(/\.\d+Z$/, 'Z'),
    ageOf(r.startedAt, now),
    `${r.host.platform}${r.host.hypervisor ? `/${r.host.hypervisor}` : ''}`,
    r.host.cpu,
    r.host.kernel,
    `${r.workloads.ok} ok${r.workloads.skipped ? `, ${r.workloads.skipped} skipped` : ''}${r.workloads.failed ? `, ${r.workloads.failed} failed` : ''}`,
  ]);
  const table = formatTable(['file', 'label', 'suite', 'started', 'age', 'platform', 'cpu', 'kernel', 'workloads'], rows);
  const labels = [...new Set(runs.map((r) => r.label))].join(', ');
  return [
    `baseline ${dir}: ${runs.length} run${runs.length === 1 ? '' : 's'} (replicate runs for \`virtax gate --baseline ${dir}\`), label${labels.includes(',') ? 's' : ''} ${labels}`,
    classes.size === 1
      ? `host class: ${[...classes][0]}`
      : `WARNING: ${classes.size} host classes (the gate refuses to pool them): ${[...classes].join('; ')}`,
    '',
    table,
  ].join('\n');
}

interface BaselineArgs {
  action: string;
  target?: string[];
  dir?: string;
  json?: boolean;
}

export const baselineCommand: CliCommand = {
  command: 'baseline <action> [target..]',
  describe: 'Keep and inspect gate baselines: `baseline save RESULTS... --dir baselines/NAME`, `baseline show baselines/NAME`',
  builder: (y) =>
    y
      .positional('action', { type: 'string', choices: ['save', 'show'], describe: 'save results into a baseline directory, or show one' })
      .positional('target', { type: 'string', array: true, describe: 'save: results files; show: the baseline directory' })
      .option('dir', { type: 'string', describe: 'save: the baseline directory (created when missing)' })
      .option('json', { type: 'boolean', default: false, describe: 'show: print the index as JSON' })
      .example('virtax baseline save results/nightly.json --dir baselines/ci-kvm', 'add a finished run to a baseline')
      .example('virtax baseline show baselines/ci-kvm', 'runs, fingerprints and ages in a baseline'),
  run: async (args: BaselineArgs) => {
    const now = new Date();
    const targets = args.target ?? [];
    if (args.action === 'save') {
      if (!args.dir) throw new InputError('baseline save: --dir is required (e.g. --dir baselines/ci-kvm)');
      const rep = saveBaseline(targets, args.dir, now);
      for (const s of rep.saved) process.stdout.write(`saved ${s.from} -> ${s.to}\n`);
      for (const s of rep.skipped) process.stdout.write(`skipped ${s.from}: ${s.reason}\n`);
      process.stdout.write(`${args.dir} now holds ${rep.index.runs.length} run${rep.index.runs.length === 1 ? '' : 's'}\n`);
      return 0;
    }
    const dir = args.dir ?? targets[0];
    if (!dir || targets.length > 1) throw new InputError('baseline show: name one baseline directory');
    const idx = describeBaseline(dir);
    process.stdout.write(args.json ? `${JSON.stringify(idx, null, 1)}\n` : `${formatBaseline(dir, idx, now)}\n`);
    return 0;
  },
};
