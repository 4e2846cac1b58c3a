/**
 * The HTML of one run (`virtax run --html`): the report of a single host, through the same pipeline and
 * renderer as `virtax report` (src/analysis/pipeline.ts): its distributions, noise and methodology, with no
 * comparison, since there is nothing to compare it against yet.
 */
import { renderReport } from '../report/html.js';
import type { ResultsFile } from '../types.js';
import { hostSetOf } from './hostset.js';
import { analyse } from './pipeline.js';

export function runReportHtml(file: ResultsFile, now: Date = new Date()): string {
  return renderReport(analyse(hostSetOf([file], { noisePct: 1 }), { profile: null, now }).model);
}
