/** The HTML report the collector serves for `GET /report`. Swap in src/report/html.ts here when it lands. */
import type { ResultsFile } from '../types.js';
import { renderSimpleReport } from './simple-report.js';

export const renderReport: (files: ResultsFile[], title?: string) => string = renderSimpleReport;
