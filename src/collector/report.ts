/**
 * The HTML the collector serves for `GET /report`:
 *   ?ids=a,b,...  the full report (src/report) comparing every result against the first one;
 *   ?label=L      the history of one host label: each workload's trend with change points (simple-report).
 */
import { compareAgainst, resolveBaseline, withDistinctLabels } from '../report/build.js';
import { renderReport } from '../report/html.js';
import { buildReportModel } from '../report/model.js';
import { compareResults } from '../stats/compare.js';
import type { ResultsFile } from '../types.js';
import { VERSION } from '../version.js';
import { renderSimpleReport } from './simple-report.js';

/** Fewer resamples than the CLI default keep a served report responsive; the page's methodology says so. */
const SERVED_RESAMPLES = 2000;

export function renderComparisonReport(chosen: ResultsFile[], now: Date = new Date()): string {
  const files = withDistinctLabels(chosen);
  const base = resolveBaseline(files);
  const opts = { resamples: SERVED_RESAMPLES, seed: 1 };
  const comparisons = compareAgainst(files, base, compareResults, opts);
  return renderReport(
    buildReportModel({ files, baseline: base.label, comparisons, noisePct: 1, advice: null, generatedAt: now.toISOString(), toolVersion: VERSION }),
  );
}

export function renderHistoryReport(files: ResultsFile[], title?: string): string {
  return renderSimpleReport(files, title);
}
