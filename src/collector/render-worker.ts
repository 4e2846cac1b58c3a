/**
 * Worker thread of the collector's page renderer (renderer.ts): reads the chosen results files, builds the
 * HTML report or the history JSON, and sends the text back. Building a page (bootstrap resampling,
 * change-point permutations) takes seconds for many results; here it never blocks the server's event loop.
 */
import { readFileSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import type { ResultsFile } from '../types.js';
import { buildHistory } from './history.js';
import { renderComparisonReport, renderHistoryReport } from './report.js';
import type { RenderJob, RenderReply } from './renderer.js';
import type { DocumentSource } from './store.js';

function load(docs: DocumentSource): ResultsFile[] {
  const texts = docs.kind === 'paths' ? docs.paths.map((p) => readFileSync(p, 'utf8')) : docs.texts;
  return texts.map((t) => JSON.parse(t) as ResultsFile);
}

function render(job: RenderJob): string {
  const files = load(job.docs);
  switch (job.kind) {
    case 'comparison':
      return renderComparisonReport(files);
    case 'history-html':
      return renderHistoryReport(files, `virtax history (${files.length} results)`);
    case 'history-json':
      return `${JSON.stringify(buildHistory(files, job.label))}\n`;
  }
}

parentPort?.on('message', (msg: { seq: number; job: RenderJob }) => {
  let reply: RenderReply;
  try {
    reply = { seq: msg.seq, ok: true, text: render(msg.job) };
  } catch (e) {
    reply = { seq: msg.seq, ok: false, error: e instanceof Error ? e.message.split('\n')[0] ?? 'error' : String(e) };
  }
  parentPort?.postMessage(reply);
});
