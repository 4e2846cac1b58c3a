/** What `virtax run` shows of a results file: the table printed at the end of a run and the `--json` summary. */
import { formatNumber, formatTable } from '../report/table.js';
import type { ResultsFile } from '../types.js';

/**
 * The table printed at the end of a run. `worst 1%` is the batch p99 taken in the metric's worse direction
 * (the slowest 1% of batches: for a rate it lies below the median). A cv needs two rounds: with one (an
 * interrupted run) it is shown as n/a, not 0.0%.
 */
export function formatRunSummary(file: ResultsFile, opts: { width?: number | null } = {}): string {
  const rows = file.workloads.map((w) => {
    if (w.status !== 'ok') return [w.id, '', w.status.toUpperCase(), '', '', '', '', '', w.reason];
    const s = w.summary;
    return [
      w.id,
      w.unit,
      formatNumber(s.median),
      s.rounds < 2 ? 'n/a' : `${(100 * s.cv).toFixed(1)}%`,
      formatNumber(s.p50),
      formatNumber(s.p99),
      s.stealPct === null ? '' : `${s.stealPct.toFixed(2)}%`,
      String(s.rounds),
      `${w.better} is better`,
    ];
  });
  return formatTable(['workload', 'unit', 'median', 'cv', 'batch p50', 'worst 1%', 'steal', 'rounds', 'direction / reason'], rows, [
    'left', 'left', 'right', 'right', 'right', 'right', 'right', 'right', 'left',
  ], { maxWidth: opts.width ?? null, shrink: [8] });
}

/** `run --json`: what the run wrote and each workload's summary, on stdout. */
export function runSummaryJson(file: ResultsFile, out: string, interrupted: boolean, seconds: number): string {
  return `${JSON.stringify(
    {
      file: out,
      id: file.id,
      label: file.label,
      finished: file.finishedAt !== null,
      interrupted,
      seconds,
      host: { platform: file.host.platform, hypervisor: file.host.hypervisor, container: file.host.container },
      stealPct: file.conditions.stealPct,
      workloads: file.workloads.map((w) =>
        w.status === 'ok'
          ? { id: w.id, status: w.status, unit: w.unit, better: w.better, rounds: w.summary.rounds, median: w.summary.median, cv: w.summary.rounds < 2 ? null : w.summary.cv, p50: w.summary.p50, worst1pct: w.summary.p99, stealPct: w.summary.stealPct }
          : { id: w.id, status: w.status, reason: w.reason },
      ),
    },
    null,
    2,
  )}\n`;
}
