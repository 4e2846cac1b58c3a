/**
 * The HTML the collector serves for `GET /report`:
 *   ?ids=a,b,...  the full report (src/analysis, src/report): every label against the first result's label,
 *                 results sharing a label being replicate runs of one host;
 *   ?label=L      the history of one host label: each workload's trend with change points (src/report/history-html.ts).
 */
import { hostSetOf } from '../analysis/hostset.js';
import { analyse } from '../analysis/pipeline.js';
import { renderReport } from '../report/html.js';
import type { ResultsFile } from '../types.js';
import { renderHistoryHtml } from '../report/history-html.js';

/** Fewer resamples than the CLI default keep a served report responsive; the page's methodology says so. */
const SERVED_RESAMPLES = 2000;

/**
 * The analysis pipeline (src/analysis) over the chosen results: the first one's label is the baseline, and
 * results sharing a label are replicate runs of one host. Runs in the render worker, one host after another.
 */
export function renderComparisonReport(chosen: ResultsFile[], now: Date = new Date()): string {
  const set = hostSetOf(chosen, { noisePct: 1, resamples: SERVED_RESAMPLES, seed: 1 });
  return renderReport(analyse(set, { now }).model);
}

export function renderHistoryReport(files: ResultsFile[], title?: string): string {
  return renderHistoryHtml(files, title);
}
