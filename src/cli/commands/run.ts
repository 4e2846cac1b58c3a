import cliProgress from 'cli-progress';
import type { RunEvent } from '../../probes/engine/runner.js';
import { terminalWidth } from '../../format/text.js';
import { runReportHtml } from '../../analysis/run-report.js';
import { InputError } from '../../errors.js';
import { runCsv, runJunit, runMarkdown } from '../../report/run-exporters.js';
import { checkExports, exportFiles, writeOutputs } from '../../results/output.js';
import { replicateCount, replicatePath, runReplicates, type RunCommandRequest, type RunResult } from '../../probes/run/run.js';
import { formatRunSummary, runSummaryJson } from '../../probes/run/summary.js';
import { contentionWarning } from '../../stats/contention.js';
import { warningText } from '../../format/warnings.js';
import { DEFAULT_BATCH_TIMEOUT_SECONDS } from '../../workloads/user.js';
import type { CliCommand } from '../command.js';

/** The flags of `virtax run`: the library's options (src/probes/run/run.ts) plus what only changes the printing. */
export interface RunArgs extends RunCommandRequest {
  progress?: boolean;
  /** Print a JSON summary on stdout instead of the table. */
  json?: boolean;
  /** No progress bar, no table, no "wrote" line: errors only (and the JSON with --json). */
  quiet?: boolean;
  /** Also write the run as Markdown / CSV / JUnit XML / the one-host HTML report to these files. */
  markdown?: string;
  csv?: string;
  junit?: string;
  html?: string;
}

function progressReporter(enabled: boolean): { onEvent: (e: RunEvent) => void; stop: () => void } {
  if (!enabled) return { onEvent: () => {}, stop: () => {} };
  const bar = new cliProgress.SingleBar(
    {
      format: 'virtax run [{bar}] {value}/{total} rounds | {eta_formatted} left | {workload}',
      stream: process.stderr,
      noTTYOutput: !process.stderr.isTTY,
      notTTYSchedule: 5000,
      hideCursor: true,
      etaBuffer: 20,
    },
    cliProgress.Presets.shades_classic,
  );
  return {
    onEvent: (e) => {
      if (e.type === 'start') bar.start(e.totalRounds, e.doneRounds, { workload: '' });
      else if (e.type === 'round-start') bar.update({ workload: `${e.workloadId} (${e.round}/${e.of})` });
      else bar.update(e.doneRounds, { workload: e.reply.status === 'ok' ? e.workloadId : `${e.workloadId} ${e.reply.status}` });
    },
    stop: () => bar.stop(),
  };
}

/** What one run prints once its file is written (before its upload). */
function printRun(args: RunArgs, { file, out, interrupted, seconds }: RunResult): void {
  const secs = seconds.toFixed(1);
  if (args.json) process.stdout.write(runSummaryJson(file, out, interrupted, seconds));
  else if (!args.quiet) {
    if (interrupted) process.stdout.write('interrupted: the figures below cover only the rounds measured so far\n');
    process.stdout.write(`${formatRunSummary(file, { width: terminalWidth(process.stdout) })}\n`);
    if (file.conditions.stealPct !== null && file.conditions.stealPct > 0) {
      process.stdout.write(
        `steal time during the run: ${file.conditions.stealPct.toFixed(2)}% of CPU time (the hypervisor ran someone else)\n`,
      );
    }
  }
  if (interrupted) {
    process.stderr.write(`interrupted after ${secs} s; measured rounds kept in ${out}\ncontinue with: virtax run --resume ${out}\n`);
    return;
  }
  const contended = contentionWarning(file, { label: out });
  if (contended && !args.quiet) process.stderr.write(`WARNING: ${warningText(contended)}\n`);
  if (!args.quiet)
    process.stderr.write(`wrote ${out} (${secs} s, host ${file.host.platform}${file.host.hypervisor ? `/${file.host.hypervisor}` : ''})\n`);
}

