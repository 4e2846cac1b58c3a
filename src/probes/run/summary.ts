/** What `virtax run` shows of a results file: the table printed at the end of a run and the `--json` summary. */
import { terminalTable } from '../../report/columns.js';
import { RUN_COLUMNS } from '../../report/run-exporters.js';
import type { ResultsFile } from '../../types.js';

/** The table printed at the end of a run: the run summary's column spec (src/report/run-exporters.ts). */
export function formatRunSummary(file: ResultsFile, opts: { width?: number | null } = {}): string {
  return terminalTable(RUN_COLUMNS, file.workloads, opts.width ?? null);
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
          ? {
              id: w.id,
              status: w.status,
              unit: w.unit,
              better: w.better,
              rounds: w.summary.rounds,
              median: w.summary.median,
              cv: w.summary.rounds < 2 ? null : w.summary.cv,
              p50: w.summary.p50,
              worst1pct: w.summary.p99,
              stealPct: w.summary.stealPct,
            }
          : { id: w.id, status: w.status, reason: w.reason },
      ),
    },
    null,
    2,
  )}\n`;
}