export const runCommand: CliCommand = {
  command: 'run',
  describe: 'Run workloads on this host and write one results file',
  builder: (y) =>
    y
      .option('suite', {
        type: 'string',
        choices: ['quick', 'standard', 'full'],
        describe: 'quick (default): < 2 min smoke run; standard: ~10 min, for real comparisons; full: longer and tighter',
      })
      .option('only', { type: 'string', array: true, describe: 'Only these workload ids or families (e.g. --only mem sys.clock)' })
      .option('label', { type: 'string', describe: 'Label of this host class (default: <platform>-<hostname>)' })
      .option('out', { type: 'string', describe: 'Results file to write (default: results/<label>-<time>.json)' })
      .option('seed', { type: 'number', describe: 'Seed of the workload order (default: random, recorded in the file)' })
      .option('rounds', { type: 'number', describe: "Rounds per workload (default: the suite's)" })
      .option('resume', { type: 'string', describe: 'Continue an interrupted run in this file' })
      .option('io-dir', {
        type: 'string',
        describe: 'Directory for storage workloads (default: current directory; tmpfs measures nothing)',
      })
      .option('progress', { type: 'boolean', default: true, describe: 'Progress bar on stderr (--no-progress to hide)' })
      .option('peer', {
        type: 'string',
        describe: 'HOST:PORT of a `virtax peer` for network workloads (default: a loopback peer started for the run)',
      })
      .option('upload', { type: 'string', describe: 'Collector URL to upload the results to at the end (the local file is kept)' })
      .option('token', { type: 'string', describe: 'Bearer token for --upload (default: $VIRTAX_TOKEN)' })
      .option('attempt-timeout', {
        type: 'number',
        describe: 'With --upload: longest one upload attempt may take, seconds (default 60; $VIRTAX_UPLOAD_ATTEMPT_TIMEOUT)',
      })
      .option('workload', {
        type: 'string',
        array: true,
        describe: 'Your own tinybench module (repeatable): each task runs as user.<name> beside the built-ins (docs/workloads.md)',
      })
      .option('workload-timeout', {
        type: 'number',
        describe: `Time limit per batch of a --workload task, seconds (default ${DEFAULT_BATCH_TIMEOUT_SECONDS})`,
      })
      .option('runs', {
        type: 'number',
        default: 1,
        describe: 'Replicate runs: N separate runs one after another, one results file each (same label), for compare --base/--cand',
      })
      .option('json', {
        type: 'boolean',
        describe: 'Print a JSON summary (file written, workloads, medians) on stdout instead of the table',
      })
      .option('quiet', {
        type: 'boolean',
        alias: 'q',
        describe: 'No progress bar, table or "wrote" line; errors only (combine with --json for just the JSON)',
      })
      .option('markdown', { type: 'string', describe: 'Also write the run summary as Markdown to this file' })
      .option('csv', { type: 'string', describe: 'Also write one CSV line per workload to this file' })
      .option('junit', {
        type: 'string',
        describe: 'Also write JUnit XML to this file (a failed workload fails, a skipped one is skipped)',
      })
      .option('html', { type: 'string', describe: 'Also write the self-contained HTML report of this host to this file' })
      .example('virtax run --suite quick', 'smoke run, under 2 minutes')
      .example('virtax run --suite standard --label kvm-m5.large', 'a real measurement of a VM class')
      .example(
        'virtax run --suite full --upload https://collector:7070 --attempt-timeout 300',
        'upload at the end over a slow link: up to 5 minutes per attempt',
      )
      .example('virtax run --only mem.latency sys --rounds 20', 'memory latency and every syscall workload, 20 rounds')
      .example('virtax run --only net --peer 10.0.0.2:7878', 'network workloads against a peer on another host')
      .example('virtax run --workload ./my-bench.mjs --only user cpu.int', 'your own tinybench tasks, with cpu.int as a reference')
      .example(
        'virtax run --suite standard --runs 3 --label kvm --out results/kvm.json',
        'three replicate runs: results/kvm-run1.json ... kvm-run3.json',
      )
      .example('virtax run --resume results/kvm-2026-11-25T10-00-00Z.json', 'continue after Ctrl-C')
      .example('virtax run --suite quick --junit run.xml --html run.html', 'CI artifacts: a test report and the one-host report')
      .example('virtax run --only cpu --quiet --json | jq .file', 'in a script: just the JSON summary on stdout'),
  run: async (args: RunArgs) => {
    // Export paths are checked before anything runs (exit 2), and written after each run's results file.
    const runs = replicateCount(args.runs);
    // Replicate runs get `-runI` before the extension, as the results files do.
    const pathOf = (i: number) => (p: string) => (runs > 1 ? replicatePath(p, i) : p);
    for (let i = 1; i <= runs; i++) checkExports(args, pathOf(i));
    let progress: ReturnType<typeof progressReporter> | null = null;
    let current = 1;
    const { code, outs } = await runReplicates(args, {
      onRunStart: (i, n) => {
        current = i;
        if (n > 1 && !args.quiet) process.stderr.write(`virtax run: run ${i} of ${n}\n`);
        progress = progressReporter(args.progress !== false && !args.quiet);
      },
      onEvent: (e) => progress?.onEvent(e),
      onRunEnd: (one) => {
        progress?.stop();
        progress = null;
        printRun(args, one);
        const f = one.file;
        const render = { markdown: () => runMarkdown(f), csv: () => runCsv(f), junit: () => runJunit(f), html: () => runReportHtml(f) };
        const outputs = exportFiles(args, render, pathOf(current));
        writeOutputs(outputs);
        if (outputs.length && !args.quiet) process.stderr.write(`wrote ${outputs.map((o) => o.path).join(', ')}\n`);
      },
      log: (text) => process.stderr.write(text),
    }).finally(() => progress?.stop());
    const n = outs.length;
    if (code !== 130 && n > 1 && !args.quiet)
      process.stderr.write(
        `wrote ${n} replicate runs: ${outs.join(' ')}\ncompare them with: virtax compare --base ${outs.join(' ')} --cand OTHER-RUNS...\n`,
      );
    return code;
  },
};
